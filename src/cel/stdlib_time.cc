// Timestamps and durations: construction from text and numbers, arithmetic
// within CEL's ranges, and the calendar accessors (getFullYear, getHours, ...)
// in UTC or a named time zone.
#include "cel/eval_context.h"
#include "cel/functions.h"
#include "cel/time_util.h"

namespace spmis::cel {

namespace {

Value TimestampOrRangeError(std::optional<SecondsNanos> t) {
  if (!t || !TimestampInRange(*t)) return Value::Error("timestamp out of range");
  return Value::Timestamp(*t);
}

Value DurationOrRangeError(std::optional<SecondsNanos> d) {
  if (!d || !DurationInRange(*d)) return Value::Error("duration out of range");
  return Value::Duration(*d);
}

Value TimestampFromString(const Value* a, EvalContext&) {
  auto t = ParseTimestamp(a[0].text());
  if (!t) return Value::Error("cannot parse \"" + std::string(a[0].text()) + "\" as a timestamp");
  return Value::Timestamp(*t);
}
Value TimestampFromInt(const Value* a, EvalContext&) {
  return TimestampOrRangeError(SecondsNanos{a[0].int_value(), 0});
}
Value DurationFromString(const Value* a, EvalContext&) {
  auto d = ParseDuration(a[0].text());
  if (!d) return Value::Error("cannot parse \"" + std::string(a[0].text()) + "\" as a duration");
  return Value::Duration(*d);
}
Value Identity(const Value* a, EvalContext&) { return a[0]; }

Value AddTimestampDuration(const Value* a, EvalContext&) {
  const Value& t = a[0].is(ValueKind::kTimestamp) ? a[0] : a[1];
  const Value& d = a[0].is(ValueKind::kTimestamp) ? a[1] : a[0];
  return TimestampOrRangeError(AddToTimestamp(t.time_value(), d.time_value(), 1));
}
Value SubTimestampDuration(const Value* a, EvalContext&) {
  return TimestampOrRangeError(AddToTimestamp(a[0].time_value(), a[1].time_value(), -1));
}
Value SubTimestamps(const Value* a, EvalContext&) {
  return DurationOrRangeError(TimestampDifference(a[0].time_value(), a[1].time_value()));
}
Value AddDurations(const Value* a, EvalContext&) {
  return DurationOrRangeError(AddDurations(a[0].time_value(), a[1].time_value(), 1));
}
Value SubDurations(const Value* a, EvalContext&) {
  return DurationOrRangeError(AddDurations(a[0].time_value(), a[1].time_value(), -1));
}
Value NegDuration(const Value* a, EvalContext&) {
  return DurationOrRangeError(AddDurations(SecondsNanos{}, a[0].time_value(), -1));
}

enum class Field {
  kFullYear,
  kMonth,
  kDayOfYear,
  kDayOfMonth,
  kDate,
  kDayOfWeek,
  kHours,
  kMinutes,
  kSeconds
};

template <Field F, bool kWithZone>
Value TimestampField(const Value* a, EvalContext&) {
  std::string_view zone = kWithZone ? a[1].text() : std::string_view();
  auto civil = CivilTime(a[0].time_value(), zone);
  if (!civil) return Value::Error("unknown time zone: " + std::string(zone));
  switch (F) {
    case Field::kFullYear:
      return Value::Int(civil->year);
    case Field::kMonth:
      return Value::Int(civil->month - 1);
    case Field::kDayOfYear:
      return Value::Int(civil->day_of_year - 1);
    case Field::kDayOfMonth:
      return Value::Int(civil->day - 1);
    case Field::kDate:
      return Value::Int(civil->day);
    case Field::kDayOfWeek:
      return Value::Int(civil->day_of_week);
    case Field::kHours:
      return Value::Int(civil->hour);
    case Field::kMinutes:
      return Value::Int(civil->minute);
    case Field::kSeconds:
      return Value::Int(civil->second);
  }
  return Value::Error("unknown field");
}

template <bool kWithZone>
Value TimestampMillis(const Value* a, EvalContext&) {
  if (kWithZone) {
    std::string_view zone = a[1].text();
    if (!CivilTime(a[0].time_value(), zone))
      return Value::Error("unknown time zone: " + std::string(zone));
  }
  return Value::Int(a[0].time_value().nanos / 1000000);
}

Value DurationHours(const Value* a, EvalContext&) {
  return Value::Int(a[0].time_value().seconds / 3600);
}
Value DurationMinutes(const Value* a, EvalContext&) {
  return Value::Int(a[0].time_value().seconds / 60);
}
Value DurationSeconds(const Value* a, EvalContext&) {
  return Value::Int(a[0].time_value().seconds);
}
// The milliseconds part of the duration (123.321s gives 321), as CEL defines it.
Value DurationMillis(const Value* a, EvalContext&) {
  return Value::Int(a[0].time_value().nanos / 1000000);
}

template <Field F>
void AddTimestampAccessor(FunctionRegistry& r, const char* name, const char* id) {
  r.Add(name, std::string("timestamp_to_") + id, true, {"timestamp"}, "int",
        TimestampField<F, false>);
  r.Add(name, std::string("timestamp_to_") + id + "_with_tz", true, {"timestamp", "string"}, "int",
        TimestampField<F, true>);
}

}  // namespace

void RegisterTimeFunctions(FunctionRegistry& r) {
  r.Add("timestamp", "string_to_timestamp", false, {"string"}, "timestamp", TimestampFromString);
  r.Add("timestamp", "int64_to_timestamp", false, {"int"}, "timestamp", TimestampFromInt);
  r.Add("timestamp", "timestamp_to_timestamp", false, {"timestamp"}, "timestamp", Identity);
  r.Add("duration", "string_to_duration", false, {"string"}, "duration", DurationFromString);
  r.Add("duration", "duration_to_duration", false, {"duration"}, "duration", Identity);

  r.Add("_+_", "add_timestamp_duration", false, {"timestamp", "duration"}, "timestamp",
        AddTimestampDuration);
  r.Add("_+_", "add_duration_timestamp", false, {"duration", "timestamp"}, "timestamp",
        AddTimestampDuration);
  r.Add("_+_", "add_duration_duration", false, {"duration", "duration"}, "duration", AddDurations);
  r.Add("_-_", "subtract_timestamp_timestamp", false, {"timestamp", "timestamp"}, "duration",
        SubTimestamps);
  r.Add("_-_", "subtract_timestamp_duration", false, {"timestamp", "duration"}, "timestamp",
        SubTimestampDuration);
  r.Add("_-_", "subtract_duration_duration", false, {"duration", "duration"}, "duration",
        SubDurations);
  r.Add("-_", "negate_duration", false, {"duration"}, "duration", NegDuration);

  AddTimestampAccessor<Field::kFullYear>(r, "getFullYear", "year");
  AddTimestampAccessor<Field::kMonth>(r, "getMonth", "month");
  AddTimestampAccessor<Field::kDayOfYear>(r, "getDayOfYear", "day_of_year");
  AddTimestampAccessor<Field::kDayOfMonth>(r, "getDayOfMonth", "day_of_month");
  AddTimestampAccessor<Field::kDate>(r, "getDate", "day_of_month_1_based");
  AddTimestampAccessor<Field::kDayOfWeek>(r, "getDayOfWeek", "day_of_week");
  AddTimestampAccessor<Field::kHours>(r, "getHours", "hours");
  AddTimestampAccessor<Field::kMinutes>(r, "getMinutes", "minutes");
  AddTimestampAccessor<Field::kSeconds>(r, "getSeconds", "seconds");
  r.Add("getMilliseconds", "timestamp_to_milliseconds", true, {"timestamp"}, "int",
        TimestampMillis<false>);
  r.Add("getMilliseconds", "timestamp_to_milliseconds_with_tz", true, {"timestamp", "string"},
        "int", TimestampMillis<true>);
  r.Add("getHours", "duration_to_hours", true, {"duration"}, "int", DurationHours);
  r.Add("getMinutes", "duration_to_minutes", true, {"duration"}, "int", DurationMinutes);
  r.Add("getSeconds", "duration_to_seconds", true, {"duration"}, "int", DurationSeconds);
  r.Add("getMilliseconds", "duration_to_milliseconds", true, {"duration"}, "int", DurationMillis);
}

}  // namespace spmis::cel
