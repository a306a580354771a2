// Groups from a file, matched by external ID: new groups are written in bulk,
// known ones updated through GroupService (with history).
#include <unordered_map>

#include "core/text.h"
#include "importer/field_parsing.h"
#include "importer/importer.h"
#include "importer/recent_keys.h"
#include "importer/row_processor.h"
#include "registry/configuration_repository.h"
#include "registry/group_service.h"
#include "registry/validation.h"
#include "store/bulk_support.h"

namespace spmis::importer {
namespace {

enum Field { kExternalId, kKind, kName, kAreaCode, kStatus, kCoreFieldCount };
const std::vector<std::string> kCoreFields = {"external_id", "kind", "name", "area_code", "status"};

class GroupRows final : public RowProcessor {
 public:
  GroupRows(store::Connection& connection, store::Connection& lookups, int64_t import_id,
            Principal principal)
      : db_(connection),
        lookups_(lookups),
        import_id_(import_id),
        principal_(std::move(principal)),
        areas_(connection, principal_) {
    fields_ = kCoreFields;
    registry::ConfigurationRepository configuration(db_);
    custom_ = configuration.CustomFields(RegistrantKind::kGroup);
    for (const auto& field : custom_) fields_.push_back(field.name);
    for (const auto& kind : configuration.GroupKinds()) kinds_.push_back(kind.code);
  }

  std::vector<std::string> suspendable_indexes() const override { return {"registry_groups_area"}; }
  std::string table() const override { return "registry_groups"; }
  std::vector<std::string> written_tables() const override { return {"registry_groups"}; }

  const std::vector<std::string>& fields() const override { return fields_; }
  std::vector<std::vector<std::string>> required() const override { return {{"external_id"}}; }

  void Prepare(RowBatch& batch) override {
    batch_seen_.clear();  // earlier batches are found in the database
    PrepareCandidates<Candidate>(batch, [this](ImportRow& row) { return Parse(row); });
    Match(lookups_, PreparedCandidates<Candidate>(batch), [](const Candidate&) { return true; });
  }

  void Write(RowBatch& batch) override {
    auto& candidates = PreparedCandidates<Candidate>(batch);
    // Keys this import may have written since Prepare looked them up are
    // looked up again, here, where this import's writes are seen.
    recent_.Forget(batch.commits_seen);
    Match(db_, candidates, [&](const Candidate& c) {
      return recent_.MayHold(*c.group.external_id, batch.commits_seen);
    });
    std::vector<Candidate*> creates;
    for (auto& c : candidates) {
      if (c.row->failed()) continue;
      if (!c.match) {
        creates.push_back(&c);
      } else if (c.match->tag == import_id_) {
        c.row->Fail("external_id: external ID " + *c.group.external_id +
                    " is repeated in this file (an earlier row has it)");
      } else {
        Update(c, c.match->id);
      }
    }
    Create(creates);
  }

  void Committed() override { recent_.Committed(); }

 private:
  struct Candidate {
    ImportRow* row;
    registry::Group group;
    std::vector<bool> present;
    std::optional<store::KeyMatch> match;  // who holds the external ID in the registry
  };

  // Looks up, on `connection`, the external IDs of the candidates `which`
  // selects and sets their matches.
  template <typename Which>
  void Match(store::Connection& connection, std::vector<Candidate>& candidates, Which which) {
    std::vector<std::string> keys;
    for (const auto& c : candidates) {
      if (!c.row->failed() && which(c)) keys.push_back(*c.group.external_id);
    }
    if (keys.empty()) return;
    auto existing = store::LookupKeys(
        connection, "SELECT external_id, id, import_id FROM registry_groups WHERE external_id",
        keys);
    for (auto& c : candidates) {
      if (c.row->failed() || !which(c)) continue;
      c.match.reset();
      if (auto it = existing.find(*c.group.external_id); it != existing.end()) c.match = it->second;
    }
  }

  Candidate Parse(ImportRow& row) {
    Candidate c{&row, {}, std::vector<bool>(fields_.size(), false), {}};
    auto value = [&](int index) {
      auto v = row.Value(index);
      if (v) c.present[static_cast<size_t>(index)] = true;
      return v;
    };
    registry::Group& g = c.group;
    std::vector<FieldError> errors;
    registry::FieldChecker check(errors);
    g.external_id = value(kExternalId);
    if (!g.external_id) {
      check.Fail("external_id", "is required (memberships name groups by it)");
    } else {
      check.Text("external_id", *g.external_id, 100, true);
      auto [it, inserted] = batch_seen_.emplace(*g.external_id, row.number);
      if (!inserted) {
        check.Fail("external_id", "external ID " + *g.external_id +
                                      " is repeated in this file (first at row " +
                                      std::to_string(it->second) + ")");
      }
    }
    if (auto kind = value(kKind)) {
      g.kind = ToLowerAscii(*kind);
      bool declared = false;
      for (const auto& k : kinds_) declared = declared || k == g.kind;
      if (!declared) check.Fail("kind", "'" + *kind + "' is not a declared group kind");
    }
    g.name = value(kName).value_or("");
    check.Text("name", g.name, 200, false);
    if (auto area = value(kAreaCode)) {
      g.area_code = *area;
      auto id = areas_.Resolve(*area);
      if (id.ok()) {
        g.area_id = *id;
      } else {
        check.Fail("area_code", id.error().message);
      }
    } else if (!areas_.AllowsNoArea()) {
      check.Fail("area_code", "is required: you may only register groups in your areas");
    }
    if (auto status = value(kStatus)) {
      auto parsed = registry::ParseGroupStatus(ToLowerAscii(*status));
      if (parsed) {
        g.status = *parsed;
      } else {
        check.Fail("status", "'" + *status + "' is not active or inactive");
      }
    }
    ParseCustomCells(
        custom_, [&](size_t i) { return value(static_cast<int>(kCoreFieldCount + i)); }, g.custom,
        errors);
    for (const auto& e : errors) row.Fail(e.field + ": " + e.message);
    return c;
  }

  void Update(Candidate& c, int64_t id) {
    registry::GroupService service(db_, principal_);
    auto current = service.Get(id);
    if (!current.ok()) {
      c.row->Fail(current.error().ToString());
      return;
    }
    registry::Group merged = *current;
    auto given = [&](Field f) { return c.present[static_cast<size_t>(f)]; };
    if (given(kKind)) merged.kind = c.group.kind;
    if (given(kName)) merged.name = c.group.name;
    if (given(kAreaCode)) {
      merged.area_code = c.group.area_code;
      merged.area_id = c.group.area_id;
    }
    if (given(kStatus)) merged.status = c.group.status;
    for (const auto& [name, value] : c.group.custom) merged.custom[name] = value;
    int64_t version = merged.version;
    auto updated = service.Update(merged, version);
    if (!updated.ok()) {
      c.row->Fail(updated.error());
      return;
    }
    c.row->outcome =
        updated->version == version ? ImportRow::Outcome::kUnchanged : ImportRow::Outcome::kUpdated;
  }

  void Create(const std::vector<Candidate*>& creates) {
    std::vector<Candidate*> valid;
    for (auto* c : creates) {
      std::vector<FieldError> errors;
      (void)registry::ValidateCustomValues(custom_, c->group.custom, true, errors);
      for (const auto& e : errors) c->row->Fail(e.field + ": " + e.message);
      if (!c->row->failed()) valid.push_back(c);
    }
    if (valid.empty()) return;
    auto ids = store::ReserveIds(db_, "registry_groups", static_cast<int64_t>(valid.size()));
    Timestamp now = Timestamp::Now();
    const std::string now_text = now.ToString();
    {
      auto groups = db_.BulkInsert(
          "registry_groups", {"id", "external_id", "kind", "name", "area_id", "custom", "status",
                              "version", "created_at", "updated_at", "import_id"});
      for (size_t i = 0; i < valid.size(); ++i) {
        auto& g = valid[i]->group;
        g.id = ids[i];
        groups->Add(g.id);
        groups->Add(g.external_id);
        groups->Add(g.kind);
        groups->Add(g.name);
        groups->Add(g.area_id);
        groups->Add(registry::EncodeCustomValues(g.custom));
        groups->Add(registry::GroupStatusName(g.status));
        groups->Add(int64_t{1});
        groups->Add(now_text);
        groups->Add(now_text);
        groups->Add(import_id_);
        groups->EndRow();
      }
      groups->Finish();
    }
    for (auto* c : valid) {
      c->row->outcome = ImportRow::Outcome::kCreated;
      recent_.Add(*c->group.external_id);
    }
  }

  store::Connection& db_;
  store::Connection& lookups_;
  int64_t import_id_;
  Principal principal_;
  AreaCodes areas_;
  std::vector<registry::CustomField> custom_;
  std::vector<std::string> kinds_;
  std::vector<std::string> fields_;
  std::unordered_map<std::string, int64_t> batch_seen_;
  RecentKeys recent_{kSqliteCommitRows};
};

}  // namespace

std::unique_ptr<RowProcessor> MakeGroupRowProcessor(store::Connection& connection,
                                                    store::Connection& lookups, int64_t import_id,
                                                    const Principal& principal) {
  return std::make_unique<GroupRows>(connection, lookups, import_id, principal);
}

}  // namespace spmis::importer
