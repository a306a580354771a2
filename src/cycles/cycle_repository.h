// CycleRepository: the SQL of cycles, their entitlements and approvals.
#pragma once

#include <optional>
#include <unordered_set>
#include <vector>

#include "cycles/cycle.h"
#include "store/database.h"

namespace spmis::cycles {

class CycleRepository {
 public:
  explicit CycleRepository(store::Connection& connection) : db_(connection) {}

  // Sets id, sequence (the program's next) and version.
  void Insert(Cycle& cycle);
  std::optional<Cycle> Find(int64_t id);
  std::vector<Cycle> ForProgram(int64_t program_id);
  // Writes state, preparer, submitter, approvals needed; false when the
  // version is no longer `expected_version`.
  bool Update(Cycle& cycle, int64_t expected_version);

  // Registrants first..last that already hold an entitlement in the cycle.
  std::unordered_set<int64_t> EntitledIn(int64_t cycle_id, int64_t first, int64_t last);
  void InsertEntitlements(const std::vector<Entitlement>& entitlements, Timestamp at);
  // Moves the cycle's entitlements in `from` to `to`; approving stamps approved_at.
  int64_t MoveEntitlements(int64_t cycle_id, EntitlementState from, EntitlementState to,
                           Timestamp at);
  std::vector<Entitlement> Entitlements(int64_t cycle_id, int64_t after_id, int limit);
  CycleTotals Totals(int64_t cycle_id);
  // Approved money of the program's other cycles that is not cancelled.
  int64_t CommittedElsewhere(int64_t program_id, int64_t cycle_id);

  void AddApproval(int64_t cycle_id, const Approval& approval);
  std::vector<Approval> Approvals(int64_t cycle_id);

 private:
  store::Connection& db_;
};

}  // namespace spmis::cycles
