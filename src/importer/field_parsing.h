// Cell parsing shared by the row processors: the spellings spreadsheets use
// for sexes and yes/no answers, and area codes resolved with a cache.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/principal.h"
#include "core/result.h"
#include "registry/custom_field.h"
#include "registry/individual.h"
#include "store/database.h"

namespace spmis::importer {

// female/f, male/m, other/o, unknown/u, any case.
std::optional<registry::Sex> ParseSexCell(std::string_view text);
// true/false, yes/no, y/n, 1/0, any case.
std::optional<bool> ParseBoolCell(std::string_view text);

// Reads the custom-field cells of a row: `cell(i)` is the cell of field i of
// `fields` (nullopt when empty or absent). Parsed values go to `values`,
// refusals to `errors` under the field's name.
void ParseCustomCells(const std::vector<registry::CustomField>& fields,
                      const std::function<std::optional<std::string>(size_t)>& cell,
                      registry::CustomValues& values, std::vector<FieldError>& errors);

// Area code -> id, for every area, read once: areas are few (thousands), and
// looking them up then needs no database (so it can run on any thread).
class AreaCodes {
 public:
  AreaCodes(store::Connection& connection, const Principal& principal);
  // The area's id, or the reason a row may not name it (unknown, or outside
  // the principal's areas), as "area_code" field error text.
  Result<int64_t> Resolve(const std::string& code) const;
  // Whether a row may leave its area empty: only when the principal is not
  // limited to areas.
  bool AllowsNoArea() const { return !limited_; }

 private:
  struct Entry {
    int64_t id;
    bool in_reach;
  };
  std::unordered_map<std::string, Entry> entries_;
  bool limited_;
};

}  // namespace spmis::importer
