// The `spmis` commands, one function each. They take parsed options and
// return the process exit code: 0 done, 1 failed, 2 refused input (usage,
// a bad file), 3 done in part (some rows refused). Messages go to stderr,
// results to stdout. CLI11 is used only in app.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace spmis::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitRefused = 2;
inline constexpr int kExitPartial = 3;

struct ServeOptions {
  std::string database;
  std::string address = "127.0.0.1";
  int port = 8080;
  int threads = 2;
  int job_workers = 1;
  std::string tls_certificate;  // PEM; with tls_key, serve HTTPS
  std::string tls_key;
};
int Serve(const ServeOptions& options);

int Migrate(const std::string& database);

struct DemoLoadCommand {
  std::string database;
  int64_t households = 10000;
  uint64_t seed = 20261123;
};
int DemoLoad(const DemoLoadCommand& options);

struct DemoGenerateCommand {
  int64_t households = 10000;
  uint64_t seed = 20261123;
  std::string out;
};
int DemoGenerate(const DemoGenerateCommand& options);

struct ImportCommand {
  std::string database;
  std::string kind;
  std::string file;
  std::string mapping;
  std::string errors;
  std::string user;  // --user: act as this user (empty: the system, as "cli")
};
int Import(const ImportCommand& options);

struct JobsCommand {
  std::string database;
  std::string state;
  int limit = 20;
};
int ListJobs(const JobsCommand& options);

struct ConfigCommand {
  std::string database;
  std::string file;
  std::string user;
};
int ConfigApply(const ConfigCommand& options);
int ConfigShow(const std::string& database);

struct CelCommand {
  std::string expression;
  std::vector<std::string> declarations;  // NAME:TYPE
  std::string vars;                       // a JSON object
  std::string dialect = "standard";
  std::string as_of;  // YYYY-MM-DD; today when empty
};
// `spmis cel check`: parse and type-check; prints the result type.
int CelCheck(const CelCommand& options);
// `spmis cel eval`: evaluate; prints the result in CEL literal syntax.
int CelEval(const CelCommand& options);

struct UserCreateCommand {
  std::string database;
  std::string username;
  std::string role;
  std::vector<std::string> areas;
  std::vector<std::string> programs;
};
// Reads the password from standard input.
int UserCreate(const UserCreateCommand& options);
int UserList(const std::string& database);
struct UserChangeCommand {
  std::string database;
  std::string username;
  std::string role;
};
int UserSetRole(const UserChangeCommand& options);
int UserDisable(const UserChangeCommand& options);
struct ClientCreateCommand {
  std::string database;
  std::string name;
  std::string role;
};
// Prints the new API client's id and secret, once.
int ClientCreate(const ClientCreateCommand& options);
// Exit 0 when the audit trail's chain is whole, 1 (naming each break) when not.
int AuditVerify(const std::string& database);

// The entry point: parses arguments and runs the command.
int Main(int argc, char** argv);

}  // namespace spmis::cli
