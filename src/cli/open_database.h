// Opening the database for a command: resolve --database / SPMIS_DATABASE,
// connect, and bring the schema up to date, reporting failures in words.
#pragma once

#include <memory>
#include <string>

#include "store/database.h"

namespace spmis::cli {

// Nullptr after printing the reason to stderr. `applied`, when given,
// receives how many migrations were applied.
std::unique_ptr<store::Database> OpenMigratedDatabase(const std::string& flag_value,
                                                      int* applied = nullptr);

}  // namespace spmis::cli
