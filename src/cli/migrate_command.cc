// `spmis migrate`: apply pending schema migrations and say where the schema is.
#include <iostream>

#include "cli/commands.h"
#include "store/migrations.h"

namespace spmis::cli {

int Migrate(const std::string& flag_value) {
  std::string location = store::Database::ResolveLocation(flag_value);
  try {
    auto database = store::Database::Open(location);
    auto connection = database->Acquire();
    auto applied = store::ApplyMigrations(*connection);
    if (!applied.ok()) {
      std::cerr << "error: " << applied.error().ToString() << "\n";
      return kExitFailed;
    }
    std::cout << "schema at version " << store::CurrentSchemaVersion(*connection) << " ("
              << *applied << " migration" << (*applied == 1 ? "" : "s") << " applied)\n";
    return kExitOk;
  } catch (const store::DatabaseError& error) {
    std::cerr << "error: " << error.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace spmis::cli
