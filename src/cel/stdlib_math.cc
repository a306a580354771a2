// The `math` extension: greatest and least over numbers of mixed kinds, the
// rounding functions, abs and sign with overflow checks, the NaN and infinity
// tests, and bit operations.
#include <cmath>

#include "cel/eval_context.h"
#include "cel/functions.h"

namespace spmis::cel {

namespace {

bool IsNumber(const Value& v) {
  return v.is(ValueKind::kInt) || v.is(ValueKind::kUint) || v.is(ValueKind::kDouble);
}

// The greatest (want = 1) or least (want = -1) of numbers; the first of equals.
Value Extreme(const Value* values, size_t count, int want) {
  if (count == 0)
    return Value::Error(want > 0 ? "math.greatest() needs at least one number"
                                 : "math.least() needs at least one number");
  const Value* best = nullptr;
  for (size_t i = 0; i < count; ++i) {
    if (!IsNumber(values[i])) return Value::Error("no such overload");
    if (best == nullptr) {
      best = &values[i];
      continue;
    }
    auto c = Compare(values[i], *best);
    if (c && *c == want) best = &values[i];
  }
  return *best;
}

template <int kWant>
Value ExtremeOfArgs(const Value* a, size_t n) {
  if (n == 1 && a[0].is(ValueKind::kList)) {
    std::vector<Value> items;
    for (uint32_t i = 0; i < a[0].list_size(); ++i) items.push_back(a[0].list_at(i));
    return Extreme(items.data(), items.size(), kWant);
  }
  return Extreme(a, n, kWant);
}

template <int kWant, size_t kCount>
Value ExtremeN(const Value* a, EvalContext&) {
  return ExtremeOfArgs<kWant>(a, kCount);
}

template <int kWant, size_t... kCounts>
void AddExtremes(FunctionRegistry& r, const char* name, std::index_sequence<kCounts...>) {
  (
      [&] {
        constexpr size_t n = kCounts + 2;
        std::vector<std::string_view> args(n, "dyn");
        r.Add(name, std::string(name) + "_" + std::to_string(n), false, args, "dyn",
              ExtremeN<kWant, n>);
      }(),
      ...);
}

Value Ceil(const Value* a, EvalContext&) { return Value::Double(std::ceil(a[0].double_value())); }
Value Floor(const Value* a, EvalContext&) { return Value::Double(std::floor(a[0].double_value())); }
Value Round(const Value* a, EvalContext&) { return Value::Double(std::round(a[0].double_value())); }
Value Trunc(const Value* a, EvalContext&) { return Value::Double(std::trunc(a[0].double_value())); }
Value AbsInt(const Value* a, EvalContext&) {
  if (a[0].int_value() == INT64_MIN) return Value::Error("integer overflow");
  return Value::Int(a[0].int_value() < 0 ? -a[0].int_value() : a[0].int_value());
}
Value AbsUint(const Value* a, EvalContext&) { return a[0]; }
Value AbsDouble(const Value* a, EvalContext&) {
  return Value::Double(std::fabs(a[0].double_value()));
}
Value SignInt(const Value* a, EvalContext&) {
  int64_t v = a[0].int_value();
  return Value::Int(v > 0 ? 1 : (v < 0 ? -1 : 0));
}
Value SignUint(const Value* a, EvalContext&) { return Value::Uint(a[0].uint_value() > 0 ? 1 : 0); }
Value SignDouble(const Value* a, EvalContext&) {
  double v = a[0].double_value();
  if (std::isnan(v)) return a[0];
  return Value::Double(v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0));
}
Value IsNaN(const Value* a, EvalContext&) { return Value::Bool(std::isnan(a[0].double_value())); }
Value IsInf(const Value* a, EvalContext&) { return Value::Bool(std::isinf(a[0].double_value())); }
Value IsFinite(const Value* a, EvalContext&) {
  return Value::Bool(std::isfinite(a[0].double_value()));
}
Value Sqrt(const Value* a, EvalContext&) {
  double v = a[0].is(ValueKind::kDouble) ? a[0].double_value()
             : a[0].is(ValueKind::kInt)  ? static_cast<double>(a[0].int_value())
                                         : static_cast<double>(a[0].uint_value());
  return Value::Double(std::sqrt(v));
}

Value BitAndInt(const Value* a, EvalContext&) {
  return Value::Int(a[0].int_value() & a[1].int_value());
}
Value BitAndUint(const Value* a, EvalContext&) {
  return Value::Uint(a[0].uint_value() & a[1].uint_value());
}
Value BitOrInt(const Value* a, EvalContext&) {
  return Value::Int(a[0].int_value() | a[1].int_value());
}
Value BitOrUint(const Value* a, EvalContext&) {
  return Value::Uint(a[0].uint_value() | a[1].uint_value());
}
Value BitXorInt(const Value* a, EvalContext&) {
  return Value::Int(a[0].int_value() ^ a[1].int_value());
}
Value BitXorUint(const Value* a, EvalContext&) {
  return Value::Uint(a[0].uint_value() ^ a[1].uint_value());
}
Value BitNotInt(const Value* a, EvalContext&) { return Value::Int(~a[0].int_value()); }
Value BitNotUint(const Value* a, EvalContext&) { return Value::Uint(~a[0].uint_value()); }

template <bool kLeft>
Value ShiftInt(const Value* a, EvalContext&) {
  int64_t by = a[1].int_value();
  if (by < 0) return Value::Error("math.bitShift: negative offset " + std::to_string(by));
  if (by >= 64) return Value::Int(0);
  auto bits = static_cast<uint64_t>(a[0].int_value());
  return Value::Int(static_cast<int64_t>(kLeft ? bits << by : bits >> by));
}
template <bool kLeft>
Value ShiftUint(const Value* a, EvalContext&) {
  int64_t by = a[1].int_value();
  if (by < 0) return Value::Error("math.bitShift: negative offset " + std::to_string(by));
  if (by >= 64) return Value::Uint(0);
  uint64_t bits = a[0].uint_value();
  return Value::Uint(kLeft ? bits << by : bits >> by);
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry& r) {
  for (const char* type : {"int", "uint", "double"}) {
    std::string t = type;
    r.Add("math.greatest", "math_greatest_" + t, false, {type}, type, ExtremeN<1, 1>);
    r.Add("math.least", "math_least_" + t, false, {type}, type, ExtremeN<-1, 1>);
    std::string list = "list(" + t + ")";
    r.Add("math.greatest", "math_greatest_list_" + t, false, {list}, type, ExtremeN<1, 1>);
    r.Add("math.least", "math_least_list_" + t, false, {list}, type, ExtremeN<-1, 1>);
  }
  r.Add("math.greatest", "math_greatest_list_dyn", false, {"list(dyn)"}, "dyn", ExtremeN<1, 1>);
  r.Add("math.least", "math_least_list_dyn", false, {"list(dyn)"}, "dyn", ExtremeN<-1, 1>);
  AddExtremes<1>(r, "math.greatest", std::make_index_sequence<15>());
  AddExtremes<-1>(r, "math.least", std::make_index_sequence<15>());

  r.Add("math.ceil", "math_ceil_double", false, {"double"}, "double", Ceil);
  r.Add("math.floor", "math_floor_double", false, {"double"}, "double", Floor);
  r.Add("math.round", "math_round_double", false, {"double"}, "double", Round);
  r.Add("math.trunc", "math_trunc_double", false, {"double"}, "double", Trunc);
  r.Add("math.abs", "math_abs_int", false, {"int"}, "int", AbsInt);
  r.Add("math.abs", "math_abs_uint", false, {"uint"}, "uint", AbsUint);
  r.Add("math.abs", "math_abs_double", false, {"double"}, "double", AbsDouble);
  r.Add("math.sign", "math_sign_int", false, {"int"}, "int", SignInt);
  r.Add("math.sign", "math_sign_uint", false, {"uint"}, "uint", SignUint);
  r.Add("math.sign", "math_sign_double", false, {"double"}, "double", SignDouble);
  r.Add("math.isNaN", "math_isNaN_double", false, {"double"}, "bool", IsNaN);
  r.Add("math.isInf", "math_isInf_double", false, {"double"}, "bool", IsInf);
  r.Add("math.isFinite", "math_isFinite_double", false, {"double"}, "bool", IsFinite);
  r.Add("math.sqrt", "math_sqrt_double", false, {"double"}, "double", Sqrt);
  r.Add("math.sqrt", "math_sqrt_int", false, {"int"}, "double", Sqrt);
  r.Add("math.sqrt", "math_sqrt_uint", false, {"uint"}, "double", Sqrt);
  r.Add("math.bitAnd", "math_bitAnd_int_int", false, {"int", "int"}, "int", BitAndInt);
  r.Add("math.bitAnd", "math_bitAnd_uint_uint", false, {"uint", "uint"}, "uint", BitAndUint);
  r.Add("math.bitOr", "math_bitOr_int_int", false, {"int", "int"}, "int", BitOrInt);
  r.Add("math.bitOr", "math_bitOr_uint_uint", false, {"uint", "uint"}, "uint", BitOrUint);
  r.Add("math.bitXor", "math_bitXor_int_int", false, {"int", "int"}, "int", BitXorInt);
  r.Add("math.bitXor", "math_bitXor_uint_uint", false, {"uint", "uint"}, "uint", BitXorUint);
  r.Add("math.bitNot", "math_bitNot_int_int", false, {"int"}, "int", BitNotInt);
  r.Add("math.bitNot", "math_bitNot_uint_uint", false, {"uint"}, "uint", BitNotUint);
  r.Add("math.bitShiftLeft", "math_bitShiftLeft_int_int", false, {"int", "int"}, "int",
        ShiftInt<true>);
  r.Add("math.bitShiftLeft", "math_bitShiftLeft_uint_int", false, {"uint", "int"}, "uint",
        ShiftUint<true>);
  r.Add("math.bitShiftRight", "math_bitShiftRight_int_int", false, {"int", "int"}, "int",
        ShiftInt<false>);
  r.Add("math.bitShiftRight", "math_bitShiftRight_uint_int", false, {"uint", "int"}, "uint",
        ShiftUint<false>);
}

}  // namespace spmis::cel
