#include "cli/acting_user.h"

#include <iostream>

#include "auth/user_service.h"

namespace spmis::cli {

std::optional<Principal> ActingPrincipal(store::Database& database, const std::string& user) {
  if (user.empty()) return Principal::SystemAs(Actor{"cli", ""});
  auto connection = database.Acquire();
  auto principal = auth::UserService(*connection).PrincipalOf(user, "");
  if (!principal.ok()) {
    std::cerr << "error: --user: " << principal.error().message << "\n";
    return std::nullopt;
  }
  return std::move(principal).value();
}

}  // namespace spmis::cli
