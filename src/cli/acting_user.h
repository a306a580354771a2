// Who a command acts as. With --user NAME, that user: their role and areas
// apply exactly as they do over the API, and their name is on every audit
// entry. Without it, the system under the name "cli": whoever can open the
// database can change it anyway, so the command line does not pretend to
// stop them, but says who acted.
#pragma once

#include <optional>
#include <string>

#include "core/principal.h"
#include "store/database.h"

namespace spmis::cli {

// Nullopt after printing why (no such user, or disabled) to stderr.
std::optional<Principal> ActingPrincipal(store::Database& database, const std::string& user);

}  // namespace spmis::cli
