#include "core/registrant_id.h"

#include <cstdio>

namespace spmis {
namespace {

// The quasigroup of order 10 from H. M. Damm (2004).
constexpr int kDamm[10][10] = {{0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
                               {4, 2, 0, 6, 8, 7, 1, 3, 5, 9}, {1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
                               {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
                               {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
                               {9, 4, 3, 8, 6, 1, 7, 2, 0, 5}, {2, 5, 8, 1, 4, 3, 6, 7, 9, 0}};

constexpr std::string_view kIndividualPrefix = "IND-";
constexpr std::string_view kGroupPrefix = "GRP-";

}  // namespace

const char* RegistrantKindName(RegistrantKind kind) {
  return kind == RegistrantKind::kIndividual ? "individual" : "group";
}

int DammCheckDigit(std::string_view digits) {
  int interim = 0;
  for (char c : digits) interim = kDamm[interim][c - '0'];
  return interim;
}

std::string RegistrantId::ToString() const {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%08lld", static_cast<long long>(number));
  std::string out(kind == RegistrantKind::kIndividual ? kIndividualPrefix : kGroupPrefix);
  out += digits;
  out += '-';
  out += static_cast<char>('0' + DammCheckDigit(digits));
  return out;
}

std::optional<RegistrantId> RegistrantId::Parse(std::string_view text) {
  RegistrantKind kind;
  if (text.starts_with(kIndividualPrefix)) {
    kind = RegistrantKind::kIndividual;
  } else if (text.starts_with(kGroupPrefix)) {
    kind = RegistrantKind::kGroup;
  } else {
    return std::nullopt;
  }
  text.remove_prefix(4);
  if (text.size() < 10 || text.size() > 20 || text[text.size() - 2] != '-') return std::nullopt;
  std::string_view digits = text.substr(0, text.size() - 2);
  char check = text.back();
  if (check < '0' || check > '9') return std::nullopt;
  int64_t number = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + (c - '0');
  }
  if (number <= 0 || DammCheckDigit(digits) != check - '0') return std::nullopt;
  return RegistrantId{kind, number};
}

}  // namespace spmis
