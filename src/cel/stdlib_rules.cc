// Functions for rule writers, as OpenSPP's rule language has them (and
// usable from standard CEL too): ages against the evaluation date, min, max,
// abs, between, head(member), startswith, is_female, is_male, and the sum that
// members.sum(...) accumulates with.
#include <cctz/civil_time.h>

#include <cmath>

#include "cel/eval_context.h"
#include "cel/functions.h"
#include "cel/time_util.h"

namespace spmis::cel {

namespace {

// A date given as a timestamp or as text ("2019-05-01" or RFC 3339).
std::optional<cctz::civil_day> DateOf(const Value& v) {
  SecondsNanos t{};
  if (v.is(ValueKind::kTimestamp)) {
    t = v.time_value();
  } else if (v.is(ValueKind::kString)) {
    std::string text(v.text());
    if (text.size() == 10) text += "T00:00:00Z";
    auto parsed = ParseTimestamp(text);
    if (!parsed) return std::nullopt;
    t = *parsed;
  } else {
    return std::nullopt;
  }
  cctz::civil_second epoch(1970, 1, 1, 0, 0, 0);
  return cctz::civil_day(epoch + t.seconds);
}

cctz::civil_day AsOf(const EvalContext& context) {
  return cctz::civil_day(cctz::civil_second(1970, 1, 1, 0, 0, 0) + context.as_of.seconds);
}

Value BadDate(const Value& v) {
  if (v.is(ValueKind::kNull)) return Value::Error("the date is not known");
  return Value::Error("not a date: " + v.DebugString() + " (give a timestamp or \"YYYY-MM-DD\")");
}

Value AgeYears(const Value* a, EvalContext& context) {
  auto born = DateOf(a[0]);
  if (!born) return BadDate(a[0]);
  cctz::civil_day today = AsOf(context);
  int64_t years = today.year() - born->year();
  if (today.month() < born->month() ||
      (today.month() == born->month() && today.day() < born->day())) {
    --years;
  }
  return Value::Int(years);
}

Value AgeMonths(const Value* a, EvalContext& context) {
  auto born = DateOf(a[0]);
  if (!born) return BadDate(a[0]);
  cctz::civil_day today = AsOf(context);
  int64_t months = (today.year() - born->year()) * 12 + (today.month() - born->month());
  if (today.day() < born->day()) --months;
  return Value::Int(months);
}

Value AgeDays(const Value* a, EvalContext& context) {
  auto born = DateOf(a[0]);
  if (!born) return BadDate(a[0]);
  return Value::Int(AsOf(context) - *born);
}

bool IsNumber(const Value& v) {
  return v.is(ValueKind::kInt) || v.is(ValueKind::kUint) || v.is(ValueKind::kDouble);
}

template <int kWant>
Value Extreme(const Value* a, EvalContext&) {
  auto c = Compare(a[0], a[1]);
  if (!c) return Value::Error("no such overload");
  return *c == kWant || *c == 0 ? a[0] : a[1];
}

Value Between(const Value* a, EvalContext&) {
  auto low = Compare(a[0], a[1]);
  auto high = Compare(a[0], a[2]);
  if (!low || !high) return Value::Error("between() needs values that compare with each other");
  return Value::Bool(*low >= 0 && *high <= 0);
}

Value AbsNumber(const Value* a, EvalContext&) {
  if (a[0].is(ValueKind::kInt)) {
    if (a[0].int_value() == INT64_MIN) return Value::Error("integer overflow");
    return Value::Int(std::llabs(a[0].int_value()));
  }
  if (a[0].is(ValueKind::kDouble)) return Value::Double(std::fabs(a[0].double_value()));
  if (a[0].is(ValueKind::kUint)) return a[0];
  return Value::Error("no such overload");
}

// A field of a record or a key of a map, or null when it has none.
Value FieldOf(const Value& v, std::string_view name) {
  if (v.is(ValueKind::kRecord)) {
    int slot = v.record().Type().FieldSlot(name);
    if (slot >= 0) return v.record().Field(v.record_row(), slot);
  } else if (v.is(ValueKind::kMap)) {
    if (const Value* found = v.map().Find(Value::BorrowedString(name))) return *found;
  }
  return Value::Null();
}

Value Head(const Value* a, EvalContext&) {
  if (!a[0].is(ValueKind::kRecord) && !a[0].is(ValueKind::kMap)) {
    return Value::Error("head() needs a household member");
  }
  Value role = FieldOf(a[0], "role");
  if (role.is(ValueKind::kString)) return Value::Bool(role.text() == "head");
  Value is_head = FieldOf(a[0], "is_head");
  if (is_head.is(ValueKind::kBool)) return is_head;
  return Value::Error("head() needs a member with a role");
}

Value StartsWith(const Value* a, EvalContext&) {
  return Value::Bool(a[0].text().starts_with(a[1].text()));
}

template <bool kFemale>
Value IsSex(const Value* a, EvalContext&) {
  if (a[0].is(ValueKind::kNull)) return Value::Bool(false);
  return Value::Bool(a[0].text() == (kFemale ? "female" : "male"));
}

// The running total of members.sum(...): int while every term is an int,
// double once one is not.
Value SumAdd(const Value* a, EvalContext&) {
  if (!IsNumber(a[1])) return Value::Error("sum() adds numbers, not " + a[1].DebugString());
  if (a[0].is(ValueKind::kInt) && a[1].is(ValueKind::kInt)) {
    int64_t r;
    if (__builtin_add_overflow(a[0].int_value(), a[1].int_value(), &r)) {
      return Value::Error("integer overflow");
    }
    return Value::Int(r);
  }
  auto as_double = [](const Value& v) {
    return v.is(ValueKind::kDouble) ? v.double_value()
           : v.is(ValueKind::kInt)  ? static_cast<double>(v.int_value())
                                    : static_cast<double>(v.uint_value());
  };
  return Value::Double(as_double(a[0]) + as_double(a[1]));
}

}  // namespace

void RegisterRuleFunctions(FunctionRegistry& r) {
  for (const char* date : {"timestamp", "string", "null_type"}) {
    std::string d = date;
    r.Add("age_years", "age_years_" + d, false, {date}, "int", AgeYears);
    r.Add("age_months", "age_months_" + d, false, {date}, "int", AgeMonths);
    r.Add("age_days", "age_days_" + d, false, {date}, "int", AgeDays);
  }
  r.Add("min", "min_dyn", false, {"dyn", "dyn"}, "dyn", Extreme<-1>);
  r.Add("max", "max_dyn", false, {"dyn", "dyn"}, "dyn", Extreme<1>);
  r.Add("abs", "abs_int", false, {"int"}, "int", AbsNumber);
  r.Add("abs", "abs_double", false, {"double"}, "double", AbsNumber);
  r.Add("abs", "abs_uint", false, {"uint"}, "uint", AbsNumber);
  r.Add("between", "between_dyn", false, {"dyn", "dyn", "dyn"}, "bool", Between);
  r.Add("head", "head_member", false, {"dyn"}, "bool", Head);
  r.Add("startswith", "startswith_string", false, {"string", "string"}, "bool", StartsWith);
  r.Add("is_female", "is_female_string", false, {"string"}, "bool", IsSex<true>);
  r.Add("is_female", "is_female_null", false, {"null_type"}, "bool", IsSex<true>);
  r.Add("is_male", "is_male_string", false, {"string"}, "bool", IsSex<false>);
  r.Add("is_male", "is_male_null", false, {"null_type"}, "bool", IsSex<false>);
  r.Add("@sum_add", "sum_add", false, {"dyn", "dyn"}, "dyn", SumAdd);
}

}  // namespace spmis::cel
