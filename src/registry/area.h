// Area: one node of the administrative hierarchy (country, region, district,
// ... to any depth). Registrants and user scopes point at areas; a query "in
// area X" includes every area below X.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/date.h"

namespace spmis::registry {

struct Area {
  int64_t id = 0;
  std::string code;  // unique, as used in import files ("KE-NBO-01")
  std::string name;
  int level = 0;  // 0 for a root; a child is one level below its parent
  std::optional<int64_t> parent_id;
  std::string parent_code;                      // filled on read
  std::string path;                             // "/1/5/23/": root-to-self ids
  std::optional<std::string> boundary_geojson;  // a GeoJSON Polygon or MultiPolygon
  Timestamp created_at;
  Timestamp updated_at;
};

}  // namespace spmis::registry
