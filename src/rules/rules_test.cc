#include <gtest/gtest.h>

#include "rules/registry_rules.h"

namespace spmis::rules {
namespace {

registry::Individual Person(int64_t id, const char* given, std::optional<Date> born,
                            registry::Sex sex = registry::Sex::kFemale) {
  registry::Individual p;
  p.id = id;
  p.given_name = given;
  p.family_name = "Banda";
  p.sex = sex;
  p.birth_date = born;
  p.area_code = "DM-01-01";
  return p;
}

GroupWithMembers Household(std::vector<std::pair<registry::Individual, std::string>> people) {
  GroupWithMembers g;
  g.group.id = 7;
  g.group.name = "Banda household";
  g.group.area_code = "DM-01-01";
  g.group.custom["land_hectares"] = 1.5;
  for (auto& [person, role] : people) {
    registry::Membership m;
    m.individual_id = person.id;
    m.role = role;
    g.memberships.push_back(m);
    g.members.push_back(person);
  }
  return g;
}

std::vector<registry::CustomField> GroupCustom() {
  registry::CustomField land;
  land.registrant_kind = RegistrantKind::kGroup;
  land.name = "land_hectares";
  land.type = registry::CustomFieldType::kDecimal;
  return {land};
}

Date D(const char* text) { return *Date::Parse(text); }

TEST(RegistryRulesTest, AgesCountAgainstTheEvaluationDate) {
  LogicPack pack;
  pack.constants = {{"retirement_age", cel::Value::Int(65)}};
  auto rules = RegistryRules::Create(RuleTarget::kIndividuals, {}, {}, pack);
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  auto pension = (*rules)->Compile("individual.age >= variables.retirement_age");
  ASSERT_TRUE(pension.ok()) << pension.error().message;
  auto person = Person(1, "Ama", D("1961-11-24"));
  // One day short of 65, then 65 on the birthday: the date decides, and is explicit.
  EXPECT_TRUE((*rules)->EvaluateIndividual(*pension, person, D("2026-11-23")).IsFalse());
  EXPECT_TRUE((*rules)->EvaluateIndividual(*pension, person, D("2026-11-24")).IsTrue());
  // No birth date recorded: an error, not a guess.
  auto unknown = Person(2, "Kofi", std::nullopt);
  EXPECT_TRUE((*rules)->EvaluateIndividual(*pension, unknown, D("2026-11-24")).IsError());
}

TEST(RegistryRulesTest, GroupRulesSeeMembersRolesCustomFieldsAndTheLogicPack) {
  LogicPack pack;
  pack.constants = {{"land_threshold", cel::Value::Double(2.0)}};
  pack.expressions = {
      {"children_under_5", "group.members.filter(m, m.age < 5).size()"},
      {"dependency_ratio",
       "double(group.members.filter(m, m.age < 15 || m.age >= 65).size()) / double(group.size)"},
  };
  auto rules = RegistryRules::Create(RuleTarget::kGroups, {}, GroupCustom(), pack);
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  auto household =
      Household({{Person(1, "Ama", D("1990-01-01")), "head"},
                 {Person(2, "Esi", D("2023-06-01")), "child"},
                 {Person(3, "Yaw", D("1950-01-01"), registry::Sex::kMale), "other_relative"}});
  Date today = D("2026-11-23");
  struct Case {
    const char* rule;
    const char* result;
  };
  const Case cases[] = {
      {"variables.children_under_5 >= 1", "true"},
      {"variables.dependency_ratio > 0.5", "true"},
      {"group.land_hectares < variables.land_threshold", "true"},
      {"group.members.exists(m, m.is_head && m.sex == 'female')", "true"},
      {"group.members.filter(m, m.role == 'child').map(m, m.given_name)", "[\"Esi\"]"},
      {"group.size", "3"},
  };
  for (const Case& c : cases) {
    auto program = (*rules)->Compile(c.rule);
    ASSERT_TRUE(program.ok()) << c.rule << ": " << program.error().message;
    EXPECT_EQ((*rules)->EvaluateGroup(*program, household, today).DebugString(), c.result)
        << c.rule;
  }
}

TEST(RegistryRulesTest, OpenSppRulesRunUnchanged) {
  LogicPack pack;
  pack.constants = {{"poverty_line", cel::Value::Double(1000.0)}};
  auto rules =
      RegistryRules::Create(RuleTarget::kGroups, {}, GroupCustom(), pack, cel::Dialect::kOpenSpp);
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  auto household = Household(
      {{Person(1, "Ama", D("1960-01-01")), "head"}, {Person(2, "Esi", D("2023-06-01")), "child"}});
  Date today = D("2026-11-23");
  const char* rules_written_in_openspp[] = {
      "members.count(m, age_years(m.birthdate) < 5) >= 1",
      "members.exists(head(m) and age_years(m.birthdate) >= 60)",
      "members.exists(m, head(m) and is_female(m.sex))",
      "r.land_hectares < 2.0 and not (me.size > 4)",
      "poverty_line > 500.0 and variables.poverty_line == poverty_line",
      "members.sum(m.age) > 60 and between(members.count(age_years(m.birthdate) < 18), 1, 3)",
  };
  for (const char* rule : rules_written_in_openspp) {
    auto program = (*rules)->Compile(rule);
    ASSERT_TRUE(program.ok()) << rule << ": " << program.error().message;
    EXPECT_TRUE((*rules)->EvaluateGroup(*program, household, today).IsTrue()) << rule;
  }
}

TEST(RegistryRulesTest, RefusesABadLogicPackRuleByName) {
  LogicPack pack;
  pack.expressions = {{"ratio", "group.sizee / 2"}};
  auto rules = RegistryRules::Create(RuleTarget::kGroups, {}, {}, pack);
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.error().message,
            "Logic Pack rule 'ratio': 1:6: 'Group' has no field 'sizee' (did you mean 'size'?)");
}

TEST(RegistryRulesTest, ExplainShowsWhereEachValueComesFrom) {
  auto rules = RegistryRules::Create(RuleTarget::kIndividuals, {}, {}, {});
  ASSERT_TRUE(rules.ok());
  auto program = (*rules)->Compile("individual.age >= 65 && individual.disability");
  ASSERT_TRUE(program.ok());
  auto parts =
      (*rules)->ExplainIndividual(*program, Person(1, "Ama", D("1950-01-01")), D("2026-11-23"));
  ASSERT_FALSE(parts.empty());
  bool saw_age = false;
  for (const ExplainedPart& p : parts) {
    if (p.line == 1 && p.value == "76") saw_age = true;
  }
  EXPECT_TRUE(saw_age);
  EXPECT_EQ(parts.back().value, "false");  // not disabled
}

}  // namespace
}  // namespace spmis::rules
