#include "store/index_suspension.h"

namespace spmis::store {
namespace {

void Record(Connection& connection, const std::string& name, const std::string& definition) {
  auto record = connection.Prepare(
      "INSERT INTO suspended_indexes (name, definition, suspended_at) VALUES ($1, $2, $3)");
  record->Bind(1, name).Bind(2, definition).Bind(3, Timestamp::Now()).Execute();
}

}  // namespace

void SuspendIndexes(Connection& connection, const std::vector<std::string>& names) {
  const char* definition_sql =
      connection.backend() == Backend::kSqlite
          ? "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1"
          : "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = "
            "$1";
  for (const auto& name : names) {
    std::string definition;
    {
      auto query = connection.Prepare(definition_sql);
      query->Bind(1, name);
      if (!query->Step() || query->IsNull(0)) continue;  // absent (or already suspended)
      definition = query->Text(0);
    }
    Record(connection, name, definition);
    connection.Execute("DROP INDEX " + name);
  }
}

void SuspendForeignKeys(Connection& connection, const std::vector<std::string>& tables) {
  if (connection.backend() != Backend::kPostgres) return;
  for (const auto& table : tables) {
    std::vector<std::pair<std::string, std::string>> keys;  // name, definition
    {
      auto query = connection.Prepare(
          "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
          "JOIN pg_class t ON t.oid = c.conrelid "
          "WHERE c.contype = 'f' AND t.relname = $1 AND t.relnamespace = "
          "current_schema()::regnamespace ORDER BY c.conname");
      query->Bind(1, table);
      while (query->Step())
        keys.emplace_back(std::string(query->Text(0)), std::string(query->Text(1)));
    }
    for (const auto& [name, definition] : keys) {
      Record(connection, name,
             "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " + definition);
      connection.Execute("ALTER TABLE " + table + " DROP CONSTRAINT " + name);
    }
  }
}

int RestoreSuspendedIndexes(Connection& connection) {
  std::vector<std::pair<std::string, std::string>> suspended;
  {
    auto query = connection.Prepare("SELECT name, definition FROM suspended_indexes ORDER BY name");
    while (query->Step())
      suspended.emplace_back(std::string(query->Text(0)), std::string(query->Text(1)));
  }
  if (suspended.empty()) return 0;
  Transaction transaction(connection);
  for (const auto& [name, definition] : suspended) {
    connection.Execute(definition);
    auto forget = connection.Prepare("DELETE FROM suspended_indexes WHERE name = $1");
    forget->Bind(1, name).Execute();
  }
  transaction.Commit();
  return static_cast<int>(suspended.size());
}

}  // namespace spmis::store
