// Program: a social protection program as its managers configure it — what
// it is, whom it targets (individuals or groups), for how long, for how many,
// with what budget — and the rules that decide who is in it. Rules are
// versioned: an edit makes a new version, and every decision names the
// version it used.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"

namespace spmis::programs {

enum class ProgramKind {
  kUnconditionalCash,
  kConditionalCash,
  kEmergency,
  kAgriculturalSupport,
  kInKind,
};
enum class ProgramTarget { kIndividuals, kGroups };
enum class ProgramState { kDraft, kActive, kEnded };

const char* ProgramKindName(ProgramKind kind);  // "unconditional_cash"
std::optional<ProgramKind> ParseProgramKind(std::string_view name);
const char* ProgramTargetName(ProgramTarget target);  // "individuals" | "groups"
std::optional<ProgramTarget> ParseProgramTarget(std::string_view name);
const char* ProgramStateName(ProgramState state);
std::optional<ProgramState> ParseProgramState(std::string_view name);

// An in-kind item each beneficiary receives per cycle.
struct InKindItem {
  std::string item;  // "maize flour"
  int64_t quantity = 0;
  std::string unit;  // "kg"
  bool operator==(const InKindItem&) const = default;
};

// One version of a program's rules: who qualifies, who comes first, and what
// each beneficiary is entitled to per cycle (the components summed, then
// capped; integer minor units of the program's currency).
struct ProgramRules {
  int version = 0;
  std::string eligibility;              // CEL, true for those who qualify
  std::string priority;                 // CEL, higher first when places are few ("" = none)
  std::optional<int64_t> amount_fixed;  // minor units per beneficiary
  std::string amount_rule;              // CEL giving minor units ("" = none)
  std::optional<int64_t> amount_cap;    // at most this, in minor units
  std::vector<InKindItem> in_kind_items;
  std::string created_by;
  Timestamp created_at;
};

struct Program {
  int64_t id = 0;
  std::string code;  // unique, as people and files name it
  std::string name;
  ProgramKind kind = ProgramKind::kUnconditionalCash;
  ProgramTarget target = ProgramTarget::kGroups;
  std::optional<Date> period_from;
  std::optional<Date> period_to;
  std::optional<int64_t> max_beneficiaries;
  std::optional<int64_t> budget_minor;  // in minor units of `currency`
  std::string currency;                 // ISO 4217 ("" when no budget)
  std::string institution;
  // Cycles whose total is above this many minor units need a second approval.
  std::optional<int64_t> second_approval_above;
  // The account payments are made from (IBAN or account number) and its
  // bank's BIC, written into ISO 20022 payment files.
  std::string funding_account;
  std::string funding_bic;
  ProgramState state = ProgramState::kDraft;
  std::string dialect = "standard";  // of the rules: standard | openspp
  ProgramRules rules;                // the current version
  int64_t version = 1;               // of this record, for If-Match
  std::string created_by;
  Timestamp created_at;
  Timestamp updated_at;
};

}  // namespace spmis::programs
