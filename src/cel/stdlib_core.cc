// The CEL standard library: arithmetic with overflow checks, comparisons,
// equality, membership, indexing, size, and the type conversions.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "cel/eval_context.h"
#include "cel/functions.h"
#include "cel/time_util.h"
#include "cel/utf8.h"

namespace spmis::cel {

namespace {

Value Overflow() { return Value::Error("integer overflow"); }

// --- arithmetic ---------------------------------------------------------------

Value AddInt(const Value* a, EvalContext&) {
  int64_t r;
  if (__builtin_add_overflow(a[0].int_value(), a[1].int_value(), &r)) return Overflow();
  return Value::Int(r);
}
Value SubInt(const Value* a, EvalContext&) {
  int64_t r;
  if (__builtin_sub_overflow(a[0].int_value(), a[1].int_value(), &r)) return Overflow();
  return Value::Int(r);
}
Value MulInt(const Value* a, EvalContext&) {
  int64_t r;
  if (__builtin_mul_overflow(a[0].int_value(), a[1].int_value(), &r)) return Overflow();
  return Value::Int(r);
}
Value DivInt(const Value* a, EvalContext&) {
  int64_t x = a[0].int_value(), y = a[1].int_value();
  if (y == 0) return Value::Error("division by zero");
  if (x == INT64_MIN && y == -1) return Overflow();
  return Value::Int(x / y);
}
Value ModInt(const Value* a, EvalContext&) {
  int64_t x = a[0].int_value(), y = a[1].int_value();
  if (y == 0) return Value::Error("modulus by zero");
  if (x == INT64_MIN && y == -1) return Overflow();
  return Value::Int(x % y);
}
Value NegInt(const Value* a, EvalContext&) {
  if (a[0].int_value() == INT64_MIN) return Overflow();
  return Value::Int(-a[0].int_value());
}
Value AddUint(const Value* a, EvalContext&) {
  uint64_t r;
  if (__builtin_add_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Overflow();
  return Value::Uint(r);
}
Value SubUint(const Value* a, EvalContext&) {
  uint64_t r;
  if (__builtin_sub_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Overflow();
  return Value::Uint(r);
}
Value MulUint(const Value* a, EvalContext&) {
  uint64_t r;
  if (__builtin_mul_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Overflow();
  return Value::Uint(r);
}
Value DivUint(const Value* a, EvalContext&) {
  if (a[1].uint_value() == 0) return Value::Error("division by zero");
  return Value::Uint(a[0].uint_value() / a[1].uint_value());
}
Value ModUint(const Value* a, EvalContext&) {
  if (a[1].uint_value() == 0) return Value::Error("modulus by zero");
  return Value::Uint(a[0].uint_value() % a[1].uint_value());
}
Value AddDouble(const Value* a, EvalContext&) {
  return Value::Double(a[0].double_value() + a[1].double_value());
}
Value SubDouble(const Value* a, EvalContext&) {
  return Value::Double(a[0].double_value() - a[1].double_value());
}
Value MulDouble(const Value* a, EvalContext&) {
  return Value::Double(a[0].double_value() * a[1].double_value());
}
Value DivDouble(const Value* a, EvalContext&) {
  return Value::Double(a[0].double_value() / a[1].double_value());
}
Value NegDouble(const Value* a, EvalContext&) { return Value::Double(-a[0].double_value()); }

Value Concat(const Value* a, EvalContext&) {
  std::string s;
  s.reserve(a[0].text().size() + a[1].text().size());
  s.append(a[0].text()).append(a[1].text());
  return a[0].is(ValueKind::kBytes) ? Value::Bytes(std::move(s)) : Value::String(std::move(s));
}

Value ConcatLists(const Value* a, EvalContext&) {
  if (a[0].list_size() == 0) return a[1];
  if (a[1].list_size() == 0) return a[0];
  std::vector<Value> items;
  items.reserve(a[0].list_size() + a[1].list_size());
  for (uint32_t i = 0; i < a[0].list_size(); ++i) items.push_back(a[0].list_at(i));
  for (uint32_t i = 0; i < a[1].list_size(); ++i) items.push_back(a[1].list_at(i));
  return Value::List(std::move(items));
}

Value Not(const Value* a, EvalContext&) { return Value::Bool(!a[0].bool_value()); }

// --- comparison -----------------------------------------------------------------

template <bool (*Test)(int)>
Value CompareWith(const Value* a, EvalContext&) {
  auto c = Compare(a[0], a[1]);
  if (!c) {
    // NaN compares false with everything; other mismatches have no overload.
    if ((a[0].is(ValueKind::kDouble) && std::isnan(a[0].double_value())) ||
        (a[1].is(ValueKind::kDouble) && std::isnan(a[1].double_value()))) {
      return Value::Bool(false);
    }
    return Value::Error("no such overload");
  }
  return Value::Bool(Test(*c));
}
bool IsLess(int c) { return c < 0; }
bool IsLessEq(int c) { return c <= 0; }
bool IsGreater(int c) { return c > 0; }
bool IsGreaterEq(int c) { return c >= 0; }

Value Eq(const Value* a, EvalContext&) { return Equals(a[0], a[1]); }
Value Ne(const Value* a, EvalContext&) {
  Value e = Equals(a[0], a[1]);
  return e.IsError() ? e : Value::Bool(!e.bool_value());
}

// --- lists and maps ---------------------------------------------------------------

Value InList(const Value* a, EvalContext&) {
  const Value& list = a[1];
  for (uint32_t i = 0; i < list.list_size(); ++i) {
    if (EqualsStrict(a[0], list.list_at(i))) return Value::Bool(true);
  }
  return Value::Bool(false);
}

Value InMap(const Value* a, EvalContext&) { return Value::Bool(a[1].map().Find(a[0]) != nullptr); }

// An integral index of any numeric kind, as heterogeneous equality allows.
std::optional<int64_t> IndexOf(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kInt:
      return v.int_value();
    case ValueKind::kUint:
      if (v.uint_value() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
      return static_cast<int64_t>(v.uint_value());
    case ValueKind::kDouble: {
      double d = v.double_value();
      if (d != std::trunc(d) || d < -9e18 || d > 9e18) return std::nullopt;
      return static_cast<int64_t>(d);
    }
    default:
      return std::nullopt;
  }
}

Value IndexList(const Value* a, EvalContext&) {
  auto index = IndexOf(a[1]);
  if (!index) {
    if (a[1].is(ValueKind::kDouble)) return Value::Error("invalid list index: not an integer");
    return Value::Error("no such overload");
  }
  if (*index < 0 || *index >= a[0].list_size()) {
    return Value::Error("index out of range: " + std::to_string(*index));
  }
  return a[0].list_at(static_cast<uint32_t>(*index));
}

Value IndexMap(const Value* a, EvalContext&) {
  if (!IsValidMapKey(a[1]) && !a[1].is(ValueKind::kDouble)) {
    return Value::Error("unsupported map key type: " + std::string(KindTypeName(a[1].kind())));
  }
  const Value* found = a[0].map().Find(a[1]);
  if (found == nullptr) return Value::Error("no such key: " + a[1].DebugString());
  return *found;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Value SizeString(const Value* a, EvalContext&) {
  return Value::Int(static_cast<int64_t>(CodePoints(a[0].text())));
}
Value SizeBytes(const Value* a, EvalContext&) {
  return Value::Int(static_cast<int64_t>(a[0].text().size()));
}
Value SizeList(const Value* a, EvalContext&) { return Value::Int(a[0].list_size()); }
Value SizeMap(const Value* a, EvalContext&) { return Value::Int(a[0].map().Size()); }

Value MapInsert(const Value* a, EvalContext&) {
  auto map = std::make_shared<HashMapObject>();
  const MapObject& old = a[0].map();
  for (uint32_t i = 0; i < old.Size(); ++i) map->Insert(old.KeyAt(i), old.ValueAt(i));
  if (!IsValidMapKey(a[1])) return Value::Error("unsupported map key type");
  if (!map->Insert(a[1], a[2])) return Value::Error("repeated map key: " + a[1].DebugString());
  return Value::Map(std::move(map));
}

// --- conversions -----------------------------------------------------------------

Value Identity(const Value* a, EvalContext&) { return a[0]; }

Value IntFromUint(const Value* a, EvalContext&) {
  if (a[0].uint_value() > static_cast<uint64_t>(INT64_MAX)) return Value::Error("range error");
  return Value::Int(static_cast<int64_t>(a[0].uint_value()));
}
Value IntFromDouble(const Value* a, EvalContext&) {
  double d = a[0].double_value();
  // The int64 range, excluding the ends that a double cannot tell apart from
  // values just outside it.
  if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0)) {
    return Value::Error("range error: " + std::to_string(d) + " is not in the range of int");
  }
  return Value::Int(static_cast<int64_t>(d));
}
Value IntFromString(const Value* a, EvalContext&) {
  std::string_view s = a[0].text();
  int64_t v;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
    return Value::Error("cannot convert \"" + std::string(s) + "\" to int");
  }
  return Value::Int(v);
}
Value IntFromTimestamp(const Value* a, EvalContext&) {
  return Value::Int(a[0].time_value().seconds);
}

Value UintFromInt(const Value* a, EvalContext&) {
  if (a[0].int_value() < 0) return Value::Error("range error");
  return Value::Uint(static_cast<uint64_t>(a[0].int_value()));
}
Value UintFromDouble(const Value* a, EvalContext&) {
  double d = a[0].double_value();
  if (!(d > -1.0 && d < 18446744073709551616.0)) return Value::Error("range error");
  return Value::Uint(static_cast<uint64_t>(d));
}
Value UintFromString(const Value* a, EvalContext&) {
  std::string_view s = a[0].text();
  uint64_t v;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
    return Value::Error("cannot convert \"" + std::string(s) + "\" to uint");
  }
  return Value::Uint(v);
}

Value DoubleFromInt(const Value* a, EvalContext&) {
  return Value::Double(static_cast<double>(a[0].int_value()));
}
Value DoubleFromUint(const Value* a, EvalContext&) {
  return Value::Double(static_cast<double>(a[0].uint_value()));
}
Value DoubleFromString(const Value* a, EvalContext&) {
  std::string s(a[0].text());
  if (s == "NaN") return Value::Double(std::numeric_limits<double>::quiet_NaN());
  if (s == "Infinity" || s == "+Infinity" || s == "inf") {
    return Value::Double(std::numeric_limits<double>::infinity());
  }
  if (s == "-Infinity" || s == "-inf")
    return Value::Double(-std::numeric_limits<double>::infinity());
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || std::isspace(static_cast<unsigned char>(s[0]))) {
    return Value::Error("cannot convert \"" + s + "\" to double");
  }
  return Value::Double(d);
}

Value StringFromInt(const Value* a, EvalContext&) {
  return Value::String(std::to_string(a[0].int_value()));
}
Value StringFromUint(const Value* a, EvalContext&) {
  return Value::String(std::to_string(a[0].uint_value()));
}
Value StringFromDouble(const Value* a, EvalContext&) {
  double d = a[0].double_value();
  if (std::isnan(d)) return Value::String("NaN");
  if (std::isinf(d)) return Value::String(d > 0 ? "+Inf" : "-Inf");
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  return Value::String(std::string(buffer, end));
}
Value StringFromBool(const Value* a, EvalContext&) {
  return Value::String(a[0].bool_value() ? "true" : "false");
}
Value StringFromBytes(const Value* a, EvalContext&) {
  if (!IsValidUtf8(a[0].text())) return Value::Error("bytes are not valid UTF-8");
  return Value::String(std::string(a[0].text()));
}
Value StringFromTimestamp(const Value* a, EvalContext&) {
  return Value::String(FormatTimestamp(a[0].time_value()));
}
Value StringFromDuration(const Value* a, EvalContext&) {
  return Value::String(FormatDuration(a[0].time_value()));
}
Value BytesFromString(const Value* a, EvalContext&) {
  return Value::Bytes(std::string(a[0].text()));
}

Value BoolFromString(const Value* a, EvalContext&) {
  std::string_view s = a[0].text();
  if (s == "1" || s == "t" || s == "true" || s == "TRUE" || s == "True") return Value::Bool(true);
  if (s == "0" || s == "f" || s == "false" || s == "FALSE" || s == "False") {
    return Value::Bool(false);
  }
  return Value::Error("cannot convert \"" + std::string(s) + "\" to bool");
}

Value TypeOfValue(const Value* a, EvalContext&) {
  if (a[0].is(ValueKind::kRecord)) return Value::Type(a[0].record().Type().name);
  return Value::Type(KindTypeName(a[0].kind()));
}

Value NotStrictlyFalse(const Value* a, EvalContext&) { return Value::Bool(!a[0].IsFalse()); }

}  // namespace

void RegisterCoreFunctions(FunctionRegistry& r) {
  r.Add("_+_", "add_int64", false, {"int", "int"}, "int", AddInt);
  r.Add("_+_", "add_uint64", false, {"uint", "uint"}, "uint", AddUint);
  r.Add("_+_", "add_double", false, {"double", "double"}, "double", AddDouble);
  r.Add("_+_", "add_string", false, {"string", "string"}, "string", Concat);
  r.Add("_+_", "add_bytes", false, {"bytes", "bytes"}, "bytes", Concat);
  r.Add("_+_", "add_list", false, {"list(A)", "list(A)"}, "list(A)", ConcatLists);
  r.Add("_-_", "subtract_int64", false, {"int", "int"}, "int", SubInt);
  r.Add("_-_", "subtract_uint64", false, {"uint", "uint"}, "uint", SubUint);
  r.Add("_-_", "subtract_double", false, {"double", "double"}, "double", SubDouble);
  r.Add("_*_", "multiply_int64", false, {"int", "int"}, "int", MulInt);
  r.Add("_*_", "multiply_uint64", false, {"uint", "uint"}, "uint", MulUint);
  r.Add("_*_", "multiply_double", false, {"double", "double"}, "double", MulDouble);
  r.Add("_/_", "divide_int64", false, {"int", "int"}, "int", DivInt);
  r.Add("_/_", "divide_uint64", false, {"uint", "uint"}, "uint", DivUint);
  r.Add("_/_", "divide_double", false, {"double", "double"}, "double", DivDouble);
  r.Add("_%_", "modulo_int64", false, {"int", "int"}, "int", ModInt);
  r.Add("_%_", "modulo_uint64", false, {"uint", "uint"}, "uint", ModUint);
  r.Add("-_", "negate_int64", false, {"int"}, "int", NegInt);
  r.Add("-_", "negate_double", false, {"double"}, "double", NegDouble);
  r.Add("!_", "logical_not", false, {"bool"}, "bool", Not);
  r.Add("@not_strictly_false", "not_strictly_false", false, {"bool"}, "bool", NotStrictlyFalse);

  struct Comparison {
    const char* name;
    const char* prefix;
    FunctionImpl impl;
  };
  const Comparison comparisons[] = {{"_<_", "less", CompareWith<IsLess>},
                                    {"_<=_", "less_equals", CompareWith<IsLessEq>},
                                    {"_>_", "greater", CompareWith<IsGreater>},
                                    {"_>=_", "greater_equals", CompareWith<IsGreaterEq>}};
  const std::pair<const char*, const char*> ordered[] = {
      {"bool", "bool"},           {"int", "int64"},        {"uint", "uint64"},
      {"double", "double"},       {"string", "string"},    {"bytes", "bytes"},
      {"timestamp", "timestamp"}, {"duration", "duration"}};
  const std::pair<const char*, const char*> numbers[] = {
      {"int", "int64"}, {"uint", "uint64"}, {"double", "double"}};
  for (const Comparison& c : comparisons) {
    for (auto [type, id] : ordered) {
      r.Add(c.name, std::string(c.prefix) + "_" + id, false, {type, type}, "bool", c.impl);
    }
    for (auto [left, left_id] : numbers) {
      for (auto [right, right_id] : numbers) {
        if (std::string_view(left) == right) continue;
        r.Add(c.name, std::string(c.prefix) + "_" + left_id + "_" + right_id, false, {left, right},
              "bool", c.impl);
      }
    }
  }
  r.Add("_==_", "equals", false, {"A", "A"}, "bool", Eq);
  r.Add("_!=_", "not_equals", false, {"A", "A"}, "bool", Ne);
  r.Add("@in", "in_list", false, {"A", "list(A)"}, "bool", InList);
  r.Add("@in", "in_map", false, {"A", "map(A, B)"}, "bool", InMap);
  r.Add("_[_]", "index_list", false, {"list(A)", "int"}, "A", IndexList);
  r.Add("_[_]", "index_list_uint", false, {"list(A)", "uint"}, "A", IndexList);
  r.Add("_[_]", "index_list_double", false, {"list(A)", "double"}, "A", IndexList);
  r.Add("_[_]", "index_map", false, {"map(A, B)", "A"}, "B", IndexMap);
  r.Add("@map_insert", "map_insert", false, {"map(A, B)", "A", "B"}, "map(A, B)", MapInsert);

  r.Add("size", "size_string", false, {"string"}, "int", SizeString);
  r.Add("size", "size_bytes", false, {"bytes"}, "int", SizeBytes);
  r.Add("size", "size_list", false, {"list(A)"}, "int", SizeList);
  r.Add("size", "size_map", false, {"map(A, B)"}, "int", SizeMap);
  r.Add("size", "string_size", true, {"string"}, "int", SizeString);
  r.Add("size", "bytes_size", true, {"bytes"}, "int", SizeBytes);
  r.Add("size", "list_size", true, {"list(A)"}, "int", SizeList);
  r.Add("size", "map_size", true, {"map(A, B)"}, "int", SizeMap);

  r.Add("int", "int64_to_int64", false, {"int"}, "int", Identity);
  r.Add("int", "uint64_to_int64", false, {"uint"}, "int", IntFromUint);
  r.Add("int", "double_to_int64", false, {"double"}, "int", IntFromDouble);
  r.Add("int", "string_to_int64", false, {"string"}, "int", IntFromString);
  r.Add("int", "timestamp_to_int64", false, {"timestamp"}, "int", IntFromTimestamp);
  r.Add("uint", "uint64_to_uint64", false, {"uint"}, "uint", Identity);
  r.Add("uint", "int64_to_uint64", false, {"int"}, "uint", UintFromInt);
  r.Add("uint", "double_to_uint64", false, {"double"}, "uint", UintFromDouble);
  r.Add("uint", "string_to_uint64", false, {"string"}, "uint", UintFromString);
  r.Add("double", "double_to_double", false, {"double"}, "double", Identity);
  r.Add("double", "int64_to_double", false, {"int"}, "double", DoubleFromInt);
  r.Add("double", "uint64_to_double", false, {"uint"}, "double", DoubleFromUint);
  r.Add("double", "string_to_double", false, {"string"}, "double", DoubleFromString);
  r.Add("string", "string_to_string", false, {"string"}, "string", Identity);
  r.Add("string", "int64_to_string", false, {"int"}, "string", StringFromInt);
  r.Add("string", "uint64_to_string", false, {"uint"}, "string", StringFromUint);
  r.Add("string", "double_to_string", false, {"double"}, "string", StringFromDouble);
  r.Add("string", "bool_to_string", false, {"bool"}, "string", StringFromBool);
  r.Add("string", "bytes_to_string", false, {"bytes"}, "string", StringFromBytes);
  r.Add("string", "timestamp_to_string", false, {"timestamp"}, "string", StringFromTimestamp);
  r.Add("string", "duration_to_string", false, {"duration"}, "string", StringFromDuration);
  r.Add("bytes", "bytes_to_bytes", false, {"bytes"}, "bytes", Identity);
  r.Add("bytes", "string_to_bytes", false, {"string"}, "bytes", BytesFromString);
  r.Add("bool", "bool_to_bool", false, {"bool"}, "bool", Identity);
  r.Add("bool", "string_to_bool", false, {"string"}, "bool", BoolFromString);
  r.Add("dyn", "to_dyn", false, {"A"}, "dyn", Identity);
  r.Add("type", "type", false, {"A"}, "type(A)", TypeOfValue);
}

}  // namespace spmis::cel
