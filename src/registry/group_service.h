// GroupService: creating and changing groups and their memberships. It keeps
// the group rules: the kind and roles must be declared, a person is a current
// member of a group once, and a group has at most one current head.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/actor.h"
#include "core/page.h"
#include "core/result.h"
#include "registry/group.h"
#include "registry/history.h"
#include "store/database.h"

namespace spmis::registry {

class GroupService {
 public:
  explicit GroupService(store::Connection& connection) : db_(connection) {}

  Result<Group> Create(Group group, const Actor& actor);
  Result<Group> Update(Group group, int64_t expected_version, const Actor& actor);
  Result<Group> Get(int64_t id);
  Result<Group> GetByRegistrantId(std::string_view registrant_id);
  // `within_area_paths`: the caller's area scope (empty: all groups).
  Result<Page<Group>> List(int limit, const std::string& cursor,
                           const std::vector<std::string>& within_area_paths = {});
  Result<std::vector<Membership>> Members(int64_t group_id);

  // Adds a person to a group from `membership.start_date` (today when empty).
  Result<Membership> AddMember(Membership membership, const Actor& actor);
  // Ends a membership on `end_date` (today when empty); the person stays registered.
  Result<Membership> EndMember(int64_t membership_id, std::optional<Date> end_date,
                               const Actor& actor);
  Result<std::vector<HistoryEntry>> History(int64_t group_id);

 private:
  Status Validate(Group& group, std::optional<int64_t> existing_id);
  store::Connection& db_;
};

}  // namespace spmis::registry
