#include "payments/reconciliation_service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "audit/audit_log.h"
#include "core/money.h"
#include "cycles/cycle_repository.h"
#include "importer/importer.h"

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

  // Read the whole file once before changing anything: a malformed file is
  // refused whole, and ids on several lines are known before any is applied.
  std::unordered_map<uint64_t, uint32_t> seen;
  seen.reserve(1 << 20);
  int64_t lines = 0;
  Status read = ReadStatusFile(path, format, [&](const StatusLine& line) {
    ++lines;
    if (!line.end_to_end_id.empty()) ++seen[HashOf(line.end_to_end_id)];
    return OkStatus();
  });
  if (!read.ok()) return read.error();
  if (lines == 0) return Error::Invalid("the status file has no status lines");
  std::unordered_set<uint64_t> repeated_hashes;
  for (const auto& [hash, count] : seen) {
    if (count > 1) repeated_hashes.insert(hash);
  }
  seen = {};
  std::unordered_set<std::string> duplicates;
  if (!repeated_hashes.empty()) {
    std::unordered_map<std::string, int> counts;
    SPMIS_RETURN_IF_ERROR(ReadStatusFile(path, format, [&](const StatusLine& line) {
      if (repeated_hashes.count(HashOf(line.end_to_end_id))) ++counts[line.end_to_end_id];
      return OkStatus();
    }));
    for (const auto& [id, count] : counts) {
      if (count > 1) duplicates.insert(id);
    }
  }

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
  {
    store::Transaction transaction(db);
    payments.InsertReconciliation(record);
    transaction.Commit();
  }

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

  auto apply = [&] {
    if (chunk.empty()) return;
    const Timestamp now = Timestamp::Now();
    // In end-to-end id order, which is payment order: a file in batch order
    // would otherwise touch each page of payments and entitlements once per
    // batch.
    std::sort(chunk.begin(), chunk.end(), [](const StatusLine& a, const StatusLine& b) {
      return a.end_to_end_id < b.end_to_end_id;
    });
    store::Transaction transaction(db);
    std::vector<std::string> ids;
    for (const auto& line : chunk) {
      if (!line.end_to_end_id.empty() && !duplicates.count(line.end_to_end_id)) {
        ids.push_back(line.end_to_end_id);
      }
    }
    std::unordered_map<std::string, PaymentStatus> found;
    for (auto& p : payments.ByEndToEndIds(ids)) found.emplace(p.end_to_end_id, std::move(p));
    std::vector<int64_t> paid_payments, paid_entitlements;
    std::map<std::string, std::pair<std::vector<int64_t>, std::vector<int64_t>>> failed;
    std::vector<PaymentEvent> events;
    std::vector<ReconciliationProblem> problems;
    for (const StatusLine& line : chunk) {
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
      std::string reason;
      if (to == PaymentState::kPaid) {
        paid_payments.push_back(payment.id);
        paid_entitlements.push_back(payment.entitlement_id);
        ++record.paid;
      } else if (to == PaymentState::kFailed) {
        reason = line.reason.empty() ? "no reason given" : line.reason;
        auto& group = failed[reason];
        group.first.push_back(payment.id);
        group.second.push_back(payment.entitlement_id);
        ++record.failed;
      }
      events.push_back({payment.id, payment.state, to, reason});
      touched.insert(payment.cycle_id);
    }
    payments.SetStates(paid_payments, paid_entitlements, PaymentState::kPaid, "", record.id, now);
    for (const auto& [reason, ids_of] : failed) {
      payments.SetStates(ids_of.first, ids_of.second, PaymentState::kFailed, reason, record.id,
                         now);
    }
    payments.AddEvents(events, record.id, principal_.name, now);
    std::sort(problems.begin(), problems.end(),
              [](const auto& a, const auto& b) { return a.line < b.line; });
    payments.AddProblems(record.id, problems);
    transaction.Commit();
    for (auto& p : problems) {
      if (result.problems.size() >= kMaxListed) break;
      result.problems.push_back(std::move(p));
    }
    chunk.clear();
  };

  Status applied = ReadStatusFile(path, format, [&](const StatusLine& line) -> Status {
    chunk.push_back(line);
    if (chunk.size() < kChunk) return OkStatus();
    try {
      apply();
    } catch (const std::exception& e) {
      return Error::Internal(e.what());
    }
    return OkStatus();
  });
  if (!applied.ok()) return applied.error();
  apply();

  store::Transaction transaction(db);
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
        payments.OpenEntitlements(cycle_id) > 0) {
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
