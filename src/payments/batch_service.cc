#include "payments/batch_service.h"

#include "core/sha256.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "audit/audit_log.h"
#include "cycles/cycle_repository.h"
#include "cycles/cycle_service.h"
#include "payments/chunk_reader.h"
#include "payments/payment_repository.h"
#include "programs/program_service.h"
#include "store/bulk_support.h"

namespace spmis::payments {
namespace {

namespace json = boost::json;
using cycles::CycleState;

constexpr int kChunk = 5000;
constexpr size_t kMaxListed = 1000;

RegistrantKind KindOf(const programs::Program& program) {
  return program.target == programs::ProgramTarget::kGroups ? RegistrantKind::kGroup
                                                            : RegistrantKind::kIndividual;
}

// Why this payable cannot be paid, "" when it can.
std::string ProblemOf(const Payable& p) {
  if (!p.details) return "no payment details";
  if (std::string problem = CheckDetails(*p.details); !problem.empty()) return problem;
  if (p.amount_minor == 0 && p.details->channel != Channel::kCash) {
    return "nothing to transfer (an in-kind entitlement): pay it at a distribution point";
  }
  return "";
}

std::string BatchJson(const PaymentBatch& b) {
  return json::serialize(json::object{{"cycle", b.cycle_id},
                                      {"sequence", b.sequence},
                                      {"channel", ChannelName(b.channel)},
                                      {"provider", b.provider},
                                      {"payments", b.payments},
                                      {"total_minor", b.total_minor},
                                      {"currency", b.currency}});
}

}  // namespace

Result<BatchCreation> BatchService::Create(int64_t cycle_id, const BatchOptions& options) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kPaymentManage));
  if (options.max_size < 0) {
    return Error::Invalid("the maximum batch size must be positive", {{"max_size", "< 0"}});
  }
  try {
    return Scan(cycle_id, options, true);
  } catch (const store::DatabaseError& e) {
    if (e.kind() != store::DatabaseError::Kind::kConstraint) throw;
    return Error::Conflict(
        "another batch creation for cycle " + std::to_string(cycle_id) +
        " ran at the same time and this run wrote nothing: run it again for what is left");
  }
}

Result<BatchCreation> BatchService::Exceptions(int64_t cycle_id, bool include_failed) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kPaymentRead));
  BatchOptions options;
  options.reissue_failed = include_failed;
  return Scan(cycle_id, options, false);
}

Result<BatchCreation> BatchService::Scan(int64_t cycle_id, const BatchOptions& options,
                                         bool write) {
  SPMIS_ASSIGN_OR_RETURN(cycles::Cycle cycle,
                         cycles::CycleService(database_, principal_).Find(cycle_id));
  if (cycle.state != CycleState::kApproved && cycle.state != CycleState::kDistributing) {
    return Error::Precondition("cycle " + std::to_string(cycle_id) + " is " +
                               cycles::CycleStateName(cycle.state) +
                               ": payments are made for approved cycles only");
  }
  auto connection = database_.Acquire();
  store::Connection& db = *connection;
  SPMIS_ASSIGN_OR_RETURN(programs::Program program,
                         programs::ProgramService(db, principal_).Get(cycle.program_code));
  const RegistrantKind kind = KindOf(program);
  PaymentRepository payments(db);
  // Each payment's entitlement was just read from the table and its batch is
  // written in this transaction, and neither is ever deleted: SQLite's check
  // of both references would look up a million entitlements again.
  std::optional<store::SqlitePragmaWhile> references_unchecked;
  if (write) references_unchecked.emplace(db, "foreign_keys", "OFF");
  // The run writes far more than any cache holds, in order: pages are
  // written out as they fill whatever the cache's size.
  store::SqlitePragmaWhile small_cache(db, "cache_size", store::kStreamingCacheSize);

  // One pass over the payables in beneficiary order, one open batch per
  // channel and provider; all of it in one transaction, so a crash leaves
  // none of this run's batches and running again starts afresh.
  BatchCreation result;
  std::optional<store::Transaction> transaction;
  std::map<std::pair<Channel, std::string>, PaymentBatch> open;
  std::vector<Payment> buffered;
  std::vector<int64_t> reissued;
  const Timestamp now = Timestamp::Now();
  auto flush = [&] {
    payments.InsertPayments(buffered);
    buffered.clear();
    payments.ReopenEntitlements(reissued, now);
    reissued.clear();
  };
  auto close_batch = [&](const PaymentBatch& batch) {
    payments.SetBatchTotals(batch.id, batch.payments, batch.total_minor);
    audit::AuditLog(db).Append(principal_.actor(), "create", "payment_batch",
                               std::to_string(batch.id), std::nullopt, BatchJson(batch));
    result.batches.push_back(batch);
  };
  ChunkReader<Payable> reader(
      database_,
      [&](PaymentRepository& source, int64_t after) {
        return source.Payables(cycle_id, kind, options.reissue_failed, after, kChunk);
      },
      [](const Payable& p) { return p.registrant_id; },
      [&](PaymentRepository& source, std::vector<Payable>& chunk) {
        if (write) source.NamePayables(kind, chunk);
      });
  while (true) {
    std::vector<Payable> chunk = reader.Next();
    if (chunk.empty()) break;
    for (const Payable& p : chunk) {
      if (std::string problem = ProblemOf(p); !problem.empty()) {
        ++result.exceptions;
        if (result.exception_list.size() < kMaxListed) {
          result.exception_list.push_back({p.entitlement_id,
                                           RegistrantId{kind, p.registrant_id}.ToString(),
                                           p.amount_minor, std::move(problem)});
        }
        continue;
      }
      if (!write || (!options.provider.empty() && p.details->provider != options.provider)) {
        continue;
      }
      if (!transaction) {
        transaction.emplace(db);
        if (cycle.state == CycleState::kApproved) {
          cycles::CycleRepository cycles(db);
          auto current = cycles.Find(cycle_id);
          if (current->state == CycleState::kApproved) {
            current->state = CycleState::kDistributing;
            current->updated_at = now;
            cycles.Update(*current, current->version);
            audit::AuditLog(db).Append(principal_.actor(), "distribute", "cycle",
                                       std::to_string(cycle_id), R"({"state":"approved"})",
                                       R"({"state":"distributing"})");
          }
        }
      }
      auto key = std::pair{p.details->channel, p.details->provider};
      PaymentBatch& batch = open[key];
      if (batch.id == 0) {
        batch.cycle_id = cycle_id;
        batch.channel = p.details->channel;
        batch.provider = p.details->provider;
        batch.currency = p.currency;
        batch.created_by = principal_.name;
        batch.created_at = now;
        payments.InsertBatch(batch);
      }
      Payment payment;
      payment.batch_id = batch.id;
      payment.cycle_id = cycle_id;
      payment.entitlement_id = p.entitlement_id;
      payment.registrant_id = p.registrant_id;
      payment.attempt = p.last_attempt + 1;
      payment.amount_minor = p.amount_minor;
      // Channel, provider and currency are the batch's, not stored per payment.
      payment.name = p.name.empty() ? RegistrantId{kind, p.registrant_id}.ToString() : p.name;
      payment.account = p.details->account;
      payment.bic = p.details->bic;
      if (p.failed_before) reissued.push_back(p.entitlement_id);
      buffered.push_back(std::move(payment));
      ++batch.payments;
      batch.total_minor += p.amount_minor;
      ++result.payments;
      result.total_minor += p.amount_minor;
      if (options.max_size > 0 && batch.payments >= options.max_size) {
        close_batch(batch);
        open.erase(key);
      }
    }
    if (write) flush();
  }
  if (transaction) {
    for (const auto& [key, batch] : open) close_batch(batch);
    transaction->Commit();
  }
  std::sort(result.batches.begin(), result.batches.end(),
            [](const PaymentBatch& a, const PaymentBatch& b) { return a.id < b.id; });
  return result;
}

Result<std::vector<PaymentBatch>> BatchService::List(int64_t cycle_id) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kPaymentRead));
  SPMIS_RETURN_IF_ERROR(cycles::CycleService(database_, principal_).Find(cycle_id));
  auto connection = database_.Acquire();
  return PaymentRepository(*connection).Batches(cycle_id);
}

Result<PaymentBatch> BatchService::Get(int64_t batch_id) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kPaymentRead));
  std::optional<PaymentBatch> batch;
  {
    auto connection = database_.Acquire();
    batch = PaymentRepository(*connection).FindBatch(batch_id);
  }
  if (!batch) return Error::NotFound("no payment batch " + std::to_string(batch_id));
  auto cycle = cycles::CycleService(database_, principal_).Find(batch->cycle_id);
  if (!cycle.ok()) return Error::NotFound("no payment batch " + std::to_string(batch_id));
  return std::move(*batch);
}

Result<std::vector<Payment>> BatchService::Payments(int64_t batch_id, int64_t after, int limit) {
  SPMIS_RETURN_IF_ERROR(Get(batch_id));
  auto connection = database_.Acquire();
  return PaymentRepository(*connection).PaymentsOf(batch_id, after, limit);
}

Result<ExportSummary> BatchService::Export(int64_t batch_id, ExportFormat format,
                                           std::ostream& out) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kPaymentManage));
  SPMIS_ASSIGN_OR_RETURN(PaymentBatch batch, Get(batch_id));
  SPMIS_ASSIGN_OR_RETURN(cycles::Cycle cycle,
                         cycles::CycleService(database_, principal_).Find(batch.cycle_id));
  auto connection = database_.Acquire();
  store::Connection& db = *connection;
  SPMIS_ASSIGN_OR_RETURN(programs::Program program,
                         programs::ProgramService(db, principal_).Get(cycle.program_code));
  BatchHeader header;
  header.batch = batch;
  header.cycle_id = cycle.id;
  header.cycle_sequence = cycle.sequence;
  header.program_code = program.code;
  header.beneficiary_kind = KindOf(program);
  header.execution_date = std::max(cycle.start_date, batch.created_at.date());
  header.debtor = {program.institution.empty() ? program.name : program.institution,
                   program.funding_account, program.funding_bic};
  std::unique_ptr<PaymentFileWriter> writer;
  if (format == ExportFormat::kPain001) {
    if (batch.channel == Channel::kCash) {
      return Error::Precondition("batch " + std::to_string(batch_id) +
                                 " is paid in cash at a distribution point: export it as CSV");
    }
    if (program.funding_account.empty()) {
      return Error::Precondition("program " + program.code +
                                 " has no funding account, which pain.001 names as the debtor "
                                 "account: set it with program update --funding-account");
    }
    writer = NewPain001Writer();
  } else {
    writer = NewCsvWriter();
  }
  Sha256 hash;
  ExportSummary summary{batch, format, 0, ""};
  std::string text;
  auto emit = [&] {
    hash.Update(text);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    summary.bytes += static_cast<int64_t>(text.size());
    text.clear();
  };
  writer->Begin(header, text);
  {
    // A batch's exported fields never change, so reading it in chunks on
    // another connection gives the same bytes as one reading would.
    ChunkReader<Payment> reader(
        database_,
        [&](PaymentRepository& source, int64_t after) {
          return source.PaymentsOf(batch_id, after, kChunk);
        },
        [](const Payment& p) { return p.id; });
    while (true) {
      std::vector<Payment> chunk = reader.Next();
      if (chunk.empty()) break;
      for (const Payment& p : chunk) writer->Add(p, text);
      emit();
    }
  }
  writer->Finish(text);
  PaymentRepository payments(db);
  emit();
  out.flush();
  if (!out) return Error::Internal("the payment file could not be written");
  summary.sha256 = hash.HexDigest();
  store::Transaction transaction(db);
  payments.MarkExported(batch_id, Timestamp::Now());
  audit::AuditLog(db).Append(principal_.actor(), "export", "payment_batch",
                             std::to_string(batch_id), std::nullopt,
                             json::serialize(json::object{{"format", ExportFormatName(format)},
                                                          {"payments", batch.payments},
                                                          {"total_minor", batch.total_minor},
                                                          {"bytes", summary.bytes},
                                                          {"sha256", summary.sha256}}));
  transaction.Commit();
  return summary;
}

}  // namespace spmis::payments
