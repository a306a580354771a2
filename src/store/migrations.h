// Versioned, forward-only schema migrations. Each is applied once, in order,
// inside a transaction, and recorded in `schema_migrations`; a database whose
// schema is newer than this program is refused rather than misread.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace spmis::store {

struct Migration {
  int version;
  const char* name;
  const char* sql;  // with the DDL type tokens of Connection::Dialect
};

// The migrations shipped with this program, in version order
// (generated from src/store/migrations/*.sql).
const std::vector<Migration>& SchemaMigrations();

// Applies the missing migrations; returns how many were applied.
Result<int> ApplyMigrations(Connection& connection,
                            const std::vector<Migration>& migrations = SchemaMigrations());
// The highest applied version, 0 for an empty database.
int CurrentSchemaVersion(Connection& connection);

}  // namespace spmis::store
