// Command-line parsing for `spmis`: every command, its options and help.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/cycle_command.h"
#include "cli/payment_command.h"
#include "cli/program_command.h"

namespace spmis::cli {
namespace {

void AddDatabaseOption(CLI::App* command, std::string& target) {
  command->add_option("--database", target,
                      "SQLite file path or postgresql://user@host:port/name URL "
                      "(default: $SPMIS_DATABASE, else ./spmis.db)");
}

void AddUserOption(CLI::App* command, std::string& target) {
  command->add_option("--user", target,
                      "act as this user: their role and areas apply, their name is audited "
                      "(default: the system, recorded as \"cli\")");
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"SP-MIS: social protection management information system"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "spmis 0.1.0");
  int exit_code = kExitOk;

  ServeOptions serve;
  auto* serve_cmd = app.add_subcommand("serve", "Run the HTTP API server");
  AddDatabaseOption(serve_cmd, serve.database);
  serve_cmd->add_option("--port", serve.port, "TCP port (default 8080; 0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  serve_cmd->add_option("--address", serve.address, "IP address to listen on (default 127.0.0.1)");
  serve_cmd->add_option("--threads", serve.threads, "HTTP worker threads (default 2)")
      ->check(CLI::Range(1, 256));
  serve_cmd->add_option("--job-workers", serve.job_workers, "background job threads (default 1)")
      ->check(CLI::Range(0, 64));
  serve_cmd->add_option("--tls-cert", serve.tls_certificate,
                        "serve HTTPS with this certificate (PEM, with its chain)");
  serve_cmd->add_option("--tls-key", serve.tls_key, "the certificate's private key (PEM)");
  serve_cmd->callback([&] { exit_code = Serve(serve); });

  std::string migrate_database;
  auto* migrate_cmd = app.add_subcommand("migrate", "Apply pending schema migrations");
  AddDatabaseOption(migrate_cmd, migrate_database);
  migrate_cmd->callback([&] { exit_code = Migrate(migrate_database); });

  auto* demo_cmd = app.add_subcommand("demo", "Demo data");
  demo_cmd->require_subcommand(1);
  DemoLoadCommand demo_load;
  auto* load_cmd = demo_cmd->add_subcommand(
      "load", "Migrate and fill the database with a generated demo population");
  AddDatabaseOption(load_cmd, demo_load.database);
  load_cmd->add_option("--households", demo_load.households, "number of households (default 10000)")
      ->check(CLI::Range(int64_t{1}, int64_t{10'000'000}));
  load_cmd->add_option("--seed", demo_load.seed,
                       "random seed: the same seed gives the same people");
  load_cmd->callback([&] { exit_code = DemoLoad(demo_load); });

  auto* config_cmd = app.add_subcommand("config", "The registry's configuration");
  config_cmd->require_subcommand(1);
  ConfigCommand config_apply;
  auto* apply_cmd = config_cmd->add_subcommand(
      "apply", "Declare group kinds, membership roles and custom fields from a JSON file");
  AddDatabaseOption(apply_cmd, config_apply.database);
  apply_cmd->add_option("FILE", config_apply.file, "the configuration (see docs/CONFIGURATION.md)")
      ->required();
  AddUserOption(apply_cmd, config_apply.user);
  apply_cmd->callback([&] { exit_code = ConfigApply(config_apply); });
  std::string config_show_database;
  auto* show_cmd = config_cmd->add_subcommand("show", "Print the configuration as JSON");
  AddDatabaseOption(show_cmd, config_show_database);
  show_cmd->callback([&] { exit_code = ConfigShow(config_show_database); });

  DemoGenerateCommand demo_generate;
  auto* generate_cmd = demo_cmd->add_subcommand(
      "generate",
      "Write a generated population as import files (CSV) and a truth file of near-duplicates");
  generate_cmd
      ->add_option("--households", demo_generate.households, "number of households (default 10000)")
      ->check(CLI::Range(int64_t{1}, int64_t{10'000'000}));
  generate_cmd->add_option("--seed", demo_generate.seed,
                           "random seed: the same seed gives the same files");
  generate_cmd->add_option("--out", demo_generate.out, "directory to write into")->required();
  generate_cmd->callback([&] { exit_code = DemoGenerate(demo_generate); });

  ImportCommand import;
  auto* import_cmd = app.add_subcommand(
      "import", "Import areas, individuals, groups or memberships from a CSV or XLSX file");
  AddDatabaseOption(import_cmd, import.database);
  import_cmd->add_option("KIND", import.kind, "areas | individuals | groups | memberships")
      ->required()
      ->check(CLI::IsMember({"areas", "individuals", "groups", "memberships"}));
  import_cmd->add_option("FILE", import.file, "the CSV or XLSX file")->required();
  import_cmd->add_option("--mapping", import.mapping,
                         "JSON file mapping columns to fields (docs/IMPORT.md)");
  import_cmd->add_option("--errors", import.errors,
                         "write the refused rows and their reasons to this CSV");
  AddUserOption(import_cmd, import.user);
  import_cmd->footer(
      "Exit codes: 0 every row imported; 3 some rows refused (see the error report); "
      "2 the file was refused whole (nothing changed); 1 failure.");
  import_cmd->callback([&] { exit_code = Import(import); });

  JobsCommand jobs;
  auto* jobs_cmd = app.add_subcommand("jobs", "List background jobs, newest first");
  AddDatabaseOption(jobs_cmd, jobs.database);
  jobs_cmd->add_option("--state", jobs.state, "only jobs in this state")
      ->check(CLI::IsMember({"queued", "running", "succeeded", "failed", "cancelled"}));
  jobs_cmd->add_option("--limit", jobs.limit, "how many (default 20)")->check(CLI::Range(1, 1000));
  jobs_cmd->callback([&] { exit_code = ListJobs(jobs); });

  auto* user_cmd = app.add_subcommand("user", "Users: create, list, set-role, disable");
  user_cmd->require_subcommand(1);
  UserCreateCommand user_create;
  auto* user_create_cmd =
      user_cmd->add_subcommand("create", "Create a user; the password is read from standard input");
  AddDatabaseOption(user_create_cmd, user_create.database);
  user_create_cmd->add_option("NAME", user_create.username, "the user name")->required();
  user_create_cmd
      ->add_option("--role", user_create.role,
                   "program_viewer | registrar | enrollment_officer | finance_officer | "
                   "program_manager | auditor | administrator")
      ->required();
  user_create_cmd->add_option("--area", user_create.areas,
                              "limit the user to this area and its sub-areas (repeatable)");
  user_create_cmd->add_option("--program", user_create.programs,
                              "limit the user to this program (repeatable)");
  user_create_cmd->callback([&] { exit_code = UserCreate(user_create); });
  std::string user_list_database;
  auto* user_list_cmd = user_cmd->add_subcommand("list", "List the users");
  AddDatabaseOption(user_list_cmd, user_list_database);
  user_list_cmd->callback([&] { exit_code = UserList(user_list_database); });
  UserChangeCommand user_set_role;
  auto* set_role_cmd = user_cmd->add_subcommand("set-role", "Give a user another role");
  AddDatabaseOption(set_role_cmd, user_set_role.database);
  set_role_cmd->add_option("NAME", user_set_role.username, "the user name")->required();
  set_role_cmd->add_option("ROLE", user_set_role.role, "the new role")->required();
  set_role_cmd->callback([&] { exit_code = UserSetRole(user_set_role); });
  UserChangeCommand user_disable;
  auto* disable_cmd =
      user_cmd->add_subcommand("disable", "Disable a user (users are never deleted)");
  AddDatabaseOption(disable_cmd, user_disable.database);
  disable_cmd->add_option("NAME", user_disable.username, "the user name")->required();
  disable_cmd->callback([&] { exit_code = UserDisable(user_disable); });

  auto* client_cmd = app.add_subcommand("client", "API clients (OAuth2 client credentials)");
  client_cmd->require_subcommand(1);
  ClientCreateCommand client_create;
  auto* client_create_cmd =
      client_cmd->add_subcommand("create", "Create an API client; prints its id and secret once");
  AddDatabaseOption(client_create_cmd, client_create.database);
  client_create_cmd->add_option("NAME", client_create.name, "what the client is")->required();
  client_create_cmd->add_option("--role", client_create.role, "the role its tokens carry")
      ->required();
  client_create_cmd->callback([&] { exit_code = ClientCreate(client_create); });

  auto* audit_cmd = app.add_subcommand("audit", "The audit trail");
  audit_cmd->require_subcommand(1);
  std::string audit_database;
  auto* verify_cmd = audit_cmd->add_subcommand(
      "verify", "Check the audit trail's hash chain; name every edited, inserted or deleted entry");
  AddDatabaseOption(verify_cmd, audit_database);
  verify_cmd->footer("Exit codes: 0 the chain is whole; 1 it is broken (each break is named).");
  verify_cmd->callback([&] { exit_code = AuditVerify(audit_database); });

  auto* cel_cmd = app.add_subcommand("cel", "Check or evaluate a rule in CEL (docs/CEL.md)");
  cel_cmd->require_subcommand(1);
  CelCommand cel_check;
  auto* check_cmd = cel_cmd->add_subcommand("check", "Parse and type-check a rule; print its type");
  check_cmd->add_option("EXPR", cel_check.expression, "the rule")->required();
  check_cmd->add_option(
      "--declare", cel_check.declarations,
      "a variable and its type, NAME:TYPE (age:int, members:list(map(string, dyn)))");
  check_cmd->add_option("--dialect", cel_check.dialect, "standard (default) or openspp")
      ->check(CLI::IsMember({"standard", "openspp"}));
  check_cmd->callback([&] { exit_code = CelCheck(cel_check); });
  CelCommand cel_eval;
  auto* eval_cmd = cel_cmd->add_subcommand("eval", "Evaluate a rule; print the result");
  eval_cmd->add_option("EXPR", cel_eval.expression, "the rule")->required();
  eval_cmd->add_option(
      "--vars", cel_eval.vars,
      "the variables as a JSON object; integers bind as int, other numbers as double");
  eval_cmd->add_option("--declare", cel_eval.declarations,
                       "a variable's type when its JSON value does not say it, NAME:TYPE");
  eval_cmd->add_option("--dialect", cel_eval.dialect, "standard (default) or openspp")
      ->check(CLI::IsMember({"standard", "openspp"}));
  eval_cmd->add_option("--as-of", cel_eval.as_of,
                       "the evaluation date for age_years() and the like (default: today)");
  eval_cmd->footer("Exit codes: 0 evaluated (the result on stdout); 1 an error (on stderr).");
  eval_cmd->callback([&] { exit_code = CelEval(cel_eval); });

  AddProgramCommands(app, exit_code);
  AddCycleCommands(app, exit_code);
  AddPaymentCommands(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitRefused;
  }
  return exit_code;
}

}  // namespace spmis::cli
