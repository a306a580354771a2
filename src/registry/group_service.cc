#include "registry/group_service.h"

#include <set>

#include "core/registrant_id.h"
#include "registry/area_repository.h"
#include "registry/area_scope.h"
#include "registry/audit_record.h"
#include "registry/configuration_repository.h"
#include "registry/group_repository.h"
#include "registry/history_repository.h"
#include "registry/individual_repository.h"
#include "registry/validation.h"

namespace spmis::registry {
namespace {

std::string GroupIdText(int64_t id) { return RegistrantId{RegistrantKind::kGroup, id}.ToString(); }
std::string PersonIdText(int64_t id) {
  return RegistrantId{RegistrantKind::kIndividual, id}.ToString();
}

HistoryEntry Entry(int64_t group_id, std::string action, std::string field,
                   std::optional<std::string> old_value, std::optional<std::string> new_value,
                   const Actor& actor, Timestamp at) {
  HistoryEntry e;
  e.registrant_kind = RegistrantKind::kGroup;
  e.registrant_id = group_id;
  e.action = std::move(action);
  e.field = std::move(field);
  e.old_value = std::move(old_value);
  e.new_value = std::move(new_value);
  e.actor = actor.name;
  e.changed_at = at;
  return e;
}

}  // namespace

Status GroupService::Validate(Group& group, std::optional<int64_t> existing_id) {
  std::vector<FieldError> errors;
  FieldChecker check(errors);
  ConfigurationRepository configuration(db_);
  if (!configuration.GroupKindExists(group.kind)) {
    check.Fail("kind", "'" + group.kind + "' is not a declared group kind");
  }
  check.Text("name", group.name, 200, false);
  if (group.external_id) {
    check.Text("external_id", *group.external_id, 100, true);
    auto holder = GroupRepository(db_).FindIdByExternalId(*group.external_id);
    if (holder && holder != existing_id) {
      check.Fail("external_id", "external ID '" + *group.external_id + "' is already used by " +
                                    GroupIdText(*holder));
    }
  }
  AreaRepository areas(db_);
  std::string area_path;
  if (!group.area_code.empty()) {
    auto area = areas.FindByCode(group.area_code);
    if (!area) {
      check.Fail("area_code", "no area with code '" + group.area_code + "'");
    } else {
      group.area_id = area->id;
      area_path = area->path;
    }
  } else if (group.area_id) {
    auto area = areas.FindById(*group.area_id);
    if (!area) {
      check.Fail("area_id", "no area with id " + std::to_string(*group.area_id));
    } else {
      group.area_code = area->code;
      area_path = area->path;
    }
  }
  if (errors.empty() && !principal_.CoversArea(area_path)) {
    return OutsideAreas("you may only register groups in your areas");
  }
  (void)ValidateCustomValues(configuration.CustomFields(RegistrantKind::kGroup), group.custom, true,
                             errors);
  if (!errors.empty()) {
    std::string message = "the group was not saved: " + std::to_string(errors.size()) +
                          (errors.size() == 1 ? " field is" : " fields are") + " invalid";
    return Error::Invalid(std::move(message), std::move(errors));
  }
  return OkStatus();
}

Result<Group> GroupService::Create(Group group) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kRegistryWrite));
  const Actor actor = principal_.actor();
  store::Transaction transaction(db_);
  SPMIS_RETURN_IF_ERROR(Validate(group, std::nullopt));
  group.created_at = group.updated_at = Timestamp::Now();
  GroupRepository(db_).Insert(group);
  HistoryRepository(db_).Append(
      Entry(group.id, "created", "", std::nullopt, std::nullopt, actor, group.created_at));
  AuditCreated(db_, actor, group);
  transaction.Commit();
  return Read(group.id);
}

Result<Group> GroupService::Update(Group group, int64_t expected_version) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kRegistryWrite));
  const Actor actor = principal_.actor();
  store::Transaction transaction(db_);
  GroupRepository repository(db_);
  auto current = repository.Find(group.id);
  if (!current || !principal_.CoversArea(current->area_path))
    return Error::NotFound("no group " + GroupIdText(group.id));
  if (current->version != expected_version) {
    return Error::Precondition(GroupIdText(group.id) +
                               " was changed by someone else (now version " +
                               std::to_string(current->version) + ", yours " +
                               std::to_string(expected_version) + "): reload and try again");
  }
  SPMIS_RETURN_IF_ERROR(Validate(group, group.id));
  group.updated_at = Timestamp::Now();
  std::vector<HistoryEntry> changes;
  auto field = [&](const char* name, std::optional<std::string> a, std::optional<std::string> b) {
    if (a != b) changes.push_back(Entry(group.id, "updated", name, a, b, actor, group.updated_at));
  };
  field("external_id", current->external_id, group.external_id);
  field("kind", current->kind, group.kind);
  field("name", current->name, group.name);
  field("area_code", current->area_code, group.area_code);
  field("status", GroupStatusName(current->status), GroupStatusName(group.status));
  std::set<std::string> names;
  for (const auto& [k, v] : current->custom) names.insert(k);
  for (const auto& [k, v] : group.custom) names.insert(k);
  for (const auto& name : names) {
    std::optional<std::string> a, b;
    if (auto it = current->custom.find(name); it != current->custom.end())
      a = CustomValueToString(it->second);
    if (auto it = group.custom.find(name); it != group.custom.end())
      b = CustomValueToString(it->second);
    std::string key = "custom." + name;
    field(key.c_str(), a, b);
  }
  if (changes.empty()) return *current;
  if (!repository.Update(group, expected_version)) {
    return Error::Precondition(GroupIdText(group.id) + " was changed by someone else");
  }
  HistoryRepository history(db_);
  for (const auto& change : changes) history.Append(change);
  AuditChanged(db_, actor, "update", "group", group.registrant_id(), changes);
  transaction.Commit();
  return Read(group.id);
}

Result<Group> GroupService::Get(int64_t id) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kRegistryRead));
  return Read(id);
}

Result<Group> GroupService::Read(int64_t id) {
  auto group = GroupRepository(db_).Find(id);
  // Outside the principal's areas it is as if there were no such group.
  if (!group || !principal_.CoversArea(group->area_path))
    return Error::NotFound("no group " + GroupIdText(id));
  return std::move(*group);
}

Result<Group> GroupService::GetByRegistrantId(std::string_view registrant_id) {
  auto parsed = RegistrantId::Parse(registrant_id);
  if (!parsed || parsed->kind != RegistrantKind::kGroup) {
    return Error::NotFound("'" + std::string(registrant_id) +
                           "' is not a group's registrant ID (GRP-NNNNNNNN-C)");
  }
  return Get(parsed->number);
}

Result<Page<Group>> GroupService::List(int limit, const std::string& cursor) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kRegistryRead));
  const std::vector<std::string>& within_area_paths = principal_.area_paths;
  if (limit < 1 || limit > 1000)
    return Error::Invalid("invalid list request", {{"limit", "must be from 1 to 1000"}});
  int64_t after = 0;
  if (!cursor.empty()) {
    auto position = DecodeCursor(cursor);
    if (!position || position->sort_field != "id:asc") {
      return Error::Invalid("invalid list request",
                            {{"cursor", "is not a cursor of this listing"}});
    }
    after = position->id;
  }
  GroupRepository repository(db_);
  Page<Group> page;
  page.items = repository.List(limit + 1, after, within_area_paths);
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next = EncodeCursor({"id:asc", "", page.items.back().id});
  }
  page.total = repository.Count(within_area_paths);
  return page;
}

Result<std::vector<Membership>> GroupService::Members(int64_t group_id) {
  SPMIS_RETURN_IF_ERROR(Get(group_id));
  return GroupRepository(db_).Members(group_id);
}

Result<Membership> GroupService::AddMember(Membership membership) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kRegistryWrite));
  const Actor actor = principal_.actor();
  store::Transaction transaction(db_);
  GroupRepository groups(db_);
  std::vector<FieldError> errors;
  auto group = groups.Find(membership.group_id);
  if (!group || !principal_.CoversArea(group->area_path)) {
    return Error::NotFound("no group " + GroupIdText(membership.group_id));
  }
  auto person = IndividualRepository(db_).Find(membership.individual_id);
  if (!person || !principal_.CoversArea(person->area_path)) {
    errors.push_back({"individual_id", "no individual " + PersonIdText(membership.individual_id)});
  }
  if (!ConfigurationRepository(db_).RoleExists(membership.role)) {
    errors.push_back({"role", "'" + membership.role + "' is not a declared membership role"});
  }
  if (!membership.start_date) membership.start_date = Date::Today();
  if (membership.end_date && *membership.end_date < *membership.start_date) {
    errors.push_back({"end_date", "is before start_date"});
  }
  if (!errors.empty()) return Error::Invalid("the membership was not saved", std::move(errors));
  if (groups.IsCurrentMember(membership.group_id, membership.individual_id)) {
    return Error::Conflict(PersonIdText(membership.individual_id) + " is already a member of " +
                               group->registrant_id(),
                           {{"individual_id", "already a current member"}});
  }
  if (membership.role == kHeadRole && !membership.end_date) {
    if (auto head = groups.CurrentHead(membership.group_id)) {
      return Error::Conflict(group->registrant_id() + " already has a head (" +
                                 PersonIdText(head->individual_id) + "): end that membership first",
                             {{"role", "the group already has a head"}});
    }
  }
  groups.InsertMembership(membership);
  HistoryEntry added =
      Entry(membership.group_id, "member_added", PersonIdText(membership.individual_id),
            std::nullopt, membership.role, actor, Timestamp::Now());
  HistoryRepository(db_).Append(added);
  AuditChanged(db_, actor, "add_member", "group", group->registrant_id(), {added});
  transaction.Commit();
  return *groups.FindMembership(membership.id);
}

Result<Membership> GroupService::EndMember(int64_t membership_id, std::optional<Date> end_date) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kRegistryWrite));
  const Actor actor = principal_.actor();
  store::Transaction transaction(db_);
  GroupRepository groups(db_);
  auto membership = groups.FindMembership(membership_id);
  if (!membership || !Read(membership->group_id).ok()) {
    return Error::NotFound("no membership " + std::to_string(membership_id));
  }
  if (membership->end_date) {
    return Error::Precondition("the membership already ended on " +
                               membership->end_date->ToString());
  }
  Date end = end_date.value_or(Date::Today());
  if (membership->start_date && end < *membership->start_date) {
    return Error::Invalid("the membership was not ended", {{"end_date", "is before start_date"}});
  }
  groups.EndMembership(membership_id, end, Timestamp::Now());
  HistoryEntry ended =
      Entry(membership->group_id, "member_ended", PersonIdText(membership->individual_id),
            membership->role, end.ToString(), actor, Timestamp::Now());
  HistoryRepository(db_).Append(ended);
  AuditChanged(db_, actor, "end_member", "group", GroupIdText(membership->group_id), {ended});
  transaction.Commit();
  return *groups.FindMembership(membership_id);
}

Result<std::vector<HistoryEntry>> GroupService::History(int64_t group_id) {
  SPMIS_RETURN_IF_ERROR(Get(group_id));
  return HistoryRepository(db_).ForRegistrant(RegistrantKind::kGroup, group_id);
}

}  // namespace spmis::registry
