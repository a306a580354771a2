#include "importer/column_mapping.h"

#include <boost/json.hpp>
#include <set>

#include "core/text.h"
#include "importer/import_kind.h"

namespace spmis::importer {

const char* ImportKindName(ImportKind kind) {
  switch (kind) {
    case ImportKind::kAreas:
      return "areas";
    case ImportKind::kIndividuals:
      return "individuals";
    case ImportKind::kGroups:
      return "groups";
    case ImportKind::kMemberships:
      return "memberships";
  }
  return "individuals";
}

std::optional<ImportKind> ParseImportKind(std::string_view name) {
  for (auto kind : {ImportKind::kAreas, ImportKind::kIndividuals, ImportKind::kGroups,
                    ImportKind::kMemberships}) {
    if (name == ImportKindName(kind)) return kind;
  }
  return std::nullopt;
}

std::string NormalizeHeader(std::string_view header) {
  std::string out;
  for (char c : ToLowerAscii(Trim(header))) {
    if (c == ' ' || c == '-' || c == '.') {
      if (!out.empty() && out.back() != '_') out += '_';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

Result<ColumnMapping> ParseColumnMapping(std::string_view json) {
  boost::json::error_code ec;
  auto root = boost::json::parse(json, ec);
  if (ec) return Error::Invalid("the mapping file is not JSON: " + ec.message());
  if (!root.is_object()) return Error::Invalid("the mapping file must be a JSON object");
  ColumnMapping mapping;
  for (const auto& [key, value] : root.as_object()) {
    if (key == "columns") {
      if (!value.is_object())
        return Error::Invalid("mapping: columns must map column names to fields");
      for (const auto& [column, field] : value.as_object()) {
        if (!field.is_string()) {
          return Error::Invalid("mapping: column '" + std::string(column) +
                                "' must map to a field name");
        }
        mapping.columns[NormalizeHeader(column)] = std::string(field.as_string());
      }
    } else if (key == "sheet") {
      if (!value.is_string()) return Error::Invalid("mapping: sheet must be a sheet name");
      mapping.table.sheet = std::string(value.as_string());
    } else if (key == "delimiter") {
      if (!value.is_string() || value.as_string().size() != 1) {
        return Error::Invalid("mapping: delimiter must be one character");
      }
      mapping.table.delimiter = value.as_string()[0];
    } else {
      return Error::Invalid("mapping: unknown key '" + std::string(key) +
                            "' (expected columns, sheet, delimiter)");
    }
  }
  return mapping;
}

Result<std::vector<int>> ResolveColumns(const std::vector<std::string>& header,
                                        const ColumnMapping& mapping,
                                        const std::vector<std::string>& fields,
                                        const std::vector<std::vector<std::string>>& required_any) {
  std::vector<int> indexes;
  std::set<int> filled;
  std::vector<std::string> unknown;
  for (const auto& column : header) {
    std::string name = NormalizeHeader(column);
    if (auto it = mapping.columns.find(name); it != mapping.columns.end()) name = it->second;
    if (name.empty() || name == "errors") {  // ignored, or the column of our own error report
      indexes.push_back(-1);
      continue;
    }
    int index = -1;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i] == name) index = static_cast<int>(i);
    }
    if (index < 0) {
      unknown.push_back(column);
      indexes.push_back(-1);
      continue;
    }
    if (!filled.insert(index).second) {
      return Error::Invalid("two columns fill the field '" + name + "'");
    }
    indexes.push_back(index);
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& u : unknown) list += (list.empty() ? "'" : ", '") + u + "'";
    return Error::Invalid("unknown column" + std::string(unknown.size() > 1 ? "s " : " ") + list +
                          ": not a field of this import nor a declared custom field (map or "
                          "ignore it with a mapping file)");
  }
  for (const auto& alternatives : required_any) {
    bool present = false;
    for (const auto& name : alternatives) {
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i] == name && filled.count(static_cast<int>(i))) present = true;
      }
    }
    if (!present) {
      std::string names;
      for (const auto& n : alternatives) names += (names.empty() ? "" : " or ") + n;
      return Error::Invalid("the file has no " + names + " column");
    }
  }
  return indexes;
}

}  // namespace spmis::importer
