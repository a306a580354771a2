// What a file holds: areas, individuals, groups or memberships. Each kind has
// its documented template columns (docs/IMPORT.md).
#pragma once

#include <optional>
#include <string_view>

namespace spmis::importer {

enum class ImportKind { kAreas, kIndividuals, kGroups, kMemberships };

const char* ImportKindName(ImportKind kind);
std::optional<ImportKind> ParseImportKind(std::string_view name);

}  // namespace spmis::importer
