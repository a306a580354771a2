#include "payments/reconciliation_service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <deque>
#include <future>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "audit/audit_log.h"
#include "core/money.h"
#include "cycles/cycle_repository.h"
#include "importer/importer.h"
#include "store/bulk_support.h"

namespace spmis::payments {
namespace {

namespace json = boost::json;

constexpr size_t kChunk = 50000;
constexpr size_t kMaxListed = 1000;

uint64_t HashOf(const std::string& text) { return std::hash<std::string>{}(text); }

std::string Describe(int64_t minor, const std::string& currency) {
  return Money(minor, currency).ToMajorString() + " " + currency;
}

}  // namespace

Result<ReconciliationResult> ReconciliationService::Reconcile(const std::string& path,
                                                              StatusFormat format,
                                                              const std::string& file_name) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kReconciliationImport));
  SPMIS_ASSIGN_OR_RETURN(std::string checksum, importer::FileSha256(path));

  auto connection = database_.Acquire();
  store::Connection& db = *connection;
  PaymentRepository payments(db);
  ReconciliationResult result;
  Reconciliation& record = result.record;
  record.file_name = file_name.empty() ? path : file_name;
  record.checksum = checksum;
  record.format = StatusFormatName(format);
  record.created_by = principal_.name;
  record.created_at = Timestamp::Now();

  // One transaction for the whole file, the record of it included: the
  // look-ups and the changes see the same payments, a file found malformed
  // at any line changes nothing, and a crash leaves all of it or none.
  store::Transaction transaction(db);
  payments.InsertReconciliation(record);

  std::unordered_map<int64_t, bool> covered;  // cycle id -> within the user's programs
  auto covers = [&](int64_t cycle_id) {
    auto found = covered.find(cycle_id);
    if (found != covered.end()) return found->second;
    auto cycle = cycles::CycleRepository(db).Find(cycle_id);
    bool ok = cycle && principal_.CoversProgram(cycle->program_code);
    covered[cycle_id] = ok;
    return ok;
  };
  std::set<int64_t> touched;
  std::vector<StatusLine> chunk;
  // What the file changes, decided chunk by chunk and applied together at
  // the end, in payment and entitlement order whatever the file's order: a
  // file in batch order would otherwise rewrite every page of the
  // entitlements once per chunk. 24 bytes a changed payment.
  struct Change {
    int64_t payment_id;
    int64_t entitlement_id;
    uint32_t reason;  // index into `reasons`; 0 for paid
  };
  std::vector<Change> changes;
  std::vector<std::string> reasons{""};
  std::unordered_map<std::string, uint32_t> reason_index{{"", 0}};

  // Ids on more than one line of the file: none of their lines is applied.
  // The file is read once on the hope that there are none (the usual case);
  // when there are, what was decided is undone and the file read again
  // knowing them.
  std::unordered_set<std::string> duplicates;
  std::vector<uint64_t> hashes;  // of every line's id, to find repeats after one reading
  // A chunk of the file with the payments its lines name, looked up on a
  // connection and thread of their own while this thread reads and checks
  // the next chunks: the look-ups are most of a reading's work. They see
  // what is committed; SetStates settles only pending payments, so a payment
  // settled meanwhile by someone else is never settled twice.
  struct LookedUp {
    std::vector<StatusLine> lines;  // in end-to-end id order: (entitlement, attempt), the key
    std::unordered_map<std::string, PaymentStatus> found;
  };
  auto look_up = [this, &duplicates](std::vector<StatusLine> lines) {
    LookedUp out;
    out.lines = std::move(lines);
    std::sort(out.lines.begin(), out.lines.end(), [](const StatusLine& a, const StatusLine& b) {
      return a.end_to_end_id < b.end_to_end_id;
    });
    std::vector<std::string> ids;
    for (const auto& line : out.lines) {
      if (!line.end_to_end_id.empty() && !duplicates.count(line.end_to_end_id)) {
        ids.push_back(line.end_to_end_id);
      }
    }
    auto reader = database_.Acquire();
    // A chunk's payments are read once, in key order.
    store::SqlitePragmaWhile small_cache(*reader, "cache_size", store::kStreamingCacheSize);
    for (auto& p : PaymentRepository(*reader).ByEndToEndIds(ids)) {
      out.found.emplace(p.end_to_end_id, std::move(p));
    }
    return out;
  };
  std::deque<std::future<LookedUp>> ahead;  // at most two chunks looked up ahead
  auto decide = [&](LookedUp looked) {
    const auto& found = looked.found;
    std::vector<ReconciliationProblem> problems;
    for (const StatusLine& line : looked.lines) {
      ++record.lines;
      auto problem = [&](std::string text) {
        ++record.problems;
        problems.push_back({line.line, line.end_to_end_id, std::move(text)});
      };
      if (line.end_to_end_id.empty()) {
        problem("no end-to-end id");
        continue;
      }
      if (duplicates.count(line.end_to_end_id)) {
        problem("the end-to-end id is on more than one line of the file; none of them was applied");
        continue;
      }
      if (!line.status) {
        problem("the status '" + line.status_text + "' is not understood" +
                (format == StatusFormat::kCsv ? " (paid, failed or pending)" : ""));
        continue;
      }
      auto it = found.find(line.end_to_end_id);
      if (it == found.end() || !covers(it->second.cycle_id)) {
        problem("no payment has this end-to-end id");
        continue;
      }
      const PaymentStatus& payment = it->second;
      if (!line.currency.empty() && line.currency != payment.currency) {
        problem("the currency " + line.currency + " is not the payment's (" + payment.currency +
                ")");
        continue;
      }
      if (!line.amount.empty()) {
        auto amount = Money::ParseMajor(line.amount, payment.currency);
        if (!amount.ok()) {
          problem("the amount '" + line.amount + "' is not an amount in " + payment.currency);
          continue;
        }
        if (amount->minor_units() != payment.amount_minor) {
          problem("the amount " + Describe(amount->minor_units(), payment.currency) +
                  " is not the payment's " + Describe(payment.amount_minor, payment.currency));
          continue;
        }
      }
      const PaymentState to = *line.status;
      if (payment.state == to) {
        ++(to == PaymentState::kPending ? record.pending : record.unchanged);
        continue;
      }
      if (payment.state != PaymentState::kPending) {
        problem(std::string("the payment is already ") + PaymentStateName(payment.state) +
                "; a status of " + PaymentStateName(to) +
                " is not applied: settle it with the provider");
        continue;
      }
      uint32_t reason = 0;
      if (to == PaymentState::kPaid) {
        ++record.paid;
      } else {
        std::string text = line.reason.empty() ? "no reason given" : line.reason;
        auto [entry, added] = reason_index.emplace(text, static_cast<uint32_t>(reasons.size()));
        if (added) reasons.push_back(text);
        reason = entry->second;
        ++record.failed;
      }
      changes.push_back({payment.id, payment.entitlement_id, reason});
      touched.insert(payment.cycle_id);
    }
    std::sort(problems.begin(), problems.end(),
              [](const auto& a, const auto& b) { return a.line < b.line; });
    payments.AddProblems(record.id, problems);
    for (auto& p : problems) {
      if (result.problems.size() >= kMaxListed) break;
      result.problems.push_back(std::move(p));
    }
  };
  // Hands the chunk read so far to a look-up; checks the chunks looked up
  // beyond `waiting`, in file order.
  auto submit_and_check = [&](size_t waiting) {
    if (!chunk.empty()) {
      ahead.push_back(std::async(std::launch::async, look_up, std::move(chunk)));
      chunk.clear();
    }
    while (ahead.size() > waiting) {
      LookedUp looked = ahead.front().get();
      ahead.pop_front();
      decide(std::move(looked));
    }
  };

  auto decide_all = [&]() -> Status {
    record.lines = record.paid = record.failed = record.pending = record.unchanged =
        record.problems = 0;
    result.problems.clear();
    touched.clear();
    changes.clear();
    hashes.clear();
    chunk.clear();
    Status read = ReadStatusFile(path, format, [&](const StatusLine& line) -> Status {
      if (!line.end_to_end_id.empty()) hashes.push_back(HashOf(line.end_to_end_id));
      chunk.push_back(line);
      if (chunk.size() < kChunk) return OkStatus();
      try {
        submit_and_check(2);
      } catch (const std::exception& e) {
        return Error::Internal(e.what());
      }
      return OkStatus();
    });
    if (!read.ok()) {
      ahead.clear();  // waits for the look-ups under way
      return read;
    }
    try {
      submit_and_check(0);
    } catch (const std::exception& e) {
      ahead.clear();
      return Error::Internal(e.what());
    }
    return OkStatus();
  };
  {
    store::Transaction first_reading(db);  // undone if the file repeats ids
    SPMIS_RETURN_IF_ERROR(decide_all());
    if (record.lines == 0) return Error::Invalid("the status file has no status lines");
    std::sort(hashes.begin(), hashes.end());
    std::unordered_set<uint64_t> repeated;
    for (size_t i = 1; i < hashes.size(); ++i) {
      if (hashes[i] == hashes[i - 1]) repeated.insert(hashes[i]);
    }
    hashes = {};
    if (!repeated.empty()) {
      std::unordered_map<std::string, int> counts;
      SPMIS_RETURN_IF_ERROR(ReadStatusFile(path, format, [&](const StatusLine& line) {
        if (repeated.count(HashOf(line.end_to_end_id))) ++counts[line.end_to_end_id];
        return OkStatus();
      }));
      for (const auto& [id, count] : counts) {
        if (count > 1) duplicates.insert(id);
      }
    }
    if (duplicates.empty()) first_reading.Commit();
  }
  if (!duplicates.empty()) SPMIS_RETURN_IF_ERROR(decide_all());
  try {
    // Paid payments, then each reason's failed ones, each set in id order.
    const Timestamp now = Timestamp::Now();
    std::sort(changes.begin(), changes.end(),
              [](const Change& a, const Change& b) { return a.payment_id < b.payment_id; });
    std::vector<PaymentEvent> events;
    events.reserve(changes.size());
    for (const Change& c : changes) {
      events.push_back({c.payment_id, PaymentState::kPending,
                        c.reason == 0 ? PaymentState::kPaid : PaymentState::kFailed,
                        reasons[c.reason]});
    }
    for (uint32_t reason = 0; reason < reasons.size(); ++reason) {
      std::vector<int64_t> payment_ids, entitlement_ids;
      for (const Change& c : changes) {
        if (c.reason != reason) continue;
        payment_ids.push_back(c.payment_id);
        entitlement_ids.push_back(c.entitlement_id);
      }
      if (payment_ids.empty()) continue;
      std::sort(entitlement_ids.begin(), entitlement_ids.end());
      payments.SetStates(payment_ids, entitlement_ids,
                         reason == 0 ? PaymentState::kPaid : PaymentState::kFailed, reasons[reason],
                         record.id, now);
    }
    changes = {};
    payments.AddEvents(events, record.id, principal_.name, now);
  } catch (const store::DatabaseError& e) {
    if (e.kind() == store::DatabaseError::Kind::kBusy) return Error::Conflict(e.what());
    throw;
  }

  payments.FinishReconciliation(record, Timestamp::Now());
  record.done = true;
  json::object after{
      {"file", record.file_name},  {"sha256", record.checksum},     {"format", record.format},
      {"lines", record.lines},     {"paid", record.paid},           {"failed", record.failed},
      {"pending", record.pending}, {"unchanged", record.unchanged}, {"problems", record.problems}};
  audit::AuditLog(db).Append(principal_.actor(), "reconcile", "reconciliation",
                             std::to_string(record.id), std::nullopt, json::serialize(after));
  cycles::CycleRepository cycles(db);
  for (int64_t cycle_id : touched) {
    auto cycle = cycles.Find(cycle_id);
    if (!cycle || cycle->state != cycles::CycleState::kDistributing ||
        payments.HasOpenEntitlements(cycle_id)) {
      continue;
    }
    cycle->state = cycles::CycleState::kEnded;
    cycle->updated_at = Timestamp::Now();
    if (!cycles.Update(*cycle, cycle->version)) continue;
    audit::AuditLog(db).Append(principal_.actor(), "end", "cycle", std::to_string(cycle_id),
                               R"({"state":"distributing"})", R"({"state":"ended"})");
    result.ended_cycles.push_back(cycle_id);
  }
  transaction.Commit();
  return result;
}

Result<Reconciliation> ReconciliationService::Get(int64_t id) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kPaymentRead));
  auto connection = database_.Acquire();
  auto record = PaymentRepository(*connection).FindReconciliation(id);
  if (!record) return Error::NotFound("no reconciliation " + std::to_string(id));
  return std::move(*record);
}

Result<std::vector<ReconciliationProblem>> ReconciliationService::Problems(int64_t id,
                                                                           int64_t after_line,
                                                                           int limit) {
  SPMIS_RETURN_IF_ERROR(Get(id));
  auto connection = database_.Acquire();
  return PaymentRepository(*connection).Problems(id, after_line, limit);
}

}  // namespace spmis::payments
