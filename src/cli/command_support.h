// What the delivery commands (cycle, payment) share: how a service's error
// becomes a message and an exit code, and how a command opens the database
// and names its acting user before it calls a service.
#pragma once

#include <iostream>
#include <string>

#include "cli/acting_user.h"
#include "cli/commands.h"
#include "cli/open_database.h"
#include "core/result.h"

namespace spmis::cli {

// Prints the error; 1 when the machine failed, 2 when the request was refused.
int ReportError(const Error& error);

// Runs `act(database, principal)` after opening the database and resolving
// --user (required when `user_required`, as maker-checker needs a name).
template <typename Act>
int WithActingUser(const std::string& database_url, const std::string& user, bool user_required,
                   Act act) {
  if (user_required && user.empty()) {
    std::cerr << "error: name the acting user with --user (maker-checker)\n";
    return kExitRefused;
  }
  auto database = OpenMigratedDatabase(database_url);
  if (!database) return kExitFailed;
  auto principal = ActingPrincipal(*database, user);
  if (!principal) return kExitRefused;
  return act(*database, *principal);
}

}  // namespace spmis::cli
