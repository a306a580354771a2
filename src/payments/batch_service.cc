#include "payments/batch_service.h"

#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>

#include "audit/audit_log.h"
#include "cycles/cycle_repository.h"
#include "cycles/cycle_service.h"
#include "payments/payment_repository.h"
#include "programs/program_service.h"

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

std::string Hex(const unsigned char* bytes, size_t size) {
  static const char* kDigits = "0123456789abcdef";
  std::string hex;
  for (size_t i = 0; i < size; ++i) {
    hex += kDigits[bytes[i] >> 4];
    hex += kDigits[bytes[i] & 15];
  }
  return hex;
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
        " ran at the same time; the batches already written stand: run it again for the rest");
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
  SPMIS_ASSIGN_OR_RETURN(cycles::CycleView view,
                         cycles::CycleService(database_, principal_).Get(cycle_id));
  const cycles::Cycle& cycle = view.cycle;
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
  std::vector<PayableGroup> groups = payments.PayableGroups(cycle_id, kind, options.reissue_failed);
  // Providers in a stable order; those without details last.
  std::sort(groups.begin(), groups.end(), [](const PayableGroup& a, const PayableGroup& b) {
    if (a.channel.has_value() != b.channel.has_value()) return a.channel.has_value();
    if (a.channel && *a.channel != *b.channel) return *a.channel < *b.channel;
    return a.provider < b.provider;
  });

  BatchCreation result;
  bool distributing = cycle.state == CycleState::kDistributing;
  // The batch being written, with its transaction.
  std::optional<store::Transaction> transaction;
  PaymentBatch batch;
  std::vector<Payment> buffered;
  std::vector<int64_t> reissued;
  auto flush = [&] {
    payments.InsertPayments(buffered, batch.created_at);
    buffered.clear();
    payments.ReopenEntitlements(reissued, batch.created_at);
    reissued.clear();
  };
  auto close_batch = [&] {
    if (!transaction) return;
    flush();
    payments.SetBatchTotals(batch.id, batch.payments, batch.total_minor);
    audit::AuditLog(db).Append(principal_.actor(), "create", "payment_batch",
                               std::to_string(batch.id), std::nullopt, BatchJson(batch));
    transaction->Commit();
    transaction.reset();
    result.batches.push_back(batch);
  };

  for (const PayableGroup& group : groups) {
    const bool skipped =
        group.channel && !options.provider.empty() && group.provider != options.provider;
    if (skipped) continue;
    int64_t after = 0;
    while (true) {
      std::vector<Payable> chunk =
          payments.Payables(cycle_id, kind, options.reissue_failed, group, after, kChunk);
      if (chunk.empty()) break;
      for (const Payable& p : chunk) {
        after = p.entitlement_id;
        if (std::string problem = ProblemOf(p); !problem.empty()) {
          ++result.exceptions;
          if (result.exception_list.size() < kMaxListed) {
            result.exception_list.push_back({p.entitlement_id,
                                             RegistrantId{kind, p.registrant_id}.ToString(),
                                             p.amount_minor, std::move(problem)});
          }
          continue;
        }
        if (!write) continue;
        if (!transaction) {
          transaction.emplace(db);
          if (!distributing) {
            cycles::CycleRepository cycles(db);
            auto current = cycles.Find(cycle_id);
            if (current->state == CycleState::kApproved) {
              current->state = CycleState::kDistributing;
              current->updated_at = Timestamp::Now();
              cycles.Update(*current, current->version);
              audit::AuditLog(db).Append(principal_.actor(), "distribute", "cycle",
                                         std::to_string(cycle_id), R"({"state":"approved"})",
                                         R"({"state":"distributing"})");
            }
            distributing = true;
          }
          batch = PaymentBatch{};
          batch.cycle_id = cycle_id;
          batch.channel = *group.channel;
          batch.provider = group.provider;
          batch.currency = p.currency;
          batch.created_by = principal_.name;
          batch.created_at = Timestamp::Now();
          payments.InsertBatch(batch);
        }
        Payment payment;
        payment.batch_id = batch.id;
        payment.cycle_id = cycle_id;
        payment.entitlement_id = p.entitlement_id;
        payment.registrant_id = p.registrant_id;
        payment.attempt = p.last_attempt + 1;
        payment.end_to_end_id = EndToEndId(cycle_id, p.entitlement_id, payment.attempt);
        payment.amount_minor = p.amount_minor;
        payment.currency = p.currency;
        payment.name = p.name.empty() ? RegistrantId{kind, p.registrant_id}.ToString() : p.name;
        payment.channel = p.details->channel;
        payment.provider = p.details->provider;
        payment.account = p.details->account;
        payment.bic = p.details->bic;
        if (p.failed_before) reissued.push_back(p.entitlement_id);
        buffered.push_back(std::move(payment));
        ++batch.payments;
        batch.total_minor += p.amount_minor;
        ++result.payments;
        result.total_minor += p.amount_minor;
        if (buffered.size() >= static_cast<size_t>(kChunk)) flush();
        if (options.max_size > 0 && batch.payments >= options.max_size) close_batch();
      }
    }
    close_batch();
  }
  return result;
}

Result<std::vector<PaymentBatch>> BatchService::List(int64_t cycle_id) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kPaymentRead));
  SPMIS_RETURN_IF_ERROR(cycles::CycleService(database_, principal_).Get(cycle_id));
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
  auto cycle = cycles::CycleService(database_, principal_).Get(batch->cycle_id);
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
  SPMIS_ASSIGN_OR_RETURN(cycles::CycleView view,
                         cycles::CycleService(database_, principal_).Get(batch.cycle_id));
  auto connection = database_.Acquire();
  store::Connection& db = *connection;
  SPMIS_ASSIGN_OR_RETURN(programs::Program program,
                         programs::ProgramService(db, principal_).Get(view.cycle.program_code));
  BatchHeader header;
  header.batch = batch;
  header.cycle_id = view.cycle.id;
  header.cycle_sequence = view.cycle.sequence;
  header.program_code = program.code;
  header.beneficiary_kind = KindOf(program);
  header.execution_date = std::max(view.cycle.start_date, batch.created_at.date());
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
  crypto_hash_sha256_state hash;
  crypto_hash_sha256_init(&hash);
  ExportSummary summary{batch, format, 0, ""};
  std::string text;
  auto emit = [&] {
    crypto_hash_sha256_update(&hash, reinterpret_cast<const unsigned char*>(text.data()),
                              text.size());
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    summary.bytes += static_cast<int64_t>(text.size());
    text.clear();
  };
  writer->Begin(header, text);
  PaymentRepository payments(db);
  int64_t after = 0;
  while (true) {
    auto chunk = payments.PaymentsOf(batch_id, after, kChunk);
    if (chunk.empty()) break;
    for (const Payment& p : chunk) writer->Add(p, text);
    after = chunk.back().id;
    emit();
  }
  writer->Finish(text);
  emit();
  out.flush();
  if (!out) return Error::Internal("the payment file could not be written");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&hash, digest);
  summary.sha256 = Hex(digest, sizeof digest);
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
