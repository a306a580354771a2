// AreaRepository: the SQL for areas. No validation here: AreaService checks
// before it writes.
#pragma once

#include <optional>
#include <vector>

#include "registry/area.h"
#include "store/database.h"

namespace spmis::registry {

class AreaRepository {
 public:
  explicit AreaRepository(store::Connection& connection) : db_(connection) {}

  // Sets area.id and area.path.
  void Insert(Area& area, const std::string& parent_path);
  std::optional<Area> FindById(int64_t id);
  std::optional<Area> FindByCode(std::string_view code);
  // All areas, or the children of one, ordered by level then code.
  std::vector<Area> List(std::optional<int64_t> parent_id, int limit, int64_t after_id);
  int64_t Count(std::optional<int64_t> parent_id);
  void Rename(int64_t id, const std::string& name, Timestamp at);
  // (code, id) of every area.
  struct CodeEntry {
    std::string code;
    int64_t id = 0;
    std::string path;
  };
  std::vector<CodeEntry> AllCodes();

 private:
  std::optional<Area> FindWhere(const char* sql,
                                const std::function<void(store::Statement&)>& bind);
  store::Connection& db_;
};

}  // namespace spmis::registry
