// RegistrantId: the stable, human-readable identifier printed on cards and
// spoken over the phone, e.g. "IND-00000042-4" for an individual and
// "GRP-00000007-1" for a group. It is derived from the registrant's internal
// number, so it never changes; the last digit is a Damm check digit, which
// catches every single mistyped digit and every swap of two adjacent digits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spmis {

enum class RegistrantKind { kIndividual, kGroup };

const char* RegistrantKindName(RegistrantKind kind);  // "individual" | "group"

struct RegistrantId {
  RegistrantKind kind;
  int64_t number;  // the internal row id

  std::string ToString() const;
  // Nullopt when the prefix, the digits or the check digit are wrong.
  static std::optional<RegistrantId> Parse(std::string_view text);
};

// The Damm check digit of a string of decimal digits.
int DammCheckDigit(std::string_view digits);

}  // namespace spmis
