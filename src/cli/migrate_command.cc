// `spmis migrate`: apply pending schema migrations and say where the schema is.
#include <iostream>

#include "cli/commands.h"
#include "cli/open_database.h"
#include "store/migrations.h"

namespace spmis::cli {

int Migrate(const std::string& flag_value) {
  int applied = 0;
  auto database = OpenMigratedDatabase(flag_value, &applied);
  if (!database) return kExitFailed;
  auto connection = database->Acquire();
  std::cout << "schema at version " << store::CurrentSchemaVersion(*connection) << " (" << applied
            << " migration" << (applied == 1 ? "" : "s") << " applied)\n";
  return kExitOk;
}

}  // namespace spmis::cli
