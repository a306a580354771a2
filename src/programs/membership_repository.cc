#include "programs/membership_repository.h"

#include "store/bulk_support.h"

namespace spmis::programs {
namespace {

constexpr const char* kSelect =
    "SELECT id, program_id, registrant_id, state, rule_version, reason, priority, enrolled_at, "
    "updated_at FROM program_memberships ";

ProgramMembership Read(store::Statement& row) {
  ProgramMembership m;
  m.id = row.Int(0);
  m.program_id = row.Int(1);
  m.registrant_id = row.Int(2);
  m.state = ParseMembershipState(row.Text(3)).value_or(MembershipState::kDraft);
  if (auto v = row.OptionalInt(4)) m.rule_version = static_cast<int>(*v);
  m.reason = row.Text(5);
  m.priority = row.OptionalDouble(6);
  m.enrolled_at = row.OptionalTimestamp(7);
  m.updated_at = row.TimestampAt(8);
  return m;
}

}  // namespace

std::unordered_map<int64_t, ProgramMembership> MembershipRepository::InRange(int64_t program_id,
                                                                             int64_t first,
                                                                             int64_t last) {
  auto query = db_.Prepare(std::string(kSelect) +
                           "WHERE program_id = $1 AND registrant_id BETWEEN $2 AND $3");
  query->Bind(1, program_id).Bind(2, first).Bind(3, last);
  std::unordered_map<int64_t, ProgramMembership> found;
  while (query->Step()) {
    ProgramMembership m = Read(*query);
    found.emplace(m.registrant_id, std::move(m));
  }
  return found;
}

std::vector<int64_t> MembershipRepository::EnrolledBefore(int64_t program_id, int64_t first,
                                                          int64_t last, Timestamp before) {
  // SQLite compares the fixed-width UTC texts every timestamp is stored as,
  // PostgreSQL the timestamps: the same order.
  auto query = db_.Prepare(
      "SELECT registrant_id FROM program_memberships WHERE program_id = $1 AND registrant_id "
      "BETWEEN $2 AND $3 AND state = 'enrolled' AND enrolled_at < $4 ORDER BY registrant_id");
  query->Bind(1, program_id).Bind(2, first).Bind(3, last).Bind(4, before);
  std::vector<int64_t> ids;
  while (query->Step()) ids.push_back(query->Int(0));
  return ids;
}

std::optional<ProgramMembership> MembershipRepository::Find(int64_t program_id,
                                                            int64_t registrant_id) {
  auto found = InRange(program_id, registrant_id, registrant_id);
  if (found.empty()) return std::nullopt;
  return std::move(found.begin()->second);
}

std::optional<ProgramMembership> MembershipRepository::FindById(int64_t id) {
  auto query = db_.Prepare(std::string(kSelect) + "WHERE id = $1");
  query->Bind(1, id);
  if (!query->Step()) return std::nullopt;
  ProgramMembership m = Read(*query);
  query->Reset();
  return m;
}

void MembershipRepository::Apply(int64_t program_id, std::vector<StateChange>& changes,
                                 std::optional<int> rule_version, const std::string& actor,
                                 std::optional<int64_t> job_id, Timestamp at) {
  int64_t created = 0;
  for (const auto& c : changes) created += c.membership_id == 0 ? 1 : 0;
  if (created > 0) {
    auto ids = store::ReserveIds(db_, "program_memberships", created);
    auto writer = db_.BulkInsert("program_memberships",
                                 {"id", "program_id", "registrant_id", "state", "rule_version",
                                  "reason", "priority", "enrolled_at", "updated_at"});
    size_t next = 0;
    for (auto& c : changes) {
      if (c.membership_id != 0) continue;
      c.membership_id = ids[next++];
      writer->Add(c.membership_id);
      writer->Add(program_id);
      writer->Add(c.registrant_id);
      writer->Add(MembershipStateName(c.to));
      writer->Add(rule_version ? std::optional<int64_t>(*rule_version) : std::nullopt);
      writer->Add(c.reason);
      writer->Add(c.priority);
      writer->Add(c.to == MembershipState::kEnrolled ? std::optional<Timestamp>(at) : std::nullopt);
      writer->Add(at);
      writer->EndRow();
    }
    writer->Finish();
  }
  auto update = db_.Prepare(
      "UPDATE program_memberships SET state = $1, rule_version = $2, reason = $3, "
      "priority = COALESCE($4, priority), enrolled_at = CASE WHEN $1 = 'enrolled' AND "
      "enrolled_at IS NULL THEN $5 ELSE enrolled_at END, updated_at = $5 WHERE id = $6");
  for (const auto& c : changes) {
    if (!c.from) continue;  // just created
    update->Bind(1, MembershipStateName(c.to))
        .Bind(2, rule_version)
        .Bind(3, c.reason)
        .Bind(4, c.priority)
        .Bind(5, at)
        .Bind(6, c.membership_id)
        .Execute();
    update->Reset();
  }
  auto events = db_.BulkInsert("program_membership_events",
                               {"membership_id", "from_state", "to_state", "reason", "rule_version",
                                "actor", "job_id", "at"});
  for (const auto& c : changes) {
    events->Add(c.membership_id);
    if (c.from) {
      events->Add(MembershipStateName(*c.from));
    } else {
      events->AddNull();
    }
    events->Add(MembershipStateName(c.to));
    events->Add(c.reason);
    events->Add(rule_version ? std::optional<int64_t>(*rule_version) : std::nullopt);
    events->Add(actor);
    events->Add(job_id);
    events->Add(at);
    events->EndRow();
  }
  events->Finish();
}

void MembershipRepository::SetPriority(int64_t membership_id, double priority) {
  auto update = db_.Prepare("UPDATE program_memberships SET priority = $1 WHERE id = $2");
  update->Bind(1, priority).Bind(2, membership_id).Execute();
}

std::map<MembershipState, int64_t> MembershipRepository::CountByState(int64_t program_id) {
  auto query = db_.Prepare(
      "SELECT state, COUNT(*) FROM program_memberships WHERE program_id = $1 GROUP BY state");
  query->Bind(1, program_id);
  std::map<MembershipState, int64_t> counts;
  while (query->Step()) {
    if (auto state = ParseMembershipState(query->Text(0))) counts[*state] = query->Int(1);
  }
  return counts;
}

int64_t MembershipRepository::CountIn(int64_t program_id,
                                      const std::vector<MembershipState>& states) {
  auto counts = CountByState(program_id);
  int64_t total = 0;
  for (auto state : states) total += counts[state];
  return total;
}

std::vector<ProgramMembership> MembershipRepository::List(int64_t program_id,
                                                          std::optional<MembershipState> state,
                                                          int64_t after_id, int limit) {
  std::string sql = std::string(kSelect) + "WHERE program_id = $1 AND id > $2";
  if (state) sql += " AND state = $4";
  sql += " ORDER BY id LIMIT $3";
  auto query = db_.Prepare(sql);
  query->Bind(1, program_id).Bind(2, after_id).Bind(3, static_cast<int64_t>(limit));
  if (state) query->Bind(4, MembershipStateName(*state));
  std::vector<ProgramMembership> list;
  while (query->Step()) list.push_back(Read(*query));
  return list;
}

std::vector<ProgramMembership> MembershipRepository::Waiting(int64_t program_id, int64_t limit,
                                                             const std::string& registrant_table) {
  // The table name is one of two constants chosen by the caller, never input.
  auto query = db_.Prepare(
      "SELECT m.id, m.program_id, m.registrant_id, m.state, m.rule_version, m.reason, "
      "m.priority, m.enrolled_at, m.updated_at FROM program_memberships m JOIN " +
      registrant_table +
      " r ON r.id = m.registrant_id WHERE m.program_id = $1 AND m.state = 'draft' "
      "ORDER BY CASE WHEN m.priority IS NULL THEN 1 ELSE 0 END, m.priority DESC, "
      "r.created_at, r.id LIMIT $2");
  query->Bind(1, program_id).Bind(2, limit);
  std::vector<ProgramMembership> list;
  while (query->Step()) list.push_back(Read(*query));
  return list;
}

std::vector<MembershipEvent> MembershipRepository::Events(int64_t membership_id) {
  auto query = db_.Prepare(
      "SELECT id, membership_id, from_state, to_state, reason, rule_version, actor, job_id, at "
      "FROM program_membership_events WHERE membership_id = $1 ORDER BY id");
  query->Bind(1, membership_id);
  std::vector<MembershipEvent> events;
  while (query->Step()) {
    MembershipEvent e;
    e.id = query->Int(0);
    e.membership_id = query->Int(1);
    if (auto from = query->OptionalText(2)) e.from_state = ParseMembershipState(*from);
    e.to_state = ParseMembershipState(query->Text(3)).value_or(MembershipState::kDraft);
    e.reason = query->Text(4);
    if (auto v = query->OptionalInt(5)) e.rule_version = static_cast<int>(*v);
    e.actor = query->Text(6);
    e.job_id = query->OptionalInt(7);
    e.at = query->TimestampAt(8);
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace spmis::programs
