#include "payments/payment.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace spmis::payments {

const char* ChannelName(Channel channel) {
  switch (channel) {
    case Channel::kBankTransfer:
      return "bank_transfer";
    case Channel::kMobileMoney:
      return "mobile_money";
    case Channel::kCash:
      return "cash";
  }
  return "cash";
}

std::optional<Channel> ParseChannel(std::string_view name) {
  if (name == "bank_transfer" || name == "bank") return Channel::kBankTransfer;
  if (name == "mobile_money" || name == "mobile") return Channel::kMobileMoney;
  if (name == "cash") return Channel::kCash;
  return std::nullopt;
}

const char* PaymentStateName(PaymentState state) {
  switch (state) {
    case PaymentState::kPending:
      return "pending";
    case PaymentState::kPaid:
      return "paid";
    case PaymentState::kFailed:
      return "failed";
  }
  return "pending";
}

std::optional<PaymentState> ParsePaymentState(std::string_view name) {
  if (name == "pending") return PaymentState::kPending;
  if (name == "paid") return PaymentState::kPaid;
  if (name == "failed") return PaymentState::kFailed;
  return std::nullopt;
}

bool LooksLikeIban(std::string_view account) {
  return account.size() >= 4 && std::isupper(static_cast<unsigned char>(account[0])) &&
         std::isupper(static_cast<unsigned char>(account[1])) &&
         std::isdigit(static_cast<unsigned char>(account[2])) &&
         std::isdigit(static_cast<unsigned char>(account[3]));
}

bool IbanChecks(std::string_view iban) {
  std::string compact;
  for (char c : iban) {
    if (c != ' ') compact += c;
  }
  if (compact.size() < 15 || compact.size() > 34 || !LooksLikeIban(compact)) return false;
  std::string rearranged = compact.substr(4) + compact.substr(0, 4);
  int remainder = 0;
  for (char c : rearranged) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isdigit(u)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (std::isupper(u)) {
      int value = c - 'A' + 10;
      remainder = (remainder * 100 + value) % 97;
    } else {
      return false;
    }
  }
  return remainder == 1;
}

std::string CheckDetails(const PaymentDetails& d) {
  if (d.provider.empty()) return "the provider is missing";
  if (!d.bic.empty()) {
    bool shaped = d.bic.size() == 8 || d.bic.size() == 11;
    for (char c : d.bic) shaped = shaped && std::isalnum(static_cast<unsigned char>(c));
    if (!shaped) return "the BIC '" + d.bic + "' is not 8 or 11 letters and digits";
  }
  switch (d.channel) {
    case Channel::kBankTransfer: {
      if (d.account.empty()) return "the bank account is missing";
      if (LooksLikeIban(d.account)) {
        if (!IbanChecks(d.account)) return "the IBAN '" + d.account + "' fails its check digits";
        return "";
      }
      bool shaped = d.account.size() >= 5 && d.account.size() <= 34;
      for (char c : d.account) shaped = shaped && std::isalnum(static_cast<unsigned char>(c));
      if (!shaped) return "the bank account '" + d.account + "' is not 5 to 34 letters and digits";
      return "";
    }
    case Channel::kMobileMoney: {
      if (d.account.empty()) return "the wallet number is missing";
      std::string_view digits = d.account;
      if (digits[0] == '+') digits.remove_prefix(1);
      bool shaped = digits.size() >= 8 && digits.size() <= 15 && digits[0] != '0';
      for (char c : digits) shaped = shaped && std::isdigit(static_cast<unsigned char>(c));
      if (!shaped) {
        return "the wallet number '" + d.account +
               "' is not an international phone number (8 to 15 digits)";
      }
      return "";
    }
    case Channel::kCash:
      return "";
  }
  return "";
}

std::string EndToEndId(int64_t cycle_id, int64_t entitlement_id, int attempt) {
  char id[64];
  if (cycle_id < 0 || entitlement_id < 0 || attempt < 0) {  // names no payment; as printf pads
    std::snprintf(id, sizeof id, "SPMIS-C%06lld-E%010lld-%d", static_cast<long long>(cycle_id),
                  static_cast<long long>(entitlement_id), attempt);
    return id;
  }
  // Written digit by digit rather than by printf: an export of a million
  // payments makes a million ids, and printf's parsing of its format was a
  // tenth of the reading thread's time.
  char* at = id;
  auto text = [&](std::string_view s) {
    std::memcpy(at, s.data(), s.size());
    at += s.size();
  };
  auto number = [&](int64_t value, int width) {
    char digits[24];
    const int count =
        static_cast<int>(std::to_chars(digits, digits + sizeof digits, value).ptr - digits);
    for (int pad = count; pad < width; ++pad) *at++ = '0';
    text({digits, static_cast<size_t>(count)});
  };
  text("SPMIS-C");
  number(cycle_id, 6);
  text("-E");
  number(entitlement_id, 10);
  text("-");
  number(attempt, 1);
  return std::string(id, at);
}

std::optional<EndToEndKey> ParseEndToEndId(std::string_view id) {
  EndToEndKey key;
  const char* at = id.data();
  const char* end = id.data() + id.size();
  auto literal = [&](std::string_view text) {
    if (static_cast<size_t>(end - at) < text.size() || std::string_view(at, text.size()) != text) {
      return false;
    }
    at += text.size();
    return true;
  };
  auto number = [&](auto& value) {
    auto [next, error] = std::from_chars(at, end, value);
    if (error != std::errc() || next == at) return false;
    at = next;
    return true;
  };
  if (!literal("SPMIS-C") || !number(key.cycle_id) || !literal("-E") ||
      !number(key.entitlement_id) || !literal("-") || !number(key.attempt) || at != end) {
    return std::nullopt;
  }
  // Only the spelling EndToEndId gives (its padding, no sign): one payment,
  // one id.
  if (key.cycle_id <= 0 || key.entitlement_id <= 0 || key.attempt <= 0 ||
      EndToEndId(key.cycle_id, key.entitlement_id, key.attempt) != id) {
    return std::nullopt;
  }
  return key;
}

}  // namespace spmis::payments
