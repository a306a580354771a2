#include "programs/membership.h"

#include <array>

namespace spmis::programs {
namespace {

constexpr std::array<MembershipState, 7> kStates = {
    MembershipState::kDraft,     MembershipState::kEnrolled,  MembershipState::kPaused,
    MembershipState::kExited,    MembershipState::kGraduated, MembershipState::kNotEligible,
    MembershipState::kDuplicated};
constexpr std::array<const char*, 7> kNames = {"draft",     "enrolled",     "paused",    "exited",
                                               "graduated", "not_eligible", "duplicated"};

}  // namespace

const char* MembershipStateName(MembershipState state) {
  return kNames[static_cast<size_t>(state)];
}

std::optional<MembershipState> ParseMembershipState(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (name == kNames[i]) return kStates[i];
  }
  return std::nullopt;
}

const MembershipState* AllMembershipStates(size_t* count) {
  *count = kStates.size();
  return kStates.data();
}

}  // namespace spmis::programs
