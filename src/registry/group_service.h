// GroupService: creating and changing groups and their memberships. It keeps
// the group rules: the kind and roles must be declared, a person is a current
// member of a group once, and a group has at most one current head. Like
// IndividualService it checks its Principal's permission and area scope on
// every call (a group outside the areas is not found).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/page.h"
#include "core/principal.h"
#include "core/result.h"
#include "registry/group.h"
#include "registry/history.h"
#include "store/database.h"

namespace spmis::registry {

class GroupService {
 public:
  GroupService(store::Connection& connection, Principal principal)
      : db_(connection), principal_(std::move(principal)) {}

  Result<Group> Create(Group group);
  Result<Group> Update(Group group, int64_t expected_version);
  Result<Group> Get(int64_t id);
  Result<Group> GetByRegistrantId(std::string_view registrant_id);
  // The groups within the principal's areas.
  Result<Page<Group>> List(int limit, const std::string& cursor);
  Result<std::vector<Membership>> Members(int64_t group_id);

  // Adds a person to a group from `membership.start_date` (today when empty).
  Result<Membership> AddMember(Membership membership);
  // Ends a membership on `end_date` (today when empty); the person stays registered.
  Result<Membership> EndMember(int64_t membership_id, std::optional<Date> end_date);
  Result<std::vector<HistoryEntry>> History(int64_t group_id);

 private:
  Status Validate(Group& group, std::optional<int64_t> existing_id);
  Result<Group> Read(int64_t id);
  store::Connection& db_;
  Principal principal_;
};

}  // namespace spmis::registry
