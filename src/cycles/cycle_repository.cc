#include "cycles/cycle_repository.h"

#include "store/bulk_support.h"

namespace spmis::cycles {
namespace {

constexpr const char* kSelect =
    "SELECT c.id, c.program_id, p.code, c.sequence, c.start_date, c.end_date, c.state, "
    "c.prepared_by, c.submitted_by, c.approvals_needed, c.version, c.created_by, c.created_at, "
    "c.updated_at FROM cycles c JOIN programs p ON p.id = c.program_id ";

Cycle Read(store::Statement& row) {
  Cycle c;
  c.id = row.Int(0);
  c.program_id = row.Int(1);
  c.program_code = row.Text(2);
  c.sequence = static_cast<int>(row.Int(3));
  c.start_date = *row.OptionalDate(4);
  c.end_date = *row.OptionalDate(5);
  c.state = ParseCycleState(row.Text(6)).value_or(CycleState::kDraft);
  c.prepared_by = row.OptionalText(7).value_or("");
  c.submitted_by = row.OptionalText(8).value_or("");
  c.approvals_needed = static_cast<int>(row.Int(9));
  c.version = row.Int(10);
  c.created_by = row.Text(11);
  c.created_at = row.TimestampAt(12);
  c.updated_at = row.TimestampAt(13);
  return c;
}

std::optional<std::string> NonEmpty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace

void CycleRepository::Insert(Cycle& c) {
  auto next =
      db_.Prepare("SELECT COALESCE(MAX(sequence), 0) + 1 FROM cycles WHERE program_id = $1");
  next->Bind(1, c.program_id);
  next->Step();
  c.sequence = static_cast<int>(next->Int(0));
  next->Reset();
  c.version = 1;
  auto insert = db_.Prepare(
      "INSERT INTO cycles (program_id, sequence, start_date, end_date, state, approvals_needed, "
      "version, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, "
      "$9) RETURNING id");
  insert->Bind(1, c.program_id)
      .Bind(2, c.sequence)
      .Bind(3, c.start_date)
      .Bind(4, c.end_date)
      .Bind(5, CycleStateName(c.state))
      .Bind(6, c.approvals_needed)
      .Bind(7, c.created_by)
      .Bind(8, c.created_at)
      .Bind(9, c.updated_at);
  insert->Step();
  c.id = insert->Int(0);
  insert->Reset();
}

std::optional<Cycle> CycleRepository::Find(int64_t id) {
  auto query = db_.Prepare(std::string(kSelect) + "WHERE c.id = $1");
  query->Bind(1, id);
  if (!query->Step()) return std::nullopt;
  Cycle c = Read(*query);
  query->Reset();
  return c;
}

std::vector<Cycle> CycleRepository::ForProgram(int64_t program_id) {
  auto query = db_.Prepare(std::string(kSelect) + "WHERE c.program_id = $1 ORDER BY c.sequence");
  query->Bind(1, program_id);
  std::vector<Cycle> cycles;
  while (query->Step()) cycles.push_back(Read(*query));
  return cycles;
}

bool CycleRepository::Update(Cycle& c, int64_t expected_version) {
  auto update = db_.Prepare(
      "UPDATE cycles SET state = $1, prepared_by = $2, submitted_by = $3, approvals_needed = $4, "
      "version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7");
  update->Bind(1, CycleStateName(c.state))
      .Bind(2, NonEmpty(c.prepared_by))
      .Bind(3, NonEmpty(c.submitted_by))
      .Bind(4, c.approvals_needed)
      .Bind(5, c.updated_at)
      .Bind(6, c.id)
      .Bind(7, expected_version);
  if (update->Execute() != 1) return false;
  c.version = expected_version + 1;
  return true;
}

std::unordered_set<int64_t> CycleRepository::EntitledIn(int64_t cycle_id, int64_t first,
                                                        int64_t last) {
  auto query = db_.Prepare(
      "SELECT registrant_id FROM entitlements WHERE cycle_id = $1 AND registrant_id BETWEEN $2 "
      "AND $3");
  query->Bind(1, cycle_id).Bind(2, first).Bind(3, last);
  std::unordered_set<int64_t> found;
  while (query->Step()) found.insert(query->Int(0));
  return found;
}

void CycleRepository::InsertEntitlements(const std::vector<Entitlement>& entitlements,
                                         Timestamp at) {
  if (entitlements.empty()) return;
  const std::string at_text = at.ToString();  // once, not per row
  auto writer = db_.BulkInsert(
      "entitlements", {"cycle_id", "registrant_id", "amount_minor", "currency", "items", "state",
                       "rule_version", "amount_from_rule", "created_at", "updated_at"});
  for (const auto& e : entitlements) {
    writer->Add(e.cycle_id);
    writer->Add(e.registrant_id);
    writer->Add(e.amount_minor);
    writer->Add(e.currency);
    writer->Add(NonEmpty(e.items));
    writer->Add(EntitlementStateName(e.state));
    writer->Add(static_cast<int64_t>(e.rule_version));
    writer->Add(e.inputs.from_rule);
    writer->Add(at_text);
    writer->Add(at_text);
    writer->EndRow();
  }
  writer->Finish();
}

int64_t CycleRepository::MoveEntitlements(int64_t cycle_id, EntitlementState from,
                                          EntitlementState to, Timestamp at) {
  auto update = db_.Prepare(
      "UPDATE entitlements SET state = $1, updated_at = $2, approved_at = CASE WHEN $1 = "
      "'approved' THEN $2 ELSE approved_at END WHERE cycle_id = $3 AND state = $4");
  update->Bind(1, EntitlementStateName(to))
      .Bind(2, at)
      .Bind(3, cycle_id)
      .Bind(4, EntitlementStateName(from));
  return update->Execute();
}

std::vector<Entitlement> CycleRepository::Entitlements(int64_t cycle_id, int64_t after_id,
                                                       int limit) {
  // The inputs shared by a cycle's entitlements come from the cycle and the
  // rule version each entitlement records.
  auto query = db_.Prepare(
      "SELECT e.id, e.cycle_id, e.registrant_id, e.amount_minor, e.currency, e.items, e.state, "
      "e.rule_version, e.amount_from_rule, c.start_date, r.amount_fixed, r.amount_cap "
      "FROM entitlements e JOIN cycles c ON c.id = e.cycle_id "
      "JOIN program_rules r ON r.program_id = c.program_id AND r.version = e.rule_version "
      "WHERE e.cycle_id = $1 AND e.id > $2 ORDER BY e.id LIMIT $3");
  query->Bind(1, cycle_id).Bind(2, after_id).Bind(3, static_cast<int64_t>(limit));
  std::vector<Entitlement> list;
  while (query->Step()) {
    Entitlement e;
    e.id = query->Int(0);
    e.cycle_id = query->Int(1);
    e.registrant_id = query->Int(2);
    e.amount_minor = query->Int(3);
    e.currency = query->Text(4);
    e.items = query->OptionalText(5).value_or("");
    e.state = ParseEntitlementState(query->Text(6)).value_or(EntitlementState::kDraft);
    e.rule_version = static_cast<int>(query->Int(7));
    e.inputs.from_rule = query->Int(8);
    e.inputs.as_of = *query->OptionalDate(9);
    e.inputs.fixed = query->OptionalInt(10).value_or(0);
    e.inputs.cap = query->OptionalInt(11);
    list.push_back(std::move(e));
  }
  return list;
}

CycleTotals CycleRepository::Totals(int64_t cycle_id) {
  auto query = db_.Prepare(
      "SELECT state, approved_at IS NOT NULL, COUNT(*), COALESCE(SUM(amount_minor), 0), "
      "MIN(currency) FROM entitlements WHERE cycle_id = $1 GROUP BY state, approved_at IS NOT "
      "NULL");
  query->Bind(1, cycle_id);
  CycleTotals t;
  while (query->Step()) {
    auto state = ParseEntitlementState(query->Text(0));
    bool was_approved = query->Bool(1);
    int64_t count = query->Int(2);
    int64_t sum = query->Int(3);
    t.currency = query->Text(4);
    t.entitlements += count;
    if (!state) continue;
    if (was_approved) t.approved += sum;
    switch (*state) {
      case EntitlementState::kDraft:
      case EntitlementState::kPendingApproval:
        t.draft += sum;
        break;
      case EntitlementState::kApproved:
        t.pending += sum;
        break;
      case EntitlementState::kPaid:
        t.paid += sum;
        break;
      case EntitlementState::kFailed:
        t.failed += sum;
        break;
      case EntitlementState::kCancelled:
        if (was_approved) t.cancelled += sum;
        break;
    }
  }
  return t;
}

int64_t CycleRepository::CommittedElsewhere(int64_t program_id, int64_t cycle_id) {
  auto query = db_.Prepare(
      "SELECT COALESCE(SUM(e.amount_minor), 0) FROM entitlements e JOIN cycles c ON c.id = "
      "e.cycle_id WHERE c.program_id = $1 AND c.id <> $2 AND e.approved_at IS NOT NULL AND "
      "e.state <> 'cancelled'");
  query->Bind(1, program_id).Bind(2, cycle_id);
  query->Step();
  int64_t sum = query->Int(0);
  query->Reset();
  return sum;
}

void CycleRepository::AddApproval(int64_t cycle_id, const Approval& a) {
  auto insert = db_.Prepare(
      "INSERT INTO cycle_approvals (cycle_id, level, decision, actor, role, comment, at) VALUES "
      "($1, $2, $3, $4, $5, $6, $7)");
  insert->Bind(1, cycle_id)
      .Bind(2, a.level)
      .Bind(3, a.decision)
      .Bind(4, a.actor)
      .Bind(5, NonEmpty(a.role))
      .Bind(6, a.comment)
      .Bind(7, a.at)
      .Execute();
}

std::vector<Approval> CycleRepository::Approvals(int64_t cycle_id) {
  auto query = db_.Prepare(
      "SELECT level, decision, actor, role, comment, at FROM cycle_approvals WHERE cycle_id = $1 "
      "ORDER BY id");
  query->Bind(1, cycle_id);
  std::vector<Approval> list;
  while (query->Step()) {
    list.push_back({static_cast<int>(query->Int(0)), std::string(query->Text(1)),
                    std::string(query->Text(2)), query->OptionalText(3).value_or(""),
                    std::string(query->Text(4)), query->TimestampAt(5)});
  }
  return list;
}

}  // namespace spmis::cycles
