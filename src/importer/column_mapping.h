// ColumnMapping: how a file's columns become fields. By default a column maps
// to the field of the same name (case, spaces and dashes do not matter:
// "Given Name" is given_name). A mapping file renames columns and may say
// which sheet to read and which delimiter a CSV uses:
//
//   {"columns": {"First name": "given_name", "NIN": "national_id"},
//    "sheet": "Households", "delimiter": ";"}
//
// A column mapped to "" is ignored. Any other column that is neither a field
// of the import kind nor a declared custom field refuses the file, so a typo
// in a header never silently drops data.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "importer/table_reader.h"

namespace spmis::importer {

struct ColumnMapping {
  std::map<std::string, std::string> columns;  // normalised header -> field ("" ignores)
  TableOptions table;
};

// "Given Name " -> "given_name"
std::string NormalizeHeader(std::string_view header);

Result<ColumnMapping> ParseColumnMapping(std::string_view json);

// For each column of `header`, the index in `fields` it fills, or -1 when
// ignored. Refuses unknown, repeated or missing required columns.
Result<std::vector<int>> ResolveColumns(const std::vector<std::string>& header,
                                        const ColumnMapping& mapping,
                                        const std::vector<std::string>& fields,
                                        const std::vector<std::vector<std::string>>& required_any);

}  // namespace spmis::importer
