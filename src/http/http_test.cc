#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <thread>
#include <tuple>

#include "audit/audit_log.h"
#include "audit/read_recorder.h"
#include "auth/sign_in.h"
#include "auth/user_service.h"
#include "core/money.h"
#include "core/registrant_id.h"
#include "cycles/cycle_service.h"
#include "demo/demo_loader.h"
#include "http/api.h"
#include "http/json_writer.h"
#include "http/server.h"
#include "importer/importer.h"
#include "programs/eligibility.h"
#include "testing/http_client.h"
#include "testing/test_database.h"

namespace spmis::http {
namespace {

using spmis::testing::HttpRequest;
using spmis::testing::HttpResult;

// A server on a free port over a database holding a small demo population.
class HttpApiTest : public spmis::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    runner_ = std::make_unique<jobs::JobRunner>(db());
    demo::RegisterDemoJobs(*runner_);
    importer::RegisterImportJobs(*runner_);
    programs::RegisterEligibilityJobs(*runner_);
    cycles::RegisterCycleJobs(*runner_);
    auto loaded = runner_->RunNow(
        demo::kDemoLoadJob, demo::DemoLoadParameters({60, 5, std::nullopt}), Actor{"admin", ""});
    ASSERT_TRUE(loaded.ok());
    ASSERT_EQ(loaded->state, jobs::JobState::kSucceeded);
    demo_job_id_ = loaded->id;
    router_ = BuildApiRouter();
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.body_limit = 1024;
    server_ = std::make_unique<HttpServer>(options, [this](Request& request) {
      RequestContext context(db(), *runner_);
      return router_.Dispatch(request, context);
    });
    server_->Listen();
    thread_ = std::thread([this] { server_->Run(false); });
    runner_->Start(1);
    std::tie(cookie_, csrf_) = LogInAs("registrar.test", Role::kRegistrar);
  }
  void TearDown() override {
    if (runner_) runner_->Stop();
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    runner_.reset();
    BackendTest::TearDown();
  }
  // Requests as the signed-in test user: its session cookie, and its CSRF
  // token on changes.
  HttpResult Send(const std::string& method, const std::string& target,
                  const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    headers["Cookie"] = cookie_;
    if (method != "GET") headers["X-CSRF-Token"] = csrf_;
    return HttpRequest(server_->port(), method, target, body, headers);
  }
  HttpResult Get(const std::string& target) { return Send("GET", target); }
  // Creates a user with the role and logs in; returns the cookie and CSRF token.
  std::pair<std::string, std::string> LogInAs(const std::string& username, Role role) {
    auto connection = db().Acquire();
    auto created = auth::UserService(*connection)
                       .Create(Principal::System(), {username, "a long pass phrase", role, {}, {}});
    EXPECT_TRUE(created.ok()) << created.error().ToString();
    HttpResult login =
        HttpRequest(server_->port(), "POST", "/api/v1/auth/login",
                    R"({"username": ")" + username + R"(", "password": "a long pass phrase"})");
    EXPECT_EQ(login.status, 200) << login.body;
    std::string set_cookie = login.headers["set-cookie"];
    std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
    std::string csrf(boost::json::parse(login.body).at("csrf_token").as_string());
    return {cookie, csrf};
  }
  boost::json::value GetJson(const std::string& target, int expected_status = 200) {
    HttpResult result = Get(target);
    EXPECT_EQ(result.status, expected_status) << target << ": " << result.body;
    return boost::json::parse(result.body);
  }
  static void ExpectProblem(const HttpResult& result, int status) {
    EXPECT_EQ(result.status, status) << result.body;
    EXPECT_EQ(result.headers.at("content-type"), "application/problem+json");
    auto body = boost::json::parse(result.body);
    EXPECT_EQ(body.at("status").as_int64(), status);
    EXPECT_FALSE(body.at("detail").as_string().empty());
  }

  std::unique_ptr<jobs::JobRunner> runner_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int64_t demo_job_id_ = 0;
  std::string cookie_;
  std::string csrf_;
};

TEST_P(HttpApiTest, HealthzReportsTheDatabase) {
  auto body = GetJson("/healthz");
  EXPECT_EQ(body.at("status").as_string(), "ok");
  EXPECT_EQ(body.at("database").as_string(),
            GetParam() == store::Backend::kSqlite ? "sqlite" : "postgresql");
  EXPECT_GE(body.at("schema_version").as_int64(), 2);
}

TEST_P(HttpApiTest, ListsIndividualsPageByPageWithTotal) {
  auto first = GetJson("/api/v1/individuals?limit=100");
  int64_t total = first.at("total").as_int64();
  ASSERT_GT(total, 60);
  std::set<std::string> seen;
  std::string target = "/api/v1/individuals?limit=25&sort=family_name";
  int pages = 0;
  while (true) {
    auto page = GetJson(target);
    for (const auto& item : page.at("items").as_array()) {
      EXPECT_TRUE(seen.insert(std::string(item.at("id").as_string())).second);
    }
    ++pages;
    if (page.at("next").is_null()) break;
    target = "/api/v1/individuals?limit=25&sort=family_name&cursor=" +
             std::string(page.at("next").as_string());
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), total);
  EXPECT_EQ(pages, static_cast<int>((total + 24) / 25));
}

TEST_P(HttpApiTest, FiltersIndividuals) {
  auto all = GetJson("/api/v1/individuals?limit=1000");
  // Pick a real district and person to filter by.
  const auto& someone = all.at("items").as_array().at(0).as_object();
  std::string district(someone.at("area_code").as_string());
  std::string region = district.substr(0, 5);  // "DM-NN"
  auto in_district = GetJson("/api/v1/individuals?area=" + district);
  auto in_region = GetJson("/api/v1/individuals?area=" + region);
  EXPECT_GE(in_district.at("total").as_int64(), 1);
  EXPECT_GE(in_region.at("total").as_int64(), in_district.at("total").as_int64());
  for (const auto& item : in_region.at("items").as_array()) {
    EXPECT_EQ(std::string(item.at("area_code").as_string()).substr(0, 5), region);
  }
  auto born =
      GetJson("/api/v1/individuals?birth_date_from=2010-01-01&birth_date_to=2015-12-31&limit=1000");
  for (const auto& item : born.at("items").as_array()) {
    std::string date(item.at("birth_date").as_string());
    EXPECT_GE(date, "2010-01-01");
    EXPECT_LE(date, "2015-12-31");
  }
  std::string family(someone.at("family_name").as_string());
  auto named = GetJson("/api/v1/individuals?name=" + family);
  EXPECT_GE(named.at("total").as_int64(), 1);
  EXPECT_EQ(GetJson("/api/v1/individuals?status=deceased").at("total").as_int64(), 0);
  // Injection attempts are only ever data.
  EXPECT_EQ(GetJson("/api/v1/individuals?name=%27%20OR%201%3D1%20--").at("total").as_int64(), 0);
  auto bad =
      Get("/api/v1/individuals?birth_date_from=yesterday&limit=0&sort=shoe_size&status=asleep");
  ExpectProblem(bad, 400);
  auto problem = boost::json::parse(bad.body);
  EXPECT_EQ(problem.at("errors").as_array().size(), 4u);
  ExpectProblem(Get("/api/v1/individuals?area=NOWHERE"), 400);
  ExpectProblem(Get("/api/v1/individuals?cursor=garbage!"), 400);
}

TEST_P(HttpApiTest, GetsOneIndividualAndAnswers404ForUnknownIds) {
  auto list = GetJson("/api/v1/individuals?limit=1");
  std::string id(list.at("items").as_array().at(0).at("id").as_string());
  HttpResult one = Get("/api/v1/individuals/" + id);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.headers.at("etag"), "\"1\"");
  auto person = boost::json::parse(one.body);
  EXPECT_EQ(person.at("id").as_string(), id);
  EXPECT_TRUE(person.at("documents").is_array());
  ExpectProblem(Get("/api/v1/individuals/IND-99999999-0"), 404);
  std::string typo = id;
  typo[5] = typo[5] == '1' ? '2' : '1';
  ExpectProblem(Get("/api/v1/individuals/" + typo), 404);
  ExpectProblem(Get("/api/v1/individuals/..%2F..%2Fetc%2Fpasswd"), 404);
  auto history = GetJson("/api/v1/individuals/" + id + "/history");
  EXPECT_EQ(history.at("items").as_array().at(0).at("action").as_string(), "created");
}

TEST_P(HttpApiTest, GetsAGroupWithItsMembers) {
  auto group = GetJson("/api/v1/groups/" + RegistrantId{RegistrantKind::kGroup, 1}.ToString());
  EXPECT_EQ(group.at("kind").as_string(), "household");
  const auto& members = group.at("members").as_array();
  ASSERT_GE(members.size(), 1u);
  EXPECT_EQ(members.at(0).at("role").as_string(), "head");
  EXPECT_EQ(members.at(0).at("individual"), group.at("head"));
  EXPECT_TRUE(group.at("custom").as_object().contains("income"));
  ExpectProblem(Get("/api/v1/groups/GRP-99999999-0"), 404);
  EXPECT_EQ(GetJson("/api/v1/groups?limit=5").at("total").as_int64(), 60 + 12);  // and personas
}

TEST_P(HttpApiTest, ListsAreasAndFollowsJobs) {
  EXPECT_EQ(GetJson("/api/v1/areas?limit=1000").at("total").as_int64(), 111);
  EXPECT_EQ(GetJson("/api/v1/areas?parent=DM").at("total").as_int64(), 10);
  EXPECT_EQ(GetJson("/api/v1/areas/DM-01").at("parent_code").as_string(), "DM");
  ExpectProblem(Get("/api/v1/areas/XX"), 404);
  auto job = GetJson("/api/v1/jobs/" + std::to_string(demo_job_id_));
  EXPECT_EQ(job.at("state").as_string(), "succeeded");
  EXPECT_EQ(job.at("progress").at("done").as_int64(), 60);
  EXPECT_EQ(job.at("progress").at("percent").to_number<double>(), 100.0);
  EXPECT_EQ(job.at("result").at("households").as_int64(), 60);
  ExpectProblem(Get("/api/v1/jobs/424242"), 404);
  ExpectProblem(Get("/api/v1/jobs/abc"), 404);
  EXPECT_EQ(GetJson("/api/v1/jobs").at("items").as_array().size(), 1u);
}

TEST_P(HttpApiTest, RefusesUnknownRoutesMethodsAndOversizedBodies) {
  ExpectProblem(Get("/api/v1/nothing-here"), 404);
  ExpectProblem(Send("DELETE", "/api/v1/individuals"), 405);
  ExpectProblem(Send("POST", "/api/v1/individuals", std::string(4096, 'x')), 413);
  HttpResult with_id =
      HttpRequest(server_->port(), "GET", "/healthz", "", {{"X-Request-Id", "trace-42"}});
  EXPECT_EQ(with_id.headers.at("x-request-id"), "trace-42");
}

std::string WriteJsonForTest(const boost::json::value& v) { return WriteJson(v); }

std::string Multipart(const std::vector<std::tuple<std::string, std::string, std::string>>& parts,
                      const std::string& boundary) {
  std::string body;
  for (const auto& [name, filename, data] : parts) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"";
    if (!filename.empty())
      body += "; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream";
    body += "\r\n\r\n" + data + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

TEST_P(HttpApiTest, UploadsAFileToImportAndServesItsErrorReport) {
  const std::string boundary = "----spmis-test-boundary";
  std::map<std::string, std::string> headers{
      {"Content-Type", "multipart/form-data; boundary=" + boundary}};
  // A binary XLSX survives the multipart round trip; the name is only a label.
  std::ifstream xlsx(
      std::string(SPMIS_SOURCE_DIR) + "/src/importer/testdata/individuals_openpyxl.xlsx",
      std::ios::binary);
  std::string workbook((std::istreambuf_iterator<char>(xlsx)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(workbook.empty());
  std::string csv =
      "external_id,given_name,area_code,birth_date\nU1,Amina,DM-01-01,\nU2,Baraka,DM-01-01,"
      "someday\n";
  for (const auto& [name, data] : std::vector<std::pair<std::string, std::string>>{
           {"clean.csv", "external_id,given_name\nU0,Chebet\n"},
           {"../../etc/passwd.xlsx", workbook},
           {"people.csv", csv}}) {
    HttpResult upload =
        Send("POST", "/api/v1/imports",
             Multipart({{"kind", "", "individuals"}, {"file", name, data}}, boundary), headers);
    ASSERT_EQ(upload.status, 202) << upload.body;
    auto accepted = boost::json::parse(upload.body);
    std::string job_url(accepted.at("job_url").as_string());
    EXPECT_EQ(upload.headers.at("location"), job_url);
    boost::json::value job;
    for (int i = 0; i < 200; ++i) {
      job = GetJson(job_url);
      if (job.at("state") != "queued" && job.at("state") != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    EXPECT_EQ(job.at("state").as_string(), "succeeded") << WriteJsonForTest(job);
  }
  auto imports = GetJson("/api/v1/imports");
  ASSERT_EQ(imports.at("total").as_int64(), 3);
  const auto& latest = imports.at("items").as_array().at(0);
  EXPECT_EQ(latest.at("file_name").as_string(), "people.csv");
  EXPECT_EQ(latest.at("counts").at("created").as_int64(), 1);
  EXPECT_EQ(latest.at("counts").at("failed").as_int64(), 1);
  EXPECT_EQ(latest.at("checksum_sha256").as_string().size(), 64u);
  const auto& first = imports.at("items").as_array().at(1);
  EXPECT_EQ(first.at("file_name").as_string(), "passwd.xlsx");  // no path survives
  EXPECT_EQ(first.at("format").as_string(), "xlsx");
  EXPECT_EQ(first.at("counts").at("read").as_int64(), 3);  // its areas are not in this registry
  const auto& clean = imports.at("items").as_array().at(2);
  EXPECT_EQ(clean.at("counts").at("created").as_int64(), 1);
  EXPECT_TRUE(clean.at("errors_url").is_null());
  HttpResult report = Get(std::string(latest.at("errors_url").as_string()));
  ASSERT_EQ(report.status, 200);
  EXPECT_EQ(report.headers.at("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(report.body.find("U2,Baraka,DM-01-01,someday,birth_date: 'someday' is not a date"),
            std::string::npos)
      << report.body;
  ExpectProblem(Get("/api/v1/imports/" + std::to_string(clean.at("id").as_int64()) + "/errors"),
                404);
  ExpectProblem(Get("/api/v1/imports/999"), 404);
  // Each import's audit entry names the request that asked for it.
  auto [auditor_cookie, auditor_csrf] = LogInAs("auditor.test", Role::kAuditor);
  HttpResult trail = HttpRequest(server_->port(), "GET", "/api/v1/audit?entity_type=import", "",
                                 {{"Cookie", auditor_cookie}});
  ASSERT_EQ(trail.status, 200) << trail.body;
  auto audited = boost::json::parse(trail.body);
  ASSERT_EQ(audited.at("items").as_array().size(), 3u);
  for (const auto& entry : audited.at("items").as_array()) {
    EXPECT_FALSE(entry.at("request_id").as_string().empty()) << WriteJsonForTest(entry);
  }

  HttpResult no_file =
      Send("POST", "/api/v1/imports", Multipart({{"kind", "", "people"}}, boundary), headers);
  ExpectProblem(no_file, 422);
  EXPECT_EQ(boost::json::parse(no_file.body).at("errors").as_array().size(), 2u);
  ExpectProblem(Send("POST", "/api/v1/imports", "kind=individuals",
                     {{"Content-Type", "application/x-www-form-urlencoded"}}),
                400);
}

// Every route, for every role, from the route table and the role table: a
// route needing a permission answers 403 to a role without it and lets a role
// with it through; no route lets an unsigned caller through.
TEST_P(HttpApiTest, EveryRouteAllowsExactlyTheRolesThatHoldItsPermission) {
  std::vector<Route> routes = router_.routes();
  // Log-out ends the session: walk it last.
  std::stable_partition(routes.begin(), routes.end(),
                        [](const Route& r) { return r.pattern != "/api/v1/auth/logout"; });
  auto target = [](const Route& route) {
    std::string path = route.pattern;
    for (size_t open; (open = path.find('{')) != std::string::npos;) {
      path.replace(open, path.find('}', open) - open + 1, "1");
    }
    return path;
  };
  for (const Route& route : routes) {
    if (route.access.kind == Access::Kind::kPublic) continue;
    HttpResult anonymous = HttpRequest(server_->port(), route.method, target(route));
    EXPECT_EQ(anonymous.status, 401) << route.method << " " << route.pattern;
  }
  for (Role role : AllRoles()) {
    auto [cookie, csrf] = LogInAs("walker." + std::string(RoleName(role)), role);
    for (const Route& route : routes) {
      HttpResult result = HttpRequest(server_->port(), route.method, target(route), "",
                                      {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
      bool allowed =
          route.access.kind != Access::Kind::kPermission || RoleHas(role, route.access.permission);
      std::string label = std::string(RoleName(role)) + " " + route.method + " " + route.pattern +
                          " -> " + std::to_string(result.status);
      if (allowed) {
        EXPECT_NE(result.status, 403) << label << " " << result.body;
        EXPECT_NE(result.status, 401) << label << " " << result.body;
      } else {
        EXPECT_EQ(result.status, 403) << label;
      }
    }
  }
}

TEST_P(HttpApiTest, SessionsNeedTheirCsrfTokenAndEndAtLogOut) {
  // A changing request with the cookie but without the CSRF token: refused, nothing imported.
  HttpResult forged = HttpRequest(server_->port(), "POST", "/api/v1/imports", "x",
                                  {{"Cookie", cookie_}, {"Content-Type", "text/plain"}});
  ExpectProblem(forged, 403);
  EXPECT_EQ(GetJson("/api/v1/imports").at("total").as_int64(), 0);
  auto me = GetJson("/api/v1/me");
  EXPECT_EQ(me.at("username").as_string(), "registrar.test");
  EXPECT_EQ(me.at("role").as_string(), "registrar");
  HttpResult logout = Send("POST", "/api/v1/auth/logout");
  EXPECT_EQ(logout.status, 204);
  EXPECT_NE(logout.headers["set-cookie"].find("Max-Age=0"), std::string::npos);
  ExpectProblem(Get("/api/v1/me"), 401);
  // The cookie is HttpOnly and SameSite=Strict.
  HttpResult login =
      HttpRequest(server_->port(), "POST", "/api/v1/auth/login",
                  R"({"username": "registrar.test", "password": "a long pass phrase"})");
  EXPECT_NE(login.headers["set-cookie"].find("HttpOnly"), std::string::npos);
  EXPECT_NE(login.headers["set-cookie"].find("SameSite=Strict"), std::string::npos);
}

TEST_P(HttpApiTest, RepeatedFailedLogInsAreThrottled) {
  for (int i = 0; i < 5; ++i) {
    HttpResult wrong = HttpRequest(
        server_->port(), "POST", "/api/v1/auth/login",
        R"({"username": "registrar.test", "password": "guess )" + std::to_string(i) + R"("})");
    ExpectProblem(wrong, 401);
  }
  // Even the right password waits now.
  HttpResult blocked =
      HttpRequest(server_->port(), "POST", "/api/v1/auth/login",
                  R"({"username": "registrar.test", "password": "a long pass phrase"})");
  ExpectProblem(blocked, 429);
  ExpectProblem(HttpRequest(server_->port(), "POST", "/api/v1/auth/login", "[[[[[[[[[[[[[[[[[[[["),
                400);
}

TEST_P(HttpApiTest, ApiClientsGetSignedTokensThatCanBeRevoked) {
  auto connection = db().Acquire();
  auth::LoginThrottle throttle;
  auto client = auth::SignIn(*connection, throttle)
                    .CreateClient(Principal::System(), "benefits portal", Role::kAuditor);
  ASSERT_TRUE(client.ok());
  HttpResult token = HttpRequest(server_->port(), "POST", "/api/v1/oauth/token",
                                 "grant_type=client_credentials&client_id=" + client->client_id +
                                     "&client_secret=" + client->secret,
                                 {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(token.status, 200) << token.body;
  auto issued = boost::json::parse(token.body);
  EXPECT_EQ(issued.at("token_type").as_string(), "Bearer");
  EXPECT_EQ(issued.at("expires_in").as_int64(), 3600);
  std::string bearer = "Bearer " + std::string(issued.at("access_token").as_string());
  HttpResult me =
      HttpRequest(server_->port(), "GET", "/api/v1/me", "", {{"Authorization", bearer}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(boost::json::parse(me.body).at("role").as_string(), "auditor");
  HttpResult audit = HttpRequest(server_->port(), "GET", "/api/v1/audit?entity_type=user", "",
                                 {{"Authorization", bearer}});
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_GE(boost::json::parse(audit.body).at("items").as_array().size(), 1u);

  // A token with one character changed, or signed by someone else: refused.
  std::string forged = bearer;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  ExpectProblem(HttpRequest(server_->port(), "GET", "/api/v1/me", "", {{"Authorization", forged}}),
                401);
  ExpectProblem(HttpRequest(server_->port(), "GET", "/api/v1/me", "",
                            {{"Authorization", "Bearer djF8eHx8fHw.c2lnbmF0dXJl"}}),
                401);
  HttpResult wrong_secret = HttpRequest(
      server_->port(), "POST", "/api/v1/oauth/token",
      "grant_type=client_credentials&client_id=" + client->client_id + "&client_secret=guess",
      {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(wrong_secret.status, 401);
  EXPECT_EQ(boost::json::parse(wrong_secret.body).at("error").as_string(), "invalid_client");

  // Revoked: the same token no longer works.
  EXPECT_EQ(
      HttpRequest(server_->port(), "POST", "/api/v1/auth/logout", "", {{"Authorization", bearer}})
          .status,
      204);
  ExpectProblem(HttpRequest(server_->port(), "GET", "/api/v1/me", "", {{"Authorization", bearer}}),
                401);
}

TEST_P(HttpApiTest, ADistrictOfficerSeesOnlyTheirDistrict) {
  {
    auto connection = db().Acquire();
    ASSERT_TRUE(auth::UserService(*connection)
                    .Create(Principal::System(),
                            {"officer.dm01", "a long pass phrase", Role::kRegistrar, {"DM-01"}, {}})
                    .ok());
  }
  HttpResult login =
      HttpRequest(server_->port(), "POST", "/api/v1/auth/login",
                  R"({"username": "officer.dm01", "password": "a long pass phrase"})");
  ASSERT_EQ(login.status, 200);
  std::string cookie = login.headers["set-cookie"].substr(0, login.headers["set-cookie"].find(';'));
  auto get = [&](const std::string& target) {
    return HttpRequest(server_->port(), "GET", target, "", {{"Cookie", cookie}});
  };
  // Everyone, as the unlimited registrar sees them.
  auto all = GetJson("/api/v1/individuals?limit=1000");
  int inside = 0, outside = 0;
  std::string outsider;
  for (const auto& person : all.at("items").as_array()) {
    std::string area = person.at("area_code").is_string()
                           ? std::string(person.at("area_code").as_string())
                           : std::string();
    if (area.starts_with("DM-01")) {
      ++inside;
    } else {
      ++outside;
      outsider = std::string(person.at("id").as_string());
    }
  }
  ASSERT_GT(inside, 0);
  ASSERT_GT(outside, 0);
  HttpResult mine = get("/api/v1/individuals?limit=1000");
  ASSERT_EQ(mine.status, 200) << mine.body;
  auto listed = boost::json::parse(mine.body);
  EXPECT_EQ(listed.at("total").as_int64(), inside);
  for (const auto& person : listed.at("items").as_array()) {
    EXPECT_TRUE(person.at("area_code").as_string().starts_with("DM-01"));
  }
  // Another district's person is not there for them, by id either.
  ExpectProblem(get("/api/v1/individuals/" + outsider), 404);
  ExpectProblem(get("/api/v1/individuals/" + outsider + "/history"), 404);
  EXPECT_EQ(Get("/api/v1/individuals/" + outsider).status, 200);
  HttpResult groups = get("/api/v1/groups?limit=1000");
  ASSERT_EQ(groups.status, 200);
  auto group_page = boost::json::parse(groups.body);
  EXPECT_GT(group_page.at("total").as_int64(), 0);
  EXPECT_EQ(group_page.at("total").as_int64(),
            static_cast<int64_t>(group_page.at("items").as_array().size()));
  EXPECT_LT(group_page.at("total").as_int64(), GetJson("/api/v1/groups").at("total").as_int64());
  for (const auto& group : group_page.at("items").as_array()) {
    EXPECT_TRUE(group.at("area_code").is_string() &&
                group.at("area_code").as_string().starts_with("DM-01"));
  }
}

TEST_P(HttpApiTest, FiltersAreParametersNotSql) {
  for (const char* attack : {"'%20OR%201=1--", "x');DROP%20TABLE%20individuals;--", "%25", "%5C"}) {
    HttpResult result = Get(std::string("/api/v1/individuals?name=") + attack);
    EXPECT_EQ(result.status, 200) << attack << ": " << result.body;
    EXPECT_EQ(boost::json::parse(result.body).at("total").as_int64(), 0) << attack;
    ExpectProblem(Get(std::string("/api/v1/individuals?area=") + attack), 400);
  }
  EXPECT_GT(GetJson("/api/v1/individuals").at("total").as_int64(), 0);  // still there
  // A NUL or malformed UTF-8 in a parameter is refused before any query.
  EXPECT_EQ(Get("/api/v1/individuals?name=%00").status, 400);
  EXPECT_EQ(Get("/api/v1/individuals?name=%C3%28").status, 400);
  EXPECT_EQ(Get("/api/v1/individuals?name=%FF").status, 400);
}

// From a rule to a beneficiary list over the API, each step by its role.
TEST_P(HttpApiTest, ProgramsGoFromARuleToABeneficiaryList) {
  auto [manager_cookie, manager_csrf] = LogInAs("manager.test", Role::kProgramManager);
  auto [officer_cookie, officer_csrf] = LogInAs("officer.test", Role::kEnrollmentOfficer);
  auto as = [&](const std::string& cookie, const std::string& csrf) {
    return [this, cookie, csrf](const std::string& method, const std::string& target,
                                const std::string& body,
                                std::map<std::string, std::string> headers = {}) {
      headers["Cookie"] = cookie;
      headers["X-CSRF-Token"] = csrf;
      return HttpRequest(server_->port(), method, target, body, headers);
    };
  };
  auto manager = as(manager_cookie, manager_csrf);
  auto officer = as(officer_cookie, officer_csrf);
  HttpResult typo = manager("POST", "/api/v1/programs",
                            R"j({"code": "T-CHILD", "name": "Child grant", "target": "groups",
                                "rule": "group.members.exists(m, m.agee < 5)"})j");
  ASSERT_EQ(typo.status, 422) << typo.body;
  EXPECT_NE(typo.body.find("\"field\":\"rule\""), std::string::npos) << typo.body;
  HttpResult created = manager("POST", "/api/v1/programs",
                               R"j({"code": "T-CHILD", "name": "Child grant", "target": "groups",
                                   "rule": "group.members.exists(m, m.age < 5)"})j");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["etag"], "\"1\"");
  // A Registrar may not configure programs.
  ExpectProblem(Send("POST", "/api/v1/programs", R"j({"code": "X", "name": "X",
                     "target": "groups", "rule": "true"})j"),
                403);

  HttpResult preview = officer("POST", "/api/v1/eligibility/preview",
                               R"j({"program": "T-CHILD", "as_of": "2026-11-23", "sample": 2})j");
  ASSERT_EQ(preview.status, 200) << preview.body;
  int64_t eligible = boost::json::parse(preview.body).at("eligible").as_int64();
  ASSERT_GT(eligible, 0);
  HttpResult started =
      officer("POST", "/api/v1/programs/T-CHILD/eligibility-runs", R"j({"as_of": "2026-11-23"})j");
  ASSERT_EQ(started.status, 202) << started.body;
  std::string job_url(boost::json::parse(started.body).at("job_url").as_string());
  boost::json::value job;
  for (int i = 0; i < 200; ++i) {
    job = GetJson(job_url);
    if (job.at("state") != "queued" && job.at("state") != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(job.at("state").as_string(), "succeeded") << WriteJsonForTest(job);

  auto program = GetJson("/api/v1/programs/T-CHILD");
  EXPECT_EQ(program.at("rule_version").as_int64(), 1);
  EXPECT_EQ(program.at("memberships").at("enrolled").as_int64(), eligible);
  auto members = GetJson("/api/v1/programs/T-CHILD/memberships?state=enrolled&limit=2");
  EXPECT_EQ(members.at("total").as_int64(), eligible);
  std::string member(members.at("items").at(0).at("registrant_id").as_string());

  HttpResult no_reason =
      officer("POST", "/api/v1/programs/T-CHILD/memberships/" + member + "/pause", "{}");
  ExpectProblem(no_reason, 422);
  HttpResult paused = officer("POST", "/api/v1/programs/T-CHILD/memberships/" + member + "/pause",
                              R"j({"reason": "documents to renew"})j");
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(boost::json::parse(paused.body).at("state").as_string(), "paused");
  ExpectProblem(Send("POST", "/api/v1/programs/T-CHILD/memberships/" + member + "/resume",
                     R"j({"reason": "x"})j"),
                403);  // a Registrar does not act on enrollment
  auto history = GetJson("/api/v1/programs/T-CHILD/memberships/" + member);
  ASSERT_EQ(history.at("events").as_array().size(), 2u);
  EXPECT_EQ(history.at("events").at(1).at("actor").as_string(), "officer.test");

  auto explained = GetJson("/api/v1/programs/T-CHILD/explain/" + member + "?as_of=2026-11-23");
  EXPECT_TRUE(explained.at("eligible").as_bool());
  EXPECT_FALSE(explained.at("parts").as_array().empty());

  // A new rule is a new version; the old one stays readable.
  HttpResult stale =
      manager("PATCH", "/api/v1/programs/T-CHILD",
              R"j({"rule": "group.members.exists(m, m.age < 6)"})j", {{"If-Match", "\"7\""}});
  ExpectProblem(stale, 412);
  HttpResult edited =
      manager("PATCH", "/api/v1/programs/T-CHILD",
              R"j({"rule": "group.members.exists(m, m.age < 6)"})j", {{"If-Match", "\"1\""}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(boost::json::parse(edited.body).at("rule_version").as_int64(), 2);
  EXPECT_EQ(GetJson("/api/v1/programs/T-CHILD/rules/1").at("rule").as_string(),
            "group.members.exists(m, m.age < 5)");
}

// A cycle from creation to approval over the API, each step by its role.
TEST_P(HttpApiTest, ACycleIsPreparedApprovedPaidAndReconciledEachStepByItsRole) {
  auto [officer_cookie, officer_csrf] = LogInAs("officer.cycle", Role::kEnrollmentOfficer);
  auto [finance_cookie, finance_csrf] = LogInAs("finance.cycle", Role::kFinanceOfficer);
  auto [manager_cookie, manager_csrf] = LogInAs("manager.cycle", Role::kProgramManager);
  auto as = [this](const std::string& cookie, const std::string& csrf) {
    return [this, cookie, csrf](const std::string& method, const std::string& target,
                                const std::string& body) {
      return HttpRequest(server_->port(), method, target, body,
                         {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
    };
  };
  auto officer = as(officer_cookie, officer_csrf);
  auto finance = as(finance_cookie, finance_csrf);
  auto manager = as(manager_cookie, manager_csrf);
  auto wait = [this](const HttpResult& started) {
    EXPECT_EQ(started.status, 202) << started.body;
    std::string url(boost::json::parse(started.body).at("job_url").as_string());
    boost::json::value job;
    for (int i = 0; i < 200; ++i) {
      job = GetJson(url);
      if (job.at("state") != "queued" && job.at("state") != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    EXPECT_EQ(job.at("state").as_string(), "succeeded") << WriteJsonForTest(job);
    return job;
  };
  std::string today = Date::Today().ToString();
  wait(officer("POST", "/api/v1/programs/CHILD-GRANT/eligibility-runs", "{}"));
  HttpResult created = finance("POST", "/api/v1/programs/CHILD-GRANT/cycles",
                               R"j({"start": ")j" + today + R"j(", "end": ")j" +
                                   Date::Today().AddDays(29).ToString() + R"j("})j");
  ASSERT_EQ(created.status, 201) << created.body;
  int64_t id = boost::json::parse(created.body).at("id").as_int64();
  std::string cycle = "/api/v1/cycles/" + std::to_string(id);
  auto generated = wait(finance("POST", cycle + "/generate", ""));
  int64_t count = generated.at("result").at("created").as_int64();
  ASSERT_GT(count, 0);
  ExpectProblem(officer("POST", cycle + "/submit", ""), 403);
  HttpResult submitted = finance("POST", cycle + "/submit", "");
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  ExpectProblem(finance("POST", cycle + "/approve", ""), 403);
  HttpResult approved = manager("POST", cycle + "/approve", R"j({"comment": "checked"})j");
  ASSERT_EQ(approved.status, 200) << approved.body;
  auto view = boost::json::parse(approved.body);
  EXPECT_EQ(view.at("state").as_string(), "approved");
  const auto& totals = view.at("totals");
  EXPECT_GT(totals.at("approved").as_int64(), 0);
  EXPECT_EQ(totals.at("approved").as_int64(), totals.at("pending").as_int64());
  EXPECT_TRUE(totals.at("balanced").as_bool());
  HttpResult listed = finance("GET", cycle + "/entitlements?limit=2", "");
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto entitlements = boost::json::parse(listed.body);
  EXPECT_EQ(entitlements.at("total").as_int64(), count);
  EXPECT_EQ(entitlements.at("items").at(0).at("state").as_string(), "approved");
  EXPECT_EQ(entitlements.at("items").at(0).at("amount_minor").as_int64() % 30000, 0);

  // Payments: batches per provider, exceptions listed, files, reconciliation.
  auto finance_json = [&](const std::string& target) {
    HttpResult result = finance("GET", target, "");
    EXPECT_EQ(result.status, 200) << target << ": " << result.body;
    return boost::json::parse(result.body);
  };
  ExpectProblem(manager("POST", cycle + "/batches", "{}"), 403);
  ExpectProblem(finance("POST", cycle + "/batches", R"j({"max_size": 0})j"), 422);
  HttpResult batched = finance("POST", cycle + "/batches", R"j({"max_size": 50})j");
  ASSERT_EQ(batched.status, 201) << batched.body;
  auto made = boost::json::parse(batched.body);
  const auto& batches = made.at("batches").as_array();
  ASSERT_FALSE(batches.empty());
  EXPECT_LE(batches.at(0).at("payments").as_int64(), 50);
  int64_t exceptions = made.at("exceptions").as_int64();
  HttpResult listed_exceptions = finance("GET", cycle + "/payment-exceptions", "");
  ASSERT_EQ(listed_exceptions.status, 200) << listed_exceptions.body;
  EXPECT_EQ(boost::json::parse(listed_exceptions.body).at("exceptions").as_int64(), exceptions);
  // Running it again pays no one twice.
  HttpResult again = finance("POST", cycle + "/batches", "{}");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(boost::json::parse(again.body).at("payments").as_int64(), 0);
  EXPECT_EQ(finance_json(cycle).at("state").as_string(), "distributing");

  std::string batch = "/api/v1/batches/" + std::to_string(batches.at(0).at("id").as_int64());
  ExpectProblem(finance("GET", batch + "/export?format=pain.001", ""), 412);  // no funding account
  auto program = finance_json("/api/v1/programs/CHILD-GRANT");
  HttpResult funded =
      HttpRequest(server_->port(), "PATCH", "/api/v1/programs/CHILD-GRANT",
                  R"j({"funding_account": "GB82WEST12345698765432", "funding_bic": "NWBKGB2L"})j",
                  {{"Cookie", manager_cookie},
                   {"X-CSRF-Token", manager_csrf},
                   {"If-Match", "\"" + std::to_string(program.at("version").as_int64()) + "\""}});
  ASSERT_EQ(funded.status, 200) << funded.body;
  HttpResult xml = finance("GET", batch + "/export?format=pain.001", "");
  ASSERT_EQ(xml.status, 200) << xml.body;
  EXPECT_NE(xml.body.find("pain.001.001.09"), std::string::npos);
  EXPECT_EQ(finance("GET", batch + "/export?format=pain.001", "").body, xml.body);
  EXPECT_EQ(xml.headers.at("x-content-sha256").size(), 64u);
  HttpResult csv = finance("GET", batch + "/export?format=csv", "");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.rfind("end_to_end_id,beneficiary_id,name,amount,currency,channel", 0), 0u);

  HttpResult payments = finance("GET", batch + "/payments?limit=2", "");
  ASSERT_EQ(payments.status, 200) << payments.body;
  auto first = boost::json::parse(payments.body).at("items").at(0);
  std::string e2e(first.at("end_to_end_id").as_string());
  int64_t amount = first.at("amount_minor").as_int64();
  std::string status = "end_to_end_id,status,amount,reason\n" + e2e + ",paid," +
                       Money(amount, "KES").ToMajorString() + ",\nSPMIS-C0-E0-1,paid,1.00,\n";
  const std::string boundary = "----spmis-status";
  HttpResult reconciled =
      HttpRequest(server_->port(), "POST", "/api/v1/reconciliations",
                  Multipart({{"file", "status.csv", status}}, boundary),
                  {{"Cookie", finance_cookie},
                   {"X-CSRF-Token", finance_csrf},
                   {"Content-Type", "multipart/form-data; boundary=" + boundary}});
  ASSERT_EQ(reconciled.status, 201) << reconciled.body;
  auto record = boost::json::parse(reconciled.body);
  EXPECT_EQ(record.at("paid").as_int64(), 1);
  EXPECT_EQ(record.at("problems").as_int64(), 1);
  EXPECT_EQ(record.at("problems_list").at(0).at("problem").as_string(),
            "no payment has this end-to-end id");
  std::string url = reconciled.headers.at("location");
  HttpResult problems = finance("GET", url + "/problems", "");
  ASSERT_EQ(problems.status, 200) << problems.body;
  EXPECT_EQ(boost::json::parse(problems.body).at("items").as_array().size(), 1u);
  auto paid = finance_json(cycle).at("totals");
  EXPECT_EQ(paid.at("paid").as_int64(), amount);
  EXPECT_TRUE(paid.at("balanced").as_bool());
}

TEST_P(HttpApiTest, AdministratorsManageUsersAndClientsOverTheApi) {
  auto [cookie, csrf] = LogInAs("admin.test", Role::kAdministrator);
  auto send = [&](const std::string& method, const std::string& target, const std::string& body) {
    return HttpRequest(server_->port(), method, target, body,
                       {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  };
  HttpResult created = send("POST", "/api/v1/users",
                            R"({"username": "chebet", "password": "a long pass phrase",
                                "role": "enrollment_officer", "areas": ["DM-01"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["location"], "/api/v1/users/chebet");
  auto user = boost::json::parse(created.body);
  EXPECT_EQ(user.at("role").as_string(), "enrollment_officer");
  EXPECT_EQ(user.at("areas").as_array().at(0).as_string(), "DM-01");
  EXPECT_EQ(user.as_object().if_contains("password"), nullptr);
  HttpResult bad =
      send("POST", "/api/v1/users", R"({"username": "x", "password": "short", "role": "emperor"})");
  ExpectProblem(bad, 422);
  HttpResult role = send("PATCH", "/api/v1/users/chebet", R"({"role": "auditor"})");
  ASSERT_EQ(role.status, 200) << role.body;
  EXPECT_EQ(boost::json::parse(role.body).at("role").as_string(), "auditor");
  HttpResult disabled = send("PATCH", "/api/v1/users/chebet", R"({"disabled": true})");
  EXPECT_TRUE(boost::json::parse(disabled.body).at("disabled").as_bool());
  ExpectProblem(send("PATCH", "/api/v1/users/nobody", R"({"role": "auditor"})"), 404);
  HttpResult list = send("GET", "/api/v1/users", "");
  EXPECT_EQ(boost::json::parse(list.body).at("items").as_array().size(), 3u);  // + registrar.test
  HttpResult client = send("POST", "/api/v1/clients", R"({"name": "portal", "role": "auditor"})");
  ASSERT_EQ(client.status, 201) << client.body;
  EXPECT_TRUE(boost::json::parse(client.body).at("client_id").as_string().starts_with("spmis-"));
  // A Registrar cannot.
  ExpectProblem(
      Send("POST", "/api/v1/users",
           R"({"username": "sneaky", "password": "a long pass phrase", "role": "administrator"})"),
      403);
  // Deeply nested JSON is refused before anything reads it.
  ExpectProblem(send("POST", "/api/v1/users", std::string(100, '[') + std::string(100, ']')), 400);
}

TEST_P(HttpApiTest, ARetriedPostWithTheSameIdempotencyKeyIsDoneOnce) {
  auto [cookie, csrf] = LogInAs("admin.test", Role::kAdministrator);
  auto post = [&](const std::string& key, const std::string& body) {
    return HttpRequest(server_->port(), "POST", "/api/v1/users", body,
                       {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Idempotency-Key", key}});
  };
  std::string body =
      R"({"username": "kamau", "password": "a long pass phrase", "role": "auditor"})";
  HttpResult first = post("key-1", body);
  ASSERT_EQ(first.status, 201) << first.body;
  HttpResult retry = post("key-1", body);
  EXPECT_EQ(retry.status, 201);  // the same answer, not "already exists"
  EXPECT_EQ(retry.body, first.body);
  EXPECT_EQ(retry.headers["idempotent-replayed"], "true");
  EXPECT_EQ(retry.headers["location"], "/api/v1/users/kamau");
  ExpectProblem(
      post("key-1",
           R"({"username": "other", "password": "a long pass phrase", "role": "auditor"})"),
      422);
  // Without a key, the same request is a second attempt: refused as a duplicate.
  ExpectProblem(HttpRequest(server_->port(), "POST", "/api/v1/users", body,
                            {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}),
                409);
  // One user, one audit entry for it.
  auto connection = db().Acquire();
  audit::AuditQuery query;
  query.entity_type = "user";
  query.entity_id = "kamau";
  EXPECT_EQ(audit::AuditLog(*connection).Find(query).size(), 1u);
}

TEST_P(HttpApiTest, RegistersAndChangesIndividualsWithOptimisticConcurrency) {
  HttpResult created = Send("POST", "/api/v1/individuals",
                            R"({"given_name": "Wanjiru", "family_name": "Kamau", "sex": "female",
                                "birth_date": "1990-05-01", "area_code": "DM-01-01",
                                "documents": [{"type": "national_id", "number": "NID-7788"}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["etag"], "\"1\"");
  std::string location = created.headers["location"];
  // A change based on version 1.
  HttpResult changed =
      HttpRequest(server_->port(), "PATCH", location, R"({"family_name": "Njoroge"})",
                  {{"Cookie", cookie_}, {"X-CSRF-Token", csrf_}, {"If-Match", "\"1\""}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.headers["etag"], "\"2\"");
  EXPECT_EQ(boost::json::parse(changed.body).at("family_name").as_string(), "Njoroge");
  // Someone else still holding version 1: 412, nothing changed.
  HttpResult stale =
      HttpRequest(server_->port(), "PATCH", location, R"({"given_name": "Stale"})",
                  {{"Cookie", cookie_}, {"X-CSRF-Token", csrf_}, {"If-Match", "\"1\""}});
  ExpectProblem(stale, 412);
  EXPECT_EQ(GetJson(location).at("given_name").as_string(), "Wanjiru");
  ExpectProblem(HttpRequest(server_->port(), "PATCH", location, R"({"given_name": "X"})",
                            {{"Cookie", cookie_}, {"X-CSRF-Token", csrf_}}),
                428);
  // Bad fields are named, and nothing is written.
  HttpResult bad = Send("POST", "/api/v1/individuals",
                        R"({"given_name": "Future", "birth_date": "2999-01-01", "sex": "robot",
                            "documents": [{"type": "national_id", "number": "NID-7788"}]})");
  ExpectProblem(bad, 422);
  auto problem = boost::json::parse(bad.body);
  EXPECT_GE(problem.at("errors").as_array().size(), 1u);
  EXPECT_EQ(GetJson("/api/v1/individuals?name=future").at("total").as_int64(), 0);
}

TEST_P(HttpApiTest, RegistersGroupsAndTheirMembers) {
  HttpResult person = Send("POST", "/api/v1/individuals",
                           R"({"given_name": "Otieno", "family_name": "Ouma", "sex": "male",
                               "area_code": "DM-01-01"})");
  ASSERT_EQ(person.status, 201) << person.body;
  std::string person_id(boost::json::parse(person.body).at("id").as_string());
  HttpResult group =
      Send("POST", "/api/v1/groups", R"({"name": "Ouma household", "area_code": "DM-01-01"})");
  ASSERT_EQ(group.status, 201) << group.body;
  std::string members_url = group.headers["location"] + "/members";
  HttpResult renamed =
      HttpRequest(server_->port(), "PATCH", group.headers["location"], R"({"name": "Ouma family"})",
                  {{"Cookie", cookie_}, {"X-CSRF-Token", csrf_}, {"If-Match", "\"1\""}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(boost::json::parse(renamed.body).at("name").as_string(), "Ouma family");
  EXPECT_EQ(renamed.headers["etag"], "\"2\"");
  ExpectProblem(HttpRequest(server_->port(), "PATCH", group.headers["location"], R"({"name": "X"})",
                            {{"Cookie", cookie_}, {"X-CSRF-Token", csrf_}, {"If-Match", "\"1\""}}),
                412);
  HttpResult added =
      Send("POST", members_url, R"({"individual_id": ")" + person_id + R"(", "role": "head"})");
  ASSERT_EQ(added.status, 201) << added.body;
  int64_t membership = boost::json::parse(added.body).at("membership_id").as_int64();
  // A second head is refused.
  HttpResult second = Send("POST", "/api/v1/individuals",
                           R"({"given_name": "Akinyi", "family_name": "Ouma", "sex": "female",
                               "area_code": "DM-01-01"})");
  std::string second_id(boost::json::parse(second.body).at("id").as_string());
  ExpectProblem(
      Send("POST", members_url, R"({"individual_id": ")" + second_id + R"(", "role": "head"})"),
      409);
  HttpResult ended = Send("POST", members_url + "/" + std::to_string(membership) + "/end",
                          R"({"end_date": "2030-01-01"})");
  ASSERT_EQ(ended.status, 200) << ended.body;
  EXPECT_EQ(boost::json::parse(ended.body).at("end_date").as_string(), "2030-01-01");
  ExpectProblem(Send("POST", members_url + "/999999/end", "{}"), 404);
  // Areas are for Administrators, not Registrars.
  ExpectProblem(Send("POST", "/api/v1/areas", R"({"code": "DM-99", "name": "New"})"), 403);
}

TEST_P(HttpApiTest, ReadsOfPersonalDataAreInTheAuditTrail) {
  auto page = GetJson("/api/v1/individuals?limit=1");
  std::string id(page.at("items").as_array().at(0).at("id").as_string());
  EXPECT_EQ(Get("/api/v1/individuals/" + id).status, 200);
  auto connection = db().Acquire();
  audit::AuditQuery query;
  query.actor = "registrar.test";
  auto entries = audit::AuditLog(*connection).Find(query);
  std::vector<std::string> reads;
  for (const auto& e : entries) {
    if (e.action == "read") reads.push_back(e.entity_type + " " + e.entity_id);
  }
  EXPECT_EQ(reads, (std::vector<std::string>{"individual_list /api/v1/individuals?limit=1",
                                             "individual " + id}));
}

TEST_P(HttpApiTest, TheOpenApiDocumentDescribesEveryRouteAsTheRouterEnforcesIt) {
  HttpResult result = HttpRequest(server_->port(), "GET", "/api/v1/openapi.json");
  ASSERT_EQ(result.status, 200);
  auto document = boost::json::parse(result.body);
  EXPECT_EQ(document.at("openapi").as_string(), "3.1.0");
  const auto& paths = document.at("paths").as_object();
  size_t operations = 0;
  for (const auto& [path, item] : paths) operations += item.as_object().size();
  EXPECT_EQ(operations, router_.routes().size());  // nothing stale, nothing missing
  for (const Route& route : router_.routes()) {
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    const auto* item = paths.if_contains(route.pattern);
    ASSERT_NE(item, nullptr) << route.pattern;
    const auto* op = item->as_object().if_contains(method);
    ASSERT_NE(op, nullptr) << route.method << " " << route.pattern;
    bool open = op->at("security").as_array().empty();
    EXPECT_EQ(open, route.access.kind == Access::Kind::kPublic) << route.pattern;
    if (route.access.kind == Access::Kind::kPermission) {
      EXPECT_EQ(op->at("x-permission").as_string(), PermissionName(route.access.permission))
          << route.pattern;
    } else {
      EXPECT_EQ(op->as_object().if_contains("x-permission"), nullptr) << route.pattern;
    }
    size_t placeholders = std::count(route.pattern.begin(), route.pattern.end(), '{');
    const auto* parameters = op->as_object().if_contains("parameters");
    EXPECT_EQ(parameters ? parameters->as_array().size() : 0u, placeholders) << route.pattern;
  }
}

INSTANTIATE_BACKEND_TESTS(HttpApiTest);

}  // namespace
}  // namespace spmis::http
