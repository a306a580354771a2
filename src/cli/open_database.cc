#include "cli/open_database.h"

#include <iostream>

#include "store/migrations.h"

namespace spmis::cli {

std::unique_ptr<store::Database> OpenMigratedDatabase(const std::string& flag_value,
                                                      int* applied_count) {
  std::string location = store::Database::ResolveLocation(flag_value);
  try {
    auto database = store::Database::Open(location);
    auto connection = database->Acquire();
    auto applied = store::ApplyMigrations(*connection);
    if (!applied.ok()) {
      std::cerr << "error: " << applied.error().ToString() << "\n";
      return nullptr;
    }
    if (applied_count) *applied_count = *applied;
    return database;
  } catch (const store::DatabaseError& error) {
    std::cerr << "error: " << error.what() << "\n";
    return nullptr;
  }
}

}  // namespace spmis::cli
