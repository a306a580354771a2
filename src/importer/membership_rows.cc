// Memberships from a file: a group and a person named by external ID, a
// declared role, a period. A person already a current member of the group
// with the same role is left as is (re-importing changes nothing); a
// household gets at most one current head, whether the head is already in
// the registry or earlier in the file.
#include <map>
#include <set>
#include <unordered_map>

#include "core/registrant_id.h"
#include "core/text.h"
#include "importer/import_repository.h"
#include "importer/row_processor.h"
#include "registry/configuration_repository.h"
#include "registry/group.h"
#include "store/bulk_support.h"

namespace spmis::importer {
namespace {

enum Field { kGroup, kIndividual, kRole, kStartDate, kEndDate };
const std::vector<std::string> kFields = {"group_external_id", "individual_external_id", "role",
                                          "start_date", "end_date"};

class MembershipRows final : public RowProcessor {
 public:
  MembershipRows(store::Connection& connection, store::Connection& lookups, int64_t import_id,
                 Principal principal)
      : db_(connection),
        lookups_(lookups),
        import_id_(import_id),
        principal_(std::move(principal)) {
    for (const auto& role : registry::ConfigurationRepository(db_).Roles())
      roles_.insert(role.code);
  }

  std::vector<std::string> suspendable_indexes() const override {
    return {"group_memberships_individual"};
  }
  std::string table() const override { return "group_memberships"; }
  std::vector<std::string> written_tables() const override { return {"group_memberships"}; }

  const std::vector<std::string>& fields() const override { return kFields; }
  std::vector<std::vector<std::string>> required() const override {
    return {{"group_external_id"}, {"individual_external_id"}, {"role"}};
  }

  void Prepare(RowBatch& batch) override {
    // Repeats within the batch are caught in Write, those of earlier batches in
    // the database (memberships this import created): memory stays bounded.
    PrepareCandidates<Candidate>(batch, [this](ImportRow& row) { return Parse(row); });
    // The groups and people named are looked up here, on the look-up
    // connection: a memberships import creates neither, so what is committed
    // is what there is.
    auto& candidates = PreparedCandidates<Candidate>(batch);
    std::vector<std::string> group_keys, person_keys;
    for (const auto& c : candidates) {
      if (c.row->failed()) continue;
      group_keys.push_back(c.group_key);
      person_keys.push_back(c.person_key);
    }
    // Out of the principal's areas, a group or person is as if unknown.
    const std::string scope = AreaScopeCondition();
    auto groups = store::LookupIds(
        lookups_, "SELECT external_id, id FROM registry_groups WHERE " + scope + "external_id",
        group_keys);
    auto people = store::LookupIds(
        lookups_, "SELECT external_id, id FROM individuals WHERE " + scope + "external_id",
        person_keys);
    for (auto& c : candidates) {
      if (c.row->failed()) continue;
      auto g = groups.find(c.group_key);
      auto p = people.find(c.person_key);
      if (g == groups.end())
        c.row->Fail("group_external_id: no group with external ID " + c.group_key);
      if (p == people.end())
        c.row->Fail("individual_external_id: no individual with external ID " + c.person_key);
      if (c.row->failed()) continue;
      c.membership.group_id = g->second;
      c.membership.individual_id = p->second;
    }
  }

  void Write(RowBatch& batch) override {
    auto& candidates = PreparedCandidates<Candidate>(batch);
    batch_pairs_.clear();
    batch_heads_.clear();
    std::set<int64_t> group_ids;
    for (const auto& c : candidates) {
      if (!c.row->failed()) group_ids.insert(c.membership.group_id);
    }
    // What the registry already holds for these groups.
    std::map<std::pair<int64_t, int64_t>, CurrentMembership> current;  // (group, person)
    std::unordered_map<int64_t, int64_t> heads;                        // group -> person
    for (const auto& m :
         ImportRepository(db_).CurrentMemberships({group_ids.begin(), group_ids.end()})) {
      current[{m.group_id, m.individual_id}] = m;
      if (m.role == registry::kHeadRole) heads[m.group_id] = m.individual_id;
    }

    std::vector<Candidate*> creates;
    for (auto& c : candidates) {
      if (c.row->failed()) continue;
      auto key = std::make_pair(c.membership.group_id, c.membership.individual_id);
      if (auto it = current.find(key); it != current.end()) {
        if (it->second.import_id == import_id_) {
          c.row->Fail("individual_external_id: " + c.person_key + " is already listed in " +
                      c.group_key + " by an earlier row of this file");
        } else if (it->second.role == c.membership.role) {
          c.row->outcome = ImportRow::Outcome::kUnchanged;
        } else {
          c.row->Fail("role: " + c.person_key + " is already a member of " + c.group_key + " as " +
                      it->second.role + " (end that membership to change the role)");
        }
        continue;
      }
      if (auto [it, inserted] = batch_pairs_.emplace(key, c.row->number); !inserted) {
        c.row->Fail("individual_external_id: " + c.person_key + " is already listed in " +
                    c.group_key + " at row " + std::to_string(it->second));
        continue;
      }
      if (c.membership.role == registry::kHeadRole && !c.membership.end_date) {
        if (auto head = heads.find(c.membership.group_id); head != heads.end()) {
          c.row->Fail("role: group " + c.group_key + " already has a head (" +
                      RegistrantId{RegistrantKind::kIndividual, head->second}.ToString() + ")");
          continue;
        }
        if (auto [it, inserted] = batch_heads_.emplace(c.membership.group_id, c.row->number);
            !inserted) {
          c.row->Fail("role: group " + c.group_key + " already has a head at row " +
                      std::to_string(it->second));
          continue;
        }
      }
      creates.push_back(&c);
    }
    Create(creates);
  }

 private:
  // "area_id IN (...) AND " limiting a lookup to the principal's areas, or
  // nothing. The paths are the database's own ("/1/5/"), digits and slashes;
  // anything else would be a bug, and matches nothing rather than be spliced.
  std::string AreaScopeCondition() const {
    if (principal_.area_paths.empty()) return "";
    std::string sql = "area_id IN (SELECT id FROM areas WHERE 1 = 0";
    for (const auto& path : principal_.area_paths) {
      if (path.find_first_not_of("0123456789/") != std::string::npos) continue;
      sql += " OR path LIKE '" + path + "%'";
    }
    return sql + ") AND ";
  }

  struct Candidate {
    ImportRow* row;
    std::string group_key;
    std::string person_key;
    registry::Membership membership;
  };

  Candidate Parse(ImportRow& row) {
    Candidate c{&row, row.Value(kGroup).value_or(""), row.Value(kIndividual).value_or(""), {}};
    if (c.group_key.empty()) row.Fail("group_external_id: is required");
    if (c.person_key.empty()) row.Fail("individual_external_id: is required");
    auto role = row.Value(kRole);
    if (!role) {
      row.Fail("role: is required");
    } else {
      c.membership.role = ToLowerAscii(*role);
      if (!roles_.count(c.membership.role))
        row.Fail("role: '" + *role + "' is not a declared role");
    }
    if (auto start = row.Value(kStartDate)) {
      c.membership.start_date = Date::Parse(*start);
      if (!c.membership.start_date)
        row.Fail("start_date: '" + *start + "' is not a date (YYYY-MM-DD)");
    }
    if (auto end = row.Value(kEndDate)) {
      c.membership.end_date = Date::Parse(*end);
      if (!c.membership.end_date) row.Fail("end_date: '" + *end + "' is not a date (YYYY-MM-DD)");
    }
    if (c.membership.start_date && c.membership.end_date &&
        *c.membership.end_date < *c.membership.start_date) {
      row.Fail("end_date: is before start_date");
    }
    return c;
  }

  void Create(const std::vector<Candidate*>& creates) {
    if (creates.empty()) return;
    Timestamp now = Timestamp::Now();
    const std::string now_text = now.ToString();
    Date today = now.date();
    {
      auto writer = db_.BulkInsert("group_memberships",
                                   {"group_id", "individual_id", "role", "start_date", "end_date",
                                    "created_at", "updated_at", "import_id"});
      for (auto* c : creates) {
        const auto& m = c->membership;
        writer->Add(m.group_id);
        writer->Add(m.individual_id);
        writer->Add(m.role);
        writer->Add(m.start_date ? *m.start_date : today);
        writer->Add(m.end_date);
        writer->Add(now_text);
        writer->Add(now_text);
        writer->Add(import_id_);
        writer->EndRow();
      }
      writer->Finish();
    }
    for (auto* c : creates) c->row->outcome = ImportRow::Outcome::kCreated;
  }

  store::Connection& db_;
  store::Connection& lookups_;
  int64_t import_id_;
  Principal principal_;
  std::set<std::string> roles_;
  std::map<std::pair<int64_t, int64_t>, int64_t> batch_pairs_;  // -> row number
  std::unordered_map<int64_t, int64_t> batch_heads_;
};

}  // namespace

std::unique_ptr<RowProcessor> MakeMembershipRowProcessor(store::Connection& connection,
                                                         store::Connection& lookups,
                                                         int64_t import_id,
                                                         const Principal& principal) {
  return std::make_unique<MembershipRows>(connection, lookups, import_id, principal);
}

}  // namespace spmis::importer
