#include "core/money.h"

#include <array>
#include <cstdlib>

namespace spmis {
namespace {

struct CurrencyException {
  std::string_view code;
  int decimals;
};

// ISO 4217 currencies whose minor unit is not 1/100.
constexpr std::array<CurrencyException, 24> kExceptions = {{
    {"BHD", 3}, {"BIF", 0}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0}, {"IQD", 3}, {"ISK", 0}, {"JOD", 3},
    {"JPY", 0}, {"KMF", 0}, {"KRW", 0}, {"KWD", 3}, {"LYD", 3}, {"OMR", 3}, {"PYG", 0}, {"RWF", 0},
    {"TND", 3}, {"UGX", 0}, {"UYI", 0}, {"VND", 0}, {"VUV", 0}, {"XAF", 0}, {"XOF", 0}, {"XPF", 0},
}};

}  // namespace

std::optional<int> CurrencyDecimals(std::string_view code) {
  if (code.size() != 3) return std::nullopt;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return std::nullopt;
  }
  for (const auto& e : kExceptions) {
    if (e.code == code) return e.decimals;
  }
  return 2;
}

Result<Money> Money::Add(const Money& other) const {
  if (currency_ != other.currency_) {
    return Error::Invalid("cannot add " + other.currency_ + " to " + currency_);
  }
  int64_t sum;
  if (__builtin_add_overflow(minor_, other.minor_, &sum)) {
    return Error::Invalid("amount overflows");
  }
  return Money(sum, currency_);
}

std::string Money::ToMajorString() const {
  int decimals = CurrencyDecimals(currency_).value_or(2);
  uint64_t magnitude =
      minor_ < 0 ? 0 - static_cast<uint64_t>(minor_) : static_cast<uint64_t>(minor_);
  std::string digits = std::to_string(magnitude);
  if (decimals > 0) {
    if (digits.size() <= static_cast<size_t>(decimals)) {
      digits.insert(0, static_cast<size_t>(decimals) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(decimals), 1, '.');
  }
  return minor_ < 0 ? "-" + digits : digits;
}

Result<Money> Money::ParseMajor(std::string_view text, std::string currency) {
  auto decimals = CurrencyDecimals(currency);
  if (!decimals) return Error::Invalid("unknown currency code '" + currency + "'");
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && fraction.empty()) ||
      fraction.size() > static_cast<size_t>(*decimals)) {
    return Error::Invalid("'" + std::string(text) + "' is not an amount with at most " +
                          std::to_string(*decimals) + " decimals");
  }
  int64_t value = 0;
  auto accumulate = [&](std::string_view digits) {
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      if (__builtin_mul_overflow(value, 10, &value) ||
          __builtin_add_overflow(value, c - '0', &value)) {
        return false;
      }
    }
    return true;
  };
  std::string padded(fraction);
  padded.append(static_cast<size_t>(*decimals) - fraction.size(), '0');
  if (!accumulate(whole) || !accumulate(padded)) {
    return Error::Invalid("'" + std::string(text) + "' is not a valid amount");
  }
  return Money(negative ? -value : value, std::move(currency));
}

}  // namespace spmis
