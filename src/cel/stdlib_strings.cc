// String functions: the standard contains/startsWith/endsWith/matches, and the
// `strings` extension (charAt, indexOf, lastIndexOf, lowerAscii, upperAscii,
// replace, split, substring, trim, join, reverse, strings.quote). Positions
// count Unicode code points, not bytes.
#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>

#include "cel/eval_context.h"
#include "cel/functions.h"
#include "cel/time_util.h"

namespace spmis::cel {

namespace {

// Byte offsets of each code point of s, plus s.size() at the end.
std::vector<size_t> CodePointOffsets(std::string_view s) {
  std::vector<size_t> offsets;
  offsets.reserve(s.size() + 1);
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) offsets.push_back(i);
  }
  offsets.push_back(s.size());
  return offsets;
}

uint32_t DecodeAt(std::string_view s, size_t i, size_t* length) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
  if (i + n > s.size()) n = 1;
  uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *length = n;
  return cp;
}

Value IndexError(int64_t index) {
  return Value::Error("index out of range: " + std::to_string(index));
}

Value Contains(const Value* a, EvalContext&) {
  return Value::Bool(a[0].text().find(a[1].text()) != std::string_view::npos);
}
Value StartsWith(const Value* a, EvalContext&) {
  return Value::Bool(a[0].text().starts_with(a[1].text()));
}
Value EndsWith(const Value* a, EvalContext&) {
  return Value::Bool(a[0].text().ends_with(a[1].text()));
}
Value Matches(const Value* a, EvalContext& context) {
  std::string error;
  const re2::RE2* regex = context.Regex(a[1].text(), &error);
  if (regex == nullptr) return Value::Error("invalid regular expression: " + error);
  std::string_view text = a[0].text();
  return Value::Bool(re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *regex));
}

Value CharAt(const Value* a, EvalContext&) {
  auto offsets = CodePointOffsets(a[0].text());
  int64_t i = a[1].int_value();
  int64_t count = static_cast<int64_t>(offsets.size()) - 1;
  if (i < 0 || i > count) return IndexError(i);
  if (i == count) return Value::String("");
  return Value::String(std::string(a[0].text().substr(offsets[i], offsets[i + 1] - offsets[i])));
}

// The code-point index of the first (or last) match of needle at or after
// (at or before) the code point `from`.
Value IndexOfImpl(std::string_view s, std::string_view needle, int64_t from, bool last,
                  bool has_from) {
  auto offsets = CodePointOffsets(s);
  int64_t count = static_cast<int64_t>(offsets.size()) - 1;
  if (!has_from) from = last ? count : 0;
  if (from < 0 || from > count) return IndexError(from);
  if (!last) {
    size_t found = s.find(needle, offsets[from]);
    if (found == std::string_view::npos) return Value::Int(-1);
    return Value::Int(std::lower_bound(offsets.begin(), offsets.end(), found) - offsets.begin());
  }
  size_t limit = offsets[from];
  size_t found = s.rfind(needle, limit);
  if (found == std::string_view::npos) return Value::Int(-1);
  return Value::Int(std::lower_bound(offsets.begin(), offsets.end(), found) - offsets.begin());
}
Value IndexOf(const Value* a, EvalContext&) {
  return IndexOfImpl(a[0].text(), a[1].text(), 0, false, false);
}
Value IndexOfFrom(const Value* a, EvalContext&) {
  return IndexOfImpl(a[0].text(), a[1].text(), a[2].int_value(), false, true);
}
Value LastIndexOf(const Value* a, EvalContext&) {
  return IndexOfImpl(a[0].text(), a[1].text(), 0, true, false);
}
Value LastIndexOfFrom(const Value* a, EvalContext&) {
  return IndexOfImpl(a[0].text(), a[1].text(), a[2].int_value(), true, true);
}

template <bool kUpper>
Value AsciiCase(const Value* a, EvalContext&) {
  std::string s(a[0].text());
  for (char& c : s) {
    if (kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!kUpper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return Value::String(std::move(s));
}

Value ReplaceImpl(std::string_view s, std::string_view from, std::string_view to, int64_t limit) {
  std::string out;
  size_t pos = 0;
  int64_t done = 0;
  while (limit < 0 || done < limit) {
    size_t found = s.find(from, pos);
    if (found == std::string_view::npos) break;
    out.append(s.substr(pos, found - pos)).append(to);
    ++done;
    if (from.empty()) {
      // An empty pattern matches before every code point.
      if (found >= s.size()) {
        pos = s.size() + 1;
        break;
      }
      size_t length;
      DecodeAt(s, found, &length);
      out.append(s.substr(found, length));
      pos = found + length;
    } else {
      pos = found + from.size();
    }
  }
  if (pos <= s.size()) out.append(s.substr(pos));
  return Value::String(std::move(out));
}
Value Replace(const Value* a, EvalContext&) {
  return ReplaceImpl(a[0].text(), a[1].text(), a[2].text(), -1);
}
Value ReplaceN(const Value* a, EvalContext&) {
  return ReplaceImpl(a[0].text(), a[1].text(), a[2].text(), a[3].int_value());
}

Value SplitImpl(std::string_view s, std::string_view separator, int64_t limit) {
  std::vector<Value> parts;
  if (limit == 0) return Value::List({});
  if (separator.empty()) {
    auto offsets = CodePointOffsets(s);
    for (size_t i = 0; i + 1 < offsets.size(); ++i) {
      if (limit > 0 && static_cast<int64_t>(parts.size()) == limit - 1) {
        parts.push_back(Value::String(std::string(s.substr(offsets[i]))));
        return Value::List(std::move(parts));
      }
      parts.push_back(
          Value::String(std::string(s.substr(offsets[i], offsets[i + 1] - offsets[i]))));
    }
    return Value::List(std::move(parts));
  }
  size_t pos = 0;
  while (true) {
    if (limit > 0 && static_cast<int64_t>(parts.size()) == limit - 1) break;
    size_t found = s.find(separator, pos);
    if (found == std::string_view::npos) break;
    parts.push_back(Value::String(std::string(s.substr(pos, found - pos))));
    pos = found + separator.size();
  }
  parts.push_back(Value::String(std::string(s.substr(pos))));
  return Value::List(std::move(parts));
}
Value Split(const Value* a, EvalContext&) { return SplitImpl(a[0].text(), a[1].text(), -1); }
Value SplitN(const Value* a, EvalContext&) {
  return SplitImpl(a[0].text(), a[1].text(), a[2].int_value());
}

Value SubstringImpl(std::string_view s, int64_t begin, int64_t end) {
  auto offsets = CodePointOffsets(s);
  int64_t count = static_cast<int64_t>(offsets.size()) - 1;
  if (begin < 0 || begin > count) return IndexError(begin);
  if (end < 0 || end > count) return IndexError(end);
  if (begin > end) {
    return Value::Error("invalid substring range. start: " + std::to_string(begin) +
                        ", end: " + std::to_string(end));
  }
  return Value::String(std::string(s.substr(offsets[begin], offsets[end] - offsets[begin])));
}
Value Substring(const Value* a, EvalContext&) {
  return SubstringImpl(a[0].text(), a[1].int_value(),
                       static_cast<int64_t>(CodePointOffsets(a[0].text()).size()) - 1);
}
Value SubstringRange(const Value* a, EvalContext&) {
  return SubstringImpl(a[0].text(), a[1].int_value(), a[2].int_value());
}

bool IsUnicodeSpace(uint32_t cp) {
  switch (cp) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

Value Trim(const Value* a, EvalContext&) {
  std::string_view s = a[0].text();
  size_t begin = 0;
  while (begin < s.size()) {
    size_t length;
    uint32_t cp = DecodeAt(s, begin, &length);
    if (!IsUnicodeSpace(cp)) break;
    begin += length;
  }
  auto offsets = CodePointOffsets(s);
  size_t end = s.size();
  for (size_t i = offsets.size() - 1; i > 0; --i) {
    size_t start = offsets[i - 1];
    if (start < begin) break;
    size_t length;
    if (!IsUnicodeSpace(DecodeAt(s, start, &length))) break;
    end = start;
  }
  return Value::String(std::string(s.substr(begin, end - begin)));
}

Value JoinImpl(const Value& list, std::string_view separator) {
  std::string out;
  for (uint32_t i = 0; i < list.list_size(); ++i) {
    Value item = list.list_at(i);
    if (!item.is(ValueKind::kString)) return Value::Error("join: the list holds a non-string");
    if (i > 0) out.append(separator);
    out.append(item.text());
  }
  return Value::String(std::move(out));
}
Value Join(const Value* a, EvalContext&) { return JoinImpl(a[0], ""); }
Value JoinWith(const Value* a, EvalContext&) { return JoinImpl(a[0], a[1].text()); }

Value Reverse(const Value* a, EvalContext&) {
  std::string_view s = a[0].text();
  auto offsets = CodePointOffsets(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = offsets.size() - 1; i > 0; --i) {
    out.append(s.substr(offsets[i - 1], offsets[i] - offsets[i - 1]));
  }
  return Value::String(std::move(out));
}

Value Quote(const Value* a, EvalContext&) {
  std::string_view s = a[0].text();
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    size_t length;
    uint32_t cp = DecodeAt(s, i, &length);
    switch (cp) {
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        out.append(s.substr(i, length));
    }
    i += length;
  }
  return Value::String(out + "\"");
}

// --- format ------------------------------------------------------------------

std::string FormatDoubleShort(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  return std::string(buffer, end);
}

// The text %s gives a value; nullopt for a value it cannot show.
std::optional<std::string> FormatAsString(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return v.bool_value() ? "true" : "false";
    case ValueKind::kInt:
      return std::to_string(v.int_value());
    case ValueKind::kUint:
      return std::to_string(v.uint_value());
    case ValueKind::kDouble:
      return FormatDoubleShort(v.double_value());
    case ValueKind::kString:
    case ValueKind::kBytes:
    case ValueKind::kType:
      return std::string(v.text());
    case ValueKind::kTimestamp:
      return FormatTimestamp(v.time_value());
    case ValueKind::kDuration:
      return FormatDuration(v.time_value());
    case ValueKind::kList: {
      std::string out = "[";
      for (uint32_t i = 0; i < v.list_size(); ++i) {
        auto item = FormatAsString(v.list_at(i));
        if (!item) return std::nullopt;
        if (i > 0) out += ", ";
        out += *item;
      }
      return out + "]";
    }
    case ValueKind::kMap: {
      // Entries sorted by their keys' text, so the output does not depend on
      // the order the map was written in.
      std::vector<std::pair<std::string, std::string>> entries;
      for (uint32_t i = 0; i < v.map().Size(); ++i) {
        auto key = FormatAsString(v.map().KeyAt(i));
        auto value = FormatAsString(v.map().ValueAt(i));
        if (!key || !value) return std::nullopt;
        entries.emplace_back(*key, *value);
      }
      std::sort(entries.begin(), entries.end());
      std::string out = "{";
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) out += ", ";
        out += entries[i].first + ": " + entries[i].second;
      }
      return out + "}";
    }
    default:
      return std::nullopt;
  }
}

std::string Digits(uint64_t magnitude, int base, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  if (magnitude == 0) return "0";
  std::string out;
  while (magnitude > 0) {
    out += digits[magnitude % static_cast<uint64_t>(base)];
    magnitude /= static_cast<uint64_t>(base);
  }
  return {out.rbegin(), out.rend()};
}

// An int, uint or bool in a base, with a sign for negative ints.
std::optional<std::string> FormatInteger(const Value& v, int base, bool upper, bool allow_bool) {
  if (v.is(ValueKind::kInt)) {
    int64_t i = v.int_value();
    uint64_t magnitude = i < 0 ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
    return (i < 0 ? "-" : "") + Digits(magnitude, base, upper);
  }
  if (v.is(ValueKind::kUint)) return Digits(v.uint_value(), base, upper);
  if (allow_bool && v.is(ValueKind::kBool)) return v.bool_value() ? "1" : "0";
  return std::nullopt;
}

std::optional<double> AsDouble(const Value& v) {
  if (v.is(ValueKind::kDouble)) return v.double_value();
  if (v.is(ValueKind::kInt)) return static_cast<double>(v.int_value());
  if (v.is(ValueKind::kUint)) return static_cast<double>(v.uint_value());
  return std::nullopt;
}

Value FormatError(const std::string& message) {
  return Value::Error("error during formatting: " + message);
}

std::string TypeName(const Value& v) { return std::string(KindTypeName(v.kind())); }

Value Format(const Value* a, EvalContext&) {
  std::string_view pattern = a[0].text();
  const Value& args = a[1];
  std::string out;
  uint32_t next = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      out += pattern[i];
      continue;
    }
    if (++i >= pattern.size())
      return Value::Error("could not parse formatting clause: a lone '%' at the end");
    if (pattern[i] == '%') {
      out += '%';
      continue;
    }
    int precision = -1;
    if (pattern[i] == '.') {
      precision = 0;
      while (++i < pattern.size() && pattern[i] >= '0' && pattern[i] <= '9') {
        precision = precision * 10 + (pattern[i] - '0');
        if (precision > 100)
          return Value::Error("could not parse formatting clause: precision too large");
      }
      if (i >= pattern.size())
        return Value::Error("could not parse formatting clause: no verb after the precision");
    }
    char verb = pattern[i];
    if (std::string_view("sdfeboxX").find(verb) == std::string_view::npos) {
      return Value::Error(
          std::string("could not parse formatting clause: unrecognized formatting clause \"") +
          verb + "\"");
    }
    if (next >= args.list_size())
      return Value::Error("index " + std::to_string(next) + " out of range");
    Value arg = args.list_at(next++);
    bool special_double = arg.is(ValueKind::kDouble) && !std::isfinite(arg.double_value());
    switch (verb) {
      case 's': {
        auto text = FormatAsString(arg);
        if (!text) {
          return FormatError(
              "string clause can only be used on strings, bools, bytes, ints, doubles, "
              "maps, lists, types, durations, and timestamps, was given " +
              TypeName(arg));
        }
        out += *text;
        break;
      }
      case 'd': {
        if (special_double) {
          out += FormatDoubleShort(arg.double_value());
          break;
        }
        auto text = FormatInteger(arg, 10, false, false);
        if (!text)
          return FormatError("decimal clause can only be used on integers, was given " +
                             TypeName(arg));
        out += *text;
        break;
      }
      case 'f':
      case 'e': {
        auto d = AsDouble(arg);
        if (!d) {
          return FormatError(std::string(verb == 'f' ? "fixed-point" : "scientific") +
                             " clause can only be used on doubles, was given " + TypeName(arg));
        }
        if (!std::isfinite(*d)) {
          out += FormatDoubleShort(*d);
          break;
        }
        char buffer[512];
        std::snprintf(buffer, sizeof buffer, verb == 'f' ? "%.*f" : "%.*e",
                      precision < 0 ? 6 : precision, *d);
        out += buffer;
        break;
      }
      case 'b': {
        auto text = FormatInteger(arg, 2, false, true);
        if (!text)
          return FormatError("only integers and bools can be formatted as binary, was given " +
                             TypeName(arg));
        out += *text;
        break;
      }
      case 'o': {
        auto text = FormatInteger(arg, 8, false, false);
        if (!text)
          return FormatError("octal clause can only be used on integers, was given " +
                             TypeName(arg));
        out += *text;
        break;
      }
      default: {  // x, X
        bool upper = verb == 'X';
        if (arg.is(ValueKind::kString) || arg.is(ValueKind::kBytes)) {
          for (unsigned char c : arg.text()) {
            out += Digits(c >> 4, 16, upper);
            out += Digits(c & 15, 16, upper);
          }
          break;
        }
        auto text = FormatInteger(arg, 16, upper, false);
        if (!text) {
          return FormatError(
              "only integers, byte buffers, and strings can be formatted as hex, was given " +
              TypeName(arg));
        }
        out += *text;
      }
    }
  }
  return Value::String(std::move(out));
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry& r) {
  r.Add("contains", "contains_string", true, {"string", "string"}, "bool", Contains);
  r.Add("startsWith", "starts_with_string", true, {"string", "string"}, "bool", StartsWith);
  r.Add("endsWith", "ends_with_string", true, {"string", "string"}, "bool", EndsWith);
  r.Add("matches", "matches_string", true, {"string", "string"}, "bool", Matches);
  r.Add("matches", "matches", false, {"string", "string"}, "bool", Matches);

  r.Add("charAt", "string_char_at_int", true, {"string", "int"}, "string", CharAt);
  r.Add("indexOf", "string_index_of_string", true, {"string", "string"}, "int", IndexOf);
  r.Add("indexOf", "string_index_of_string_int", true, {"string", "string", "int"}, "int",
        IndexOfFrom);
  r.Add("lastIndexOf", "string_last_index_of_string", true, {"string", "string"}, "int",
        LastIndexOf);
  r.Add("lastIndexOf", "string_last_index_of_string_int", true, {"string", "string", "int"}, "int",
        LastIndexOfFrom);
  r.Add("lowerAscii", "string_lower_ascii", true, {"string"}, "string", AsciiCase<false>);
  r.Add("upperAscii", "string_upper_ascii", true, {"string"}, "string", AsciiCase<true>);
  r.Add("replace", "string_replace_string_string", true, {"string", "string", "string"}, "string",
        Replace);
  r.Add("replace", "string_replace_string_string_int", true, {"string", "string", "string", "int"},
        "string", ReplaceN);
  r.Add("split", "string_split_string", true, {"string", "string"}, "list(string)", Split);
  r.Add("split", "string_split_string_int", true, {"string", "string", "int"}, "list(string)",
        SplitN);
  r.Add("substring", "string_substring_int", true, {"string", "int"}, "string", Substring);
  r.Add("substring", "string_substring_int_int", true, {"string", "int", "int"}, "string",
        SubstringRange);
  r.Add("trim", "string_trim", true, {"string"}, "string", Trim);
  r.Add("join", "list_join", true, {"list(string)"}, "string", Join);
  r.Add("join", "list_join_string", true, {"list(string)", "string"}, "string", JoinWith);
  r.Add("reverse", "string_reverse", true, {"string"}, "string", Reverse);
  r.Add("strings.quote", "strings_quote", false, {"string"}, "string", Quote);
  r.Add("format", "string_format", true, {"string", "list(dyn)"}, "string", Format);
}

}  // namespace spmis::cel
