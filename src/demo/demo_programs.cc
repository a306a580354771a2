#include "demo/demo_programs.h"

namespace spmis::demo {
namespace {

Date YearsBefore(Date date, int years) { return date.AddMonths(-12 * years); }

programs::Program Make(std::string code, std::string name, programs::ProgramKind kind,
                       programs::ProgramTarget target, std::string rule, std::string dialect,
                       int64_t budget_major) {
  programs::Program p;
  p.code = std::move(code);
  p.name = std::move(name);
  p.kind = kind;
  p.target = target;
  p.rules.eligibility = std::move(rule);
  p.dialect = std::move(dialect);
  p.budget_minor = budget_major * 100;
  p.currency = "KES";
  p.institution = "Demoland Ministry of Social Protection";
  p.state = programs::ProgramState::kActive;
  return p;
}

}  // namespace

rules::LogicPack DemoLogicPack() {
  rules::LogicPack pack;
  pack.constants = {
      {"retirement_age", cel::Value::Int(60)},
      {"child_age_limit", cel::Value::Int(5)},
      {"dependency_ratio_threshold", cel::Value::Double(1.5)},
      {"vulnerability_threshold", cel::Value::Int(3)},
      {"land_threshold_ha", cel::Value::Double(2.0)},
      {"food_poverty_line", cel::Value::Double(3000.0)},
  };
  return pack;
}

std::vector<programs::Program> DemoPrograms() {
  using K = programs::ProgramKind;
  using T = programs::ProgramTarget;
  std::vector<programs::Program> list = {
      Make("CHILD-GRANT", "Universal child grant", K::kUnconditionalCash, T::kGroups,
           "group.members.exists(m, m.age < variables.child_age_limit)", "standard", 200'000'000),
      Make("PENSION", "Social pension", K::kUnconditionalCash, T::kIndividuals,
           "individual.age >= variables.retirement_age", "standard", 300'000'000),
      // The dependency ratio (children and elders per working-age adult) and
      // a vulnerability score (disability 2, age 70 and over 1, under 2 1).
      Make("EMERGENCY", "Emergency relief", K::kEmergency, T::kGroups,
           "double(members.count(m.age < 15 or m.age >= 65)) >= dependency_ratio_threshold * "
           "double(max(members.count(m.age >= 15 and m.age < 65), 1)) or "
           "members.sum((m.disability ? 2 : 0) + (m.age >= 70 ? 1 : 0) + (m.age < 2 ? 1 : 0)) "
           ">= vulnerability_threshold",
           "openspp", 50'000'000),
      Make("CCT-SCHOOL", "Conditional cash transfer for schooling", K::kConditionalCash, T::kGroups,
           "group.members.exists(m, m.age >= 6 && m.age <= 17)", "standard", 150'000'000),
      Make("AGRI-INPUT", "Agricultural input subsidy", K::kAgriculturalSupport, T::kGroups,
           "group.farming == true && group.land_hectares < variables.land_threshold_ha", "standard",
           80'000'000),
      Make("FOOD-BASKET", "Food basket", K::kInKind, T::kGroups,
           "group.income < variables.food_poverty_line", "standard", 60'000'000),
  };
  // What each beneficiary receives per cycle (minor units of KES).
  list[0].rules.amount_rule = "30000 * math.least(group.members.filter(m, m.age < 5).size(), 3)";
  list[1].rules.amount_fixed = 200000;
  list[2].rules.amount_fixed = 500000;
  list[3].rules.amount_rule = "15000 * group.members.filter(m, m.age >= 6 && m.age <= 17).size()";
  list[3].rules.amount_cap = 60000;
  list[4].rules.in_kind_items = {{"fertiliser", 50, "kg"}, {"maize seed", 10, "kg"}};
  list[5].rules.in_kind_items = {
      {"maize flour", 25, "kg"}, {"beans", 5, "kg"}, {"cooking oil", 2, "l"}};
  for (auto& p : list) p.second_approval_above = 100'000'000;  // 1,000,000.00 KES
  return list;
}

std::vector<Persona> DemoPersonas(Date d) {
  auto born = [&](int years, int days_later = 0) {
    return YearsBefore(d, years).AddDays(days_later);
  };
  // Comfortable, non-farming households unless a persona says otherwise, so
  // that each qualifies for what its story says and nothing else.
  return {
      {"PERSONA-01",
       "a young mother with a two-year-old",
       "Achieng",
       9000,
       false,
       0,
       {{"Amina", "female", born(30), "head"}, {"Baraka", "male", born(2), "child"}},
       {"CHILD-GRANT"}},
      {"PERSONA-02",
       "a pensioner of 72 living alone",
       "Otieno",
       9000,
       false,
       0,
       {{"Bernard", "male", born(72), "head"}},
       {"PENSION"}},
      {"PERSONA-03",
       "a smallholder farming 1.2 hectares",
       "Chebet",
       9000,
       true,
       1.2,
       {{"Cheptoo", "female", born(41), "head"}, {"Kiprop", "male", born(44), "spouse"}},
       {"AGRI-INPUT"}},
      {"PERSONA-04",
       "parents of two schoolchildren, 8 and 12",
       "Daudi",
       9000,
       false,
       0,
       {{"Daudi", "male", born(38), "head"},
        {"Rehema", "female", born(36), "spouse"},
        {"Neema", "female", born(8), "child"},
        {"Juma", "male", born(12), "child"}},
       {"CCT-SCHOOL"}},
      {"PERSONA-05",
       "a couple earning 1,800 a month",
       "Wanjiru",
       1800,
       false,
       0,
       {{"Esther", "female", born(33), "head"}, {"Mwangi", "male", born(35), "spouse"}},
       {"FOOD-BASKET"}},
      {"PERSONA-06",
       "one adult caring for four children and an elder of 80",
       "Faraji",
       9000,
       false,
       0,
       {{"Faraji", "male", born(35), "head"},
        {"Zawadi", "female", born(14), "child"},
        {"Imara", "female", born(11), "child"},
        {"Baraka", "male", born(9), "child"},
        {"Tumaini", "male", born(6), "child"},
        {"Bibi", "female", born(80), "other_relative"}},
       {"EMERGENCY", "CCT-SCHOOL", "PENSION"}},
      {"PERSONA-07",
       "a household with two disabled members and a baby",
       "Grace",
       9000,
       false,
       0,
       {{"Grace", "female", born(29), "head", true},
        {"Otieno", "male", born(31), "spouse", true},
        {"Malaika", "female", born(1), "child"}},
       {"EMERGENCY", "CHILD-GRANT"}},
      {"PERSONA-08",
       "a man who reaches the retirement age today",
       "Hassan",
       9000,
       false,
       0,
       {{"Hassan", "male", born(60), "head"}},
       {"PENSION"}},
      {"PERSONA-09",
       "a child who turns five on the evaluation date",
       "Imani",
       9000,
       false,
       0,
       {{"Imani", "female", born(30), "head"}, {"Pendo", "female", born(5), "child"}},
       {}},
      {"PERSONA-10",
       "a woman one day short of the retirement age",
       "Juma",
       9000,
       false,
       0,
       {{"Jamila", "female", born(60, 1), "head"}},
       {}},
      {"PERSONA-11",
       "a farmer with exactly the threshold of 2 hectares",
       "Kesi",
       9000,
       true,
       2.0,
       {{"Kesi", "female", born(45), "head"}},
       {}},
      {"PERSONA-12",
       "a household earning exactly the poverty line",
       "Lulu",
       3000,
       false,
       0,
       {{"Lulu", "female", born(40), "head"}},
       {}},
  };
}

}  // namespace spmis::demo
