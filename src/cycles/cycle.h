// Cycle and Entitlement: a program's delivery period, and what each
// beneficiary is owed in it. A cycle goes draft -> to approve -> approved ->
// distributing -> ended, or is cancelled; an entitlement goes draft ->
// pending approval -> approved -> paid or failed, or is cancelled. Amounts
// are integer minor units of the program's currency.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"

namespace spmis::cycles {

enum class CycleState { kDraft, kToApprove, kApproved, kDistributing, kEnded, kCancelled };
const char* CycleStateName(CycleState state);  // "to_approve"
std::optional<CycleState> ParseCycleState(std::string_view name);

enum class EntitlementState { kDraft, kPendingApproval, kApproved, kPaid, kFailed, kCancelled };
const char* EntitlementStateName(EntitlementState state);
std::optional<EntitlementState> ParseEntitlementState(std::string_view name);

struct Cycle {
  int64_t id = 0;
  int64_t program_id = 0;
  std::string program_code;
  int sequence = 0;  // 1, 2, ... within the program
  Date start_date;
  Date end_date;
  CycleState state = CycleState::kDraft;
  std::string prepared_by;   // who generated the entitlements
  std::string submitted_by;  // who submitted them for approval
  int approvals_needed = 1;
  int64_t version = 1;
  std::string created_by;
  Timestamp created_at;
  Timestamp updated_at;
};

// What an entitlement's amount was computed from. Only `from_rule` is the
// beneficiary's own (stored with the entitlement); the date is the cycle's
// start and the fixed amount and cap are the rule version's, read from
// there rather than repeated on every row.
struct EntitlementInputs {
  Date as_of;                  // the cycle's start: ages are counted at this date
  int64_t fixed = 0;           // the rule version's fixed amount
  std::optional<int64_t> cap;  // the rule version's cap, if any
  int64_t from_rule = 0;       // what the amount rule gave (0 without one)
  // Whether the cap cut the amount: fixed + from_rule above it.
  bool capped() const { return cap && fixed + from_rule > *cap; }
};

struct Entitlement {
  int64_t id = 0;
  int64_t cycle_id = 0;
  int64_t registrant_id = 0;
  int64_t amount_minor = 0;
  std::string currency;
  std::string items;  // in-kind items, JSON ("" for none)
  EntitlementState state = EntitlementState::kDraft;
  int rule_version = 0;
  EntitlementInputs inputs;
};

// A cycle's money by state, in minor units. Once approved, every approved
// amount is exactly one of paid, failed, pending (approved, not yet paid) or
// cancelled: approved == paid + failed + pending + cancelled.
struct CycleTotals {
  std::string currency;
  int64_t entitlements = 0;  // how many
  int64_t draft = 0;         // not yet approved (draft or pending approval)
  int64_t approved = 0;
  int64_t paid = 0;
  int64_t failed = 0;
  int64_t pending = 0;
  int64_t cancelled = 0;
  bool balanced() const { return approved == paid + failed + pending + cancelled; }
};

struct Approval {
  int level = 0;
  std::string decision;  // approved | rejected
  std::string actor;
  std::string role;
  std::string comment;
  Timestamp at;
};

}  // namespace spmis::cycles
