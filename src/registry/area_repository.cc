#include "registry/area_repository.h"

#include "store/query_builder.h"

namespace spmis::registry {
namespace {

constexpr const char* kColumns =
    "a.id, a.code, a.name, a.level, a.parent_id, p.code, a.path, a.boundary, a.created_at, "
    "a.updated_at FROM areas a LEFT JOIN areas p ON p.id = a.parent_id ";

Area ReadArea(store::Statement& row) {
  Area area;
  area.id = row.Int(0);
  area.code = row.Text(1);
  area.name = row.Text(2);
  area.level = static_cast<int>(row.Int(3));
  area.parent_id = row.OptionalInt(4);
  area.parent_code = row.OptionalText(5).value_or("");
  area.path = row.Text(6);
  area.boundary_geojson = row.OptionalText(7);
  area.created_at = row.TimestampAt(8);
  area.updated_at = row.TimestampAt(9);
  return area;
}

}  // namespace

void AreaRepository::Insert(Area& area, const std::string& parent_path) {
  auto insert = db_.Prepare(
      "INSERT INTO areas (code, name, level, parent_id, path, boundary, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, '', $5, $6, $6) RETURNING id");
  insert->Bind(1, area.code)
      .Bind(2, area.name)
      .Bind(3, area.level)
      .Bind(4, area.parent_id)
      .Bind(5, area.boundary_geojson)
      .Bind(6, area.created_at);
  insert->Step();
  area.id = insert->Int(0);
  area.path = (parent_path.empty() ? "/" : parent_path) + std::to_string(area.id) + "/";
  auto set_path = db_.Prepare("UPDATE areas SET path = $1 WHERE id = $2");
  set_path->Bind(1, area.path).Bind(2, area.id).Execute();
}

std::optional<Area> AreaRepository::FindWhere(const char* where,
                                              const std::function<void(store::Statement&)>& bind) {
  auto query = db_.Prepare(std::string("SELECT ") + kColumns + where);
  bind(*query);
  if (!query->Step()) return std::nullopt;
  return ReadArea(*query);
}

std::optional<Area> AreaRepository::FindById(int64_t id) {
  return FindWhere("WHERE a.id = $1", [&](store::Statement& s) { s.Bind(1, id); });
}

std::optional<Area> AreaRepository::FindByCode(std::string_view code) {
  return FindWhere("WHERE a.code = $1", [&](store::Statement& s) { s.Bind(1, code); });
}

std::vector<Area> AreaRepository::List(std::optional<int64_t> parent_id, int limit,
                                       int64_t after_id) {
  store::QueryBuilder q(std::string("SELECT ") + kColumns + "WHERE a.id > ");
  q.Value(after_id);
  if (parent_id) q.Sql(" AND a.parent_id = ").Value(*parent_id);
  q.Sql(" ORDER BY a.id LIMIT ").Value(int64_t{limit});
  auto query = db_.Prepare(q.sql());
  q.BindTo(*query);
  std::vector<Area> areas;
  while (query->Step()) areas.push_back(ReadArea(*query));
  return areas;
}

int64_t AreaRepository::Count(std::optional<int64_t> parent_id) {
  store::QueryBuilder q("SELECT COUNT(*) FROM areas");
  if (parent_id) q.Sql(" WHERE parent_id = ").Value(*parent_id);
  auto query = db_.Prepare(q.sql());
  q.BindTo(*query);
  query->Step();
  return query->Int(0);
}

std::vector<AreaRepository::CodeEntry> AreaRepository::AllCodes() {
  auto query = db_.Prepare("SELECT code, id, path FROM areas");
  std::vector<CodeEntry> codes;
  while (query->Step()) {
    codes.push_back({std::string(query->Text(0)), query->Int(1), std::string(query->Text(2))});
  }
  return codes;
}

void AreaRepository::Rename(int64_t id, const std::string& name, Timestamp at) {
  auto update = db_.Prepare("UPDATE areas SET name = $1, updated_at = $2 WHERE id = $3");
  update->Bind(1, name).Bind(2, at).Bind(3, id).Execute();
}

}  // namespace spmis::registry
