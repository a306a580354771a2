#include <gtest/gtest.h>

#include <random>

#include "cel/program.h"
#include "cel/record_table.h"

namespace spmis::cel {
namespace {

Value Eval(
    std::string_view expr, const Activation& activation = {}, const Environment& env = [] {
      Environment e;
      e.check = false;
      return e;
    }()) {
  auto program = Program::Compile(expr, env);
  EXPECT_TRUE(program.ok()) << expr << ": " << (program.ok() ? "" : program.error().message);
  if (!program.ok()) return Value::Error(program.error().message);
  EvalContext context;
  return program->Evaluate(activation, context);
}

std::string CompileError(std::string_view expr, const Environment& env) {
  auto program = Program::Compile(expr, env);
  return program.ok() ? "" : program.error().message;
}

// Households of 1-8 members in two record tables, declared in an environment.
struct Households {
  Environment env;
  std::unique_ptr<RecordTable> members;
  std::unique_ptr<RecordTable> households;

  explicit Households(int count, uint32_t seed = 1) {
    auto member_type = env.DeclareRecord("Member", {{"age", Type::Of(TypeKind::kInt)},
                                                    {"name", Type::Of(TypeKind::kString)},
                                                    {"disabled", Type::Of(TypeKind::kBool)}});
    auto household_type = env.DeclareRecord(
        "Household",
        {{"members", Type::List(Type::Record("Member"))}, {"income", Type::Of(TypeKind::kDouble)}});
    env.DeclareVariable("group", Type::Record("Household"));
    members = std::make_unique<RecordTable>(
        member_type, std::vector{ColumnKind::kInt, ColumnKind::kString, ColumnKind::kBool});
    households = std::make_unique<RecordTable>(household_type,
                                               std::vector{ColumnKind::kRows, ColumnKind::kDouble});
    std::mt19937 random(seed);
    for (int h = 0; h < count; ++h) {
      uint32_t size = 1 + random() % 8;
      uint32_t first = members->size();
      for (uint32_t i = 0; i < size; ++i) {
        uint32_t row = members->AddRow();
        // Some ages unknown (unset): rules must then give errors, not guesses.
        if (random() % 20 != 0) members->SetInt(row, 0, random() % 90);
        members->SetString(row, 1, "m" + std::to_string(row));
        members->SetBool(row, 2, random() % 25 == 0);
      }
      uint32_t row = households->AddRow();
      households->SetRows(row, 0, members.get(), first, size);
      households->SetDouble(row, 1, random() % 3000 + 0.5);
    }
  }
};

// The planner's fast paths (typed comparisons, fused steps, tight loops) must
// give exactly what the general evaluator gives, errors included.
TEST(CelProgramTest, FastPathsAgreeWithTheGeneralEvaluator) {
  Households data(2000);
  Environment unchecked = data.env;
  unchecked.check = false;
  const char* rules[] = {
      "group.members.filter(m, m.age < 5).size() >= 1 && group.income < 1000.0",
      "group.members.filter(m, m.age < 5).size()",
      "group.members.exists(m, m.age >= 65)",
      "group.members.all(m, m.age >= 18)",
      "group.members.exists_one(m, m.age < 1)",
      "group.members.filter(m, m.age > 80).map(m, m.name)",
      "group.members.exists(m, m.disabled) || group.income <= 500.0",
      "group.members.map(m, m.age * 2).filter(a, a > 100).size() > 0",
      "size(group.members) > 4 ? group.income / 2.0 > 200.0 : group.income > 100.0",
  };
  EvalContext context;
  for (const char* rule : rules) {
    auto fast = Program::Compile(rule, data.env);
    auto general = Program::Compile(rule, unchecked);
    ASSERT_TRUE(fast.ok()) << rule << ": " << fast.error().message;
    ASSERT_TRUE(general.ok()) << rule;
    int errors = 0, trues = 0;
    for (uint32_t row = 0; row < data.households->size(); ++row) {
      Value slot[] = {data.households->Row(row)};
      Value a = fast->Evaluate(slot, context);
      Value b = general->Evaluate(slot, context);
      ASSERT_EQ(a.kind(), b.kind())
          << rule << " row " << row << ": " << a.DebugString() << " vs " << b.DebugString();
      if (a.IsError()) {
        ++errors;
      } else {
        ASSERT_TRUE(EqualsStrict(a, b))
            << rule << " row " << row << ": " << a.DebugString() << " vs " << b.DebugString();
        trues += a.IsTrue() ? 1 : 0;
      }
    }
    // The data exercises both outcomes and the unknown-age errors.
    EXPECT_LT(errors, static_cast<int>(data.households->size())) << rule;
  }
}

TEST(CelParserTest, ErrorsNameTheLineAndColumn) {
  Environment env;
  EXPECT_EQ(CompileError("1 +", env), "1:4: unexpected end of expression");
  EXPECT_EQ(CompileError("a &&\n  (b ||", env), "2:8: unexpected end of expression");
  EXPECT_EQ(CompileError("'abc", env), "1:1: unterminated string literal");
  EXPECT_EQ(CompileError("x.all(1, true)", env),
            "1:7: all() needs a variable name as its first argument");
  EXPECT_EQ(CompileError("9223372036854775808", env), "1:1: integer literal out of range");
  EXPECT_EQ(CompileError("", env), "1:1: the expression is empty");
}

TEST(CelParserTest, RefusesRulesBeyondTheLimits) {
  Environment env;
  env.parse_options.max_length = 50;
  EXPECT_NE(CompileError(std::string(60, '1'), env).find("the limit is 50"), std::string::npos);
  Environment deep;
  std::string nested = std::string(300, '(') + "1" + std::string(300, ')');
  EXPECT_NE(CompileError(nested, deep).find("nested more than 200 levels"), std::string::npos);
  std::string negations = std::string(500, '!') + "true";
  EXPECT_NE(CompileError(negations, deep).find("nested more than"), std::string::npos);
  // A long chain of conditions is not deep: it parses into a balanced tree.
  std::string chain = "x";
  for (int i = 0; i < 2000; ++i) chain += " && x";
  deep.DeclareVariable("x", Type::Of(TypeKind::kBool));
  EXPECT_EQ(CompileError(chain, deep), "");
}

TEST(CelCheckerTest, NamesWhatIsWrongInWordsAnOfficerCanActOn) {
  Environment env;
  env.DeclareVariable("household_income", Type::Of(TypeKind::kDouble));
  env.DeclareVariable("members", Type::List(Type::Map(Type::Of(TypeKind::kString), Type::Dyn())));
  EXPECT_EQ(CompileError("househld_income < 100.0", env),
            "1:1: 'househld_income' is not a known variable (did you mean 'household_income'?)");
  EXPECT_EQ(CompileError("household_income + 100", env),
            "1:18: no version of '+' takes these arguments: (double, int)");
  EXPECT_EQ(CompileError("household_income.startsWith('1')", env),
            "1:18: no version of 'startsWith' takes these arguments: double.startsWith(string)");
  EXPECT_EQ(CompileError("size(members) > 0 && frobnicate(1)", env),
            "1:22: 'frobnicate' is not a known function");
  EXPECT_EQ(CompileError("household_income ? 1 : 2", env),
            "1:1: the condition of ?: must be true or false, but it is double");
  EXPECT_EQ(CompileError("members.exists(m, m.age > 60)", env), "");
}

TEST(CelEvaluatorTest, ErrorsAreValuesThatLogicCanAbsorb) {
  EXPECT_TRUE(Eval("1 / 0 == 1 || true").IsTrue());
  EXPECT_TRUE(Eval("true || 1 / 0 == 1").IsTrue());
  EXPECT_TRUE(Eval("1 / 0 == 1 && false").IsFalse());
  EXPECT_TRUE(Eval("1 / 0 == 1 && true").IsError());
  EXPECT_EQ(Eval("9223372036854775807 + 1").error_message(), "integer overflow");
  EXPECT_EQ(Eval("18446744073709551615u + 1u").error_message(), "integer overflow");
  EXPECT_TRUE(Eval("1 == 1.0 && 1u == 1.0 && [1, 2] == [1.0, 2u]").IsTrue());
  EXPECT_EQ(Eval("{'a': 1}.b").error_message(), "no such key: 'b'");
  EXPECT_EQ(Eval("[1, 2, 3].map(x, x * 2)").DebugString(), "[2, 4, 6]");
  EXPECT_EQ(Eval("'abc'.matches('^a.c$') && !'abc'.matches('^b')").DebugString(), "true");
  EXPECT_EQ(Eval("timestamp('2024-02-29T10:00:00Z') + duration('24h')").DebugString(),
            "timestamp(\"2024-03-01T10:00:00Z\")");
  EXPECT_EQ(Eval("math.least([3, 1, 2])").DebugString(), "1");
  // Found by the fuzzer: a number of minutes too large for any duration.
  EXPECT_TRUE(Eval("duration('1h30555555555555555555555555555m')").IsError());
  EXPECT_TRUE(Eval("duration('99999999999999999999999999999999999h')").IsError());
  EXPECT_EQ(Eval("duration('2562047h')").DebugString(), "duration(\"9223369200s\")");
}

TEST(CelEvaluatorTest, StopsARuleThatCostsTooMuch) {
  Environment env;
  env.check = false;
  env.cost_limit = 10'000;
  // A comprehension over a comprehension: a million steps, stopped at ten thousand.
  auto program = Program::Compile(
      "[0,1,2,3,4,5,6,7,8,9].map(a, [0,1,2,3,4,5,6,7,8,9].map(b, [0,1,2,3,4,5,6,7,8,9]"
      ".map(c, [0,1,2,3,4,5,6,7,8,9].map(d, [0,1,2,3,4,5,6,7,8,9].map(e, a+b+c+d+e)))))",
      env);
  ASSERT_TRUE(program.ok());
  EvalContext context;
  Value v = program->Evaluate(Activation(), context);
  ASSERT_TRUE(v.IsError());
  EXPECT_EQ(v.error_message(), "the rule exceeded its evaluation cost limit");
}

TEST(CelEvaluatorTest, ExplainGivesTheValueOfEachPart) {
  Households data(1);
  auto program = Program::Compile("group.income < 1000.0 || size(group.members) > 3", data.env);
  ASSERT_TRUE(program.ok());
  Activation activation;
  activation.Bind("group", data.households->Row(0));
  EvalContext context;
  auto trace = program->Explain(activation, context);
  ASSERT_FALSE(trace.empty());
  Value result = program->Evaluate(activation, context);
  EXPECT_EQ(trace.back().first, program->parsed().root->id);
  EXPECT_TRUE(EqualsStrict(trace.back().second, result));
  // Every part evaluated has its value: the income, the comparison, the size...
  bool saw_income = false;
  for (const auto& [id, value] : trace) {
    if (value.is(ValueKind::kDouble)) saw_income = true;
  }
  EXPECT_TRUE(saw_income);
}

}  // namespace
}  // namespace spmis::cel
