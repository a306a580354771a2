// ReconciliationService: a provider's status file applied to the payments it
// names, for a Principal with reconciliation.import.
//
// Each line sets its payment to paid, failed (with the reason) or leaves it
// pending, and the entitlement follows. What cannot be applied safely is
// reported line by line and changes nothing: an unknown end-to-end id (or
// one outside the user's programs), an amount or currency that differs from
// the payment, an unknown status, an id that appears on more than one line
// (none of its lines is applied), and a payment already settled the other way
// (paid then failed, failed then paid: to be taken up with the provider).
// A line that repeats what is recorded changes nothing.
//
// The whole file is one transaction, its record included: its lines are
// checked 50,000 at a time against the payments they name, and the changes
// written together at the end in payment and entitlement order, so each
// page of those tables is written once whatever the file's order (memory:
// 32 bytes a line). A file found malformed at any line is refused whole and
// changes nothing; ids on several lines are found after a first reading,
// which is then undone and done again knowing them. A crash leaves all of it
// or none, and reconciling the same file again changes nothing more. When
// every approved entitlement of a distributing cycle is paid or cancelled,
// the cycle ends.
#pragma once

#include <string>
#include <vector>

#include "core/principal.h"
#include "core/result.h"
#include "payments/payment_repository.h"
#include "payments/status_file.h"
#include "store/database.h"

namespace spmis::payments {

struct ReconciliationResult {
  Reconciliation record;
  std::vector<ReconciliationProblem> problems;  // the first 1,000
  std::vector<int64_t> ended_cycles;
};

class ReconciliationService {
 public:
  ReconciliationService(store::Database& database, Principal principal)
      : database_(database), principal_(std::move(principal)) {}

  // `file_name` is what the history shows (the uploaded name); "" for `path`.
  Result<ReconciliationResult> Reconcile(const std::string& path, StatusFormat format,
                                         const std::string& file_name = "");
  Result<Reconciliation> Get(int64_t id);
  Result<std::vector<ReconciliationProblem>> Problems(int64_t id, int64_t after_line, int limit);

 private:
  store::Database& database_;
  Principal principal_;
};

}  // namespace spmis::payments
