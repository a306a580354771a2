// Group: a household or another kind of group declared in configuration
// (a farmers' cooperative, a school class). People belong to groups through
// memberships with a role and a period; one person may be in several groups,
// and a group has at most one current head.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "registry/custom_field.h"

namespace spmis::registry {

enum class GroupStatus { kActive, kInactive };
const char* GroupStatusName(GroupStatus status);
std::optional<GroupStatus> ParseGroupStatus(std::string_view text);

inline constexpr std::string_view kHouseholdKind = "household";
inline constexpr std::string_view kHeadRole = "head";

struct Membership {
  int64_t id = 0;
  int64_t group_id = 0;
  int64_t individual_id = 0;
  std::string role;  // a declared role: head, spouse, child, ...
  std::optional<Date> start_date;
  std::optional<Date> end_date;  // empty while current
  // Filled on read, for display:
  std::string individual_name;

  bool is_current(Date today) const { return !end_date || *end_date > today; }
};

struct Group {
  int64_t id = 0;
  std::optional<std::string> external_id;
  std::string kind = std::string(kHouseholdKind);
  std::string name;
  std::optional<int64_t> area_id;
  std::string area_code;  // filled on read; accepted on write
  std::string area_path;  // filled on read: the area's materialised path, for scopes
  CustomValues custom;
  GroupStatus status = GroupStatus::kActive;
  int64_t version = 0;
  Timestamp created_at;
  Timestamp updated_at;
  std::optional<int64_t> head_id;  // filled on read from the current head membership

  std::string registrant_id() const;  // "GRP-00000007-1"
};

}  // namespace spmis::registry
