// CEL rules over 1,000,000 synthetic households held in memory, one core:
// households (or individuals) per second for the three rules of the CEL issue,
// and for the rule `../shared/peers/cel/run` gives two JavaScript engines, on
// the same household shape (1-8 members, ages 0-89, income 0-3000).
//   build/bench/cel_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>

#include "cel/program.h"
#include "cel/record_table.h"

namespace {

using namespace spmis::cel;

constexpr uint32_t kHouseholds = 1'000'000;

// The peers' generator (mulberry32, seed 42), so the shapes match. Its state
// is a JavaScript number: a double that keeps growing (and, past 2^53, rounds).
struct Mulberry32 {
  double state = 42;
  uint32_t Next(uint32_t k) {
    state += 0x6d2b79f5;
    auto t = static_cast<uint32_t>(std::fmod(state, 4294967296.0));
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return ((t ^ (t >> 14)) % k);
  }
};

struct Population {
  Environment env;
  std::unique_ptr<RecordTable> members;
  std::unique_ptr<RecordTable> households;
  std::unique_ptr<RecordTable> pack;
  Activation variables;

  Population() {
    auto member_type = env.DeclareRecord("Member", {{"age", Type::Of(TypeKind::kInt)}});
    auto household_type =
        env.DeclareRecord("Household", {{"members", Type::List(Type::Record("Member"))},
                                        {"income", Type::Of(TypeKind::kDouble)},
                                        {"dependency_ratio", Type::Of(TypeKind::kDouble)},
                                        {"vulnerability_score", Type::Of(TypeKind::kInt)}});
    env.DeclareVariable("group", Type::Record("Household"));
    env.DeclareVariable("individual", Type::Record("Member"));
    // The Logic Pack, as the registry bindings give it: a record.
    auto variables_type =
        env.DeclareRecord("Variables", {{"retirement_age", Type::Of(TypeKind::kInt)}});
    env.DeclareVariable("variables", Type::Record("Variables"));
    members = std::make_unique<RecordTable>(member_type, std::vector{ColumnKind::kInt});
    households = std::make_unique<RecordTable>(
        household_type,
        std::vector{ColumnKind::kRows, ColumnKind::kDouble, ColumnKind::kDouble, ColumnKind::kInt});
    members->Reserve(kHouseholds * 5);
    households->Reserve(kHouseholds);
    Mulberry32 rnd;
    Mulberry32 extra{7};  // fields the peers do not have, drawn apart so the shapes match
    for (uint32_t h = 0; h < kHouseholds; ++h) {
      uint32_t size = 1 + rnd.Next(8);
      uint32_t first = members->size();
      uint32_t dependants = 0;
      for (uint32_t i = 0; i < size; ++i) {
        uint32_t row = members->AddRow();
        uint32_t age = rnd.Next(90);
        members->SetInt(row, 0, age);
        dependants += (age < 15 || age >= 65) ? 1 : 0;
      }
      uint32_t row = households->AddRow();
      households->SetRows(row, 0, members.get(), first, size);
      households->SetDouble(row, 1, rnd.Next(3000) + 0.5);
      households->SetDouble(row, 2, static_cast<double>(dependants) / size);
      households->SetInt(row, 3, extra.Next(6));
    }
    pack = std::make_unique<RecordTable>(variables_type, std::vector{ColumnKind::kInt});
    pack->AddRow();
    pack->SetInt(0, 0, 65);
    variables.Bind("variables", pack->Row(0));
  }
};

Population& Households() {
  static Population population;
  return population;
}

void RunOverHouseholds(benchmark::State& state, const char* rule) {
  Population& p = Households();
  auto program = Program::Compile(rule, p.env);
  if (!program.ok()) {
    state.SkipWithError(program.error().message.c_str());
    return;
  }
  // The variables in the program's order; the household slot changes per row.
  std::vector<Value> slots(program->variables().size());
  size_t group_slot = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    if (program->variables()[i] == "group" || program->variables()[i] == "individual")
      group_slot = i;
    if (program->variables()[i] == "variables") slots[i] = *p.variables.Find("variables");
  }
  bool individuals = program->variables()[group_slot] == "individual";
  const RecordTable& table = individuals ? *p.members : *p.households;
  uint32_t rows = std::min(table.size(), kHouseholds);
  EvalContext context;
  int64_t eligible = 0;
  for (auto _ : state) {
    eligible = 0;
    for (uint32_t row = 0; row < rows; ++row) {
      slots[group_slot] = table.Row(row);
      eligible += program->Evaluate(slots, context).IsTrue() ? 1 : 0;
    }
  }
  state.counters["eligible"] = static_cast<double>(eligible);
  state.counters[individuals ? "individuals/s" : "households/s"] =
      benchmark::Counter(static_cast<double>(rows) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

void BM_PeerRule(benchmark::State& state) {
  RunOverHouseholds(state,
                    "group.members.filter(m, m.age < 5).size() >= 1 && group.income < 1000.0");
}
void BM_ChildUnderFive(benchmark::State& state) {
  RunOverHouseholds(state, "group.members.filter(m, m.age < 5).size() >= 1");
}
void BM_RetirementAge(benchmark::State& state) {
  RunOverHouseholds(state, "individual.age >= variables.retirement_age");
}
void BM_DependencyAndVulnerability(benchmark::State& state) {
  RunOverHouseholds(state, "group.dependency_ratio > 0.5 && group.vulnerability_score > 3");
}

BENCHMARK(BM_PeerRule)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChildUnderFive)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RetirementAge)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DependencyAndVulnerability)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
