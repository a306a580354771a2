// Timestamps and durations as CEL writes them: RFC 3339 text for timestamps
// ("2009-02-13T23:31:30Z", any offset, up to nanoseconds), Go-style text for
// durations ("1h30m", "1.5s", "-3ms"), the ranges CEL allows (years 1 to 9999,
// durations within what int64 nanoseconds hold, about ±292 years), and the calendar fields of an
// instant in a named time zone ("Australia/Sydney") or a fixed offset ("+05:30").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cel/value.h"

namespace spmis::cel {

std::optional<SecondsNanos> ParseTimestamp(std::string_view text);
std::string FormatTimestamp(SecondsNanos t);
std::optional<SecondsNanos> ParseDuration(std::string_view text);
std::string FormatDuration(SecondsNanos d);

bool TimestampInRange(SecondsNanos t);
bool DurationInRange(SecondsNanos d);

// Exact arithmetic (sign is +1 or -1), nullopt when the result leaves CEL's
// range. Timestamps keep 0 <= nanos < 1e9; durations give nanos the sign of
// the whole and stay within what int64 nanoseconds hold (about 292 years).
std::optional<SecondsNanos> AddToTimestamp(SecondsNanos t, SecondsNanos d, int sign);
std::optional<SecondsNanos> TimestampDifference(SecondsNanos a, SecondsNanos b);
std::optional<SecondsNanos> AddDurations(SecondsNanos a, SecondsNanos b, int sign);

// The calendar of an instant in a zone. Month is 1-12, day_of_week 0 = Sunday,
// day_of_year 1-366.
struct CivilFields {
  int64_t year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int day_of_week = 0;
  int day_of_year = 0;
};
// The zone is empty for UTC. nullopt when the zone is not known.
std::optional<CivilFields> CivilTime(SecondsNanos t, std::string_view zone);

}  // namespace spmis::cel
