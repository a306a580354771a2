// AreaService: building and reading the administrative hierarchy. An area's
// level follows from its parent, its code is unique, and a boundary, when
// given, must be a GeoJSON Polygon or MultiPolygon. Reading areas needs
// registry.read, creating them areas.manage, checked on the Principal.
#pragma once

#include <optional>
#include <string>

#include "core/page.h"
#include "core/principal.h"
#include "core/result.h"
#include "registry/area.h"
#include "store/database.h"

namespace spmis::registry {

class AreaService {
 public:
  AreaService(store::Connection& connection, Principal principal)
      : db_(connection), principal_(std::move(principal)) {}

  // `area.parent_code` names the parent (empty for a root). `area.level` is
  // taken from the parent when there is one.
  Result<Area> Create(Area area);
  Result<Area> GetByCode(std::string_view code);
  // All areas, or the children of `parent_code`.
  Result<Page<Area>> List(const std::string& parent_code, int limit, const std::string& cursor);

 private:
  store::Connection& db_;
  Principal principal_;
};

// Nullopt when `geojson` is a Polygon or MultiPolygon geometry (or a Feature
// holding one), else the reason it is not.
std::optional<std::string> CheckBoundary(std::string_view geojson);

}  // namespace spmis::registry
