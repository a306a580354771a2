// Payment details, batches and payments: how an approved entitlement becomes
// money in a beneficiary's account, once.
//
// A beneficiary's payment details name a channel (bank transfer, mobile
// money, cash at a distribution point), a provider and an account. Approved
// entitlements are put in batches per cycle, channel and provider; each gets
// a payment whose end-to-end id is its idempotency key with the provider. A
// payment is pending until a provider's status file says paid or failed; a
// failed one can be re-issued as a new attempt once the details are fixed.
// The database keeps at most one payment that is not failed per entitlement.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/registrant_id.h"

namespace spmis::payments {

enum class Channel { kBankTransfer, kMobileMoney, kCash };
const char* ChannelName(Channel channel);  // "bank_transfer" | "mobile_money" | "cash"
std::optional<Channel> ParseChannel(std::string_view name);

enum class PaymentState { kPending, kPaid, kFailed };
const char* PaymentStateName(PaymentState state);  // "pending" | "paid" | "failed"
std::optional<PaymentState> ParsePaymentState(std::string_view name);

struct PaymentDetails {
  RegistrantKind kind = RegistrantKind::kIndividual;
  int64_t registrant_id = 0;
  Channel channel = Channel::kMobileMoney;
  std::string provider;     // the bank or operator; for cash, the distribution point
  std::string account;      // IBAN or account number; wallet number; "" for cash
  std::string bic;          // the provider's BIC, when a bank has one ("" if none)
  std::string holder_name;  // when the account is not in the registrant's name
  int64_t version = 0;
  std::string updated_by;
  Timestamp updated_at;
};

// What is wrong with the details, "" when nothing: a provider is required;
// a bank account is an IBAN with a valid check (or 5 to 34 letters and
// digits); a wallet is an international phone number; a BIC has 8 or 11
// characters.
std::string CheckDetails(const PaymentDetails& details);

// True for an IBAN-shaped account (two letters, two digits, ...).
bool LooksLikeIban(std::string_view account);
// The ISO 13616 mod-97 check of an IBAN (spaces ignored).
bool IbanChecks(std::string_view iban);

struct PaymentBatch {
  int64_t id = 0;
  int64_t cycle_id = 0;
  int sequence = 0;  // 1, 2, ... within the cycle
  Channel channel = Channel::kBankTransfer;
  std::string provider;
  int64_t payments = 0;
  int64_t total_minor = 0;
  std::string currency;
  std::string created_by;
  Timestamp created_at;
  std::optional<Timestamp> exported_at;
};

struct Payment {
  int64_t id = 0;
  int64_t batch_id = 0;
  int64_t cycle_id = 0;
  int64_t entitlement_id = 0;
  int64_t registrant_id = 0;
  int attempt = 1;
  std::string end_to_end_id;
  int64_t amount_minor = 0;
  std::string currency;
  std::string name;
  Channel channel = Channel::kBankTransfer;
  std::string provider;
  std::string account;
  std::string bic;
  PaymentState state = PaymentState::kPending;
  std::string reason;
};

// "SPMIS-C000007-E0000001234-1": cycle, entitlement and attempt; at most 35
// characters, as ISO 20022 allows, and never reused (the payments table keys
// on entitlement and attempt). Zero-padded, so ids sort in the order of
// (cycle, entitlement, attempt). Derived, not stored: a payment's id is
// always EndToEndId of its own cycle, entitlement and attempt.
std::string EndToEndId(int64_t cycle_id, int64_t entitlement_id, int attempt);

// What an end-to-end id names.
struct EndToEndKey {
  int64_t cycle_id = 0;
  int64_t entitlement_id = 0;
  int attempt = 0;
};

// The key of an id EndToEndId made, exactly as it made it; nullopt for any
// other text (another system's id, a mistyped or re-padded one), which then
// names no payment.
std::optional<EndToEndKey> ParseEndToEndId(std::string_view id);

}  // namespace spmis::payments
