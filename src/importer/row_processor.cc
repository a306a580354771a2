#include "importer/row_processor.h"

#include "core/text.h"

namespace spmis::importer {

std::unique_ptr<RowProcessor> MakeAreaRowProcessor(store::Connection&, int64_t, const Principal&);
std::unique_ptr<RowProcessor> MakeIndividualRowProcessor(store::Connection&, int64_t,
                                                         const Principal&);
std::unique_ptr<RowProcessor> MakeGroupRowProcessor(store::Connection&, int64_t, const Principal&);
std::unique_ptr<RowProcessor> MakeMembershipRowProcessor(store::Connection&, int64_t,
                                                         const Principal&);

std::optional<std::string> ImportRow::Value(int index) const {
  for (size_t i = 0; i < columns.size() && i < cells.size(); ++i) {
    if (columns[i] != index) continue;
    std::string_view value = Trim(cells[i]);
    if (value.empty()) return std::nullopt;
    return std::string(value);
  }
  return std::nullopt;
}

void WriteCreatedHistory(store::Connection& connection, RegistrantKind kind,
                         const std::vector<int64_t>& ids, int64_t import_id, const Actor& actor,
                         const std::string& when) {
  std::string provenance = "import " + std::to_string(import_id);
  auto history = connection.BulkInsert(
      "registrant_history",
      {"registrant_kind", "registrant_id", "action", "new_value", "actor", "changed_at"});
  for (int64_t id : ids) {
    history->Add(RegistrantKindName(kind));
    history->Add(id);
    history->Add("created");
    history->Add(provenance);
    history->Add(actor.name);
    history->Add(when);
    history->EndRow();
  }
  history->Finish();
}

std::unique_ptr<RowProcessor> MakeRowProcessor(ImportKind kind, store::Connection& connection,
                                               int64_t import_id, const Principal& principal) {
  switch (kind) {
    case ImportKind::kAreas:
      return MakeAreaRowProcessor(connection, import_id, principal);
    case ImportKind::kIndividuals:
      return MakeIndividualRowProcessor(connection, import_id, principal);
    case ImportKind::kGroups:
      return MakeGroupRowProcessor(connection, import_id, principal);
    case ImportKind::kMemberships:
      return MakeMembershipRowProcessor(connection, import_id, principal);
  }
  return nullptr;
}

}  // namespace spmis::importer
