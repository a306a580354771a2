// RegistryRules: the bridge from the registry to CEL. It declares what a rule
// over registrants may read, compiles rules against it, and evaluates them for
// one registrant at a time, as of an explicit date so that a decision can be
// replayed.
//
// A rule over individuals reads `individual` (also `r` and `me` in the OpenSPP
// dialect); a rule over groups reads `group` (also `r`, `me`, and `members`).
// Both read `variables`, the Logic Pack. Fields:
//   individual: id, registrant_id, given_name, family_name, sex, birth_date
//               (also birthdate), age (whole years on the evaluation date),
//               phone, email, area, disability, status, and every custom
//               field by its declared name;
//   group:      id, registrant_id, kind, name, area, status, size, members,
//               and every group custom field;
//   members:    the individual fields, plus role and is_head.
// A field with no value (no birth date recorded) is null: a rule that needs it
// gets an error for that registrant, never a guess.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cel/program.h"
#include "core/date.h"
#include "core/result.h"
#include "registry/custom_field.h"
#include "registry/group.h"
#include "registry/individual.h"
#include "rules/logic_pack.h"

namespace spmis::rules {

enum class RuleTarget { kIndividuals, kGroups };

// A group with its current members, as a rule sees it.
struct GroupWithMembers {
  registry::Group group;
  std::vector<registry::Membership> memberships;  // current ones
  std::vector<registry::Individual> members;      // in the order of memberships
};

// One sub-expression of a rule and its value, for `explain`.
struct ExplainedPart {
  int line = 0;
  int column = 0;
  std::string value;  // in CEL literal syntax, or "error: ..."
};

class RegistryRules {
 public:
  // Fails when a Logic Pack rule does not compile (the message names it).
  static Result<std::unique_ptr<RegistryRules>> Create(
      RuleTarget target, const std::vector<registry::CustomField>& individual_fields,
      const std::vector<registry::CustomField>& group_fields, LogicPack pack,
      cel::Dialect dialect = cel::Dialect::kStandard);
  ~RegistryRules();

  const cel::Environment& environment() const;
  // Compiles a rule; errors carry LINE:COLUMN.
  Result<cel::Program> Compile(std::string_view rule) const;

  cel::Value EvaluateIndividual(const cel::Program& program, const registry::Individual& person,
                                Date as_of) const;
  cel::Value EvaluateGroup(const cel::Program& program, const GroupWithMembers& group,
                           Date as_of) const;
  std::vector<ExplainedPart> ExplainIndividual(const cel::Program& program,
                                               const registry::Individual& person,
                                               Date as_of) const;
  std::vector<ExplainedPart> ExplainGroup(const cel::Program& program,
                                          const GroupWithMembers& group, Date as_of) const;

 private:
  struct State;
  std::unique_ptr<State> state_;

 public:
  // Made by Create() only (State is private).
  explicit RegistryRules(std::unique_ptr<State> state);
};

}  // namespace spmis::rules
