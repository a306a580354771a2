// Program membership: a registrant's place in a program, its state, and each
// change of state with who made it, when, why and under which rule version.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/date.h"

namespace spmis::programs {

enum class MembershipState {
  kDraft,  // qualifies, waiting for a place (or for enrollment)
  kEnrolled,
  kPaused,
  kExited,
  kGraduated,
  kNotEligible,  // no longer (or not) meeting the rule
  kDuplicated,
};

const char* MembershipStateName(MembershipState state);  // "not_eligible"
std::optional<MembershipState> ParseMembershipState(std::string_view name);
// Every state, in the order above.
const MembershipState* AllMembershipStates(size_t* count);

struct ProgramMembership {
  int64_t id = 0;
  int64_t program_id = 0;
  int64_t registrant_id = 0;  // an individual's or a group's id, per the program's target
  MembershipState state = MembershipState::kDraft;
  std::optional<int> rule_version;
  std::string reason;
  std::optional<double> priority;
  std::optional<Timestamp> enrolled_at;
  Timestamp updated_at;
};

struct MembershipEvent {
  int64_t id = 0;
  int64_t membership_id = 0;
  std::optional<MembershipState> from_state;
  MembershipState to_state = MembershipState::kDraft;
  std::string reason;
  std::optional<int> rule_version;
  std::string actor;
  std::optional<int64_t> job_id;
  Timestamp at;
};

}  // namespace spmis::programs
