// UserService: creating users, signing them in, changing their role and
// disabling them. Every change needs users.manage and is written to the
// audit trail in the same transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/user.h"
#include "core/principal.h"
#include "core/result.h"
#include "store/database.h"

namespace spmis::auth {

class UserService {
 public:
  explicit UserService(store::Connection& connection) : db_(connection) {}

  Result<User> Create(const Principal& by, const NewUser& user);
  // The principal for a username and password. A wrong password, an unknown
  // name and a disabled user get the same answer, so none can be told apart.
  // The principal a named, enabled user acts as (for sessions, and for the
  // command line's --user); kUnauthenticated when there is no such user.
  Result<Principal> PrincipalOf(std::string_view username, std::string request_id);
  Result<Principal> Authenticate(std::string_view username, std::string_view password,
                                 std::string request_id = {});
  Result<std::vector<User>> List(const Principal& by);
  Result<User> SetRole(const Principal& by, std::string_view username, Role role);
  Result<User> Disable(const Principal& by, std::string_view username);

  // At first start, when there are no users: an administrator named `admin`
  // with the given password, or a generated one. Returns the password when it
  // created the user (to show once), nothing when users exist.
  Result<std::optional<std::string>> EnsureInitialAdministrator(
      std::optional<std::string> password);

 private:
  Result<User> Change(const Principal& by, std::string_view username, std::string action,
                      const std::function<void(User&)>& change);
  store::Connection& db_;
};

}  // namespace spmis::auth
