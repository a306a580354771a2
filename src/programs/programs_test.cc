#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "programs/eligibility.h"
#include "programs/enrollment.h"
#include "programs/logic_pack_repository.h"
#include "programs/program_service.h"
#include "registry/area_service.h"
#include "registry/configuration_service.h"
#include "registry/group_service.h"
#include "registry/individual_service.h"
#include "testing/test_database.h"

namespace spmis::programs {
namespace {

const Date kToday = *Date::Parse("2026-06-01");

class ProgramsTest : public spmis::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    connection_.emplace(db().Acquire());
    registry::AreaService areas(conn(), system_);
    for (auto [code, parent] : std::vector<std::pair<std::string, std::string>>{
             {"KE", ""}, {"KE-NBO", "KE"}, {"KE-MSA", "KE"}}) {
      registry::Area area;
      area.code = code;
      area.name = code;
      area.parent_code = parent;
      ASSERT_TRUE(areas.Create(area).ok());
    }
    DeclareIncome();
  }
  void TearDown() override {
    connection_.reset();
    BackendTest::TearDown();
  }
  store::Connection& conn() { return **connection_; }

  // A household in `area` whose members were born on `births` (the first is
  // the head).
  int64_t Household(const std::string& area, const std::vector<std::string>& births,
                    int64_t income = 500) {
    registry::Group group;
    group.kind = "household";
    group.name = "household " + std::to_string(++households_);
    group.area_code = area;
    group.custom["income"] = income;
    auto created = registry::GroupService(conn(), system_).Create(group);
    EXPECT_TRUE(created.ok()) << created.error().ToString();
    for (size_t i = 0; i < births.size(); ++i) {
      registry::Individual person;
      person.given_name = "Member" + std::to_string(i);
      person.family_name = group.name;
      person.sex = i % 2 == 0 ? registry::Sex::kFemale : registry::Sex::kMale;
      person.birth_date = Date::Parse(births[i]);
      person.area_code = area;
      auto p = registry::IndividualService(conn(), system_).Create(person);
      EXPECT_TRUE(p.ok()) << p.error().ToString();
      auto m = registry::GroupService(conn(), system_)
                   .AddMember({0, created->id, p->id, i == 0 ? "head" : "child",
                               Date::Parse("2020-01-01"), std::nullopt, ""});
      EXPECT_TRUE(m.ok()) << m.error().ToString();
    }
    return created->id;
  }
  void DeclareIncome() {
    ASSERT_TRUE(registry::ConfigurationService(conn(), system_)
                    .DeclareCustomField({RegistrantKind::kGroup,
                                         "income",
                                         "Income",
                                         registry::CustomFieldType::kInteger,
                                         {},
                                         false})
                    .ok());
  }
  Program ChildGrant(std::optional<int64_t> max = std::nullopt, std::string priority = "") {
    Program p;
    p.code = "CHILD";
    p.name = "Child grant";
    p.target = ProgramTarget::kGroups;
    p.max_beneficiaries = max;
    p.rules.eligibility = "group.members.exists(m, m.age < 5)";
    p.rules.priority = std::move(priority);
    auto created = ProgramService(conn(), system_).Create(p);
    EXPECT_TRUE(created.ok()) << created.error().ToString();
    return created.ok() ? *created : p;
  }
  EligibilityRunSummary Run(const std::string& code, Date as_of, const Principal& who) {
    auto summary = Eligibility(db(), who).Run({code, as_of, {}}, nullptr);
    EXPECT_TRUE(summary.ok()) << summary.error().ToString();
    return summary.ok() ? *summary : EligibilityRunSummary{};
  }
  std::string StateOf(const std::string& code, int64_t group_id) {
    auto history = Enrollment(conn(), system_)
                       .History(code, RegistrantId{RegistrantKind::kGroup, group_id}.ToString());
    return history.ok() ? MembershipStateName(history->first.membership.state) : "none";
  }
  static Principal As(Role role, std::vector<std::string> areas = {}) {
    Principal p;
    p.name = std::string(RoleName(role)) + ".test";
    p.role = role;
    p.area_paths = std::move(areas);
    return p;
  }

  Principal system_ = Principal::SystemAs(Actor{"tester", "req-1"});
  std::optional<store::PooledConnection> connection_;
  int households_ = 0;
};

TEST_P(ProgramsTest, RulesAreCheckedAndEveryEditIsANewVersion) {
  ProgramService service(conn(), As(Role::kProgramManager));
  Program p;
  p.code = "CHILD";
  p.name = "Child grant";
  p.rules.eligibility = "group.members.exists(m, m.agee < 5)";
  auto refused = service.Create(p);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().fields.at(0).field, "rule");
  EXPECT_NE(refused.error().message.find("1:"), std::string::npos) << refused.error().message;
  p.rules.eligibility = "group.size";
  EXPECT_NE(service.Create(p).error().message.find("must give true or false"), std::string::npos);
  p.rules.eligibility = "group.members.exists(m, m.age < 5)";
  auto created = service.Create(p);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_EQ(created->rules.version, 1);
  EXPECT_EQ(service.Create(p).error().code, ErrorCode::kConflict);

  Program edited = *created;
  edited.rules.eligibility = "group.members.exists(m, m.age < 6)";
  auto updated = service.Update(edited, created->version);
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ(updated->rules.version, 2);
  EXPECT_EQ(service.Update(edited, created->version).error().code,
            ErrorCode::kFailedPrecondition);  // stale
  Program renamed = *updated;
  renamed.name = "Child support grant";
  EXPECT_EQ(service.Update(renamed, updated->version)->rules.version, 2);  // same rules
  EXPECT_EQ(service.RulesVersion("CHILD", 1)->eligibility, "group.members.exists(m, m.age < 5)");

  EXPECT_EQ(ProgramService(conn(), As(Role::kRegistrar)).Create(p).error().code,
            ErrorCode::kPermissionDenied);
  Principal other_program = As(Role::kProgramViewer);
  other_program.programs = {"PENSION"};
  EXPECT_EQ(ProgramService(conn(), other_program).Get("CHILD").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(ProgramService(conn(), other_program).List()->empty());
}

TEST_P(ProgramsTest, ARunEnrollsThoseWhoQualifyAndReverificationRemovesThoseWhoNoLongerDo) {
  int64_t young = Household("KE-NBO", {"1990-01-01", "2023-01-01"});    // a child of 3
  int64_t older = Household("KE-MSA", {"1980-01-01", "2015-01-01"});    // a child of 11
  int64_t turning = Household("KE-NBO", {"1985-01-01", "2021-06-01"});  // 5 on kToday
  int64_t baby = Household("KE-MSA", {"1992-01-01", "2025-05-01"});
  ChildGrant();
  Principal officer = As(Role::kEnrollmentOfficer);
  auto first = Run("CHILD", kToday, officer);
  EXPECT_EQ(first.evaluated, 4);
  EXPECT_EQ(first.eligible, 2);
  EXPECT_EQ(first.enrolled, 2);
  EXPECT_EQ(first.rule_version, 1);
  EXPECT_EQ(StateOf("CHILD", young), "enrolled");
  EXPECT_EQ(StateOf("CHILD", baby), "enrolled");
  EXPECT_EQ(StateOf("CHILD", older), "none");
  EXPECT_EQ(StateOf("CHILD", turning), "none");  // five today: not under five

  // Running again changes nothing.
  auto again = Run("CHILD", kToday, officer);
  EXPECT_EQ(again.enrolled, 0);
  EXPECT_EQ(again.not_eligible, 0);

  // Three years on, the first child is 6: re-verification removes the household.
  auto later = Run("CHILD", *Date::Parse("2029-06-01"), officer);
  EXPECT_EQ(later.not_eligible, 1);
  EXPECT_EQ(StateOf("CHILD", young), "not_eligible");
  EXPECT_EQ(StateOf("CHILD", baby), "enrolled");
  auto history = Enrollment(conn(), system_)
                     .History("CHILD", RegistrantId{RegistrantKind::kGroup, young}.ToString());
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->second.size(), 2u);
  EXPECT_FALSE(history->second[0].from_state.has_value());
  EXPECT_EQ(history->second[0].to_state, MembershipState::kEnrolled);
  EXPECT_EQ(history->second[1].from_state, MembershipState::kEnrolled);
  EXPECT_EQ(history->second[1].to_state, MembershipState::kNotEligible);
  EXPECT_EQ(history->second[1].reason, "does not meet the rule (version 1)");
  EXPECT_EQ(history->second[1].rule_version, 1);
  EXPECT_EQ(history->second[1].actor, "enrollment_officer.test");

  // Each run is one audit entry with its figures.
  audit::AuditQuery query;
  query.entity_type = "program";
  query.entity_id = "CHILD";
  auto entries = audit::AuditLog(conn()).Find(query);
  ASSERT_EQ(entries.size(), 4u);  // created, three runs
  EXPECT_EQ(entries[1].action, "eligibility_run");
  EXPECT_NE(entries[1].after->find("\"enrolled\":2"), std::string::npos) << *entries[1].after;

  EXPECT_EQ(
      Eligibility(db(), As(Role::kRegistrar)).Run({"CHILD", kToday, {}}, nullptr).error().code,
      ErrorCode::kPermissionDenied);
}

TEST_P(ProgramsTest, TheMaximumGoesByPriorityThenRegistrationDate) {
  int64_t poor = Household("KE-NBO", {"1990-01-01", "2023-01-01"}, 100);
  int64_t richer = Household("KE-NBO", {"1990-01-01", "2023-01-01"}, 900);
  int64_t poorest = Household("KE-NBO", {"1990-01-01", "2024-01-01"}, 50);
  int64_t also_poor = Household("KE-NBO", {"1990-01-01", "2024-01-01"}, 100);
  ChildGrant(2, "-group.income");
  auto summary = Run("CHILD", kToday, system_);
  EXPECT_EQ(summary.eligible, 4);
  EXPECT_EQ(summary.enrolled, 2);
  EXPECT_EQ(summary.waiting, 2);
  EXPECT_EQ(StateOf("CHILD", poorest), "enrolled");
  EXPECT_EQ(StateOf("CHILD", poor), "enrolled");  // registered before also_poor
  EXPECT_EQ(StateOf("CHILD", also_poor), "draft");
  EXPECT_EQ(StateOf("CHILD", richer), "draft");

  // A place freed by hand goes to the next in line at the next run.
  Enrollment officer(conn(), As(Role::kEnrollmentOfficer));
  std::string poorest_id = RegistrantId{RegistrantKind::kGroup, poorest}.ToString();
  auto full = officer.Act("CHILD", RegistrantId{RegistrantKind::kGroup, richer}.ToString(),
                          EnrollmentAction::kEnroll, "asked by the district");
  ASSERT_FALSE(full.ok());
  EXPECT_NE(full.error().message.find("is full"), std::string::npos);
  ASSERT_TRUE(officer.Act("CHILD", poorest_id, EnrollmentAction::kExit, "moved abroad").ok());
  Run("CHILD", kToday, system_);
  EXPECT_EQ(StateOf("CHILD", also_poor), "enrolled");
  EXPECT_EQ(StateOf("CHILD", richer), "draft");
  EXPECT_EQ(StateOf("CHILD", poorest), "exited");  // a manual decision stays
}

TEST_P(ProgramsTest, ManualActionsNeedAReasonAndFollowTheStates) {
  int64_t young = Household("KE-NBO", {"1990-01-01", "2023-01-01"});
  int64_t elsewhere = Household("KE-MSA", {"1990-01-01", "2023-01-01"});
  ChildGrant();
  Run("CHILD", kToday, system_);
  std::string id = RegistrantId{RegistrantKind::kGroup, young}.ToString();
  Enrollment officer(conn(), As(Role::kEnrollmentOfficer));
  EXPECT_EQ(officer.Act("CHILD", id, EnrollmentAction::kPause, "").error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(officer.Act("CHILD", id, EnrollmentAction::kResume, "why not").error().code,
            ErrorCode::kFailedPrecondition);
  auto paused = officer.Act("CHILD", id, EnrollmentAction::kPause, "documents to renew");
  ASSERT_TRUE(paused.ok()) << paused.error().ToString();
  EXPECT_EQ(paused->membership.state, MembershipState::kPaused);
  EXPECT_EQ(paused->membership.reason, "documents to renew");
  ASSERT_TRUE(officer.Act("CHILD", id, EnrollmentAction::kResume, "documents renewed").ok());
  ASSERT_TRUE(officer.Act("CHILD", id, EnrollmentAction::kGraduate, "left poverty").ok());
  EXPECT_EQ(StateOf("CHILD", young), "graduated");
  EXPECT_EQ(Enrollment(conn(), As(Role::kProgramViewer))
                .Act("CHILD", id, EnrollmentAction::kExit, "x")
                .error()
                .code,
            ErrorCode::kPermissionDenied);
  // A Nairobi officer cannot act on a Mombasa household: it is not found.
  Principal nairobi = As(Role::kEnrollmentOfficer,
                         {registry::AreaService(conn(), system_).GetByCode("KE-NBO")->path});
  EXPECT_EQ(Enrollment(conn(), nairobi)
                .Act("CHILD", RegistrantId{RegistrantKind::kGroup, elsewhere}.ToString(),
                     EnrollmentAction::kPause, "x")
                .error()
                .code,
            ErrorCode::kNotFound);
  auto listed = Enrollment(conn(), system_).List("CHILD", MembershipState::kEnrolled, 10, "");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->total, 1);
  audit::AuditQuery query;
  query.entity_type = "program_membership";
  EXPECT_EQ(audit::AuditLog(conn()).Find(query).size(), 3u);
}

TEST_P(ProgramsTest, PreviewCountsWithoutWritingAndExplainShowsEachPart) {
  Household("KE-NBO", {"1990-01-01", "2023-01-01"});
  int64_t older = Household("KE-MSA", {"1980-01-01", "2015-01-01"});
  Household("KE-NBO", {"1990-01-01"});
  ChildGrant();
  Eligibility eligibility(db(), As(Role::kEnrollmentOfficer));
  PreviewRequest preview;
  preview.program_code = "CHILD";
  preview.as_of = kToday;
  auto counted = eligibility.Preview(preview);
  ASSERT_TRUE(counted.ok()) << counted.error().ToString();
  EXPECT_EQ(counted->evaluated, 3);
  EXPECT_EQ(counted->eligible, 1);
  ASSERT_EQ(counted->sample.size(), 1u);
  preview.rule = "group.members.exists(m, m.age < 18)";
  EXPECT_EQ(eligibility.Preview(preview)->eligible, 2);
  preview.rule = "group.members.exists(m, m.agee < 18)";
  EXPECT_EQ(eligibility.Preview(preview).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ProgramService(conn(), system_).MembershipCounts("CHILD")->size(), 0u);

  auto explained =
      eligibility.Explain("CHILD", RegistrantId{RegistrantKind::kGroup, older}.ToString(), kToday);
  ASSERT_TRUE(explained.ok()) << explained.error().ToString();
  EXPECT_FALSE(explained->eligible);
  EXPECT_EQ(explained->result, "false");
  bool saw_age = false;
  for (const auto& part : explained->parts) saw_age |= part.value == "11";
  EXPECT_TRUE(saw_age);
  EXPECT_EQ(eligibility.Explain("CHILD", "IND-00000001-3", kToday).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_P(ProgramsTest, TheLogicPackIsReadByEveryRule) {
  auto pack = ParseLogicPack(
      R"({"constants": {"retirement_age": 60}, "rules": [{"name": "is_senior",
          "expression": "individual.age >= variables.retirement_age"}]})");
  ASSERT_TRUE(pack.ok()) << pack.error().ToString();
  LogicPackRepository(conn()).Replace(*pack);
  Household("KE-NBO", {"1960-01-01", "1966-06-02"});  // 66, and 59 (60 tomorrow)
  Program pension;
  pension.code = "PENSION";
  pension.name = "Social pension";
  pension.target = ProgramTarget::kIndividuals;
  pension.rules.eligibility = "variables.is_senior";
  ASSERT_TRUE(ProgramService(conn(), system_).Create(pension).ok());
  auto summary = Run("PENSION", kToday, system_);
  EXPECT_EQ(summary.evaluated, 2);
  EXPECT_EQ(summary.eligible, 1);
}

// Members are read wherever their ids fall: a child registered after other
// households, and a person in two groups with a different role in each.
TEST_P(ProgramsTest, AGroupsMembersAreFoundWhereverTheirIdsAre) {
  int64_t first = Household("KE-NBO", {"1980-01-01"});
  int64_t second = Household("KE-NBO", {"1950-01-01"});
  registry::Individual child;
  child.given_name = "Late";
  child.family_name = "Arrival";
  child.birth_date = Date::Parse("2025-01-01");
  child.area_code = "KE-NBO";
  auto created = registry::IndividualService(conn(), system_).Create(child);
  ASSERT_TRUE(created.ok());
  registry::GroupService groups(conn(), system_);
  ASSERT_TRUE(
      groups
          .AddMember({0, first, created->id, "child", Date::Parse("2024-01-01"), std::nullopt, ""})
          .ok());
  // The second household's head also lives in the first one.
  auto second_members = groups.Members(second);
  ASSERT_TRUE(second_members.ok());
  ASSERT_TRUE(groups
                  .AddMember({0, first, second_members->at(0).individual_id, "other_relative",
                              Date::Parse("2024-01-01"), std::nullopt, ""})
                  .ok());
  Program p;
  p.code = "MIXED";
  p.name = "Households with a child and a grandparent";
  p.rules.eligibility =
      "group.members.exists(m, m.age < 5 && m.role == 'child') && "
      "group.members.exists(m, m.age >= 70 && m.role == 'other_relative') && group.size == 3";
  ASSERT_TRUE(ProgramService(conn(), system_).Create(p).ok());
  auto summary = Run("MIXED", kToday, system_);
  EXPECT_EQ(summary.evaluated, 2);
  EXPECT_EQ(summary.eligible, 1);
  EXPECT_EQ(StateOf("MIXED", first), "enrolled");
  EXPECT_EQ(StateOf("MIXED", second), "none");
  // In the second household the same person is its head, not a relative.
  Program heads;
  heads.code = "HEADS";
  heads.name = "Elderly heads";
  heads.rules.eligibility = "group.members.exists(m, m.age >= 70 && m.is_head)";
  ASSERT_TRUE(ProgramService(conn(), system_).Create(heads).ok());
  Run("HEADS", kToday, system_);
  EXPECT_EQ(StateOf("HEADS", second), "enrolled");
  EXPECT_EQ(StateOf("HEADS", first), "none");
}

INSTANTIATE_BACKEND_TESTS(ProgramsTest);

}  // namespace
}  // namespace spmis::programs
