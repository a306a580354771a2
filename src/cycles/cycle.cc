#include "cycles/cycle.h"

#include <array>

namespace spmis::cycles {
namespace {

constexpr std::array<const char*, 6> kCycleStates = {"draft",        "to_approve", "approved",
                                                     "distributing", "ended",      "cancelled"};
constexpr std::array<const char*, 6> kEntitlementStates = {
    "draft", "pending_approval", "approved", "paid", "failed", "cancelled"};

}  // namespace

const char* CycleStateName(CycleState state) { return kCycleStates[static_cast<size_t>(state)]; }

std::optional<CycleState> ParseCycleState(std::string_view name) {
  for (size_t i = 0; i < kCycleStates.size(); ++i) {
    if (name == kCycleStates[i]) return static_cast<CycleState>(i);
  }
  return std::nullopt;
}

const char* EntitlementStateName(EntitlementState state) {
  return kEntitlementStates[static_cast<size_t>(state)];
}

std::optional<EntitlementState> ParseEntitlementState(std::string_view name) {
  for (size_t i = 0; i < kEntitlementStates.size(); ++i) {
    if (name == kEntitlementStates[i]) return static_cast<EntitlementState>(i);
  }
  return std::nullopt;
}

}  // namespace spmis::cycles
