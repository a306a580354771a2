#include <gtest/gtest.h>

#include <thread>

#include "audit/audit_log.h"
#include "cycles/cycle_repository.h"
#include "cycles/cycle_service.h"
#include "programs/eligibility.h"
#include "programs/enrollment.h"
#include "programs/program_service.h"
#include "registry/area_service.h"
#include "registry/group_service.h"
#include "registry/individual_service.h"
#include "store/migrations.h"
#include "testing/test_database.h"

namespace spmis::cycles {
namespace {

// Cycles start today: a cycle's beneficiaries are those enrolled by the end
// of its first day, and these tests enroll them now. Birth dates are counted
// back from it, so ages stay what the tests say whatever the day.
const Date kStart = Date::Today();
// A birth date `years` and a half before the cycle starts.
std::string Born(int years) { return kStart.AddMonths(-12 * years - 6).ToString(); }

class CyclesTest : public spmis::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    connection_.emplace(db().Acquire());
    registry::Area area;
    area.code = "KE";
    area.name = "Kenya";
    ASSERT_TRUE(registry::AreaService(conn(), system_).Create(area).ok());
  }
  void TearDown() override {
    connection_.reset();
    BackendTest::TearDown();
  }
  store::Connection& conn() { return **connection_; }

  // A household whose members were born on `births` (the first is the head).
  int64_t Household(const std::vector<std::string>& births) {
    registry::Group group;
    group.kind = "household";
    group.name = "household";
    group.area_code = "KE";
    auto created = registry::GroupService(conn(), system_).Create(group);
    EXPECT_TRUE(created.ok());
    for (size_t i = 0; i < births.size(); ++i) {
      registry::Individual person;
      person.given_name = "M" + std::to_string(i);
      person.family_name = "F";
      person.birth_date = Date::Parse(births[i]);
      person.area_code = "KE";
      auto p = registry::IndividualService(conn(), system_).Create(person);
      EXPECT_TRUE(p.ok());
      EXPECT_TRUE(registry::GroupService(conn(), system_)
                      .AddMember({0, created->id, p->id, i == 0 ? "head" : "child",
                                  Date::Parse("2020-01-01"), std::nullopt, ""})
                      .ok());
    }
    return created->id;
  }
  // The child grant of this test: 100.00 per household plus 50.00 per child
  // under 5 (at most 3), capped at 220.00, in KES.
  void Program(std::optional<int64_t> budget, std::optional<int64_t> second_above = {}) {
    programs::Program p;
    p.code = "CG";
    p.name = "Child grant";
    p.target = programs::ProgramTarget::kGroups;
    p.rules.eligibility = "group.members.exists(m, m.age < 5)";
    p.rules.amount_fixed = 10000;
    p.rules.amount_rule = "5000 * math.least(group.members.filter(m, m.age < 5).size(), 3)";
    p.rules.amount_cap = 22000;
    p.currency = "KES";
    p.budget_minor = budget;
    p.second_approval_above = second_above;
    auto created = programs::ProgramService(conn(), system_).Create(p);
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    auto run = programs::Eligibility(db(), system_).Run({"CG", kStart, {}}, nullptr);
    ASSERT_TRUE(run.ok()) << run.error().ToString();
  }
  static Principal User(int64_t id, const std::string& name, Role role) {
    Principal p;
    p.user_id = id;
    p.name = name;
    p.role = role;
    return p;
  }
  std::map<int64_t, int64_t> Amounts(int64_t cycle) {
    std::map<int64_t, int64_t> amounts;
    for (const auto& e : CycleRepository(conn()).Entitlements(cycle, 0, 1000)) {
      amounts[e.registrant_id] = e.amount_minor;
    }
    return amounts;
  }

  Principal system_ = Principal::SystemAs(Actor{"tester", ""});
  Principal finance_ = User(1, "fiona.finance", Role::kFinanceOfficer);
  Principal manager_ = User(2, "mark.manager", Role::kProgramManager);
  Principal manager2_ = User(3, "mary.manager", Role::kProgramManager);
  std::optional<store::PooledConnection> connection_;
};

TEST_P(CyclesTest, MembersEnrolledAfterTheCyclesFirstDayAreNotItsBeneficiaries) {
  Household({Born(36), Born(2)});
  Program(std::nullopt);  // enrolls now, today
  CycleService service(db(), finance_);
  // Began two days ago: those enrolled today came too late for it.
  auto late = service.Create("CG", kStart.AddDays(-2), kStart.AddDays(20));
  ASSERT_TRUE(late.ok()) << late.error().ToString();
  auto generated = service.Generate(late->id, nullptr);
  ASSERT_TRUE(generated.ok()) << generated.error().ToString();
  EXPECT_EQ(generated->beneficiaries, 0);
  EXPECT_EQ(generated->created, 0);
  // The next one begins later: they are enrolled by then.
  auto next = service.Create("CG", kStart.AddDays(21), kStart.AddDays(50));
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  generated = service.Generate(next->id, nullptr);
  ASSERT_TRUE(generated.ok()) << generated.error().ToString();
  EXPECT_EQ(generated->beneficiaries, 1);
}

TEST_P(CyclesTest, EntitlementsAreComputedOncePerBeneficiaryToTheMinorUnit) {
  int64_t one_child = Household({Born(36), Born(2)});
  int64_t four_children = Household({Born(41), Born(4), Born(3), Born(2), Born(1)});
  int64_t paused = Household({Born(36), Born(3)});
  int64_t none = Household({Born(56), Born(21)});
  Program(std::nullopt);
  ASSERT_TRUE(programs::Enrollment(conn(), system_)
                  .Act("CG", RegistrantId{RegistrantKind::kGroup, paused}.ToString(),
                       programs::EnrollmentAction::kPause, "documents to renew")
                  .ok());
  CycleService service(db(), finance_);
  auto cycle = service.Create("CG", kStart, kStart.AddMonths(1).AddDays(-1));
  ASSERT_TRUE(cycle.ok()) << cycle.error().ToString();
  EXPECT_EQ(cycle->sequence, 1);
  EXPECT_EQ(service.Create("CG", kStart.AddDays(10), kStart.AddDays(40)).error().code,
            ErrorCode::kConflict);  // overlaps

  auto generated = service.Generate(cycle->id, nullptr);
  ASSERT_TRUE(generated.ok()) << generated.error().ToString();
  EXPECT_EQ(generated->beneficiaries, 2);  // the paused household gets nothing
  EXPECT_EQ(generated->created, 2);
  auto amounts = Amounts(cycle->id);
  EXPECT_EQ(amounts[one_child], 10000 + 5000);
  EXPECT_EQ(amounts[four_children], 22000);  // 100 + 3 x 50 = 250, capped at 220
  EXPECT_FALSE(amounts.count(paused));
  EXPECT_FALSE(amounts.count(none));
  EXPECT_EQ(generated->total_minor, 37000);

  // Again (or after a crash midway): nothing more.
  auto again = service.Generate(cycle->id, nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->created, 0);
  EXPECT_EQ(again->existing, 2);
  EXPECT_EQ(Amounts(cycle->id).size(), 2u);
  // Each records its rule version and what its amount was computed from;
  // a later version of the rules changes neither.
  auto program = programs::ProgramService(conn(), system_).Get("CG");
  ASSERT_TRUE(program.ok());
  program->rules.amount_fixed = 12000;
  program->rules.amount_cap.reset();
  ASSERT_TRUE(programs::ProgramService(conn(), system_).Update(*program, program->version).ok());
  std::map<int64_t, Entitlement> listed;
  for (auto& e : CycleRepository(conn()).Entitlements(cycle->id, 0, 10)) {
    listed[e.registrant_id] = e;
  }
  ASSERT_EQ(listed.size(), 2u);
  for (const auto& [registrant, e] : listed) {
    EXPECT_EQ(e.rule_version, 1);
    EXPECT_EQ(e.inputs.as_of, kStart);
    EXPECT_EQ(e.inputs.fixed, 10000);
    EXPECT_EQ(e.inputs.cap, 22000);
  }
  EXPECT_EQ(listed[one_child].inputs.from_rule, 5000);
  EXPECT_FALSE(listed[one_child].inputs.capped());
  EXPECT_EQ(listed[four_children].inputs.from_rule, 15000);
  EXPECT_TRUE(listed[four_children].inputs.capped());

  EXPECT_EQ(CycleService(db(), manager_).Generate(cycle->id, nullptr).error().code,
            ErrorCode::kPermissionDenied);  // a Program Manager does not prepare cycles
}

TEST_P(CyclesTest, GenerationsRunningAtOnceLeaveOneEntitlementPerBeneficiary) {
  // A generation reads who is entitled already before it writes; another run
  // may write in between. Both must end well, with one entitlement each.
  for (int i = 0; i < 30; ++i) Household({Born(30), Born(1)});
  Program(std::nullopt);
  CycleService service(db(), finance_);
  for (int round = 0; round < 4; ++round) {
    auto cycle =
        service.Create("CG", kStart.AddMonths(round), kStart.AddMonths(round + 1).AddDays(-1));
    ASSERT_TRUE(cycle.ok()) << cycle.error().ToString();
    Result<GenerationSummary> first = Error::Internal("not run"), second = first;
    std::thread other([&] { second = CycleService(db(), finance_).Generate(cycle->id, nullptr); });
    first = service.Generate(cycle->id, nullptr);
    other.join();
    ASSERT_TRUE(first.ok()) << first.error().ToString();
    ASSERT_TRUE(second.ok()) << second.error().ToString();
    EXPECT_EQ(first->created + second->created, 30);
    EXPECT_EQ(first->created + first->existing, 30);
    EXPECT_EQ(second->created + second->existing, 30);
    EXPECT_EQ(Amounts(cycle->id).size(), 30u);
    EXPECT_EQ(first->total_minor + second->total_minor, 30 * 15000);
  }
}

TEST_P(CyclesTest, TheMakerCannotApproveAndTheBudgetHolds) {
  Household({Born(36), Born(2)});
  Household({Born(36), Born(3), Born(2)});
  Program(/*budget=*/40000);  // 400.00 KES
  CycleService finance(db(), finance_);
  auto first = finance.Create("CG", kStart, kStart.AddDays(29));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(finance.Generate(first->id, nullptr).ok());
  auto submitted = finance.Submit(first->id);
  ASSERT_TRUE(submitted.ok()) << submitted.error().ToString();
  EXPECT_EQ(submitted->cycle.state, CycleState::kToApprove);
  EXPECT_EQ(submitted->totals.draft, 15000 + 20000);

  // Fiona prepared it: even with the right permission she could not approve.
  Principal fiona_promoted = User(1, "fiona.finance", Role::kProgramManager);
  auto own = CycleService(db(), fiona_promoted).Approve(first->id, "");
  ASSERT_FALSE(own.ok());
  EXPECT_NE(own.error().message.find("maker-checker"), std::string::npos);
  EXPECT_EQ(finance.Approve(first->id, "").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(CycleService(db(), system_).Approve(first->id, "").error().code,
            ErrorCode::kPermissionDenied);  // the system cannot approve

  auto approved = CycleService(db(), manager_).Approve(first->id, "checked the list");
  ASSERT_TRUE(approved.ok()) << approved.error().ToString();
  EXPECT_EQ(approved->cycle.state, CycleState::kApproved);
  EXPECT_EQ(approved->totals.approved, 35000);
  EXPECT_EQ(approved->totals.pending, 35000);
  EXPECT_TRUE(approved->totals.balanced());
  ASSERT_EQ(approved->approvals.size(), 1u);
  EXPECT_EQ(approved->approvals[0].actor, "mark.manager");

  // A second cycle of 350.00 would bring the approved total to 700.00.
  auto second = finance.Create("CG", kStart.AddDays(30), kStart.AddDays(59));
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(finance.Generate(second->id, nullptr).ok());
  ASSERT_TRUE(finance.Submit(second->id).ok());
  auto over = CycleService(db(), manager_).Approve(second->id, "");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().message,
            "approving would exceed the budget of CG: budget 400.00 KES, approved in other "
            "cycles 350.00 KES, this cycle 350.00 KES, over by 300.00 KES");
  EXPECT_EQ(finance.Get(second->id)->cycle.state, CycleState::kToApprove);
  auto rejected = CycleService(db(), manager_).Reject(second->id, "over budget: wait");
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->cycle.state, CycleState::kDraft);
  EXPECT_EQ(rejected->totals.draft, 35000);
  auto cancelled = finance.Cancel(second->id, "budget exhausted");
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->cycle.state, CycleState::kCancelled);
  EXPECT_EQ(cancelled->totals.approved, 0);
}

TEST_P(CyclesTest, LargeCyclesNeedTwoApproversAndSchedulesCoverThePeriod) {
  Household({Born(36), Born(2)});
  Program(std::nullopt, /*second_above=*/10000);
  CycleService finance(db(), finance_);
  auto cycle = finance.Create("CG", kStart, kStart.AddDays(29));
  ASSERT_TRUE(finance.Generate(cycle->id, nullptr).ok());
  auto submitted = finance.Submit(cycle->id);
  EXPECT_EQ(submitted->cycle.approvals_needed, 2);
  auto first = CycleService(db(), manager_).Approve(cycle->id, "level one");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->cycle.state, CycleState::kToApprove);
  EXPECT_EQ(CycleService(db(), manager_).Approve(cycle->id, "again").error().code,
            ErrorCode::kPermissionDenied);
  auto second = CycleService(db(), manager2_).Approve(cycle->id, "level two");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->cycle.state, CycleState::kApproved);

  programs::ProgramService programs(conn(), system_);
  auto program = programs.Get("CG");
  // A calendar year clear of the first cycle (today plus 29 days), whatever
  // the day the test runs.
  const int year = kStart.year() + 2;
  programs::Program scheduled = *program;
  scheduled.period_from = Date::FromYmd(year, 1, 1);
  scheduled.period_to = Date::FromYmd(year, 12, 31);
  ASSERT_TRUE(programs.Update(scheduled, program->version).ok());
  auto cycles = finance.Schedule("CG", Frequency::kQuarterly);
  ASSERT_TRUE(cycles.ok()) << cycles.error().ToString();
  ASSERT_EQ(cycles->size(), 4u);
  EXPECT_EQ(cycles->at(0).start_date.ToString(), Date::FromYmd(year, 1, 1)->ToString());
  EXPECT_EQ(cycles->at(0).end_date.ToString(), Date::FromYmd(year, 3, 31)->ToString());
  EXPECT_EQ(cycles->at(1).start_date.ToString(), Date::FromYmd(year, 4, 1)->ToString());
  EXPECT_EQ(cycles->at(3).end_date.ToString(), Date::FromYmd(year, 12, 31)->ToString());
  EXPECT_EQ(cycles->at(3).sequence, 5);
}

INSTANTIATE_BACKEND_TESTS(CyclesTest);

// Entitlements written at schema version 15, when each row held its inputs
// as JSON, migrated to keeping only what the rule gave (migration 0016).
class EntitlementsBeforeSharedInputsTest : public CyclesTest {
 protected:
  EntitlementsBeforeSharedInputsTest() { schema_version_ = 15; }
};

TEST_P(EntitlementsBeforeSharedInputsTest, KeepWhatTheRuleGaveThroughTheMigration) {
  int64_t household = Household({Born(36), Born(2)});
  Program(std::nullopt);
  auto cycle = CycleService(db(), finance_).Create("CG", kStart, kStart.AddDays(29));
  ASSERT_TRUE(cycle.ok()) << cycle.error().ToString();
  const Timestamp made = *Timestamp::Parse("2026-12-01T08:00:00Z");
  {
    // As generation wrote it then.
    auto insert = conn().Prepare(
        "INSERT INTO entitlements (cycle_id, registrant_id, amount_minor, currency, state, "
        "rule_version, inputs, created_at, updated_at) VALUES ($1, $2, 15000, 'KES', 'draft', 1, "
        "$3, $4, $4)");
    insert->Bind(1, cycle->id)
        .Bind(2, household)
        .Bind(3, R"({"as_of":")" + kStart.ToString() +
                     R"(","fixed":10000,"cap":22000,"from_rule":5000,"capped":false})")
        .Bind(4, made);
    insert->Execute();
  }
  auto migrated = store::ApplyMigrations(conn());
  ASSERT_TRUE(migrated.ok()) << migrated.error().ToString();
  EXPECT_GE(*migrated, 1);

  auto listed = CycleRepository(conn()).Entitlements(cycle->id, 0, 10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].amount_minor, 15000);
  EXPECT_EQ(listed[0].inputs.from_rule, 5000);
  EXPECT_EQ(listed[0].inputs.fixed, 10000);
  EXPECT_EQ(listed[0].inputs.cap, 22000);
  EXPECT_EQ(listed[0].inputs.as_of, kStart);
  EXPECT_FALSE(listed[0].inputs.capped());
  // Generating again finds it: one entitlement per beneficiary still.
  auto again = CycleService(db(), finance_).Generate(cycle->id, nullptr);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again->existing, 1);
  EXPECT_EQ(again->created, 0);
}

INSTANTIATE_BACKEND_TESTS(EntitlementsBeforeSharedInputsTest);

}  // namespace
}  // namespace spmis::cycles
