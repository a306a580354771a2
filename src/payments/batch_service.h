// BatchService: a cycle's payments, in batches per channel and provider, and
// their files, for the Principal it is built with (payment.manage to create
// and export, payment.read to look).
//
// - Batches are made from the approved entitlements of an approved (or
//   distributing) cycle that have no payment yet, and, when re-issuing, from
//   failed ones (a new attempt, a new end-to-end id). Entitlements whose
//   beneficiary has no or invalid payment details are exceptions: counted,
//   listed, never silently dropped, and batched once the details are fixed.
// - One run reads the payables once, in entitlement order, filling one open
//   batch per channel and provider (a new one after `max_size` payments), and
//   writes all its batches in one transaction: a crash leaves none of them,
//   and running again batches what is left. The database refuses a second
//   live payment of an entitlement, so nothing is paid twice even if two
//   runs race.
// - The first batch moves the cycle to distributing.
// - Exports are written from the stored batch only, so they repeat byte for
//   byte; each export is audited with the file's SHA-256.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/principal.h"
#include "core/result.h"
#include "payments/payment.h"
#include "payments/payment_file.h"
#include "store/database.h"

namespace spmis::payments {

struct BatchOptions {
  std::string provider;  // only this provider ("" for all)
  int64_t max_size = 0;  // payments per batch (0: no limit)
  bool reissue_failed = false;
};

// An entitlement that cannot be paid as things stand, and why.
struct PaymentException {
  int64_t entitlement_id = 0;
  std::string beneficiary_id;  // "GRP-00000007-1"
  int64_t amount_minor = 0;
  std::string problem;
};

struct BatchCreation {
  std::vector<PaymentBatch> batches;
  int64_t payments = 0;
  int64_t total_minor = 0;
  int64_t exceptions = 0;
  std::vector<PaymentException> exception_list;  // the first 1,000
};

struct ExportSummary {
  PaymentBatch batch;
  ExportFormat format = ExportFormat::kCsv;
  int64_t bytes = 0;
  std::string sha256;  // of the bytes written, hex
};

class BatchService {
 public:
  BatchService(store::Database& database, Principal principal)
      : database_(database), principal_(std::move(principal)) {}

  Result<BatchCreation> Create(int64_t cycle_id, const BatchOptions& options);
  // The cycle's payables that cannot be paid, all of them, in entitlement order.
  Result<BatchCreation> Exceptions(int64_t cycle_id, bool include_failed);
  Result<std::vector<PaymentBatch>> List(int64_t cycle_id);
  Result<PaymentBatch> Get(int64_t batch_id);
  // Up to `limit` payments of the batch after payment id `after`.
  Result<std::vector<Payment>> Payments(int64_t batch_id, int64_t after, int limit);
  Result<ExportSummary> Export(int64_t batch_id, ExportFormat format, std::ostream& out);

 private:
  Result<BatchCreation> Scan(int64_t cycle_id, const BatchOptions& options, bool write);
  store::Database& database_;
  Principal principal_;
};

}  // namespace spmis::payments
