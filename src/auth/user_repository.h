// UserRepository: the SQL for users, their area and program limits.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/user.h"
#include "core/principal.h"
#include "store/database.h"

namespace spmis::auth {

struct StoredUser {
  User user;
  std::string password_hash;
  std::vector<std::string> area_paths;  // of user.area_codes, same order
};

// The principal a stored user acts as.
Principal ToPrincipal(StoredUser stored, std::string request_id);

class UserRepository {
 public:
  explicit UserRepository(store::Connection& connection) : db_(connection) {}

  // Inserts the user with its limits (areas by id); sets user.id.
  void Insert(User& user, const std::string& password_hash, const std::vector<int64_t>& area_ids);
  std::optional<StoredUser> FindByName(std::string_view username);
  std::vector<User> List();
  int64_t Count();
  void SetRole(int64_t id, Role role, Timestamp at);
  void SetDisabled(int64_t id, bool disabled, Timestamp at);

 private:
  void LoadLimits(User& user, std::vector<std::string>* area_paths);
  store::Connection& db_;
};

}  // namespace spmis::auth
