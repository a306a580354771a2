#include "importer/field_parsing.h"

#include "core/text.h"
#include "registry/area_repository.h"

namespace spmis::importer {

std::optional<registry::Sex> ParseSexCell(std::string_view text) {
  std::string lower = ToLowerAscii(Trim(text));
  if (lower == "female" || lower == "f") return registry::Sex::kFemale;
  if (lower == "male" || lower == "m") return registry::Sex::kMale;
  if (lower == "other" || lower == "o") return registry::Sex::kOther;
  if (lower == "unknown" || lower == "u") return registry::Sex::kUnknown;
  return std::nullopt;
}

std::optional<bool> ParseBoolCell(std::string_view text) {
  std::string lower = ToLowerAscii(Trim(text));
  if (lower == "true" || lower == "yes" || lower == "y" || lower == "1") return true;
  if (lower == "false" || lower == "no" || lower == "n" || lower == "0") return false;
  return std::nullopt;
}

void ParseCustomCells(const std::vector<registry::CustomField>& fields,
                      const std::function<std::optional<std::string>(size_t)>& cell,
                      registry::CustomValues& values, std::vector<FieldError>& errors) {
  for (size_t i = 0; i < fields.size(); ++i) {
    auto text = cell(i);
    if (!text) continue;
    auto parsed = registry::ParseCustomValue(fields[i], *text);
    if (parsed.ok()) {
      values[fields[i].name] = *parsed;
    } else {
      errors.push_back({fields[i].name, parsed.error().message});
    }
  }
}

AreaCodes::AreaCodes(store::Connection& connection, const Principal& principal)
    : limited_(!principal.area_paths.empty()) {
  for (auto& entry : registry::AreaRepository(connection).AllCodes()) {
    entries_.emplace(std::move(entry.code), Entry{entry.id, principal.CoversArea(entry.path)});
  }
}

Result<int64_t> AreaCodes::Resolve(const std::string& code) const {
  auto it = entries_.find(code);
  if (it == entries_.end()) return Error::Invalid("no area with code '" + code + "'");
  if (!it->second.in_reach) return Error::Invalid("area '" + code + "' is outside your areas");
  return it->second.id;
}

}  // namespace spmis::importer
