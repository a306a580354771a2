#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "audit/read_recorder.h"
#include "auth/password.h"
#include "auth/sign_in.h"
#include "auth/user_repository.h"
#include "auth/user_service.h"
#include "registry/area_service.h"
#include "testing/test_database.h"

namespace spmis::auth {
namespace {

TEST(RoleTableTest, TheAuditorReadsEverythingAndChangesNothing) {
  for (Permission p : AllPermissions()) {
    std::string_view name = PermissionName(p);
    bool read = name.ends_with(".read") || name == "registry.export";
    EXPECT_EQ(RoleHas(Role::kAuditor, p), read) << name;
  }
}

TEST(RoleTableTest, EachRoleDoesItsOwnWorkOnly) {
  EXPECT_TRUE(RoleHas(Role::kRegistrar, Permission::kRegistryWrite));
  EXPECT_TRUE(RoleHas(Role::kRegistrar, Permission::kImportRun));
  EXPECT_FALSE(RoleHas(Role::kRegistrar, Permission::kCycleApprove));
  EXPECT_TRUE(RoleHas(Role::kFinanceOfficer, Permission::kPaymentManage));
  EXPECT_FALSE(RoleHas(Role::kFinanceOfficer, Permission::kCycleApprove));  // maker, not checker
  EXPECT_TRUE(RoleHas(Role::kProgramManager, Permission::kCycleApprove));
  EXPECT_TRUE(RoleHas(Role::kEnrollmentOfficer, Permission::kEnrollmentAct));
  EXPECT_FALSE(RoleHas(Role::kAdministrator, Permission::kRegistryRead));  // people, not data
  EXPECT_TRUE(RoleHas(Role::kAdministrator, Permission::kUsersManage));
  for (Permission p : AllPermissions()) {
    std::string_view name = PermissionName(p);
    if (!name.ends_with(".read")) {
      EXPECT_FALSE(RoleHas(Role::kProgramViewer, p)) << name;
    }
    // Every permission belongs to some role.
    bool held = false;
    for (Role r : AllRoles()) held |= RoleHas(r, p);
    EXPECT_TRUE(held) << name;
  }
  for (Role r : AllRoles()) EXPECT_EQ(ParseRole(RoleName(r)), r);
}

TEST(PasswordTest, HashesWithArgon2idAndChecksStrength) {
  std::string hash = HashPassword("correct horse battery");
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_TRUE(VerifyPassword(hash, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(hash, "correct horse batterY"));
  EXPECT_FALSE(VerifyPassword("not a hash", "x"));
  EXPECT_FALSE(CheckPasswordStrength("short").ok());
  EXPECT_FALSE(CheckPasswordStrength("aaaaaaaaaaaaaaaa").ok());
  EXPECT_TRUE(CheckPasswordStrength(GeneratePassword()).ok());
  EXPECT_NE(GeneratePassword(), GeneratePassword());
}

class UserServiceTest : public spmis::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    connection_.emplace(db().Acquire());
    registry::AreaService areas(conn(), Principal::System());
    for (auto [code, parent] : {std::pair{"DM", ""}, {"DM-01", "DM"}, {"DM-02", "DM"}}) {
      registry::Area area;
      area.code = code;
      area.name = code;
      area.parent_code = parent;
      ASSERT_TRUE(areas.Create(area).ok());
    }
  }
  void TearDown() override {
    connection_.reset();
    BackendTest::TearDown();
  }
  store::Connection& conn() { return **connection_; }
  int64_t AuditCount() { return audit::AuditLog(conn()).Verify().entries; }

  std::optional<store::PooledConnection> connection_;
};

TEST_P(UserServiceTest, CreatesSignsInAndLimitsUsers) {
  UserService users(conn());
  NewUser officer{"district.officer", "a long pass phrase", Role::kRegistrar, {"DM-01"}, {}};
  auto created = users.Create(Principal::System("req-1"), officer);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_EQ(created->area_codes, std::vector<std::string>{"DM-01"});

  auto principal = users.Authenticate("district.officer", "a long pass phrase", "req-2");
  ASSERT_TRUE(principal.ok()) << principal.error().ToString();
  EXPECT_EQ(principal->role, Role::kRegistrar);
  EXPECT_EQ(principal->request_id, "req-2");
  // Limited to DM-01 and below, not DM-02.
  auto dm01 = registry::AreaService(conn(), Principal::System()).GetByCode("DM-01");
  auto dm02 = registry::AreaService(conn(), Principal::System()).GetByCode("DM-02");
  EXPECT_TRUE(principal->CoversArea(dm01->path));
  EXPECT_TRUE(principal->CoversArea(dm01->path + "99/"));
  EXPECT_FALSE(principal->CoversArea(dm02->path));

  auto wrong = users.Authenticate("district.officer", "a long pass phrasE");
  auto unknown = users.Authenticate("nobody", "a long pass phrase");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.error().message, unknown.error().message);  // cannot tell which

  // The password is stored hashed, never in clear.
  auto stored = UserRepository(conn()).FindByName("district.officer");
  EXPECT_TRUE(stored->password_hash.starts_with("$argon2id$"));
  EXPECT_EQ(stored->password_hash.find("pass phrase"), std::string::npos);
}

TEST_P(UserServiceTest, RefusesWhatTheRoleDoesNotAllowAndChangesNothing) {
  UserService users(conn());
  ASSERT_TRUE(users
                  .Create(Principal::System(),
                          {"registrar", "a long pass phrase", Role::kRegistrar, {}, {}})
                  .ok());
  auto registrar = users.Authenticate("registrar", "a long pass phrase");
  ASSERT_TRUE(registrar.ok());
  int64_t before = AuditCount();
  auto refused =
      users.Create(*registrar, {"another", "a long pass phrase", Role::kAdministrator, {}, {}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message,
            "the Registrar role does not allow this (it needs users.manage)");
  EXPECT_FALSE(UserRepository(conn()).FindByName("another"));
  EXPECT_FALSE(users.SetRole(*registrar, "registrar", Role::kAdministrator).ok());
  EXPECT_EQ(AuditCount(), before);
}

TEST_P(UserServiceTest, RefusesBadInputNamingEachField) {
  UserService users(conn());
  auto bad =
      users.Create(Principal::System(), {"No Spaces!", "short", Role::kAuditor, {"XX-99"}, {}});
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.error().fields.size(), 3u);
  EXPECT_EQ(bad.error().fields[0].field, "username");
  EXPECT_EQ(bad.error().fields[1].field, "password");
  EXPECT_EQ(bad.error().fields[2].message, "no area has the code 'XX-99'");
  ASSERT_TRUE(
      users.Create(Principal::System(), {"ama", "a long pass phrase", Role::kAuditor, {}, {}})
          .ok());
  auto again =
      users.Create(Principal::System(), {"ama", "another pass phrase", Role::kAuditor, {}, {}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_P(UserServiceTest, DisabledUsersCannotSignInAndEveryChangeIsAudited) {
  UserService users(conn());
  ASSERT_TRUE(
      users.Create(Principal::System(), {"kofi", "a long pass phrase", Role::kRegistrar, {}, {}})
          .ok());
  ASSERT_TRUE(users.SetRole(Principal::System("req-9"), "kofi", Role::kEnrollmentOfficer).ok());
  ASSERT_TRUE(users.Disable(Principal::System(), "kofi").ok());
  EXPECT_FALSE(users.Authenticate("kofi", "a long pass phrase").ok());

  audit::AuditQuery query;
  query.entity_type = "user";
  query.entity_id = "kofi";
  auto entries = audit::AuditLog(conn()).Find(query);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].action, "create");
  EXPECT_FALSE(entries[0].before.has_value());
  EXPECT_EQ(entries[1].action, "set_role");
  EXPECT_EQ(entries[1].request_id, "req-9");
  EXPECT_NE(entries[1].before->find("\"registrar\""), std::string::npos);
  EXPECT_NE(entries[1].after->find("\"enrollment_officer\""), std::string::npos);
  EXPECT_EQ(entries[2].action, "disable");
  for (const auto& e : entries) EXPECT_EQ(e.after->find("argon2"), std::string::npos);
}

TEST_P(UserServiceTest, TheFirstAdministratorIsCreatedOnce) {
  UserService users(conn());
  auto first = users.EnsureInitialAdministrator(std::nullopt);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value());
  auto admin = users.Authenticate("admin", **first);
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->role, Role::kAdministrator);
  auto second = users.EnsureInitialAdministrator(std::string("a long pass phrase"));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->has_value());
}

INSTANTIATE_BACKEND_TESTS(UserServiceTest);

class AuditLogTest : public spmis::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    connection_.emplace(db().Acquire());
    audit::AuditLog log(conn());
    for (int i = 1; i <= 5; ++i) {
      log.Append({"ama", "req-" + std::to_string(i)}, "update", "individual", std::to_string(i),
                 "{\"v\": " + std::to_string(i - 1) + "}", "{\"v\": " + std::to_string(i) + "}");
    }
  }
  void TearDown() override {
    connection_.reset();
    BackendTest::TearDown();
  }
  store::Connection& conn() { return **connection_; }
  // Lets a test play the attacker with direct database access.
  void DropProtection() {
    if (GetParam() == store::Backend::kSqlite) {
      conn().Execute("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete");
    } else {
      conn().Execute("DROP TRIGGER audit_log_no_change ON audit_log");
    }
  }
  std::optional<store::PooledConnection> connection_;
};

TEST_P(AuditLogTest, AWholeChainVerifies) {
  auto report = audit::AuditLog(conn()).Verify();
  EXPECT_TRUE(report.ok()) << report.problems.front();
  EXPECT_EQ(report.entries, 5);
}

TEST_P(AuditLogTest, TheDatabaseRefusesUpdatesAndDeletes) {
  EXPECT_THROW(conn().Execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"),
               store::DatabaseError);
  EXPECT_THROW(conn().Execute("DELETE FROM audit_log WHERE seq = 2"), store::DatabaseError);
  EXPECT_TRUE(audit::AuditLog(conn()).Verify().ok());
}

TEST_P(AuditLogTest, FindsAnEditedEntry) {
  DropProtection();
  conn().Execute("UPDATE audit_log SET after_value = '{\"v\": 1000}' WHERE seq = 3");
  auto report = audit::AuditLog(conn()).Verify();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0], "entry 3 was changed after it was written");
}

TEST_P(AuditLogTest, FindsADeletedEntryInTheMiddleAndAtTheEnd) {
  DropProtection();
  conn().Execute("DELETE FROM audit_log WHERE seq = 2");
  auto middle = audit::AuditLog(conn()).Verify();
  ASSERT_FALSE(middle.ok());
  EXPECT_EQ(middle.problems[0], "entries 2 to 2 are missing (deleted)");
  conn().Execute("DELETE FROM audit_log WHERE seq = 5");
  auto end = audit::AuditLog(conn()).Verify();
  EXPECT_NE(end.problems.back().find("the chain should end at entry 5 but ends at entry 4"),
            std::string::npos)
      << end.problems.back();
}

TEST_P(AuditLogTest, FindsAnInsertedEntryEvenWithAHashOfItsOwn) {
  DropProtection();
  // A forged entry placed between 3 and 4, hashed correctly over its own fields.
  audit::AuditEntry forged;
  forged.seq = 4;
  forged.at = Timestamp::Now();
  forged.actor = "mallory";
  forged.action = "update";
  forged.entity_type = "individual";
  forged.entity_id = "9";
  audit::AuditQuery third;
  third.after_seq = 2;
  third.limit = 1;
  forged.prev_hash = audit::AuditLog(conn()).Find(third)[0].hash;
  forged.hash = audit::EntryHash(forged);
  conn().Execute("UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 4");
  conn().Execute("UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1000");
  auto insert = conn().Prepare(
      "INSERT INTO audit_log (seq, at, actor, request_id, action, entity_type, entity_id, "
      "prev_hash, hash) VALUES ($1, $2, $3, '', $4, $5, $6, $7, $8)");
  insert->Bind(1, forged.seq)
      .Bind(2, forged.at)
      .Bind(3, forged.actor)
      .Bind(4, forged.action)
      .Bind(5, forged.entity_type)
      .Bind(6, forged.entity_id)
      .Bind(7, forged.prev_hash)
      .Bind(8, forged.hash);
  insert->Execute();
  auto report = audit::AuditLog(conn()).Verify();
  ASSERT_FALSE(report.ok());
  // The entries after it no longer follow, and were renumbered.
  bool named = false;
  for (const auto& p : report.problems) named |= p.find("entry 5") != std::string::npos;
  EXPECT_TRUE(named);
}

INSTANTIATE_BACKEND_TESTS(AuditLogTest);

}  // namespace
}  // namespace spmis::auth

namespace spmis::audit {
namespace {

class ReadRecorderTest : public spmis::testing::BackendTest {};

TEST_P(ReadRecorderTest, EntersReadsInBatchesAndEverythingAtTheEnd) {
  {
    ReadRecorder reads(db(), std::chrono::milliseconds(50));
    for (int i = 0; i < 100; ++i) {
      reads.Record(Actor{"ama", "req-" + std::to_string(i)}, "individual", std::to_string(i));
    }
  }  // the destructor enters what is pending
  auto connection = db().Acquire();
  auto report = AuditLog(*connection).Verify();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.entries, 100);
  AuditQuery query;
  query.limit = 1000;
  auto entries = AuditLog(*connection).Find(query);
  ASSERT_EQ(entries.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(entries[i].entity_id, std::to_string(i));  // in the order read
    EXPECT_EQ(entries[i].action, "read");
  }
}

INSTANTIATE_BACKEND_TESTS(ReadRecorderTest);

}  // namespace
}  // namespace spmis::audit

namespace spmis::auth {
namespace {

class TokenTest : public spmis::testing::BackendTest {};

TEST_P(TokenTest, AnExpiredTokenIsRefused) {
  auto connection = db().Acquire();
  LoginThrottle throttle;
  SignIn sign_in(*connection, throttle);
  auto client = sign_in.CreateClient(Principal::System(), "portal", Role::kAuditor);
  ASSERT_TRUE(client.ok());
  auto live = sign_in.IssueToken(client->client_id, client->secret, "127.0.0.1");
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->expires_in, 3600);
  auto principal = sign_in.FromAccessToken(live->token, "req");
  ASSERT_TRUE(principal.ok()) << principal.error().message;
  EXPECT_EQ(principal->role, Role::kAuditor);
  // Signed correctly, but its hour is over.
  auto expired =
      sign_in.IssueToken(client->client_id, client->secret, "127.0.0.1", std::chrono::seconds(-1));
  ASSERT_TRUE(expired.ok());
  auto refused = sign_in.FromAccessToken(expired->token, "req");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused.error().message, "the access token has expired: ask for a new one");
}

INSTANTIATE_BACKEND_TESTS(TokenTest);

}  // namespace
}  // namespace spmis::auth
