// GroupRepository: the SQL for groups and memberships. No validation here:
// GroupService checks before it writes.
#pragma once

#include <optional>
#include <vector>

#include "registry/group.h"
#include "store/database.h"

namespace spmis::registry {

class GroupRepository {
 public:
  explicit GroupRepository(store::Connection& connection) : db_(connection) {}

  void Insert(Group& group);  // sets id and version
  bool Update(const Group& group, int64_t expected_version);
  std::optional<Group> Find(int64_t id);
  std::optional<int64_t> FindIdByExternalId(std::string_view external_id);
  // Groups after `after_id`, only in these areas and below when any are given.
  std::vector<Group> List(int limit, int64_t after_id,
                          const std::vector<std::string>& within_paths = {});
  int64_t Count(const std::vector<std::string>& within_paths = {});

  void InsertMembership(Membership& membership);
  std::optional<Membership> FindMembership(int64_t id);
  void EndMembership(int64_t membership_id, Date end_date, Timestamp at);
  // Every membership of the group, current first, then by start.
  std::vector<Membership> Members(int64_t group_id);
  std::optional<Membership> CurrentHead(int64_t group_id);
  bool IsCurrentMember(int64_t group_id, int64_t individual_id);

 private:
  store::Connection& db_;
};

}  // namespace spmis::registry
