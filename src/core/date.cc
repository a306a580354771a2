#include "core/date.h"

#include <cstdio>

namespace spmis {
namespace {

namespace chrono = std::chrono;
using chrono::days;
using chrono::sys_days;
using chrono::year_month_day;

bool ParseDigits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

year_month_day Ymd(int32_t days_since_epoch) {
  return year_month_day{sys_days{days{days_since_epoch}}};
}

}  // namespace

std::optional<Date> Date::FromYmd(int y, unsigned m, unsigned d) {
  year_month_day ymd{chrono::year{y}, chrono::month{m}, chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return Date(static_cast<int32_t>(sys_days{ymd}.time_since_epoch().count()));
}

std::optional<Date> Date::Parse(std::string_view text) {
  int y, m, d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!ParseDigits(text, 0, 4, y) || !ParseDigits(text, 5, 2, m) || !ParseDigits(text, 8, 2, d)) {
    return std::nullopt;
  }
  if (y < 1) return std::nullopt;
  return FromYmd(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

Date Date::Today() { return Timestamp::Now().date(); }

int Date::year() const { return static_cast<int>(Ymd(days_).year()); }
unsigned Date::month() const { return static_cast<unsigned>(Ymd(days_).month()); }
unsigned Date::day() const { return static_cast<unsigned>(Ymd(days_).day()); }

std::string Date::ToString() const {
  auto ymd = Ymd(days_);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Date Date::AddMonths(int months) const {
  auto ymd = Ymd(days_);
  year_month_day moved = ymd + std::chrono::months{months};
  if (!moved.ok()) {
    moved = year_month_day{
        std::chrono::year_month_day_last{moved.year(), std::chrono::month_day_last{moved.month()}}};
  }
  return Date(static_cast<int32_t>(sys_days{moved}.time_since_epoch().count()));
}

int Date::YearsUntil(Date on) const {
  auto from = Ymd(days_);
  auto to = Ymd(on.days_);
  int years = static_cast<int>(to.year()) - static_cast<int>(from.year());
  if (std::pair{static_cast<unsigned>(to.month()), static_cast<unsigned>(to.day())} <
      std::pair{static_cast<unsigned>(from.month()), static_cast<unsigned>(from.day())}) {
    --years;
  }
  return years;
}

Timestamp Timestamp::Now() {
  auto now = std::chrono::system_clock::now();
  return Timestamp(
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
}

std::optional<Timestamp> Timestamp::Parse(std::string_view text) {
  if (text.size() < 19) return std::nullopt;
  auto date = Date::Parse(text.substr(0, 10));
  if (!date || (text[10] != 'T' && text[10] != ' ')) return std::nullopt;
  int hh, mm, ss;
  if (!ParseDigits(text, 11, 2, hh) || text[13] != ':' || !ParseDigits(text, 14, 2, mm) ||
      text[16] != ':' || !ParseDigits(text, 17, 2, ss) || hh > 23 || mm > 59 || ss > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 6; ++i) micros *= 10;
  }
  int64_t offset_minutes = 0;
  if (pos < text.size()) {
    char sign = text[pos];
    if (sign == 'Z' && pos + 1 == text.size()) {
      pos = text.size();
    } else if (sign == '+' || sign == '-') {
      int oh = 0, om = 0;
      if (!ParseDigits(text, pos + 1, 2, oh)) return std::nullopt;
      pos += 3;
      if (pos < text.size()) {
        if (text[pos] == ':') ++pos;
        if (!ParseDigits(text, pos, 2, om)) return std::nullopt;
        pos += 2;
      }
      if (pos != text.size()) return std::nullopt;
      offset_minutes = (oh * 60 + om) * (sign == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  } else {
    return std::nullopt;  // an instant needs its offset
  }
  int64_t seconds =
      int64_t{date->days_since_epoch()} * 86400 + hh * 3600 + mm * 60 + ss - offset_minutes * 60;
  return Timestamp(seconds * 1'000'000 + micros);
}

Date Timestamp::date() const {
  int64_t days = micros_ / 86'400'000'000;
  if (micros_ % 86'400'000'000 < 0) --days;
  return Date::FromDays(static_cast<int32_t>(days));
}

std::string Timestamp::ToString() const {
  Date d = date();
  int64_t micros_of_day = micros_ - int64_t{d.days_since_epoch()} * 86'400'000'000;
  int64_t secs = micros_of_day / 1'000'000;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%06dZ", d.ToString().c_str(),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60), static_cast<int>(micros_of_day % 1'000'000));
  return buf;
}

}  // namespace spmis
