#include "programs/compiled_rules.h"

#include "programs/logic_pack_repository.h"
#include "registry/configuration_repository.h"

namespace spmis::programs {

rules::RuleTarget RuleTargetOf(ProgramTarget target) {
  return target == ProgramTarget::kGroups ? rules::RuleTarget::kGroups
                                          : rules::RuleTarget::kIndividuals;
}

Result<CompiledRules> CompileRules(store::Connection& connection, ProgramTarget target,
                                   const std::string& dialect, const std::string& eligibility,
                                   const std::string& priority, const std::string& amount) {
  CompiledRules compiled;
  registry::ConfigurationRepository configuration(connection);
  compiled.individual_custom = configuration.CustomFields(RegistrantKind::kIndividual);
  compiled.group_custom = configuration.CustomFields(RegistrantKind::kGroup);
  if (dialect != "standard" && dialect != "openspp") {
    return Error::Invalid("the rules were refused", {{"dialect", "must be standard or openspp"}});
  }
  auto bridge = rules::RegistryRules::Create(
      RuleTargetOf(target), compiled.individual_custom, compiled.group_custom,
      LogicPackRepository(connection).Load(),
      dialect == "openspp" ? cel::Dialect::kOpenSpp : cel::Dialect::kStandard);
  if (!bridge.ok())
    return Error::Invalid(bridge.error().message, {{"logic_pack", bridge.error().message}});
  compiled.registry = std::move(bridge).value();

  if (eligibility.empty()) {
    return Error::Invalid("the rules were refused", {{"rule", "an eligibility rule is required"}});
  }
  auto rule = compiled.registry->Compile(eligibility);
  if (!rule.ok()) {
    return Error::Invalid("the eligibility rule does not compile: " + rule.error().message,
                          {{"rule", rule.error().message}});
  }
  cel::TypeKind kind = rule->result_type().kind;
  if (kind != cel::TypeKind::kBool && kind != cel::TypeKind::kDyn) {
    std::string message =
        "the eligibility rule must give true or false, not " + rule->result_type().ToString();
    return Error::Invalid(message, {{"rule", message}});
  }
  compiled.eligibility = std::make_unique<cel::Program>(std::move(rule).value());
  if (!priority.empty()) {
    auto order = compiled.registry->Compile(priority);
    if (!order.ok()) {
      return Error::Invalid("the priority rule does not compile: " + order.error().message,
                            {{"priority", order.error().message}});
    }
    cel::TypeKind k = order->result_type().kind;
    if (k != cel::TypeKind::kInt && k != cel::TypeKind::kDouble && k != cel::TypeKind::kUint &&
        k != cel::TypeKind::kDyn) {
      std::string message =
          "the priority rule must give a number, not " + order->result_type().ToString();
      return Error::Invalid(message, {{"priority", message}});
    }
    compiled.priority = std::make_unique<cel::Program>(std::move(order).value());
  }
  if (!amount.empty()) {
    auto rule = compiled.registry->Compile(amount);
    if (!rule.ok()) {
      return Error::Invalid("the entitlement rule does not compile: " + rule.error().message,
                            {{"amount_rule", rule.error().message}});
    }
    cel::TypeKind k = rule->result_type().kind;
    if (k != cel::TypeKind::kInt && k != cel::TypeKind::kDouble && k != cel::TypeKind::kUint &&
        k != cel::TypeKind::kDyn) {
      std::string message = "the entitlement rule must give an amount in minor units, not " +
                            rule->result_type().ToString();
      return Error::Invalid(message, {{"amount_rule", message}});
    }
    compiled.amount = std::make_unique<cel::Program>(std::move(rule).value());
  }
  return compiled;
}

}  // namespace spmis::programs
