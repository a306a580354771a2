// CompiledRules: a program's rules made ready to run — the registry bridge
// (with the declared custom fields and the Logic Pack), the eligibility rule
// (which must give a bool) and the optional priority rule (a number).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "cel/program.h"
#include "core/result.h"
#include "programs/program.h"
#include "rules/registry_rules.h"
#include "store/database.h"

namespace spmis::programs {

struct CompiledRules {
  std::unique_ptr<rules::RegistryRules> registry;
  std::unique_ptr<cel::Program> eligibility;
  std::unique_ptr<cel::Program> priority;  // null when there is none
  std::unique_ptr<cel::Program> amount;    // the entitlement rule; null when there is none
  std::vector<registry::CustomField> individual_custom;
  std::vector<registry::CustomField> group_custom;
};

// Refused (kInvalidArgument, field "rule", "priority" or "amount_rule", with
// LINE:COLUMN) when a rule does not compile or gives the wrong type.
Result<CompiledRules> CompileRules(store::Connection& connection, ProgramTarget target,
                                   const std::string& dialect, const std::string& eligibility,
                                   const std::string& priority,
                                   const std::string& amount = std::string());

rules::RuleTarget RuleTargetOf(ProgramTarget target);

}  // namespace spmis::programs
