#include "auth/user_service.h"

#include <boost/json.hpp>
#include <functional>

#include "audit/audit_log.h"
#include "auth/password.h"
#include "auth/user_repository.h"
#include "registry/area_repository.h"

namespace spmis::auth {

namespace {

// The user as the audit trail keeps it (never the password hash).
std::string UserJson(const User& u) {
  boost::json::object o;
  o["username"] = u.username;
  o["role"] = RoleName(u.role);
  o["disabled"] = u.disabled;
  boost::json::array areas, programs;
  for (const auto& a : u.area_codes) areas.emplace_back(a);
  for (const auto& p : u.programs) programs.emplace_back(p);
  o["areas"] = std::move(areas);
  o["programs"] = std::move(programs);
  return boost::json::serialize(o);
}

bool ValidUsername(std::string_view name) {
  if (name.size() < 3 || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Error WrongCredentials() {
  return Error{ErrorCode::kUnauthenticated, "wrong username or password", {}};
}

}  // namespace

Result<User> UserService::Create(const Principal& by, const NewUser& request) {
  SPMIS_RETURN_IF_ERROR(by.Require(Permission::kUsersManage));
  std::vector<FieldError> errors;
  if (!ValidUsername(request.username)) {
    errors.push_back({"username", "3 to 64 characters: lower-case letters, digits, '.', '_', '-'"});
  }
  if (auto strength = CheckPasswordStrength(request.password); !strength.ok()) {
    errors.push_back({"password", strength.error().fields.front().message});
  }
  registry::AreaRepository areas(db_);
  std::vector<int64_t> area_ids;
  for (const std::string& code : request.area_codes) {
    auto area = areas.FindByCode(code);
    if (!area) {
      errors.push_back({"areas", "no area has the code '" + code + "'"});
    } else {
      area_ids.push_back(area->id);
    }
  }
  if (!errors.empty()) return Error::Invalid("the user cannot be created", std::move(errors));

  store::Transaction transaction(db_);
  UserRepository users(db_);
  if (users.FindByName(request.username)) {
    return Error::Conflict("a user named '" + request.username + "' exists already",
                           {{"username", "taken"}});
  }
  User user;
  user.username = request.username;
  user.role = request.role;
  user.area_codes = request.area_codes;
  user.programs = request.programs;
  user.created_at = user.updated_at = Timestamp::Now();
  users.Insert(user, HashPassword(request.password), area_ids);
  audit::AuditLog(db_).Append(by.actor(), "create", "user", user.username, std::nullopt,
                              UserJson(user));
  transaction.Commit();
  return user;
}

Result<Principal> UserService::Authenticate(std::string_view username, std::string_view password,
                                            std::string request_id) {
  UserRepository users(db_);
  auto stored = users.FindByName(username);
  if (!stored) {
    // Spend the same time as a real check, so timing does not tell names apart.
    static const std::string kDummy = HashPassword("not a real password at all");
    VerifyPassword(kDummy, password);
    return WrongCredentials();
  }
  if (!VerifyPassword(stored->password_hash, password) || stored->user.disabled) {
    return WrongCredentials();
  }
  return ToPrincipal(std::move(*stored), std::move(request_id));
}

Result<Principal> UserService::PrincipalOf(std::string_view username, std::string request_id) {
  auto stored = UserRepository(db_).FindByName(username);
  if (!stored || stored->user.disabled) {
    return Error{
        ErrorCode::kUnauthenticated, "no enabled user '" + std::string(username) + "'", {}};
  }
  return ToPrincipal(std::move(*stored), std::move(request_id));
}

Result<std::vector<User>> UserService::List(const Principal& by) {
  SPMIS_RETURN_IF_ERROR(by.Require(Permission::kUsersManage));
  return UserRepository(db_).List();
}

Result<User> UserService::Change(const Principal& by, std::string_view username, std::string action,
                                 const std::function<void(User&)>& change) {
  SPMIS_RETURN_IF_ERROR(by.Require(Permission::kUsersManage));
  store::Transaction transaction(db_);
  UserRepository users(db_);
  auto stored = users.FindByName(username);
  if (!stored) return Error::NotFound("no user is named '" + std::string(username) + "'");
  User user = stored->user;
  std::string before = UserJson(user);
  change(user);
  user.updated_at = Timestamp::Now();
  if (user.role != stored->user.role) users.SetRole(user.id, user.role, user.updated_at);
  if (user.disabled != stored->user.disabled) {
    users.SetDisabled(user.id, user.disabled, user.updated_at);
  }
  audit::AuditLog(db_).Append(by.actor(), std::move(action), "user", user.username, before,
                              UserJson(user));
  transaction.Commit();
  return user;
}

Result<User> UserService::SetRole(const Principal& by, std::string_view username, Role role) {
  return Change(by, username, "set_role", [&](User& u) { u.role = role; });
}

Result<User> UserService::Disable(const Principal& by, std::string_view username) {
  if (by.name == username) return Error::Precondition("you cannot disable yourself");
  return Change(by, username, "disable", [](User& u) { u.disabled = true; });
}

Result<std::optional<std::string>> UserService::EnsureInitialAdministrator(
    std::optional<std::string> password) {
  if (UserRepository(db_).Count() > 0) return std::optional<std::string>();
  NewUser admin;
  admin.username = "admin";
  admin.role = Role::kAdministrator;
  admin.password = password ? *password : GeneratePassword();
  auto created = Create(Principal::System(), admin);
  if (!created.ok()) return created.error();
  return std::optional<std::string>(admin.password);
}

}  // namespace spmis::auth
