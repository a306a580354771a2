#include "payments/payment_repository.h"

#include <algorithm>
#include <string_view>
#include <tuple>

#include "store/query_builder.h"

namespace spmis::payments {
namespace {

std::optional<std::string> NonEmpty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

const char* KindName(RegistrantKind kind) { return RegistrantKindName(kind); }

// The entitlements of cycle $1 that can be paid now, joined with the
// payment details of registrants of kind $2.
std::string PayableFrom(bool reissue) {
  // Read through the key (cycle_id, registrant_id), in beneficiary order.
  std::string sql =
      " FROM entitlements e LEFT JOIN payment_details d ON d.registrant_kind = $2 AND "
      "d.registrant_id = e.registrant_id WHERE e.cycle_id = $1 AND e.state IN ('approved', "
      "'failed') ";
  if (!reissue) sql += "AND e.state = 'approved' ";
  sql +=
      "AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.entitlement_id = e.id AND p.failed_at IS "
      "NULL) ";
  return sql;
}

PaymentDetails ReadDetails(store::Statement& row, int at, RegistrantKind kind, int64_t id) {
  PaymentDetails d;
  d.kind = kind;
  d.registrant_id = id;
  d.channel = ParseChannel(row.Text(at)).value_or(Channel::kCash);
  d.provider = row.Text(at + 1);
  d.account = row.Text(at + 2);
  d.bic = row.OptionalText(at + 3).value_or("");
  d.holder_name = row.OptionalText(at + 4).value_or("");
  return d;
}

constexpr const char* kBatchColumns =
    "SELECT id, cycle_id, sequence, channel, provider, payments, total_minor, currency, "
    "created_by, created_at, exported_at FROM payment_batches ";

PaymentBatch ReadBatch(store::Statement& row) {
  PaymentBatch b;
  b.id = row.Int(0);
  b.cycle_id = row.Int(1);
  b.sequence = static_cast<int>(row.Int(2));
  b.channel = ParseChannel(row.Text(3)).value_or(Channel::kCash);
  b.provider = row.Text(4);
  b.payments = row.Int(5);
  b.total_minor = row.Int(6);
  b.currency = row.Text(7);
  b.created_by = row.Text(8);
  b.created_at = row.TimestampAt(9);
  b.exported_at = row.OptionalTimestamp(10);
  return b;
}

// "($1, $2, ...)" after `first - 1` earlier parameters.
std::string Placeholders(size_t count, int first) {
  std::string list = "(";
  for (size_t i = 0; i < count; ++i) {
    if (i) list += ", ";
    list += "$" + std::to_string(first + static_cast<int>(i));
  }
  return list + ")";
}

constexpr size_t kInListLimit = 1000;

// Calls `each(first, count)` for the slices of `size` items an IN list of
// placeholders can hold.
template <typename Each>
void InSlices(size_t size, Each each) {
  for (size_t start = 0; start < size; start += kInListLimit)
    each(start, std::min(kInListLimit, size - start));
}

// Whom a payment is made out to, when its details name no account holder:
// the individual, or the head of the group (else the group's name), for the
// registrant ids that `which` selects ("IN ($1, ...)" or "BETWEEN $1 AND $2").
std::string NamesOf(RegistrantKind kind, const std::string& which) {
  if (kind == RegistrantKind::kIndividual) {
    return "SELECT id, TRIM(given_name || ' ' || family_name) FROM individuals WHERE id " + which;
  }
  // "individual_id > 0" (always true) lets SQLite read the head from the
  // covering index group_memberships_head_person rather than the unique
  // one_head, which would read each membership row as well.
  return "SELECT g.id, COALESCE((SELECT TRIM(h.given_name || ' ' || h.family_name) FROM "
         "group_memberships m JOIN individuals h ON h.id = m.individual_id WHERE m.group_id = "
         "g.id AND m.role = 'head' AND m.end_date IS NULL AND m.individual_id > 0), g.name) FROM "
         "registry_groups g WHERE g.id " +
         which;
}

}  // namespace

void PaymentRepository::SaveDetails(PaymentDetails& d) {
  auto save = db_.Prepare(
      "INSERT INTO payment_details (registrant_kind, registrant_id, channel, provider, account, "
      "bic, holder_name, version, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, "
      "$8, $9) ON CONFLICT (registrant_kind, registrant_id) DO UPDATE SET channel = $3, provider "
      "= $4, account = $5, bic = $6, holder_name = $7, version = payment_details.version + 1, "
      "updated_by = $8, updated_at = $9 RETURNING version");
  save->Bind(1, KindName(d.kind))
      .Bind(2, d.registrant_id)
      .Bind(3, ChannelName(d.channel))
      .Bind(4, d.provider)
      .Bind(5, d.account)
      .Bind(6, NonEmpty(d.bic))
      .Bind(7, NonEmpty(d.holder_name))
      .Bind(8, d.updated_by)
      .Bind(9, d.updated_at);
  save->Step();
  d.version = save->Int(0);
  save->Reset();
}

std::optional<PaymentDetails> PaymentRepository::FindDetails(RegistrantKind kind, int64_t id) {
  auto query = db_.Prepare(
      "SELECT channel, provider, account, bic, holder_name, version, updated_by, updated_at FROM "
      "payment_details WHERE registrant_kind = $1 AND registrant_id = $2");
  query->Bind(1, KindName(kind)).Bind(2, id);
  if (!query->Step()) return std::nullopt;
  PaymentDetails d = ReadDetails(*query, 0, kind, id);
  d.version = query->Int(5);
  d.updated_by = query->Text(6);
  d.updated_at = query->TimestampAt(7);
  query->Reset();
  return d;
}

std::vector<Payable> PaymentRepository::Payables(int64_t cycle_id, RegistrantKind kind,
                                                 bool reissue, int64_t after, int limit) {
  // Only a failed entitlement has earlier attempts: an approved one without
  // a live payment was never paid before.
  std::string sql =
      "SELECT e.id, e.registrant_id, e.amount_minor, e.currency, e.state, d.channel, d.provider, "
      "d.account, d.bic, d.holder_name, CASE WHEN e.state = 'failed' THEN (SELECT "
      "COALESCE(MAX(p.attempt), 0) FROM payments p WHERE p.entitlement_id = e.id AND p.failed_at "
      "IS NOT NULL) ELSE 0 END" +
      PayableFrom(reissue) + "AND e.registrant_id > $3 ORDER BY e.registrant_id LIMIT $4";
  auto query = db_.Prepare(sql);
  query->Bind(1, cycle_id).Bind(2, KindName(kind)).Bind(3, after).Bind(4, int64_t{limit});
  std::vector<Payable> list;
  while (query->Step()) {
    Payable p;
    p.entitlement_id = query->Int(0);
    p.registrant_id = query->Int(1);
    p.amount_minor = query->Int(2);
    p.currency = query->Text(3);
    p.failed_before = query->Text(4) == "failed";
    if (!query->IsNull(5)) {
      p.details = ReadDetails(*query, 5, kind, p.registrant_id);
      p.name = p.details->holder_name;
    }
    p.last_attempt = static_cast<int>(query->Int(10));
    list.push_back(std::move(p));
  }
  return list;
}

void PaymentRepository::NamePayables(RegistrantKind kind, std::vector<Payable>& payables) {
  // Ascending registrant ids (the order Payables gives) of those to name;
  // one without details is not paid.
  std::vector<int64_t> ids;
  for (const Payable& p : payables) {
    if (p.name.empty() && p.details) ids.push_back(p.registrant_id);
  }
  if (ids.empty()) return;
  std::vector<std::pair<int64_t, std::string>> names;
  names.reserve(ids.size());
  auto read = [&](store::Statement& query) {
    while (query.Step()) names.emplace_back(query.Int(0), query.OptionalText(1).value_or(""));
  };
  if (ids.back() - ids.front() < 2 * static_cast<int64_t>(ids.size())) {
    // Most of the range is wanted (a first batching reads every
    // beneficiary): one scan of it costs less than an IN list, which SQLite
    // first sorts into a temporary index. The few extra names are not used.
    auto query = db_.Prepare(NamesOf(kind, "BETWEEN $1 AND $2"));
    query->Bind(1, ids.front()).Bind(2, ids.back());
    read(*query);
  } else {
    InSlices(ids.size(), [&](size_t start, size_t count) {
      auto query = db_.Prepare(NamesOf(kind, "IN " + Placeholders(count, 1)));
      for (size_t i = 0; i < count; ++i) query->Bind(static_cast<int>(i) + 1, ids[start + i]);
      read(*query);
    });
  }
  std::sort(names.begin(), names.end());
  for (Payable& p : payables) {
    if (!p.name.empty() || !p.details) continue;
    auto found =
        std::lower_bound(names.begin(), names.end(), std::pair{p.registrant_id, std::string()});
    if (found != names.end() && found->first == p.registrant_id) p.name = found->second;
  }
}

void PaymentRepository::InsertBatch(PaymentBatch& b) {
  auto next =
      db_.Prepare("SELECT COALESCE(MAX(sequence), 0) + 1 FROM payment_batches WHERE cycle_id = $1");
  next->Bind(1, b.cycle_id);
  next->Step();
  b.sequence = static_cast<int>(next->Int(0));
  next->Reset();
  auto insert = db_.Prepare(
      "INSERT INTO payment_batches (cycle_id, sequence, channel, provider, payments, "
      "total_minor, currency, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
      "$9) RETURNING id");
  insert->Bind(1, b.cycle_id)
      .Bind(2, b.sequence)
      .Bind(3, ChannelName(b.channel))
      .Bind(4, b.provider)
      .Bind(5, b.payments)
      .Bind(6, b.total_minor)
      .Bind(7, b.currency)
      .Bind(8, b.created_by)
      .Bind(9, b.created_at);
  insert->Step();
  b.id = insert->Int(0);
  insert->Reset();
}

void PaymentRepository::SetBatchTotals(int64_t batch_id, int64_t payments, int64_t total_minor) {
  auto update =
      db_.Prepare("UPDATE payment_batches SET payments = $1, total_minor = $2 WHERE id = $3");
  update->Bind(1, payments).Bind(2, total_minor).Bind(3, batch_id).Execute();
}

void PaymentRepository::MarkExported(int64_t batch_id, Timestamp at) {
  auto update = db_.Prepare(
      "UPDATE payment_batches SET exported_at = $1 WHERE id = $2 AND exported_at IS NULL");
  update->Bind(1, at).Bind(2, batch_id).Execute();
}

std::optional<PaymentBatch> PaymentRepository::FindBatch(int64_t id) {
  auto query = db_.Prepare(std::string(kBatchColumns) + "WHERE id = $1");
  query->Bind(1, id);
  if (!query->Step()) return std::nullopt;
  PaymentBatch b = ReadBatch(*query);
  query->Reset();
  return b;
}

std::vector<PaymentBatch> PaymentRepository::Batches(int64_t cycle_id) {
  auto query = db_.Prepare(std::string(kBatchColumns) + "WHERE cycle_id = $1 ORDER BY sequence");
  query->Bind(1, cycle_id);
  std::vector<PaymentBatch> list;
  while (query->Step()) list.push_back(ReadBatch(*query));
  return list;
}

void PaymentRepository::InsertPayments(const std::vector<Payment>& payments) {
  if (payments.empty()) return;
  auto writer =
      db_.BulkInsert("payments", {"batch_id", "cycle_id", "entitlement_id", "registrant_id",
                                  "attempt", "amount_minor", "name", "account", "bic", "state"});
  for (const auto& p : payments) {
    writer->Add(p.batch_id);
    writer->Add(p.cycle_id);
    writer->Add(p.entitlement_id);
    writer->Add(p.registrant_id);
    writer->Add(int64_t{p.attempt});
    writer->Add(p.amount_minor);
    writer->Add(p.name);
    writer->Add(p.account);
    writer->Add(NonEmpty(p.bic));
    writer->Add(PaymentStateName(p.state));
    writer->EndRow();
  }
  writer->Finish();
}

std::vector<Payment> PaymentRepository::PaymentsOf(int64_t batch_id, int64_t after_id, int limit) {
  std::vector<Payment> list;
  auto batch = db_.Prepare("SELECT currency, channel, provider FROM payment_batches WHERE id = $1");
  batch->Bind(1, batch_id);
  if (!batch->Step()) return list;
  const std::string currency(batch->Text(0));
  const Channel channel = ParseChannel(batch->Text(1)).value_or(Channel::kCash);
  const std::string provider(batch->Text(2));
  batch->Reset();
  auto query = db_.Prepare(
      "SELECT id, cycle_id, entitlement_id, registrant_id, attempt, amount_minor, name, account, "
      "bic, state, reason FROM payments WHERE batch_id = $1 AND id > $2 ORDER BY id LIMIT $3");
  query->Bind(1, batch_id).Bind(2, after_id).Bind(3, int64_t{limit});
  while (query->Step()) {
    Payment p;
    p.id = query->Int(0);
    p.batch_id = batch_id;
    p.cycle_id = query->Int(1);
    p.entitlement_id = query->Int(2);
    p.registrant_id = query->Int(3);
    p.attempt = static_cast<int>(query->Int(4));
    p.end_to_end_id = EndToEndId(p.cycle_id, p.entitlement_id, p.attempt);
    p.amount_minor = query->Int(5);
    p.currency = currency;
    p.name = query->Text(6);
    p.channel = channel;
    p.provider = provider;
    p.account = query->Text(7);
    p.bic = query->OptionalText(8).value_or("");
    p.state = ParsePaymentState(query->Text(9)).value_or(PaymentState::kPending);
    p.reason = query->OptionalText(10).value_or("");
    list.push_back(std::move(p));
  }
  return list;
}

std::vector<PaymentStatus> PaymentRepository::OfEntitlements(
    const std::vector<int64_t>& entitlement_ids) {
  std::vector<PaymentStatus> found;
  found.reserve(entitlement_ids.size());
  InSlices(entitlement_ids.size(), [&](size_t start, size_t count) {
    auto query = db_.Prepare(
        "SELECT id, cycle_id, entitlement_id, attempt, batch_id, amount_minor, state FROM "
        "payments WHERE entitlement_id IN " +
        Placeholders(count, 1));
    for (size_t i = 0; i < count; ++i) {
      query->Bind(static_cast<int>(i) + 1, entitlement_ids[start + i]);
    }
    while (query->Step()) {
      PaymentStatus s;
      s.id = query->Int(0);
      s.cycle_id = query->Int(1);
      s.entitlement_id = query->Int(2);
      s.attempt = static_cast<int>(query->Int(3));
      s.batch_id = query->Int(4);
      s.amount_minor = query->Int(5);
      s.state = ParsePaymentState(query->Text(6)).value_or(PaymentState::kPending);
      found.push_back(s);
    }
  });
  // Each slice comes in index order already; sorting makes it a promise.
  std::sort(found.begin(), found.end(), [](const PaymentStatus& a, const PaymentStatus& b) {
    return std::tie(a.entitlement_id, a.attempt) < std::tie(b.entitlement_id, b.attempt);
  });
  return found;
}

void PaymentRepository::SetStates(const std::vector<int64_t>& payment_ids,
                                  const std::vector<int64_t>& entitlement_ids, PaymentState state,
                                  const std::string& reason,
                                  std::optional<int64_t> reconciliation_id, Timestamp at) {
  // A pending payment leaves its entitlement approved (to be paid).
  const char* entitlement_state = state == PaymentState::kPaid     ? "paid"
                                  : state == PaymentState::kFailed ? "failed"
                                                                   : "approved";
  // Only pending payments change: one settled meanwhile by another
  // reconciliation is never settled twice.
  int64_t changed = 0;
  InSlices(payment_ids.size(), [&](size_t start, size_t count) {
    // failed_at only when failing: a column not set leaves the indexes that
    // read it alone (payments_one_live, for every payment paid).
    auto update = db_.Prepare(
        std::string("UPDATE payments SET state = $1, reason = $2, reconciliation_id = $3, "
                    "updated_at = $4") +
        (state == PaymentState::kFailed ? ", failed_at = $4" : "") +
        " WHERE state = 'pending' AND id IN " + Placeholders(count, 5));
    update->Bind(1, PaymentStateName(state))
        .Bind(2, NonEmpty(reason))
        .Bind(3, reconciliation_id)
        .Bind(4, at);
    for (size_t i = 0; i < count; ++i)
      update->Bind(static_cast<int>(i) + 5, payment_ids[start + i]);
    changed += update->Execute();
  });
  if (changed != static_cast<int64_t>(payment_ids.size())) {
    throw store::DatabaseError(store::DatabaseError::Kind::kBusy,
                               "payments were settled by another reconciliation meanwhile: "
                               "nothing of this file was applied; reconcile it again");
  }
  InSlices(entitlement_ids.size(), [&](size_t start, size_t count) {
    auto update = db_.Prepare("UPDATE entitlements SET state = $1, updated_at = $2 WHERE id IN " +
                              Placeholders(count, 3));
    update->Bind(1, entitlement_state).Bind(2, at);
    for (size_t i = 0; i < count; ++i) {
      update->Bind(static_cast<int>(i) + 3, entitlement_ids[start + i]);
    }
    update->Execute();
  });
}

void PaymentRepository::ReopenEntitlements(const std::vector<int64_t>& ids, Timestamp at) {
  InSlices(ids.size(), [&](size_t start, size_t count) {
    auto update = db_.Prepare(
        "UPDATE entitlements SET state = 'approved', updated_at = $1 WHERE state = 'failed' AND "
        "id IN " +
        Placeholders(count, 2));
    update->Bind(1, at);
    for (size_t i = 0; i < count; ++i) update->Bind(static_cast<int>(i) + 2, ids[start + i]);
    update->Execute();
  });
}

void PaymentRepository::AddEvents(const std::vector<PaymentEvent>& events,
                                  std::optional<int64_t> reconciliation_id,
                                  const std::string& actor, Timestamp at) {
  if (events.empty()) return;
  const std::string at_text = at.ToString();  // once, not per row
  auto writer = db_.BulkInsert("payment_events", {"payment_id", "from_state", "to_state", "reason",
                                                  "reconciliation_id", "actor", "at"});
  for (const auto& e : events) {
    writer->Add(e.payment_id);
    writer->Add(PaymentStateName(e.from));
    writer->Add(PaymentStateName(e.to));
    writer->Add(NonEmpty(e.reason));
    writer->Add(reconciliation_id);
    writer->Add(actor);
    writer->Add(at_text);
    writer->EndRow();
  }
  writer->Finish();
}

bool PaymentRepository::HasOpenEntitlements(int64_t cycle_id) {
  // Stops at the first: a cycle still being paid usually has one early on.
  auto query = db_.Prepare(
      "SELECT EXISTS (SELECT 1 FROM entitlements WHERE cycle_id = $1 AND state IN ('approved', "
      "'failed'))");
  query->Bind(1, cycle_id);
  query->Step();
  bool open = query->Bool(0);
  query->Reset();
  return open;
}

void PaymentRepository::InsertReconciliation(Reconciliation& r) {
  auto insert = db_.Prepare(
      "INSERT INTO reconciliations (file_name, checksum, format, state, created_by, created_at) "
      "VALUES ($1, $2, $3, 'running', $4, $5) RETURNING id");
  insert->Bind(1, r.file_name)
      .Bind(2, r.checksum)
      .Bind(3, r.format)
      .Bind(4, r.created_by)
      .Bind(5, r.created_at);
  insert->Step();
  r.id = insert->Int(0);
  insert->Reset();
}

void PaymentRepository::FinishReconciliation(const Reconciliation& r, Timestamp at) {
  auto update = db_.Prepare(
      "UPDATE reconciliations SET lines = $1, paid = $2, failed = $3, pending = $4, unchanged = "
      "$5, problems = $6, state = 'done', finished_at = $7 WHERE id = $8");
  update->Bind(1, r.lines)
      .Bind(2, r.paid)
      .Bind(3, r.failed)
      .Bind(4, r.pending)
      .Bind(5, r.unchanged)
      .Bind(6, r.problems)
      .Bind(7, at)
      .Bind(8, r.id)
      .Execute();
}

std::optional<Reconciliation> PaymentRepository::FindReconciliation(int64_t id) {
  auto query = db_.Prepare(
      "SELECT id, file_name, checksum, format, lines, paid, failed, pending, unchanged, problems, "
      "state, created_by, created_at FROM reconciliations WHERE id = $1");
  query->Bind(1, id);
  if (!query->Step()) return std::nullopt;
  Reconciliation r;
  r.id = query->Int(0);
  r.file_name = query->Text(1);
  r.checksum = query->Text(2);
  r.format = query->Text(3);
  r.lines = query->Int(4);
  r.paid = query->Int(5);
  r.failed = query->Int(6);
  r.pending = query->Int(7);
  r.unchanged = query->Int(8);
  r.problems = query->Int(9);
  r.done = query->Text(10) == "done";
  r.created_by = query->Text(11);
  r.created_at = query->TimestampAt(12);
  query->Reset();
  return r;
}

void PaymentRepository::AddProblems(int64_t reconciliation_id,
                                    const std::vector<ReconciliationProblem>& problems) {
  if (problems.empty()) return;
  auto writer = db_.BulkInsert("reconciliation_problems",
                               {"reconciliation_id", "line", "end_to_end_id", "problem"});
  for (const auto& p : problems) {
    writer->Add(reconciliation_id);
    writer->Add(p.line);
    writer->Add(p.end_to_end_id);
    writer->Add(p.problem);
    writer->EndRow();
  }
  writer->Finish();
}

std::vector<ReconciliationProblem> PaymentRepository::Problems(int64_t reconciliation_id,
                                                               int64_t after_line, int limit) {
  auto query = db_.Prepare(
      "SELECT line, end_to_end_id, problem FROM reconciliation_problems WHERE reconciliation_id "
      "= $1 AND line > $2 ORDER BY line LIMIT $3");
  query->Bind(1, reconciliation_id).Bind(2, after_line).Bind(3, int64_t{limit});
  std::vector<ReconciliationProblem> list;
  while (query->Step()) {
    list.push_back({query->Int(0), std::string(query->Text(1)), std::string(query->Text(2))});
  }
  return list;
}

}  // namespace spmis::payments
