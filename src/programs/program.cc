#include "programs/program.h"

#include <array>
#include <utility>

namespace spmis::programs {
namespace {

template <typename E, size_t N>
const char* NameOf(const std::array<std::pair<E, const char*>, N>& names, E value) {
  for (const auto& [e, name] : names) {
    if (e == value) return name;
  }
  return names[0].second;
}

template <typename E, size_t N>
std::optional<E> Parse(const std::array<std::pair<E, const char*>, N>& names,
                       std::string_view text) {
  for (const auto& [e, name] : names) {
    if (text == name) return e;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<ProgramKind, const char*>, 5> kKinds = {{
    {ProgramKind::kUnconditionalCash, "unconditional_cash"},
    {ProgramKind::kConditionalCash, "conditional_cash"},
    {ProgramKind::kEmergency, "emergency"},
    {ProgramKind::kAgriculturalSupport, "agricultural_support"},
    {ProgramKind::kInKind, "in_kind"},
}};
constexpr std::array<std::pair<ProgramTarget, const char*>, 2> kTargets = {{
    {ProgramTarget::kIndividuals, "individuals"},
    {ProgramTarget::kGroups, "groups"},
}};
constexpr std::array<std::pair<ProgramState, const char*>, 3> kStates = {{
    {ProgramState::kDraft, "draft"},
    {ProgramState::kActive, "active"},
    {ProgramState::kEnded, "ended"},
}};

}  // namespace

const char* ProgramKindName(ProgramKind kind) { return NameOf(kKinds, kind); }
std::optional<ProgramKind> ParseProgramKind(std::string_view name) { return Parse(kKinds, name); }
const char* ProgramTargetName(ProgramTarget target) { return NameOf(kTargets, target); }
std::optional<ProgramTarget> ParseProgramTarget(std::string_view name) {
  return Parse(kTargets, name);
}
const char* ProgramStateName(ProgramState state) { return NameOf(kStates, state); }
std::optional<ProgramState> ParseProgramState(std::string_view name) {
  return Parse(kStates, name);
}

}  // namespace spmis::programs
