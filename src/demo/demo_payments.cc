#include "demo/demo_payments.h"

#include <cstdio>

namespace spmis::demo {
namespace {

// FNV-1a: a stable draw from an external id.
uint64_t Draw(const std::string& text) {
  uint64_t hash = 1469598103934665603ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

std::optional<payments::PaymentDetails> HouseholdPaymentDetails(const DemoHousehold& h) {
  uint64_t draw = Draw(h.external_id);
  int percent = static_cast<int>(draw % 100);
  if (percent < 5) return std::nullopt;
  const DemoPerson* head = nullptr;
  for (const auto& m : h.members) {
    if (m.role == "head") head = &m;
  }
  payments::PaymentDetails d;
  if (percent < 80 && head && !head->phone.empty()) {
    d.channel = payments::Channel::kMobileMoney;
    d.provider = percent < 65 ? "M-Pesa" : "Airtel Money";
    d.account = head->phone;
    return d;
  }
  static const char* kBanks[] = {"Equity Bank", "KCB Bank", "Co-operative Bank"};
  char account[16];
  std::snprintf(account, sizeof account, "%012llu",
                static_cast<unsigned long long>((draw >> 8) % 1000000000000ULL));
  d.channel = payments::Channel::kBankTransfer;
  d.provider = kBanks[(draw >> 40) % 3];
  d.account = account;
  return d;
}

std::optional<payments::PaymentDetails> PersonPaymentDetails(const DemoPerson& p, Date as_of) {
  if (p.phone.empty() || as_of.AddMonths(-12 * 55) < p.birth_date) return std::nullopt;
  payments::PaymentDetails d;
  d.channel = payments::Channel::kMobileMoney;
  d.provider = Draw(p.external_id) % 4 == 0 ? "Airtel Money" : "M-Pesa";
  d.account = p.phone;
  return d;
}

}  // namespace spmis::demo
