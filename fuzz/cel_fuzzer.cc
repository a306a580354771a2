// libFuzzer target over the CEL engine: parse, check and evaluate whatever
// bytes it is given, in both dialects, with and without the checker, against
// variables of every kind. Any crash, hang, leak or undefined behaviour is a
// bug; refusing the input with an error is the expected outcome for most.
//   scripts/fuzz-cel.sh [SECONDS]
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cel/program.h"
#include "cel/record_table.h"

namespace {

using namespace spmis::cel;

struct Fixture {
  Environment checked;
  Environment unchecked;
  std::unique_ptr<RecordTable> members;
  std::unique_ptr<RecordTable> households;
  Activation activation;

  Fixture() {
    auto member = checked.DeclareRecord("Member", {{"age", Type::Of(TypeKind::kInt)},
                                                   {"role", Type::Of(TypeKind::kString)},
                                                   {"birthdate", Type::Of(TypeKind::kTimestamp)}});
    auto household = checked.DeclareRecord(
        "Household",
        {{"members", Type::List(Type::Record("Member"))}, {"income", Type::Of(TypeKind::kDouble)}});
    checked.DeclareVariable("group", Type::Record("Household"));
    checked.DeclareVariable("x", Type::Of(TypeKind::kInt));
    checked.DeclareVariable("s", Type::Of(TypeKind::kString));
    checked.DeclareVariable("m", Type::Map(Type::Of(TypeKind::kString), Type::Dyn()));
    checked.DeclareVariable("l", Type::List(Type::Of(TypeKind::kInt)));
    checked.cost_limit = 100'000;
    checked.parse_options.max_length = 4096;
    unchecked = checked;
    unchecked.check = false;

    members = std::make_unique<RecordTable>(
        member, std::vector{ColumnKind::kInt, ColumnKind::kString, ColumnKind::kValue});
    households = std::make_unique<RecordTable>(household,
                                               std::vector{ColumnKind::kRows, ColumnKind::kDouble});
    for (int i = 0; i < 3; ++i) {
      uint32_t row = members->AddRow();
      if (i != 2) members->SetInt(row, 0, i * 30);  // the last age is unknown
      members->SetString(row, 1, i == 0 ? "head" : "child");
      members->SetValue(row, 2, Value::Timestamp({i * 1000000000LL, 0}));
    }
    households->AddRow();
    households->SetRows(0, 0, members.get(), 0, 3);
    households->SetDouble(0, 1, 812.5);
    activation.Bind("group", households->Row(0));
    activation.Bind("x", Value::Int(42));
    activation.Bind("s", Value::String("héllo"));
    auto map = std::make_shared<HashMapObject>();
    map->Insert(Value::String("k"), Value::Int(1));
    map->Insert(Value::String("list"), Value::List({Value::Int(1), Value::Double(2.5)}));
    activation.Bind("m", Value::Map(map));
    activation.Bind("l", Value::List({Value::Int(3), Value::Int(1), Value::Int(2)}));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  if (size == 0) return 0;
  uint8_t mode = data[0];
  std::string_view source(reinterpret_cast<const char*>(data + 1), size - 1);
  Environment& env = (mode & 1) ? fixture.unchecked : fixture.checked;
  env.parse_options.dialect = (mode & 2) ? Dialect::kOpenSpp : Dialect::kStandard;
  auto program = Program::Compile(source, env);
  if (!program.ok()) return 0;
  EvalContext context;
  Value result = program->Evaluate(fixture.activation, context);
  (void)result.DebugString();
  if (mode & 4) (void)program->Explain(fixture.activation, context);
  return 0;
}
