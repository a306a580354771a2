#include "payments/reconciliation_service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <deque>
#include <future>
#include <map>
#include <set>
#include <tuple>
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
  // The file's distinct reasons, currencies and texts that are not ours (ids
  // and statuses), each kept once; 0 is "".
  std::vector<std::string> texts{""};
  std::unordered_map<std::string, uint32_t> text_index{{"", 0}};
  auto intern = [&](const std::string& text) {
    auto [entry, added] = text_index.emplace(text, static_cast<uint32_t>(texts.size()));
    if (added) texts.push_back(text);
    return entry->second;
  };
  // A status line as deciding it needs it: the payment its id names as
  // integers (an id this system made is rebuilt from them when a problem
  // quotes it), the amount as written and the rest as indexes into `texts`.
  struct Line {
    int64_t line = 0;
    EndToEndKey key;           // entitlement_id 0: the id is not one this system makes
    uint32_t id_text = 0;      // the id as written, when not ours ("" when missing)
    uint32_t status_text = 0;  // the status as written, when not understood
    uint32_t reason = 0;
    uint32_t currency = 0;
    std::optional<PaymentState> status;
    std::string amount;  // major units as written; "" when not given
  };
  auto key_less = [](const EndToEndKey& a, const EndToEndKey& b) {
    return std::tie(a.entitlement_id, a.attempt, a.cycle_id) <
           std::tie(b.entitlement_id, b.attempt, b.cycle_id);
  };
  std::vector<Line> chunk;
  // What the file changes, decided chunk by chunk and applied together at
  // the end, in payment and entitlement order whatever the file's order: a
  // file in batch order would otherwise rewrite every page of the
  // entitlements once per chunk. 24 bytes a changed payment.
  struct Change {
    int64_t payment_id;
    int64_t entitlement_id;
    uint32_t reason;  // index into `texts`; 0 for paid
  };
  std::vector<Change> changes;

  // Ids on more than one line of the file: none of their lines is applied.
  // The file is read once on the hope that there are none (the usual case);
  // when there are, what was decided is undone and the file read again
  // knowing them.
  std::unordered_set<std::string> duplicates;
  std::vector<uint64_t> hashes;  // of every line's id, to find repeats after one reading
  auto id_of = [&](const Line& line) {
    return line.key.entitlement_id
               ? EndToEndId(line.key.cycle_id, line.key.entitlement_id, line.key.attempt)
               : texts[line.id_text];
  };
  // A repeated id is kept as written (see `reduce`), never as a key.
  auto repeated = [&](const Line& line) {
    return !line.key.entitlement_id && duplicates.count(texts[line.id_text]) > 0;
  };
  // A chunk of the file with the payments its lines name, looked up on a
  // connection and thread of their own while this thread reads and checks
  // the next chunks. They see what is committed; SetStates settles only
  // pending payments, so a payment settled meanwhile by someone else is
  // never settled twice.
  struct LookedUp {
    std::vector<Line> lines;           // in key order: entitlement, attempt, cycle
    std::vector<PaymentStatus> found;  // the payments of their entitlements, in the same order
  };
  auto look_up = [this, &key_less](std::vector<Line> lines) {
    LookedUp out;
    out.lines = std::move(lines);
    std::sort(out.lines.begin(), out.lines.end(),
              [&](const Line& a, const Line& b) { return key_less(a.key, b.key); });
    std::vector<int64_t> entitlements;
    entitlements.reserve(out.lines.size());
    for (const Line& line : out.lines) {
      int64_t id = line.key.entitlement_id;
      if (id != 0 && (entitlements.empty() || entitlements.back() != id)) {
        entitlements.push_back(id);
      }
    }
    auto reader = database_.Acquire();
    // A chunk's payments are read once, in key order.
    store::SqlitePragmaWhile small_cache(*reader, "cache_size", store::kStreamingCacheSize);
    out.found = PaymentRepository(*reader).OfEntitlements(entitlements);
    return out;
  };
  std::deque<std::future<LookedUp>> ahead;  // at most two chunks looked up ahead
  std::unordered_map<int64_t, std::string> batch_currency;
  auto currency_of = [&](const PaymentStatus& payment) -> const std::string& {
    auto found = batch_currency.find(payment.batch_id);
    if (found == batch_currency.end()) {
      auto batch = payments.FindBatch(payment.batch_id);
      found = batch_currency.emplace(payment.batch_id, batch ? batch->currency : "").first;
    }
    return found->second;
  };
  auto decide = [&](LookedUp looked) {
    std::vector<ReconciliationProblem> problems;
    auto next = looked.found.begin();  // lines and payments are in the same order
    for (const Line& line : looked.lines) {
      ++record.lines;
      auto problem = [&](std::string text) {
        ++record.problems;
        problems.push_back({line.line, id_of(line), std::move(text)});
      };
      if (!line.key.entitlement_id && texts[line.id_text].empty()) {
        problem("no end-to-end id");
        continue;
      }
      if (repeated(line)) {
        problem("the end-to-end id is on more than one line of the file; none of them was applied");
        continue;
      }
      if (!line.status) {
        problem("the status '" + texts[line.status_text] + "' is not understood" +
                (format == StatusFormat::kCsv ? " (paid, failed or pending)" : ""));
        continue;
      }
      const PaymentStatus* payment = nullptr;
      if (line.key.entitlement_id) {
        while (next != looked.found.end() &&
               std::tie(next->entitlement_id, next->attempt) <
                   std::tie(line.key.entitlement_id, line.key.attempt)) {
          ++next;
        }
        if (next != looked.found.end() && next->entitlement_id == line.key.entitlement_id &&
            next->attempt == line.key.attempt && next->cycle_id == line.key.cycle_id) {
          payment = &*next;
        }
      }
      if (!payment || !covers(payment->cycle_id)) {
        problem("no payment has this end-to-end id");
        continue;
      }
      const std::string& currency = currency_of(*payment);
      const std::string& line_currency = texts[line.currency];
      if (!line_currency.empty() && line_currency != currency) {
        problem("the currency " + line_currency + " is not the payment's (" + currency + ")");
        continue;
      }
      if (!line.amount.empty()) {
        auto amount = Money::ParseMajor(line.amount, currency);
        if (!amount.ok()) {
          problem("the amount '" + line.amount + "' is not an amount in " + currency);
          continue;
        }
        if (amount->minor_units() != payment->amount_minor) {
          problem("the amount " + Describe(amount->minor_units(), currency) +
                  " is not the payment's " + Describe(payment->amount_minor, currency));
          continue;
        }
      }
      const PaymentState to = *line.status;
      if (payment->state == to) {
        ++(to == PaymentState::kPending ? record.pending : record.unchanged);
        continue;
      }
      if (payment->state != PaymentState::kPending) {
        problem(std::string("the payment is already ") + PaymentStateName(payment->state) +
                "; a status of " + PaymentStateName(to) +
                " is not applied: settle it with the provider");
        continue;
      }
      uint32_t reason = 0;
      if (to == PaymentState::kPaid) {
        ++record.paid;
      } else {
        reason = line.reason ? line.reason : intern("no reason given");
        ++record.failed;
      }
      changes.push_back({payment->id, payment->entitlement_id, reason});
      touched.insert(payment->cycle_id);
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
  // A line of the file as a Line; a line whose id is a repeat is not looked up.
  auto reduce = [&](const StatusLine& in) {
    Line line;
    line.line = in.line;
    auto key = ParseEndToEndId(in.end_to_end_id);
    if (key && (duplicates.empty() || !duplicates.count(in.end_to_end_id))) {
      line.key = *key;
    } else {
      line.id_text = intern(in.end_to_end_id);
    }
    line.status = in.status;
    if (!in.status) line.status_text = intern(in.status_text);
    if (!in.reason.empty()) line.reason = intern(in.reason);
    if (!in.currency.empty()) line.currency = intern(in.currency);
    line.amount = in.amount;
    return line;
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
      chunk.push_back(reduce(line));
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
    std::sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
      return std::tie(a.reason, a.payment_id) < std::tie(b.reason, b.payment_id);
    });
    for (auto from = changes.begin(); from != changes.end();) {
      auto to = std::find_if(from, changes.end(),
                             [&](const Change& c) { return c.reason != from->reason; });
      std::vector<int64_t> payment_ids, entitlement_ids;
      payment_ids.reserve(to - from);
      entitlement_ids.reserve(to - from);
      for (auto c = from; c != to; ++c) {
        payment_ids.push_back(c->payment_id);
        entitlement_ids.push_back(c->entitlement_id);
      }
      std::sort(entitlement_ids.begin(), entitlement_ids.end());
      payments.SetStates(payment_ids, entitlement_ids,
                         from->reason == 0 ? PaymentState::kPaid : PaymentState::kFailed,
                         texts[from->reason], record.id, now);
      from = to;
    }
    // Their events in payment order, a slice at a time.
    std::sort(changes.begin(), changes.end(),
              [](const Change& a, const Change& b) { return a.payment_id < b.payment_id; });
    std::vector<PaymentEvent> events;
    for (size_t start = 0; start < changes.size(); start += kChunk) {
      events.clear();
      for (size_t i = start; i < std::min(changes.size(), start + kChunk); ++i) {
        const Change& c = changes[i];
        events.push_back({c.payment_id, PaymentState::kPending,
                          c.reason == 0 ? PaymentState::kPaid : PaymentState::kFailed,
                          texts[c.reason]});
      }
      payments.AddEvents(events, record.id, principal_.name, now);
    }
    changes = {};
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
