#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "demo/demo_programs.h"
#include "demo/population.h"
#include "jobs/job_repository.h"
#include "store/migrations.h"
#include "testing/process.h"
#include "testing/test_database.h"

namespace spmis::cli {
namespace {

using spmis::testing::BackgroundProcess;
using spmis::testing::RunProcess;
using spmis::testing::SpmisBinary;

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("spmis_cli_" + std::to_string(getpid()) + "_" + name))
      .string();
}

TEST(CliTest, EveryCommandHasHelpAndTakesDatabase) {
  auto top = RunProcess({SpmisBinary(), "--help"});
  EXPECT_EQ(top.exit_code, 0);
  for (const char* command : {"serve", "migrate", "demo", "jobs", "config", "import"}) {
    EXPECT_NE(top.out.find(command), std::string::npos) << command;
  }
  for (std::vector<std::string> command :
       std::vector<std::vector<std::string>>{{"serve"}, {"migrate"}, {"demo", "load"}, {"jobs"}}) {
    std::vector<std::string> args{SpmisBinary()};
    args.insert(args.end(), command.begin(), command.end());
    args.push_back("--help");
    auto help = RunProcess(args);
    EXPECT_EQ(help.exit_code, 0) << command[0];
    EXPECT_NE(help.out.find("--database"), std::string::npos) << command[0];
  }
}

TEST(CliTest, RefusesUnknownCommandsAndBadOptionsWithExitCode2) {
  EXPECT_EQ(RunProcess({SpmisBinary(), "frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunProcess({SpmisBinary(), "serve", "--port", "99999"}).exit_code, 2);
  EXPECT_EQ(RunProcess({SpmisBinary(), "demo", "load", "--households", "0"}).exit_code, 2);
  EXPECT_EQ(RunProcess({SpmisBinary(), "jobs", "--state", "sleepy"}).exit_code, 2);
}

TEST(CliTest, MigrateUsesFlagThenEnvironmentAndReportsUnreachableServers) {
  std::string path = TempPath("migrate.db");
  auto first = RunProcess({SpmisBinary(), "migrate", "--database", path});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  std::string all = std::to_string(store::SchemaMigrations().size()) + " migrations applied";
  EXPECT_NE(first.out.find(all), std::string::npos) << first.out;
  auto again = RunProcess({SpmisBinary(), "migrate"}, {"SPMIS_DATABASE=" + path});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("0 migrations applied"), std::string::npos) << again.out;
  auto unreachable = RunProcess({SpmisBinary(), "migrate", "--database",
                                 "postgresql://nobody@127.0.0.1:1/x?connect_timeout=2"});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_NE(unreachable.err.find("error: cannot connect"), std::string::npos) << unreachable.err;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

TEST(CliTest, ConfigApplyDeclaresEverythingOrNothing) {
  std::string path = TempPath("config.db");
  std::string good = TempPath("good.json");
  std::string bad = TempPath("bad.json");
  {
    std::ofstream(good) << R"({"group_kinds":[{"code":"cooperative","label":"Co-op"}],
      "membership_roles":[{"code":"member","label":"Member"}],
      "custom_fields":{"individual":[{"name":"school_grade","label":"Grade","type":"integer"}],
                       "group":[{"name":"dwelling","label":"Dwelling","type":"choice","choices":["owned","rented"]}]}})";
    // The second field is invalid: nothing of the file may be applied.
    std::ofstream(bad) << R"({"custom_fields":{"individual":[
      {"name":"height_cm","label":"Height","type":"integer"},
      {"name":"Bad Name","label":"x","type":"text"}]}})";
  }
  auto applied = RunProcess({SpmisBinary(), "config", "apply", good, "--database", path});
  EXPECT_EQ(applied.exit_code, 0) << applied.err;
  auto refused = RunProcess({SpmisBinary(), "config", "apply", bad, "--database", path});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("lower_snake_case"), std::string::npos) << refused.err;
  auto shown = RunProcess({SpmisBinary(), "config", "show", "--database", path});
  EXPECT_EQ(shown.exit_code, 0);
  EXPECT_NE(shown.out.find("cooperative"), std::string::npos);
  EXPECT_NE(shown.out.find("school_grade"), std::string::npos);
  EXPECT_NE(shown.out.find("\"owned\""), std::string::npos);
  EXPECT_EQ(shown.out.find("height_cm"), std::string::npos) << "a refused file changed something";
  auto not_json =
      RunProcess({SpmisBinary(), "config", "apply", "/etc/hostname", "--database", path});
  EXPECT_EQ(not_json.exit_code, 2);
  for (const auto& f : {good, bad, path, path + "-wal", path + "-shm"}) std::filesystem::remove(f);
}

class CliBackendTest : public spmis::testing::BackendTest {
 protected:
  int64_t Count(const char* table) {
    auto connection = db().Acquire();
    auto query = connection->Prepare(std::string("SELECT COUNT(*) FROM ") + table);
    query->Step();
    return query->Int(0);
  }
};

TEST_P(CliBackendTest, DemoLoadFillsTheRegistryAndJobsListsIt) {
  auto load =
      RunProcess({SpmisBinary(), "demo", "load", "--households", "40", "--database", location()});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  EXPECT_NE(load.out.find("\"households\":40"), std::string::npos) << load.out;
  EXPECT_EQ(Count("registry_groups"), 40 + 12);  // and the twelve personas
  EXPECT_EQ(Count("programs"), 6);
  auto jobs = RunProcess({SpmisBinary(), "jobs", "--database", location()});
  EXPECT_EQ(jobs.exit_code, 0);
  EXPECT_NE(jobs.out.find("demo.load"), std::string::npos) << jobs.out;
  EXPECT_NE(jobs.out.find("succeeded"), std::string::npos) << jobs.out;
  EXPECT_NE(jobs.out.find("40/40"), std::string::npos) << jobs.out;
}

// The program commands, as an operator scripts them.
TEST_P(CliBackendTest, ProgramsAreCreatedRunPreviewedAndExplainedFromTheCommandLine) {
  std::string db = location();
  ASSERT_EQ(
      RunProcess({SpmisBinary(), "demo", "load", "--households", "60", "--database", db}).exit_code,
      0);
  auto created = RunProcess({SpmisBinary(), "program", "create", "--code", "T-CHILD", "--name",
                             "Test child grant", "--target", "groups", "--rule",
                             "group.members.exists(m, m.age < 5)", "--max", "10", "--priority",
                             "group.size", "--database", db});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.out, "created T-CHILD (rule version 1)\n");
  auto typo =
      RunProcess({SpmisBinary(), "program", "create", "--code", "T-TYPO", "--name", "x", "--target",
                  "groups", "--rule", "group.membres.size() > 0", "--database", db});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("1:6: 'Group' has no field 'membres' (did you mean 'members'?)"),
            std::string::npos)
      << typo.err;

  auto preview = RunProcess({SpmisBinary(), "eligibility", "preview", "T-CHILD", "--as-of",
                             "2026-11-23", "--database", db});
  ASSERT_EQ(preview.exit_code, 0) << preview.err;
  auto previewed = boost::json::parse(preview.out);
  int64_t eligible = previewed.at("eligible").as_int64();
  ASSERT_GT(eligible, 10);
  auto run = RunProcess(
      {SpmisBinary(), "eligibility", "run", "T-CHILD", "--as-of", "2026-11-23", "--database", db});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(boost::json::parse(run.out).at("eligible").as_int64(), eligible);
  auto show = RunProcess({SpmisBinary(), "program", "show", "T-CHILD", "--json", "--database", db});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto shown = boost::json::parse(show.out);
  EXPECT_EQ(shown.at("code").as_string(), "T-CHILD");
  EXPECT_EQ(shown.at("rule_version").as_int64(), 1);
  EXPECT_EQ(shown.at("memberships").at("enrolled").as_int64(), 10);  // the maximum
  EXPECT_EQ(shown.at("memberships").at("draft").as_int64(), eligible - 10);

  auto rule = RunProcess({SpmisBinary(), "eligibility", "preview", "--rule", "individual.age >= 60",
                          "--target", "individuals", "--database", db});
  ASSERT_EQ(rule.exit_code, 0) << rule.err;
  EXPECT_GT(boost::json::parse(rule.out).at("eligible").as_int64(), 0);
  std::string member(previewed.at("sample").at(0).as_string());
  auto explain = RunProcess({SpmisBinary(), "eligibility", "explain", "T-CHILD", member, "--as-of",
                             "2026-11-23", "--database", db});
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_TRUE(explain.out.starts_with(member + ": eligible (true; rule version 1, as of "
                                               "2026-11-23)"))
      << explain.out;
  // Enrolled or waiting, a member can leave; a second exit is refused.
  auto exit = RunProcess({SpmisBinary(), "enrollment", "exit", "T-CHILD", member, "--reason",
                          "moved away", "--database", db});
  EXPECT_EQ(exit.exit_code, 0) << exit.err;
  EXPECT_EQ(exit.out, member + "\texited\n");
  auto again = RunProcess({SpmisBinary(), "enrollment", "exit", "T-CHILD", member, "--reason",
                           "moved away", "--database", db});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("it is exited"), std::string::npos) << again.err;
  auto unknown = RunProcess({SpmisBinary(), "program", "show", "NOPE", "--database", db});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no program 'NOPE'"), std::string::npos);
}

// SIGKILL in the middle of a long job: nothing half-written stays, and the
// next server start runs the job again to the same result.
TEST_P(CliBackendTest, AJobKilledMidwayLeavesNothingAndIsResumedAtNextStart) {
  const int64_t households = GetParam() == store::Backend::kSqlite ? 15000 : 2500;
  std::string log = TempPath("crash.log");
  {
    BackgroundProcess load({SpmisBinary(), "demo", "load", "--households",
                            std::to_string(households), "--seed", "11", "--database", location()},
                           log);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool running = false;
    while (!running && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      try {
        auto connection = db().Acquire();
        auto job = jobs::JobRepository(*connection).Find(1);
        running = job && job->state == jobs::JobState::kRunning;
      } catch (const store::DatabaseError&) {
        // the schema may not exist yet
      }
    }
    ASSERT_TRUE(running) << "the demo load never started";
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    load.Kill(SIGKILL);
    ASSERT_EQ(load.Wait(), -SIGKILL) << "the job finished before it could be killed";
  }
  EXPECT_EQ(Count("individuals"), 0) << "a killed job left rows behind";
  EXPECT_EQ(Count("registry_groups"), 0);

  BackgroundProcess server({SpmisBinary(), "serve", "--port", "0", "--database", location()}, log);
  std::optional<jobs::Job> job;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto connection = db().Acquire();
    job = jobs::JobRepository(*connection).Find(1);
    if (job && jobs::IsFinished(job->state)) break;
  }
  server.Kill(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->state, jobs::JobState::kSucceeded) << job->error.value_or("");
  EXPECT_EQ(job->attempts, 2);

  demo::PopulationGenerator generator(11);
  int64_t people = 0;
  for (int64_t i = 0; i < households; ++i)
    people += static_cast<int64_t>(generator.NextHousehold().members.size());
  // The personas come on top of the generated households.
  auto personas = demo::DemoPersonas(Date::Today());
  for (const auto& persona : personas) people += static_cast<int64_t>(persona.members.size());
  EXPECT_EQ(Count("registry_groups"), households + static_cast<int64_t>(personas.size()));
  EXPECT_EQ(Count("individuals"), people);
  std::filesystem::remove(log);
}

INSTANTIATE_BACKEND_TESTS(CliBackendTest);

}  // namespace
}  // namespace spmis::cli

namespace spmis {
namespace {

using spmis::testing::RunProcess;
using spmis::testing::SpmisBinary;

TEST(CelCommandTest, EvalPrintsTheResultInCelSyntax) {
  struct Case {
    std::vector<std::string> args;
    std::string out;
  };
  const Case cases[] = {
      {{"1 + 2"}, "3\n"},
      {{"[3u, 3.5, 'abc', b'ab', true, null, {'a': 1}]"},
       "[3u, 3.5, \"abc\", b\"ab\", true, null, {\"a\": 1}]\n"},
      {{"timestamp('2019-05-01T00:00:00Z')"}, "timestamp(\"2019-05-01T00:00:00Z\")\n"},
      {{"double(x) * 2.0 + y", "--vars", R"({"x": 20, "y": 0.5})"}, "40.5\n"},
      {{"age_years(birth) >= 65 and not disabled", "--vars",
        R"({"birth": "1961-11-24", "disabled": false})", "--dialect", "openspp", "--as-of",
        "2026-11-23"},
       "false\n"},
      {{"age_years(birth)", "--vars", R"({"birth": "1961-11-23"})", "--as-of", "2026-11-23"},
       "65\n"},
      {{"members.count(m, m.age < 5)", "--vars", R"({"members": [{"age": 3}, {"age": 40}]})",
        "--dialect", "openspp"},
       "1\n"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {SpmisBinary(), "cel", "eval"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto result = RunProcess(args);
    EXPECT_EQ(result.exit_code, 0) << c.args[0] << ": " << result.err;
    EXPECT_EQ(result.out, c.out) << c.args[0];
  }
}

TEST(CelCommandTest, ErrorsGoToStderrWithTheirPosition) {
  auto parse = RunProcess({SpmisBinary(), "cel", "eval", "1 +\n (2"});
  EXPECT_EQ(parse.exit_code, 1);
  EXPECT_EQ(parse.err, "error: 2:4: expected ')', found end of expression\n");
  EXPECT_EQ(parse.out, "");
  auto unknown = RunProcess({SpmisBinary(), "cel", "check", "age > 3", "--declare", "agee:int"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err, "error: 1:1: 'age' is not a known variable (did you mean 'agee'?)\n");
  auto runtime = RunProcess({SpmisBinary(), "cel", "eval", "{'a': 1}['b']"});
  EXPECT_EQ(runtime.exit_code, 1);
  EXPECT_EQ(runtime.err, "error: no such key: \"b\"\n");
  auto check = RunProcess({SpmisBinary(), "cel", "check", "members.filter(m, m > 2)", "--declare",
                           "members:list(int)"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out, "list(int)\n");
}

}  // namespace
}  // namespace spmis

namespace spmis {
namespace {

using spmis::testing::RunProcess;
using spmis::testing::SpmisBinary;

TEST(UserCommandTest, CreatesUsersFromAPasswordOnStdinAndVerifiesTheAuditTrail) {
  std::string db =
      (std::filesystem::temp_directory_path() / ("spmis_users_" + std::to_string(getpid()) + ".db"))
          .string();
  std::filesystem::remove(db);
  std::string password_file = db + ".password";
  { std::ofstream(password_file) << "a long pass phrase\n"; }
  auto create = RunProcess({"/bin/sh", "-c",
                            std::string(SpmisBinary()) + " user create ama --role registrar " +
                                "--database " + db + " < " + password_file});
  EXPECT_EQ(create.exit_code, 0) << create.err;
  EXPECT_EQ(create.out, "ama\tregistrar\tactive\tareas=all\tprograms=all\n");
  auto bad_role =
      RunProcess({SpmisBinary(), "user", "set-role", "ama", "emperor", "--database", db});
  EXPECT_EQ(bad_role.exit_code, 2);
  auto set_role =
      RunProcess({SpmisBinary(), "user", "set-role", "ama", "auditor", "--database", db});
  EXPECT_EQ(set_role.exit_code, 0) << set_role.err;
  auto disable = RunProcess({SpmisBinary(), "user", "disable", "ama", "--database", db});
  EXPECT_EQ(disable.out, "ama\tauditor\tdisabled\tareas=all\tprograms=all\n");
  auto client = RunProcess(
      {SpmisBinary(), "client", "create", "portal", "--role", "auditor", "--database", db});
  EXPECT_EQ(client.exit_code, 0) << client.err;
  EXPECT_TRUE(client.out.starts_with("client_id: spmis-")) << client.out;
  EXPECT_NE(client.out.find("client_secret: "), std::string::npos);
  auto whole = RunProcess({SpmisBinary(), "audit", "verify", "--database", db});
  EXPECT_EQ(whole.exit_code, 0) << whole.out;
  EXPECT_EQ(whole.out, "the audit trail is whole: 4 entries\n");
  // Someone with the database file edits an entry behind the application's back.
  auto tamper = RunProcess({"/usr/bin/sqlite3", db,
                            "DROP TRIGGER audit_log_no_update; "
                            "UPDATE audit_log SET actor = 'nobody' WHERE seq = 2"});
  ASSERT_EQ(tamper.exit_code, 0) << tamper.err;
  auto broken = RunProcess({SpmisBinary(), "audit", "verify", "--database", db});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_EQ(broken.out, "BROKEN: entry 2 was changed after it was written\n");
  for (const char* suffix : {"", "-wal", "-shm", ".password"}) std::filesystem::remove(db + suffix);
}

// --user makes a command act as that user: the same role and area checks as
// the API, and their name in the audit trail.
TEST(UserCommandTest, CommandsActAsTheUserNamedWithTheirRole) {
  std::string db = (std::filesystem::temp_directory_path() /
                    ("spmis_acting_" + std::to_string(getpid()) + ".db"))
                       .string();
  std::filesystem::remove(db);
  std::string password_file = db + ".password";
  { std::ofstream(password_file) << "a long pass phrase\n"; }
  std::string csv = db + ".csv";
  { std::ofstream(csv) << "code,name,level,parent_code\nTZ,Tanzania,0,\n"; }
  for (const char* user : {"vera --role program_viewer", "rose --role registrar"}) {
    auto create = RunProcess({"/bin/sh", "-c",
                              std::string(SpmisBinary()) + " user create " + user + " --database " +
                                  db + " < " + password_file});
    ASSERT_EQ(create.exit_code, 0) << create.err;
  }
  auto viewer =
      RunProcess({SpmisBinary(), "import", "areas", csv, "--user", "vera", "--database", db});
  EXPECT_EQ(viewer.exit_code, 2);
  EXPECT_NE(viewer.err.find("does not allow this (it needs import.run)"), std::string::npos)
      << viewer.err;
  auto nobody =
      RunProcess({SpmisBinary(), "import", "areas", csv, "--user", "nobody", "--database", db});
  EXPECT_EQ(nobody.exit_code, 2);
  EXPECT_NE(nobody.err.find("no enabled user 'nobody'"), std::string::npos) << nobody.err;
  // A Registrar may import, but areas need areas.manage: every row is refused.
  auto registrar =
      RunProcess({SpmisBinary(), "import", "areas", csv, "--user", "rose", "--database", db});
  EXPECT_EQ(registrar.exit_code, 3) << registrar.out << registrar.err;
  auto system = RunProcess({SpmisBinary(), "import", "areas", csv, "--database", db});
  EXPECT_EQ(system.exit_code, 0) << system.err;
  auto audit = RunProcess(
      {"/usr/bin/sqlite3", db, "SELECT actor FROM audit_log WHERE entity_type = 'area'"});
  EXPECT_EQ(audit.out, "cli\n");
  for (const char* suffix : {"", "-wal", "-shm", ".password", ".csv"}) {
    std::filesystem::remove(db + suffix);
  }
}

}  // namespace
}  // namespace spmis

namespace spmis {
namespace {

using spmis::testing::BackgroundProcess;
using spmis::testing::RunProcess;
using spmis::testing::SpmisBinary;

TEST(ServeTlsTest, ServesHttpsWithASecureSessionCookie) {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("spmis_tls_" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  auto cert = RunProcess({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                          "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "1",
                          "-subj", "/CN=127.0.0.1"});
  ASSERT_EQ(cert.exit_code, 0) << cert.err;
  std::string log = dir + "/serve.log";
  BackgroundProcess server(
      {"/bin/sh", "-c",
       "SPMIS_ADMIN_PASSWORD='a long pass phrase' exec " + std::string(SpmisBinary()) +
           " serve --port 0 --database " + dir + "/tls.db --tls-cert " + dir +
           "/cert.pem --tls-key " + dir + "/key.pem"},
      log);
  std::string port;
  for (int i = 0; i < 100 && port.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t at = text.find("https://127.0.0.1:");
    if (at != std::string::npos) {
      size_t start = at + std::string("https://127.0.0.1:").size();
      port = text.substr(start, text.find(' ', start) - start);
    }
  }
  ASSERT_FALSE(port.empty()) << "the server did not start";
  std::string base = "https://127.0.0.1:" + port;
  auto health = RunProcess({"/usr/bin/curl", "-sk", base + "/healthz"});
  EXPECT_EQ(health.exit_code, 0);
  EXPECT_NE(health.out.find("\"status\":\"ok\""), std::string::npos) << health.out;
  auto login = RunProcess({"/usr/bin/curl", "-sk", "-i", "-X", "POST", base + "/api/v1/auth/login",
                           "-d", R"({"username": "admin", "password": "a long pass phrase"})"});
  EXPECT_NE(login.out.find("HttpOnly; SameSite=Strict"), std::string::npos) << login.out;
  EXPECT_NE(login.out.find("; Secure"), std::string::npos) << login.out;
  // Plain HTTP to the TLS port gets no answer.
  auto plain = RunProcess(
      {"/usr/bin/curl", "-s", "--max-time", "5", "http://127.0.0.1:" + port + "/healthz"});
  EXPECT_NE(plain.exit_code, 0);
  server.Kill(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spmis
