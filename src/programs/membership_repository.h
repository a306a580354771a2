// MembershipRepository: the SQL of program memberships and their events,
// row by row for manual actions and in bulk for eligibility runs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "programs/membership.h"
#include "store/database.h"

namespace spmis::programs {

// A change of state to write: a new membership (id 0) or an existing one.
struct StateChange {
  int64_t membership_id = 0;
  int64_t registrant_id = 0;
  std::optional<MembershipState> from;
  MembershipState to = MembershipState::kDraft;
  std::string reason;
  std::optional<double> priority;
};

class MembershipRepository {
 public:
  explicit MembershipRepository(store::Connection& connection) : db_(connection) {}

  // The registrants first..last (ids) enrolled in the program before
  // `before` and still enrolled, in id order: a cycle's beneficiaries. Read
  // without the rest of their memberships, a million at a time.
  std::vector<int64_t> EnrolledBefore(int64_t program_id, int64_t first, int64_t last,
                                      Timestamp before);
  // The memberships of registrants first..last (ids) in the program.
  std::unordered_map<int64_t, ProgramMembership> InRange(int64_t program_id, int64_t first,
                                                         int64_t last);
  std::optional<ProgramMembership> Find(int64_t program_id, int64_t registrant_id);
  std::optional<ProgramMembership> FindById(int64_t id);
  // Writes the changes and one event each, in the caller's transaction.
  void Apply(int64_t program_id, std::vector<StateChange>& changes, std::optional<int> rule_version,
             const std::string& actor, std::optional<int64_t> job_id, Timestamp at);
  void SetPriority(int64_t membership_id, double priority);
  std::map<MembershipState, int64_t> CountByState(int64_t program_id);
  int64_t CountIn(int64_t program_id, const std::vector<MembershipState>& states);
  // Ids ascending after `after_id`; `state` empty for all.
  std::vector<ProgramMembership> List(int64_t program_id, std::optional<MembershipState> state,
                                      int64_t after_id, int limit);
  // Memberships in `state`, best priority first, then earliest registered.
  std::vector<ProgramMembership> Waiting(int64_t program_id, int64_t limit,
                                         const std::string& registrant_table);
  std::vector<MembershipEvent> Events(int64_t membership_id);

 private:
  store::Connection& db_;
};

}  // namespace spmis::programs
