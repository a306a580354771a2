// PaymentRepository: the SQL of payment details, batches, payments,
// reconciliations and their problems. Reads that can be large come in
// chunks after an id, so callers never hold a whole cycle in memory.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "payments/payment.h"
#include "store/database.h"

namespace spmis::payments {

// An approved (or failed, when re-issuing) entitlement without a payment
// that is not failed, with the details it would be paid to.
struct Payable {
  int64_t entitlement_id = 0;
  int64_t registrant_id = 0;
  int64_t amount_minor = 0;
  std::string currency;
  bool failed_before = false;             // the entitlement is failed: this is a re-issue
  int last_attempt = 0;                   // 0 when never paid before
  std::optional<PaymentDetails> details;  // none recorded
  std::string name;  // the account holder, else the registrant's name (NamePayables)
};

// A payment as reconciliation sees it: its key (the end-to-end id's parts),
// its amount (in its batch's currency) and state.
struct PaymentStatus {
  int64_t id = 0;
  int64_t cycle_id = 0;
  int64_t entitlement_id = 0;
  int attempt = 0;
  int64_t batch_id = 0;
  int64_t amount_minor = 0;
  PaymentState state = PaymentState::kPending;
};

struct PaymentEvent {
  int64_t payment_id = 0;
  PaymentState from = PaymentState::kPending;
  PaymentState to = PaymentState::kPending;
  std::string reason;
};

struct Reconciliation {
  int64_t id = 0;
  std::string file_name;
  std::string checksum;
  std::string format;
  int64_t lines = 0, paid = 0, failed = 0, pending = 0, unchanged = 0, problems = 0;
  bool done = false;
  std::string created_by;
  Timestamp created_at;
};

struct ReconciliationProblem {
  int64_t line = 0;
  std::string end_to_end_id;
  std::string problem;
};

class PaymentRepository {
 public:
  explicit PaymentRepository(store::Connection& connection) : db_(connection) {}

  // Inserts or replaces; sets the version.
  void SaveDetails(PaymentDetails& details);
  std::optional<PaymentDetails> FindDetails(RegistrantKind kind, int64_t registrant_id);

  // Up to `limit` of the cycle's payables (failed ones too when `reissue`)
  // of beneficiaries (registrant ids) above `after`, in that order.
  std::vector<Payable> Payables(int64_t cycle_id, RegistrantKind kind, bool reissue, int64_t after,
                                int limit);
  // Sets the name of the payables whose details name no account holder: the
  // individual's, or the group's head's (else the group's own); those
  // without details are not paid and keep no name. Separate from Payables so
  // that another thread can do it.
  void NamePayables(RegistrantKind kind, std::vector<Payable>& payables);

  // Sets id and sequence (the cycle's next).
  void InsertBatch(PaymentBatch& batch);
  void SetBatchTotals(int64_t batch_id, int64_t payments, int64_t total_minor);
  void MarkExported(int64_t batch_id, Timestamp at);
  std::optional<PaymentBatch> FindBatch(int64_t id);
  std::vector<PaymentBatch> Batches(int64_t cycle_id);
  // Written as made now: channel, provider, currency and time of creation are
  // their batch's, and not stored with each payment.
  void InsertPayments(const std::vector<Payment>& payments);
  std::vector<Payment> PaymentsOf(int64_t batch_id, int64_t after_id, int limit);

  // Every payment (each attempt) of these entitlements, ordered by
  // entitlement and attempt; `entitlement_ids` ascending, without repeats.
  std::vector<PaymentStatus> OfEntitlements(const std::vector<int64_t>& entitlement_ids);
  // Sets the payments' state (and reason) and their entitlements' state.
  // The payments must be pending (else kBusy is thrown: another
  // reconciliation settled one meanwhile). Ids in order write each page once.
  void SetStates(const std::vector<int64_t>& payment_ids,
                 const std::vector<int64_t>& entitlement_ids, PaymentState state,
                 const std::string& reason, std::optional<int64_t> reconciliation_id, Timestamp at);
  // Moves failed entitlements back to approved for their re-issue.
  void ReopenEntitlements(const std::vector<int64_t>& entitlement_ids, Timestamp at);
  void AddEvents(const std::vector<PaymentEvent>& events, std::optional<int64_t> reconciliation_id,
                 const std::string& actor, Timestamp at);
  // Whether any of the cycle's entitlements is approved (not yet paid) or failed.
  bool HasOpenEntitlements(int64_t cycle_id);

  void InsertReconciliation(Reconciliation& reconciliation);
  void FinishReconciliation(const Reconciliation& reconciliation, Timestamp at);
  std::optional<Reconciliation> FindReconciliation(int64_t id);
  void AddProblems(int64_t reconciliation_id, const std::vector<ReconciliationProblem>& problems);
  std::vector<ReconciliationProblem> Problems(int64_t reconciliation_id, int64_t after_line,
                                              int limit);

 private:
  store::Connection& db_;
};

}  // namespace spmis::payments
