// Cell parsing shared by the row processors: the spellings spreadsheets use
// for sexes and yes/no answers, and area codes resolved with a cache.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "registry/individual.h"
#include "store/database.h"

namespace spmis::importer {

// female/f, male/m, other/o, unknown/u, any case.
std::optional<registry::Sex> ParseSexCell(std::string_view text);
// true/false, yes/no, y/n, 1/0, any case.
std::optional<bool> ParseBoolCell(std::string_view text);

// Area code -> id, asked of the database once per code.
class AreaCodes {
 public:
  explicit AreaCodes(store::Connection& connection) : db_(connection) {}
  std::optional<int64_t> Find(const std::string& code);

 private:
  store::Connection& db_;
  std::unordered_map<std::string, std::optional<int64_t>> cache_;
};

}  // namespace spmis::importer
