#include "registry/group_repository.h"

#include "store/query_builder.h"

namespace spmis::registry {
namespace {

constexpr const char* kSelect =
    "SELECT g.id, g.external_id, g.kind, g.name, g.area_id, a.code, g.custom, g.status, "
    "g.version, g.created_at, g.updated_at, "
    "(SELECT m.individual_id FROM group_memberships m WHERE m.group_id = g.id "
    " AND m.role = 'head' AND m.end_date IS NULL), a.path "
    "FROM registry_groups g LEFT JOIN areas a ON a.id = g.area_id ";

Group ReadGroup(store::Statement& row) {
  Group g;
  g.id = row.Int(0);
  g.external_id = row.OptionalText(1);
  g.kind = row.Text(2);
  g.name = row.Text(3);
  g.area_id = row.OptionalInt(4);
  g.area_code = row.OptionalText(5).value_or("");
  g.custom = DecodeCustomValues(row.Text(6));
  g.status = ParseGroupStatus(row.Text(7)).value_or(GroupStatus::kActive);
  g.version = row.Int(8);
  g.created_at = row.TimestampAt(9);
  g.updated_at = row.TimestampAt(10);
  g.head_id = row.OptionalInt(11);
  g.area_path = row.OptionalText(12).value_or("");
  return g;
}

constexpr const char* kMemberSelect =
    "SELECT m.id, m.group_id, m.individual_id, m.role, m.start_date, m.end_date, "
    "i.given_name, i.other_names, i.family_name FROM group_memberships m "
    "JOIN individuals i ON i.id = m.individual_id ";

Membership ReadMembership(store::Statement& row) {
  Membership m;
  m.id = row.Int(0);
  m.group_id = row.Int(1);
  m.individual_id = row.Int(2);
  m.role = row.Text(3);
  m.start_date = row.OptionalDate(4);
  m.end_date = row.OptionalDate(5);
  for (int column : {6, 7, 8}) {
    std::string_view part = row.Text(column);
    if (part.empty()) continue;
    if (!m.individual_name.empty()) m.individual_name += ' ';
    m.individual_name += part;
  }
  return m;
}

}  // namespace

void GroupRepository::Insert(Group& group) {
  auto insert = db_.Prepare(
      "INSERT INTO registry_groups (external_id, kind, name, area_id, custom, status, version, "
      "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id");
  insert->Bind(1, group.external_id)
      .Bind(2, group.kind)
      .Bind(3, group.name)
      .Bind(4, group.area_id)
      .Bind(5, EncodeCustomValues(group.custom))
      .Bind(6, GroupStatusName(group.status))
      .Bind(7, group.created_at);
  insert->Step();
  group.id = insert->Int(0);
  group.version = 1;
}

bool GroupRepository::Update(const Group& group, int64_t expected_version) {
  auto update = db_.Prepare(
      "UPDATE registry_groups SET external_id = $1, kind = $2, name = $3, area_id = $4, "
      "custom = $5, status = $6, version = version + 1, updated_at = $7 "
      "WHERE id = $8 AND version = $9");
  update->Bind(1, group.external_id)
      .Bind(2, group.kind)
      .Bind(3, group.name)
      .Bind(4, group.area_id)
      .Bind(5, EncodeCustomValues(group.custom))
      .Bind(6, GroupStatusName(group.status))
      .Bind(7, group.updated_at)
      .Bind(8, group.id)
      .Bind(9, expected_version);
  return update->Execute() == 1;
}

std::optional<Group> GroupRepository::Find(int64_t id) {
  auto query = db_.Prepare(std::string(kSelect) + "WHERE g.id = $1");
  query->Bind(1, id);
  if (!query->Step()) return std::nullopt;
  return ReadGroup(*query);
}

std::optional<int64_t> GroupRepository::FindIdByExternalId(std::string_view external_id) {
  auto query = db_.Prepare("SELECT id FROM registry_groups WHERE external_id = $1");
  query->Bind(1, external_id);
  if (!query->Step()) return std::nullopt;
  return query->Int(0);
}

namespace {

// "AND g.area_id IN (areas under any of the paths)", when there are paths.
void AppendWithin(store::QueryBuilder& q, const std::vector<std::string>& within_paths) {
  if (within_paths.empty()) return;
  q.Sql(" AND g.area_id IN (SELECT id FROM areas WHERE ");
  for (size_t i = 0; i < within_paths.size(); ++i) {
    q.Sql(i == 0 ? "path LIKE " : " OR path LIKE ").Value(within_paths[i] + "%");
  }
  q.Sql(")");
}

}  // namespace

std::vector<Group> GroupRepository::List(int limit, int64_t after_id,
                                         const std::vector<std::string>& within_paths) {
  store::QueryBuilder q(std::string(kSelect) + "WHERE g.id > ");
  q.Value(after_id);
  AppendWithin(q, within_paths);
  q.Sql(" ORDER BY g.id LIMIT ").Value(static_cast<int64_t>(limit));
  auto query = db_.Prepare(q.sql());
  q.BindTo(*query);
  std::vector<Group> groups;
  while (query->Step()) groups.push_back(ReadGroup(*query));
  return groups;
}

int64_t GroupRepository::Count(const std::vector<std::string>& within_paths) {
  store::QueryBuilder q("SELECT COUNT(*) FROM registry_groups g WHERE 1 = 1");
  AppendWithin(q, within_paths);
  auto query = db_.Prepare(q.sql());
  q.BindTo(*query);
  query->Step();
  return query->Int(0);
}

void GroupRepository::InsertMembership(Membership& membership) {
  auto insert = db_.Prepare(
      "INSERT INTO group_memberships (group_id, individual_id, role, start_date, end_date, "
      "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id");
  insert->Bind(1, membership.group_id)
      .Bind(2, membership.individual_id)
      .Bind(3, membership.role)
      .Bind(4, membership.start_date)
      .Bind(5, membership.end_date)
      .Bind(6, Timestamp::Now());
  insert->Step();
  membership.id = insert->Int(0);
}

std::optional<Membership> GroupRepository::FindMembership(int64_t id) {
  auto query = db_.Prepare(std::string(kMemberSelect) + "WHERE m.id = $1");
  query->Bind(1, id);
  if (!query->Step()) return std::nullopt;
  return ReadMembership(*query);
}

void GroupRepository::EndMembership(int64_t membership_id, Date end_date, Timestamp at) {
  auto update =
      db_.Prepare("UPDATE group_memberships SET end_date = $1, updated_at = $2 WHERE id = $3");
  update->Bind(1, end_date).Bind(2, at).Bind(3, membership_id).Execute();
}

std::vector<Membership> GroupRepository::Members(int64_t group_id) {
  auto query = db_.Prepare(std::string(kMemberSelect) +
                           "WHERE m.group_id = $1 ORDER BY (m.end_date IS NULL) DESC, "
                           "CASE WHEN m.role = 'head' THEN 0 ELSE 1 END, m.start_date, m.id");
  query->Bind(1, group_id);
  std::vector<Membership> members;
  while (query->Step()) members.push_back(ReadMembership(*query));
  return members;
}

std::optional<Membership> GroupRepository::CurrentHead(int64_t group_id) {
  auto query = db_.Prepare(std::string(kMemberSelect) +
                           "WHERE m.group_id = $1 AND m.role = 'head' AND m.end_date IS NULL");
  query->Bind(1, group_id);
  if (!query->Step()) return std::nullopt;
  return ReadMembership(*query);
}

bool GroupRepository::IsCurrentMember(int64_t group_id, int64_t individual_id) {
  auto query = db_.Prepare(
      "SELECT 1 FROM group_memberships WHERE group_id = $1 AND individual_id = $2 "
      "AND end_date IS NULL");
  query->Bind(1, group_id).Bind(2, individual_id);
  return query->Step();
}

}  // namespace spmis::registry
