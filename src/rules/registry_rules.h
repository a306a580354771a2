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
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cel/program.h"
#include "cel/record_table.h"
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

// How registry values look to a rule: a date is a timestamp at midnight UTC;
// a custom value takes its field's type (null for an unreadable date).
cel::Value DateValue(Date date);
cel::Value CustomFieldValue(const registry::CustomField& field, const registry::CustomValue& value);

// Registrants held column by column, for evaluating one rule over many of
// them at once (an eligibility run, a preview). A reader fills only the
// fields the rule reads (RegistryRules::FieldsRead); the others stay null.
// For groups, each group's members are a row range of members(), set with
// SetMembers once they are added.
class RuleBatch {
 public:
  virtual ~RuleBatch() = default;
  virtual cel::RecordTable& registrants() = 0;  // Individual or Group records
  // Member records (groups only). A group's members are a row range of it,
  // so a reader fills it in an order that keeps each group's together.
  virtual cel::RecordTable& members() = 0;
  // The slot of a field of registrants() / members(), or -1 when there is none.
  virtual int RegistrantSlot(std::string_view field) const = 0;
  virtual int MemberSlot(std::string_view field) const = 0;
  virtual void SetMembers(uint32_t group_row, uint32_t begin, uint32_t count) = 0;
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

  // The registrant and member fields `program` (or the Logic Pack) may read:
  // every field name selected anywhere in them, and those read by functions
  // (head() reads role and is_head). A reader loads only these.
  std::set<std::string> FieldsRead(const cel::Program& program) const;
  // An empty batch of this target's records.
  std::unique_ptr<RuleBatch> NewBatch() const;
  // results[i] is the value for registrants() row i, owned (it outlives the batch).
  void EvaluateBatch(const cel::Program& program, RuleBatch& batch, Date as_of,
                     std::vector<cel::Value>& results) const;
  // The value of every sub-expression for registrants() row `row`.
  std::vector<ExplainedPart> ExplainBatchRow(const cel::Program& program, RuleBatch& batch,
                                             uint32_t row, Date as_of) const;

 private:
  struct State;
  std::unique_ptr<State> state_;

 public:
  // Made by Create() only (State is private).
  explicit RegistryRules(std::unique_ptr<State> state);
};

}  // namespace spmis::rules
