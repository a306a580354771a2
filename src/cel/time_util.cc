#include "cel/time_util.h"

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <unordered_map>

namespace spmis::cel {

namespace {

// Duration text can name more nanoseconds than int64 holds before the range check.
__extension__ using Int128 = __int128;

constexpr int64_t kNanosPerSecond = 1'000'000'000;
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

bool ParseDigits(std::string_view text, size_t& pos, size_t count, int64_t& out) {
  out = 0;
  if (pos + count > text.size()) return false;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos < text.size() && (text[pos] == c || (c == 'T' && text[pos] == 't'))) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

namespace {

Int128 TotalNanos(SecondsNanos t) { return Int128{t.seconds} * kNanosPerSecond + t.nanos; }

// Seconds rounded down, nanos non-negative: the form of a timestamp.
SecondsNanos TimestampFromNanos(Int128 total) {
  Int128 seconds = total / kNanosPerSecond;
  Int128 nanos = total % kNanosPerSecond;
  if (nanos < 0) {
    seconds -= 1;
    nanos += kNanosPerSecond;
  }
  return {static_cast<int64_t>(seconds), static_cast<int32_t>(nanos)};
}

// Seconds and nanos both with the sign of the whole: the form of a duration.
SecondsNanos DurationFromNanos(Int128 total) {
  return {static_cast<int64_t>(total / kNanosPerSecond),
          static_cast<int32_t>(total % kNanosPerSecond)};
}

bool DurationNanosInRange(Int128 total) {
  return total >= -Int128{INT64_MAX} && total <= INT64_MAX;
}

}  // namespace

bool TimestampInRange(SecondsNanos t) {
  return t.seconds >= kMinTimestampSeconds && t.seconds <= kMaxTimestampSeconds;
}

bool DurationInRange(SecondsNanos d) { return DurationNanosInRange(TotalNanos(d)); }

std::optional<SecondsNanos> AddToTimestamp(SecondsNanos t, SecondsNanos d, int sign) {
  SecondsNanos r = TimestampFromNanos(TotalNanos(t) + sign * TotalNanos(d));
  if (!TimestampInRange(r)) return std::nullopt;
  return r;
}

std::optional<SecondsNanos> TimestampDifference(SecondsNanos a, SecondsNanos b) {
  Int128 total = TotalNanos(a) - TotalNanos(b);
  if (!DurationNanosInRange(total)) return std::nullopt;
  return DurationFromNanos(total);
}

std::optional<SecondsNanos> AddDurations(SecondsNanos a, SecondsNanos b, int sign) {
  Int128 total = TotalNanos(a) + sign * TotalNanos(b);
  if (!DurationNanosInRange(total)) return std::nullopt;
  return DurationFromNanos(total);
}

std::optional<SecondsNanos> ParseTimestamp(std::string_view text) {
  size_t pos = 0;
  int64_t year, month, day, hour, minute, second;
  if (!ParseDigits(text, pos, 4, year) || !Expect(text, pos, '-') ||
      !ParseDigits(text, pos, 2, month) || !Expect(text, pos, '-') ||
      !ParseDigits(text, pos, 2, day) || !Expect(text, pos, 'T') ||
      !ParseDigits(text, pos, 2, hour) || !Expect(text, pos, ':') ||
      !ParseDigits(text, pos, 2, minute) || !Expect(text, pos, ':') ||
      !ParseDigits(text, pos, 2, second)) {
    return std::nullopt;
  }
  int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 9; ++i) nanos *= 10;
  }
  int64_t offset = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int64_t oh, om;
    if (!ParseDigits(text, pos, 2, oh) || !Expect(text, pos, ':') ||
        !ParseDigits(text, pos, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  cctz::civil_second civil(year, static_cast<int>(month), static_cast<int>(day),
                           static_cast<int>(hour), static_cast<int>(minute),
                           static_cast<int>(second));
  if (civil.day() != day || civil.month() != month) return std::nullopt;  // 2009-02-30
  int64_t seconds = (civil - cctz::civil_second(1970, 1, 1, 0, 0, 0)) - offset;
  SecondsNanos t{seconds, static_cast<int32_t>(nanos)};
  if (!TimestampInRange(t)) return std::nullopt;
  return t;
}

std::string FormatTimestamp(SecondsNanos t) {
  cctz::civil_second civil = cctz::civil_second(1970, 1, 1, 0, 0, 0) + t.seconds;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02d-%02dT%02d:%02d:%02d",
                static_cast<long long>(civil.year()), civil.month(), civil.day(), civil.hour(),
                civil.minute(), civil.second());
  std::string out = buffer;
  if (t.nanos != 0) {
    int nanos = t.nanos;
    int digits = 9;
    // Seconds with 3, 6 or 9 fractional digits, as protobuf's JSON does.
    if (nanos % 1000000 == 0) {
      nanos /= 1000000;
      digits = 3;
    } else if (nanos % 1000 == 0) {
      nanos /= 1000;
      digits = 6;
    }
    std::snprintf(buffer, sizeof buffer, ".%0*d", digits, nanos);
    out += buffer;
  }
  return out + "Z";
}

std::optional<SecondsNanos> ParseDuration(std::string_view text) {
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) {
    negative = text[pos] == '-';
    ++pos;
  }
  if (pos == text.size()) return std::nullopt;
  if (text.substr(pos) == "0") return SecondsNanos{};
  // Total in nanoseconds as a 128-bit integer, so 320000000000s does not overflow.
  Int128 total = 0;
  while (pos < text.size()) {
    Int128 whole = 0;
    size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      whole = whole * 10 + (text[pos] - '0');
      // Far beyond any duration CEL allows (int64 nanoseconds), and small
      // enough that whole * unit below cannot overflow.
      if (whole > Int128{100'000'000'000'000'000} * 1000) return std::nullopt;  // 1e20
      ++pos;
    }
    Int128 fraction = 0, scale = 1;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (scale < Int128{1000000000000000000}) {
          fraction = fraction * 10 + (text[pos] - '0');
          scale *= 10;
        }
        ++pos;
      }
    }
    if (pos == start) return std::nullopt;
    size_t unit_start = pos;
    while (pos < text.size() && !(text[pos] >= '0' && text[pos] <= '9') && text[pos] != '.') {
      ++pos;
    }
    std::string_view unit = text.substr(unit_start, pos - unit_start);
    Int128 unit_nanos;
    if (unit == "h") {
      unit_nanos = 3600 * kNanosPerSecond;
    } else if (unit == "m") {
      unit_nanos = 60 * kNanosPerSecond;
    } else if (unit == "s") {
      unit_nanos = kNanosPerSecond;
    } else if (unit == "ms") {
      unit_nanos = 1000000;
    } else if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs") {
      unit_nanos = 1000;
    } else if (unit == "ns") {
      unit_nanos = 1;
    } else {
      return std::nullopt;
    }
    total += whole * unit_nanos + fraction * unit_nanos / scale;
    if (total > (Int128{1} << 100)) return std::nullopt;
  }
  if (negative) total = -total;
  if (!DurationNanosInRange(total)) return std::nullopt;
  return DurationFromNanos(total);
}

std::string FormatDuration(SecondsNanos d) {
  std::string out;
  bool negative = d.seconds < 0 || d.nanos < 0;
  uint64_t seconds =
      d.seconds < 0 ? 0 - static_cast<uint64_t>(d.seconds) : static_cast<uint64_t>(d.seconds);
  int nanos = d.nanos < 0 ? -d.nanos : d.nanos;
  if (negative) out += '-';
  out += std::to_string(seconds);
  if (nanos != 0) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, ".%09d", nanos);
    std::string fraction = buffer;
    while (fraction.back() == '0') fraction.pop_back();
    out += fraction;
  }
  return out + "s";
}

std::optional<CivilFields> CivilTime(SecondsNanos t, std::string_view zone) {
  cctz::time_zone tz = cctz::utc_time_zone();
  if (!zone.empty()) {
    bool signed_offset = (zone[0] == '+' || zone[0] == '-') && zone.size() == 6 && zone[3] == ':';
    bool bare_offset = zone.size() == 5 && zone[2] == ':' && zone[0] >= '0' && zone[0] <= '9';
    if (signed_offset || bare_offset) {
      size_t pos = signed_offset ? 1 : 0;
      int64_t hours, minutes;
      if (!ParseDigits(zone, pos, 2, hours) || !Expect(zone, pos, ':') ||
          !ParseDigits(zone, pos, 2, minutes)) {
        return std::nullopt;
      }
      int64_t offset = (hours * 3600 + minutes * 60) * (zone[0] == '-' ? -1 : 1);
      if (hours > 23 || minutes > 59) return std::nullopt;
      tz = cctz::fixed_time_zone(std::chrono::seconds(offset));
    } else {
      // Loading a zone reads its file: remember the ones already loaded.
      static std::mutex mutex;
      static std::unordered_map<std::string, cctz::time_zone> zones;
      std::lock_guard lock(mutex);
      auto found = zones.find(std::string(zone));
      if (found == zones.end()) {
        cctz::time_zone loaded;
        if (!cctz::load_time_zone(std::string(zone), &loaded)) return std::nullopt;
        found = zones.emplace(std::string(zone), loaded).first;
      }
      tz = found->second;
    }
  }
  auto point =
      std::chrono::time_point_cast<cctz::seconds>(std::chrono::system_clock::from_time_t(0)) +
      cctz::seconds(t.seconds);
  cctz::civil_second civil = cctz::convert(point, tz);
  CivilFields fields;
  fields.year = civil.year();
  fields.month = civil.month();
  fields.day = civil.day();
  fields.hour = civil.hour();
  fields.minute = civil.minute();
  fields.second = civil.second();
  switch (cctz::get_weekday(cctz::civil_day(civil))) {
    case cctz::weekday::sunday:
      fields.day_of_week = 0;
      break;
    case cctz::weekday::monday:
      fields.day_of_week = 1;
      break;
    case cctz::weekday::tuesday:
      fields.day_of_week = 2;
      break;
    case cctz::weekday::wednesday:
      fields.day_of_week = 3;
      break;
    case cctz::weekday::thursday:
      fields.day_of_week = 4;
      break;
    case cctz::weekday::friday:
      fields.day_of_week = 5;
      break;
    case cctz::weekday::saturday:
      fields.day_of_week = 6;
      break;
  }
  fields.day_of_year = cctz::get_yearday(cctz::civil_day(civil));
  return fields;
}

}  // namespace spmis::cel
