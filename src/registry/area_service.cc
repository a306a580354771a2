#include "registry/area_service.h"

#include "registry/audit_record.h"

#include <boost/json.hpp>

#include "registry/area_repository.h"
#include "registry/validation.h"

namespace spmis::registry {

std::optional<std::string> CheckBoundary(std::string_view geojson) {
  boost::json::error_code ec;
  auto value = boost::json::parse(geojson, ec);
  if (ec) return "is not JSON: " + ec.message();
  if (!value.is_object()) return "must be a GeoJSON object";
  const auto* object = &value.as_object();
  if (auto* type = object->if_contains("type");
      type && type->is_string() && type->as_string() == "Feature") {
    auto* geometry = object->if_contains("geometry");
    if (!geometry || !geometry->is_object()) return "a Feature needs a geometry";
    object = &geometry->as_object();
  }
  auto* type = object->if_contains("type");
  if (!type || !type->is_string() ||
      (type->as_string() != "Polygon" && type->as_string() != "MultiPolygon")) {
    return "must be a Polygon or MultiPolygon";
  }
  auto* coordinates = object->if_contains("coordinates");
  if (!coordinates || !coordinates->is_array() || coordinates->as_array().empty()) {
    return "needs coordinates";
  }
  return std::nullopt;
}

Result<Area> AreaService::Create(Area area) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kAreasManage));
  std::vector<FieldError> errors;
  FieldChecker check(errors);
  if (area.code.empty() || area.code.size() > 50) {
    check.Fail("code", "is required (at most 50 characters)");
  } else {
    for (char c : area.code) {
      bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                c == '-' || c == '_' || c == '.';
      if (!ok) {
        check.Fail("code", "may hold letters, digits, '-', '_' and '.' only");
        break;
      }
    }
  }
  check.Text("name", area.name, 200, true);
  if (area.boundary_geojson) {
    if (auto problem = CheckBoundary(*area.boundary_geojson)) check.Fail("boundary", *problem);
  }
  store::Transaction transaction(db_);
  AreaRepository repository(db_);
  std::string parent_path;
  if (!area.parent_code.empty()) {
    auto parent = repository.FindByCode(area.parent_code);
    if (!parent) {
      check.Fail("parent_code", "no area with code '" + area.parent_code + "'");
    } else {
      area.parent_id = parent->id;
      area.level = parent->level + 1;
      parent_path = parent->path;
    }
  } else if (area.level < 0) {
    check.Fail("level", "must be 0 or more");
  }
  if (!area.code.empty() && repository.FindByCode(area.code)) {
    errors.push_back({"code", "an area with code '" + area.code + "' already exists"});
    return Error::Conflict("the area was not saved", std::move(errors));
  }
  if (!errors.empty()) return Error::Invalid("the area was not saved", std::move(errors));
  area.created_at = area.updated_at = Timestamp::Now();
  repository.Insert(area, parent_path);
  AuditCreated(db_, principal_.actor(), area);
  transaction.Commit();
  return *repository.FindById(area.id);
}

Result<Area> AreaService::GetByCode(std::string_view code) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kRegistryRead));
  auto area = AreaRepository(db_).FindByCode(code);
  if (!area) return Error::NotFound("no area with code '" + std::string(code) + "'");
  return std::move(*area);
}

Result<Page<Area>> AreaService::List(const std::string& parent_code, int limit,
                                     const std::string& cursor) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kRegistryRead));
  std::vector<FieldError> errors;
  if (limit < 1 || limit > 1000) errors.push_back({"limit", "must be from 1 to 1000"});
  AreaRepository repository(db_);
  std::optional<int64_t> parent_id;
  if (!parent_code.empty()) {
    auto parent = repository.FindByCode(parent_code);
    if (!parent) {
      errors.push_back({"parent", "no area with code '" + parent_code + "'"});
    } else {
      parent_id = parent->id;
    }
  }
  int64_t after = 0;
  if (!cursor.empty()) {
    auto position = DecodeCursor(cursor);
    if (!position || position->sort_field != "id:asc") {
      errors.push_back({"cursor", "is not a cursor of this listing"});
    } else {
      after = position->id;
    }
  }
  if (!errors.empty()) return Error::Invalid("invalid list request", std::move(errors));
  Page<Area> page;
  page.items = repository.List(parent_id, limit + 1, after);
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next = EncodeCursor({"id:asc", "", page.items.back().id});
  }
  page.total = repository.Count(parent_id);
  return page;
}

}  // namespace spmis::registry
