// Date: a calendar day without time zone (birth dates, coverage periods), and
// Timestamp: an instant in UTC with microsecond precision (created/updated
// times, audit entries). Both print and parse in ISO 8601, the one text form
// stored in the database and spoken by the API.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spmis {

class Date {
 public:
  Date() = default;  // 1970-01-01
  static Date FromDays(int32_t days_since_epoch) { return Date(days_since_epoch); }
  static std::optional<Date> FromYmd(int year, unsigned month, unsigned day);
  // Accepts exactly YYYY-MM-DD with a real calendar day.
  static std::optional<Date> Parse(std::string_view text);
  static Date Today();  // in UTC

  int32_t days_since_epoch() const { return days_; }
  int year() const;
  unsigned month() const;
  unsigned day() const;
  std::string ToString() const;

  Date AddDays(int32_t days) const { return Date(days_ + days); }
  // Same day `months` later; the last day of the month when that day does not exist.
  Date AddMonths(int months) const;
  // Whole years from this date to `on` (an age: birthday not reached counts less).
  int YearsUntil(Date on) const;

  auto operator<=>(const Date&) const = default;

 private:
  explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

class Timestamp {
 public:
  Timestamp() = default;
  static Timestamp FromMicros(int64_t micros) { return Timestamp(micros); }
  static Timestamp Now();
  // Accepts "YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH[:MM])", also with a space for T
  // (PostgreSQL's ISO output).
  static std::optional<Timestamp> Parse(std::string_view text);

  int64_t micros_since_epoch() const { return micros_; }
  Date date() const;
  // "2026-11-23T03:21:30.123456Z"
  std::string ToString() const;

  auto operator<=>(const Timestamp&) const = default;

 private:
  explicit Timestamp(int64_t micros) : micros_(micros) {}
  int64_t micros_ = 0;
};

}  // namespace spmis
