#include "store/migrations.h"

namespace spmis::store {
namespace {

void EnsureMigrationTable(Connection& connection) {
  connection.Execute(connection.Dialect(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at {timestamp} NOT NULL)"));
}

}  // namespace

int CurrentSchemaVersion(Connection& connection) {
  EnsureMigrationTable(connection);
  auto query = connection.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  query->Step();
  return static_cast<int>(query->Int(0));
}

Result<int> ApplyMigrations(Connection& connection, const std::vector<Migration>& migrations) {
  EnsureMigrationTable(connection);
  Transaction transaction(connection);
  if (connection.backend() == Backend::kPostgres) {
    // Two servers starting at once must not both migrate.
    connection.Execute("SELECT pg_advisory_xact_lock(7277001)");
  }
  int current = CurrentSchemaVersion(connection);
  int known = migrations.empty() ? 0 : migrations.back().version;
  if (current > known) {
    return Error::Precondition("the database schema is at version " + std::to_string(current) +
                               ", newer than this program knows (" + std::to_string(known) +
                               "): upgrade spmis");
  }
  int applied = 0;
  for (const Migration& migration : migrations) {
    if (migration.version <= current) continue;
    connection.Execute(connection.Dialect(migration.sql));
    auto record = connection.Prepare(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)");
    record->Bind(1, migration.version).Bind(2, migration.name).Bind(3, Timestamp::Now());
    record->Execute();
    ++applied;
  }
  transaction.Commit();
  return applied;
}

}  // namespace spmis::store
