// Areas from a file, parents before children, matched by code: a known area
// gets its new name; a new one is created under its parent through
// AreaService (areas are few, so row by row is fast enough).
#include "core/text.h"
#include "importer/row_processor.h"
#include "registry/area_repository.h"
#include "registry/area_service.h"

namespace spmis::importer {
namespace {

enum Field { kCode, kName, kLevel, kParentCode };
const std::vector<std::string> kFields = {"code", "name", "level", "parent_code"};

class AreaRows final : public RowProcessor {
 public:
  AreaRows(store::Connection& connection, Principal principal)
      : db_(connection), principal_(std::move(principal)) {}

  const std::vector<std::string>& fields() const override { return kFields; }
  std::vector<std::vector<std::string>> required() const override { return {{"code"}, {"name"}}; }

  void Write(RowBatch& batch) override {
    auto& rows = batch.rows;
    registry::AreaRepository repository(db_);
    registry::AreaService service(db_, principal_);
    for (auto& row : rows) {
      registry::Area area;
      area.code = row.Value(kCode).value_or("");
      area.name = row.Value(kName).value_or("");
      area.parent_code = row.Value(kParentCode).value_or("");
      std::optional<int64_t> level;
      if (auto text = row.Value(kLevel)) {
        level = ParseInt64(*text);
        if (!level || *level < 0) {
          row.Fail("level: '" + *text + "' is not a whole number from 0");
          continue;
        }
        area.level = static_cast<int>(*level);
      }
      if (area.code.empty()) row.Fail("code: is required");
      if (area.name.empty()) row.Fail("name: is required");
      if (row.failed()) continue;
      if (auto existing = repository.FindByCode(area.code)) {
        if (existing->parent_code != area.parent_code) {
          row.Fail("parent_code: area " + area.code + " is already under '" +
                   existing->parent_code + "'; moving areas is not done by import");
        } else if (existing->name == area.name) {
          row.outcome = ImportRow::Outcome::kUnchanged;
        } else {
          repository.Rename(existing->id, area.name, Timestamp::Now());
          row.outcome = ImportRow::Outcome::kUpdated;
        }
        continue;
      }
      if (level && !area.parent_code.empty()) {
        auto parent = repository.FindByCode(area.parent_code);
        if (parent && parent->level + 1 != *level) {
          row.Fail("level: " + std::to_string(*level) + " does not follow its parent's level " +
                   std::to_string(parent->level));
          continue;
        }
      }
      auto created = service.Create(area);
      if (!created.ok()) {
        row.Fail(created.error());
        continue;
      }
      row.outcome = ImportRow::Outcome::kCreated;
    }
  }

 private:
  store::Connection& db_;
  Principal principal_;
};

}  // namespace

std::unique_ptr<RowProcessor> MakeAreaRowProcessor(store::Connection& connection, int64_t,
                                                   const Principal& principal) {
  return std::make_unique<AreaRows>(connection, principal);
}

}  // namespace spmis::importer
