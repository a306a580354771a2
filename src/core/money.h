// Money: an amount in integer minor units of one ISO 4217 currency. Never a
// floating-point number: sums and comparisons are exact to the last cent, and
// arithmetic that would overflow or mix currencies is refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace spmis {

class Money {
 public:
  Money() = default;
  Money(int64_t minor_units, std::string currency)
      : minor_(minor_units), currency_(std::move(currency)) {}

  int64_t minor_units() const { return minor_; }
  const std::string& currency() const { return currency_; }

  // Exact sum; an error on currency mismatch or int64 overflow.
  Result<Money> Add(const Money& other) const;
  // "150.00" for 15000 minor units of a 2-decimal currency.
  std::string ToMajorString() const;
  // Parses "150", "150.5", "150.00" (no more decimals than the currency has).
  static Result<Money> ParseMajor(std::string_view text, std::string currency);

  bool operator==(const Money&) const = default;

 private:
  int64_t minor_ = 0;
  std::string currency_;
};

// Decimals of an ISO 4217 currency (2 when not listed as otherwise); nullopt
// when the code is not three upper-case letters.
std::optional<int> CurrencyDecimals(std::string_view code);

}  // namespace spmis
