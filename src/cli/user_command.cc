// `spmis user ...` and `spmis audit verify`: managing users and checking the
// audit trail from the command line. Whoever can open the database acts as
// the system, recorded as "cli:<login name>" in the audit trail.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "audit/audit_log.h"
#include "auth/sign_in.h"
#include "auth/user_service.h"
#include "cli/commands.h"
#include "cli/open_database.h"

namespace spmis::cli {
namespace {

Principal CommandLinePrincipal() {
  Principal principal = Principal::System();
  const char* login = std::getenv("USER");
  principal.name = std::string("cli:") + (login && *login ? login : "unknown");
  return principal;
}

int Report(const Error& error) {
  std::cerr << "error: " << error.ToString() << "\n";
  return error.code == ErrorCode::kInvalidArgument || error.code == ErrorCode::kConflict ||
                 error.code == ErrorCode::kNotFound
             ? kExitRefused
             : kExitFailed;
}

// The role named on the command line, or nothing after saying it is unknown.
std::optional<Role> RoleArgument(const std::string& name) {
  auto role = ParseRole(name);
  if (!role) std::cerr << "error: unknown role '" << name << "'\n";
  return role;
}

void PrintUser(const auth::User& u) {
  std::cout << u.username << "\t" << RoleName(u.role) << "\t"
            << (u.disabled ? "disabled" : "active");
  std::string areas, programs;
  for (const auto& a : u.area_codes) areas += (areas.empty() ? "" : ",") + a;
  for (const auto& p : u.programs) programs += (programs.empty() ? "" : ",") + p;
  std::cout << "\tareas=" << (areas.empty() ? "all" : areas)
            << "\tprograms=" << (programs.empty() ? "all" : programs) << "\n";
}

}  // namespace

int UserCreate(const UserCreateCommand& options) {
  auto role = RoleArgument(options.role);
  if (!role) return kExitRefused;
  // The password comes on standard input, so it stays out of shell history
  // and process lists.
  if (isatty(STDIN_FILENO)) std::cerr << "password for " << options.username << ": ";
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto database = OpenMigratedDatabase(options.database);
  if (!database) return kExitFailed;
  auto connection = database->Acquire();
  auto user = auth::UserService(*connection)
                  .Create(CommandLinePrincipal(),
                          {options.username, password, *role, options.areas, options.programs});
  if (!user.ok()) return Report(user.error());
  PrintUser(*user);
  return kExitOk;
}

int UserList(const std::string& database_flag) {
  auto database = OpenMigratedDatabase(database_flag);
  if (!database) return kExitFailed;
  auto connection = database->Acquire();
  auto users = auth::UserService(*connection).List(CommandLinePrincipal());
  if (!users.ok()) return Report(users.error());
  for (const auth::User& u : *users) PrintUser(u);
  return kExitOk;
}

int UserSetRole(const UserChangeCommand& options) {
  auto role = RoleArgument(options.role);
  if (!role) return kExitRefused;
  auto database = OpenMigratedDatabase(options.database);
  if (!database) return kExitFailed;
  auto connection = database->Acquire();
  auto user =
      auth::UserService(*connection).SetRole(CommandLinePrincipal(), options.username, *role);
  if (!user.ok()) return Report(user.error());
  PrintUser(*user);
  return kExitOk;
}

int UserDisable(const UserChangeCommand& options) {
  auto database = OpenMigratedDatabase(options.database);
  if (!database) return kExitFailed;
  auto connection = database->Acquire();
  auto user = auth::UserService(*connection).Disable(CommandLinePrincipal(), options.username);
  if (!user.ok()) return Report(user.error());
  PrintUser(*user);
  return kExitOk;
}

int ClientCreate(const ClientCreateCommand& options) {
  auto role = RoleArgument(options.role);
  if (!role) return kExitRefused;
  auto database = OpenMigratedDatabase(options.database);
  if (!database) return kExitFailed;
  auto connection = database->Acquire();
  auth::LoginThrottle throttle;
  auto client =
      auth::SignIn(*connection, throttle).CreateClient(CommandLinePrincipal(), options.name, *role);
  if (!client.ok()) return Report(client.error());
  std::cout << "client_id: " << client->client_id << "\nclient_secret: " << client->secret
            << "\n(the secret is shown only now: keep it safe)\n";
  return kExitOk;
}

int AuditVerify(const std::string& database_flag) {
  auto database = OpenMigratedDatabase(database_flag);
  if (!database) return kExitFailed;
  auto connection = database->Acquire();
  audit::VerifyReport report = audit::AuditLog(*connection).Verify();
  if (report.ok()) {
    std::cout << "the audit trail is whole: " << report.entries << " entries\n";
    return kExitOk;
  }
  for (const std::string& problem : report.problems) std::cout << "BROKEN: " << problem << "\n";
  return kExitFailed;
}

}  // namespace spmis::cli
