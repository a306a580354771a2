#include "rules/registry_rules.h"

#include "cel/record_table.h"

namespace spmis::rules {

namespace {

using cel::ColumnKind;
using cel::Type;
using cel::TypeKind;
using cel::Value;

struct FieldSpec {
  std::string name;
  Type type;
  ColumnKind column;
};

Type TypeOfCustom(registry::CustomFieldType type) {
  switch (type) {
    case registry::CustomFieldType::kInteger:
      return Type::Of(TypeKind::kInt);
    case registry::CustomFieldType::kDecimal:
      return Type::Of(TypeKind::kDouble);
    case registry::CustomFieldType::kBoolean:
      return Type::Of(TypeKind::kBool);
    case registry::CustomFieldType::kDate:
      return Type::Of(TypeKind::kTimestamp);
    default:
      return Type::Of(TypeKind::kString);
  }
}

Type TypeOfValue(const Value& v) {
  switch (v.kind()) {
    case cel::ValueKind::kBool:
      return Type::Of(TypeKind::kBool);
    case cel::ValueKind::kInt:
      return Type::Of(TypeKind::kInt);
    case cel::ValueKind::kUint:
      return Type::Of(TypeKind::kUint);
    case cel::ValueKind::kDouble:
      return Type::Of(TypeKind::kDouble);
    case cel::ValueKind::kString:
      return Type::Of(TypeKind::kString);
    case cel::ValueKind::kTimestamp:
      return Type::Of(TypeKind::kTimestamp);
    default:
      return Type::Dyn();
  }
}

std::vector<FieldSpec> PersonFields(const std::vector<registry::CustomField>& custom, bool member) {
  std::vector<FieldSpec> fields = {
      {"id", Type::Of(TypeKind::kInt), ColumnKind::kInt},
      {"registrant_id", Type::Of(TypeKind::kString), ColumnKind::kString},
      {"given_name", Type::Of(TypeKind::kString), ColumnKind::kString},
      {"family_name", Type::Of(TypeKind::kString), ColumnKind::kString},
      {"sex", Type::Of(TypeKind::kString), ColumnKind::kString},
      {"birth_date", Type::Of(TypeKind::kTimestamp), ColumnKind::kValue},
      {"birthdate", Type::Of(TypeKind::kTimestamp), ColumnKind::kValue},
      {"age", Type::Of(TypeKind::kInt), ColumnKind::kInt},
      {"phone", Type::Of(TypeKind::kString), ColumnKind::kString},
      {"email", Type::Of(TypeKind::kString), ColumnKind::kString},
      {"area", Type::Of(TypeKind::kString), ColumnKind::kString},
      {"disability", Type::Of(TypeKind::kBool), ColumnKind::kBool},
      {"status", Type::Of(TypeKind::kString), ColumnKind::kString},
  };
  if (member) {
    fields.push_back({"role", Type::Of(TypeKind::kString), ColumnKind::kString});
    fields.push_back({"is_head", Type::Of(TypeKind::kBool), ColumnKind::kBool});
  }
  for (const registry::CustomField& f : custom) {
    fields.push_back({f.name, TypeOfCustom(f.type), ColumnKind::kValue});
  }
  return fields;
}

std::vector<FieldSpec> GroupFields(const std::vector<registry::CustomField>& custom) {
  std::vector<FieldSpec> fields = {
      {"id", Type::Of(TypeKind::kInt), ColumnKind::kInt},
      {"registrant_id", Type::Of(TypeKind::kString), ColumnKind::kString},
      {"kind", Type::Of(TypeKind::kString), ColumnKind::kString},
      {"name", Type::Of(TypeKind::kString), ColumnKind::kString},
      {"area", Type::Of(TypeKind::kString), ColumnKind::kString},
      {"status", Type::Of(TypeKind::kString), ColumnKind::kString},
      {"size", Type::Of(TypeKind::kInt), ColumnKind::kInt},
      {"members", Type::List(Type::Record("Member")), ColumnKind::kRows},
  };
  for (const registry::CustomField& f : custom) {
    fields.push_back({f.name, TypeOfCustom(f.type), ColumnKind::kValue});
  }
  return fields;
}

std::vector<std::pair<std::string, Type>> Declared(const std::vector<FieldSpec>& fields) {
  std::vector<std::pair<std::string, Type>> out;
  for (const FieldSpec& f : fields) out.emplace_back(f.name, f.type);
  return out;
}

std::vector<ColumnKind> Columns(const std::vector<FieldSpec>& fields) {
  std::vector<ColumnKind> out;
  for (const FieldSpec& f : fields) out.push_back(f.column);
  return out;
}

}  // namespace

cel::Value DateValue(Date date) {
  return Value::Timestamp(cel::SecondsNanos{int64_t{date.days_since_epoch()} * 86400, 0});
}

Value CustomFieldValue(const registry::CustomField& field, const registry::CustomValue& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return Value::Int(*i);
  if (const auto* d = std::get_if<double>(&value)) return Value::Double(*d);
  if (const auto* b = std::get_if<bool>(&value)) return Value::Bool(*b);
  const auto& text = std::get<std::string>(value);
  if (field.type == registry::CustomFieldType::kDate) {
    if (auto date = Date::Parse(text)) return DateValue(*date);
    return Value::Null();
  }
  return Value::String(text);
}

struct RegistryRules::State {
  RuleTarget target = RuleTarget::kIndividuals;
  cel::Dialect dialect = cel::Dialect::kStandard;
  std::vector<registry::CustomField> individual_custom;
  std::vector<registry::CustomField> group_custom;
  std::vector<FieldSpec> person_fields;
  std::vector<FieldSpec> member_fields;
  std::vector<FieldSpec> group_fields;
  LogicPack pack;
  std::vector<Type> pack_types;  // constants, then expressions
  std::vector<cel::Program> pack_programs;
  cel::Environment env;
  // The environments the Logic Pack's rules were compiled in: their plans
  // point at these record shapes, which must outlive them.
  std::vector<cel::Environment> pack_environments;
  std::shared_ptr<const cel::RecordType> person_shape, member_shape, group_shape, variables_shape;

  // The environment that sees the Logic Pack's first `visible` names.
  cel::Environment Build(size_t visible, std::shared_ptr<const cel::RecordType>* variables) {
    cel::Environment e;
    e.parse_options.dialect = dialect;
    person_shape = e.DeclareRecord("Individual", Declared(person_fields));
    member_shape = e.DeclareRecord("Member", Declared(member_fields));
    group_shape = e.DeclareRecord("Group", Declared(group_fields));
    std::vector<std::pair<std::string, Type>> names;
    for (size_t i = 0; i < visible; ++i) names.emplace_back(PackName(i), pack_types[i]);
    *variables = e.DeclareRecord("Variables", names);
    const char* root = target == RuleTarget::kIndividuals ? "Individual" : "Group";
    e.DeclareVariable(target == RuleTarget::kIndividuals ? "individual" : "group",
                      Type::Record(root));
    e.DeclareVariable("variables", Type::Record("Variables"));
    if (dialect == cel::Dialect::kOpenSpp) {
      e.DeclareVariable("r", Type::Record(root));
      e.DeclareVariable("me", Type::Record(root));
      if (target == RuleTarget::kGroups) {
        e.DeclareVariable("members", Type::List(Type::Record("Member")));
      }
      for (const auto& [name, type] : names) e.DeclareVariable(name, type);
    }
    return e;
  }

  const std::string& PackName(size_t i) const {
    return i < pack.constants.size() ? pack.constants[i].first
                                     : pack.expressions[i - pack.constants.size()].first;
  }

  void FillPerson(cel::RecordTable& table, uint32_t row, const registry::Individual& p, Date as_of,
                  const std::vector<registry::CustomField>& custom, int first_custom) const {
    table.SetInt(row, 0, p.id);
    table.SetString(row, 1, p.registrant_id());
    table.SetString(row, 2, p.given_name);
    table.SetString(row, 3, p.family_name);
    table.SetString(row, 4, registry::SexName(p.sex));
    if (p.birth_date) {
      table.SetValue(row, 5, DateValue(*p.birth_date));
      table.SetValue(row, 6, DateValue(*p.birth_date));
      table.SetInt(row, 7, p.birth_date->YearsUntil(as_of));
    }
    if (p.phone) table.SetString(row, 8, *p.phone);
    if (p.email) table.SetString(row, 9, *p.email);
    if (!p.area_code.empty()) table.SetString(row, 10, p.area_code);
    table.SetBool(row, 11, p.disability);
    table.SetString(row, 12, registry::IndividualStatusName(p.status));
    for (size_t i = 0; i < custom.size(); ++i) {
      auto found = p.custom.find(custom[i].name);
      if (found != p.custom.end()) {
        table.SetValue(row, first_custom + static_cast<int>(i),
                       CustomFieldValue(custom[i], found->second));
      }
    }
  }

  // The registrant's records, the Logic Pack's values, and the bindings.
  struct Bound {
    std::unique_ptr<cel::RecordTable> people;
    std::unique_ptr<cel::RecordTable> members;
    std::unique_ptr<cel::RecordTable> groups;
    std::unique_ptr<cel::RecordTable> variables;
    cel::Activation activation;
  };

  std::unique_ptr<Bound> Bind(const registry::Individual* person, const GroupWithMembers* group,
                              Date as_of, cel::EvalContext& context) const {
    auto bound = std::make_unique<Bound>();
    Value root;
    if (person != nullptr) {
      bound->people = std::make_unique<cel::RecordTable>(person_shape, Columns(person_fields));
      bound->people->AddRow();
      FillPerson(*bound->people, 0, *person, as_of, individual_custom, 13);
      root = bound->people->Row(0);
      bound->activation.Bind("individual", root);
    } else {
      bound->members = std::make_unique<cel::RecordTable>(member_shape, Columns(member_fields));
      for (size_t i = 0; i < group->members.size(); ++i) {
        uint32_t row = bound->members->AddRow();
        FillPerson(*bound->members, row, group->members[i], as_of, individual_custom, 15);
        const std::string& role = i < group->memberships.size() ? group->memberships[i].role : "";
        bound->members->SetString(row, 13, role);
        bound->members->SetBool(row, 14, role == registry::kHeadRole);
      }
      bound->groups = std::make_unique<cel::RecordTable>(group_shape, Columns(group_fields));
      bound->groups->AddRow();
      const registry::Group& g = group->group;
      bound->groups->SetInt(0, 0, g.id);
      bound->groups->SetString(0, 1, g.registrant_id());
      bound->groups->SetString(0, 2, g.kind);
      bound->groups->SetString(0, 3, g.name);
      if (!g.area_code.empty()) bound->groups->SetString(0, 4, g.area_code);
      bound->groups->SetString(0, 5, registry::GroupStatusName(g.status));
      auto count = static_cast<uint32_t>(group->members.size());
      bound->groups->SetInt(0, 6, count);
      bound->groups->SetRows(0, 7, bound->members.get(), 0, count);
      for (size_t i = 0; i < group_custom.size(); ++i) {
        auto found = g.custom.find(group_custom[i].name);
        if (found != g.custom.end()) {
          bound->groups->SetValue(0, 8 + static_cast<int>(i),
                                  CustomFieldValue(group_custom[i], found->second));
        }
      }
      root = bound->groups->Row(0);
      bound->activation.Bind("group", root);
      bound->activation.Bind("members", bound->groups->Field(0, 7));
    }
    bound->activation.Bind("r", root);
    bound->activation.Bind("me", root);
    // The Logic Pack: constants, then each named rule in order, each seeing
    // the ones before it.
    std::vector<ColumnKind> kinds(pack_types.size(), ColumnKind::kValue);
    bound->variables = std::make_unique<cel::RecordTable>(variables_shape, kinds);
    bound->variables->AddRow();
    bound->activation.Bind("variables", bound->variables->Row(0));
    for (size_t i = 0; i < pack_types.size(); ++i) {
      Value v = i < pack.constants.size()
                    ? pack.constants[i].second
                    : pack_programs[i - pack.constants.size()].Evaluate(bound->activation, context);
      bound->variables->SetValue(0, static_cast<int>(i), v);
      bound->activation.Bind(PackName(i), v);
    }
    return bound;
  }

  static void SetDate(cel::EvalContext& context, Date as_of) {
    context.as_of = cel::SecondsNanos{int64_t{as_of.days_since_epoch()} * 86400, 0};
  }

  std::vector<ExplainedPart> Explain(const cel::Program& program, const cel::Activation& activation,
                                     cel::EvalContext& context) const {
    std::vector<ExplainedPart> parts;
    // Offsets by expression id, to place each value in the rule's text.
    std::vector<int32_t> offsets(static_cast<size_t>(program.parsed().next_id), 0);
    std::vector<const cel::Expr*> stack = {program.parsed().root.get()};
    while (!stack.empty()) {
      const cel::Expr* e = stack.back();
      stack.pop_back();
      offsets[static_cast<size_t>(e->id)] = e->offset;
      for (const cel::Expr* child :
           {e->operand.get(), e->iter_range.get(), e->accu_init.get(), e->loop_condition.get(),
            e->loop_step.get(), e->result.get()}) {
        if (child != nullptr) stack.push_back(child);
      }
      for (const cel::ExprPtr& a : e->args) stack.push_back(a.get());
      for (const cel::MapEntry& m : e->entries) {
        stack.push_back(m.key.get());
        stack.push_back(m.value.get());
      }
    }
    for (const auto& [id, value] : program.Explain(activation, context)) {
      auto [line, column] = program.parsed().LineColumn(offsets[static_cast<size_t>(id)]);
      parts.push_back({line, column,
                       value.IsError() ? "error: " + value.error_message() : value.DebugString()});
    }
    return parts;
  }
};

RegistryRules::RegistryRules(std::unique_ptr<State> state) : state_(std::move(state)) {}
RegistryRules::~RegistryRules() = default;

Result<std::unique_ptr<RegistryRules>> RegistryRules::Create(
    RuleTarget target, const std::vector<registry::CustomField>& individual_fields,
    const std::vector<registry::CustomField>& group_fields, LogicPack pack, cel::Dialect dialect) {
  auto state = std::make_unique<State>();
  state->target = target;
  state->dialect = dialect;
  state->individual_custom = individual_fields;
  state->group_custom = group_fields;
  state->person_fields = PersonFields(individual_fields, false);
  state->member_fields = PersonFields(individual_fields, true);
  state->group_fields = GroupFields(group_fields);
  state->pack = std::move(pack);
  for (const auto& [name, value] : state->pack.constants) {
    state->pack_types.push_back(TypeOfValue(value));
  }
  size_t constants = state->pack.constants.size();
  state->pack_environments.reserve(state->pack.expressions.size());
  for (size_t i = 0; i < state->pack.expressions.size(); ++i) {
    std::shared_ptr<const cel::RecordType> variables;
    state->pack_environments.push_back(state->Build(constants + i, &variables));
    const auto& [name, source] = state->pack.expressions[i];
    auto program = cel::Program::Compile(source, state->pack_environments.back());
    if (!program.ok()) {
      return Error::Invalid("Logic Pack rule '" + name + "': " + program.error().message);
    }
    state->pack_types.push_back(program->result_type());
    state->pack_programs.push_back(std::move(program).value());
  }
  state->env = state->Build(state->pack_types.size(), &state->variables_shape);
  return std::make_unique<RegistryRules>(std::move(state));
}

const cel::Environment& RegistryRules::environment() const { return state_->env; }

Result<cel::Program> RegistryRules::Compile(std::string_view rule) const {
  return cel::Program::Compile(rule, state_->env);
}

cel::Value RegistryRules::EvaluateIndividual(const cel::Program& program,
                                             const registry::Individual& person, Date as_of) const {
  cel::EvalContext context;
  State::SetDate(context, as_of);
  auto bound = state_->Bind(&person, nullptr, as_of, context);
  // The result may borrow the registrant's tables, which end here.
  return program.Evaluate(bound->activation, context).Owned();
}

cel::Value RegistryRules::EvaluateGroup(const cel::Program& program, const GroupWithMembers& group,
                                        Date as_of) const {
  cel::EvalContext context;
  State::SetDate(context, as_of);
  auto bound = state_->Bind(nullptr, &group, as_of, context);
  return program.Evaluate(bound->activation, context).Owned();
}

std::vector<ExplainedPart> RegistryRules::ExplainIndividual(const cel::Program& program,
                                                            const registry::Individual& person,
                                                            Date as_of) const {
  cel::EvalContext context;
  State::SetDate(context, as_of);
  auto bound = state_->Bind(&person, nullptr, as_of, context);
  return state_->Explain(program, bound->activation, context);
}

std::vector<ExplainedPart> RegistryRules::ExplainGroup(const cel::Program& program,
                                                       const GroupWithMembers& group,
                                                       Date as_of) const {
  cel::EvalContext context;
  State::SetDate(context, as_of);
  auto bound = state_->Bind(nullptr, &group, as_of, context);
  return state_->Explain(program, bound->activation, context);
}

namespace {

class TableBatch final : public RuleBatch {
 public:
  TableBatch(std::shared_ptr<const cel::RecordType> root_shape,
             std::vector<ColumnKind> root_columns,
             std::shared_ptr<const cel::RecordType> member_shape,
             std::vector<ColumnKind> member_columns)
      : registrants_(std::move(root_shape), std::move(root_columns)),
        members_(std::move(member_shape), std::move(member_columns)) {
    members_slot_ = registrants_.Type().FieldSlot("members");
  }
  cel::RecordTable& registrants() override { return registrants_; }
  cel::RecordTable& members() override { return members_; }
  int RegistrantSlot(std::string_view field) const override {
    return registrants_.Type().FieldSlot(field);
  }
  int MemberSlot(std::string_view field) const override { return members_.Type().FieldSlot(field); }
  void SetMembers(uint32_t group_row, uint32_t begin, uint32_t count) override {
    registrants_.SetRows(group_row, members_slot_, &members_, begin, count);
  }
  int members_slot() const { return members_slot_; }

 private:
  cel::RecordTable registrants_;
  cel::RecordTable members_;
  int members_slot_ = -1;
};

void CollectFields(const cel::Expr* root, std::set<std::string>& fields) {
  std::vector<const cel::Expr*> stack = {root};
  while (!stack.empty()) {
    const cel::Expr* e = stack.back();
    stack.pop_back();
    if (e->kind == cel::ExprKind::kSelect) fields.insert(e->name);
    if (e->kind == cel::ExprKind::kCall && e->name == "head") {
      fields.insert("role");
      fields.insert("is_head");
    }
    for (const cel::Expr* child : {e->operand.get(), e->iter_range.get(), e->accu_init.get(),
                                   e->loop_condition.get(), e->loop_step.get(), e->result.get()}) {
      if (child != nullptr) stack.push_back(child);
    }
    for (const cel::ExprPtr& a : e->args) stack.push_back(a.get());
    for (const cel::MapEntry& m : e->entries) {
      stack.push_back(m.key.get());
      stack.push_back(m.value.get());
    }
  }
}

}  // namespace

std::set<std::string> RegistryRules::FieldsRead(const cel::Program& program) const {
  std::set<std::string> fields;
  CollectFields(program.parsed().root.get(), fields);
  for (const cel::Program& p : state_->pack_programs) CollectFields(p.parsed().root.get(), fields);
  // The short forms of the OpenSPP dialect read members without naming them.
  if (state_->target == RuleTarget::kGroups) fields.insert("members");
  return fields;
}

std::unique_ptr<RuleBatch> RegistryRules::NewBatch() const {
  bool groups = state_->target == RuleTarget::kGroups;
  return std::make_unique<TableBatch>(
      groups ? state_->group_shape : state_->person_shape,
      Columns(groups ? state_->group_fields : state_->person_fields), state_->member_shape,
      Columns(state_->member_fields));
}

std::vector<ExplainedPart> RegistryRules::ExplainBatchRow(const cel::Program& program,
                                                          RuleBatch& batch, uint32_t row,
                                                          Date as_of) const {
  const State& state = *state_;
  auto& tables = static_cast<TableBatch&>(batch);
  const cel::RecordTable& registrants = tables.registrants();
  cel::EvalContext context;
  State::SetDate(context, as_of);
  std::vector<ColumnKind> kinds(state.pack_types.size(), ColumnKind::kValue);
  cel::RecordTable pack(state.variables_shape, kinds);
  pack.AddRow();
  cel::Activation activation;
  Value root = registrants.Row(row);
  for (const char* name : {"individual", "group", "r", "me"}) activation.Bind(name, root);
  if (tables.members_slot() >= 0) {
    activation.Bind("members", registrants.Field(row, tables.members_slot()));
  }
  activation.Bind("variables", pack.Row(0));
  for (size_t i = 0; i < state.pack_types.size(); ++i) {
    Value v = i < state.pack.constants.size() ? state.pack.constants[i].second
                                              : state.pack_programs[i - state.pack.constants.size()]
                                                    .Evaluate(activation, context)
                                                    .Owned();
    pack.SetValue(0, static_cast<int>(i), v);
    activation.Bind(state.PackName(i), v);
  }
  return state.Explain(program, activation, context);
}

void RegistryRules::EvaluateBatch(const cel::Program& program, RuleBatch& batch, Date as_of,
                                  std::vector<cel::Value>& results) const {
  const State& state = *state_;
  auto& tables = static_cast<TableBatch&>(batch);
  const cel::RecordTable& registrants = tables.registrants();
  cel::EvalContext context;
  State::SetDate(context, as_of);

  // Where each of the program's variables comes from.
  enum class Source { kRoot, kMembers, kVariables, kPack };
  std::vector<std::pair<Source, size_t>> sources;
  for (const std::string& name : program.variables()) {
    if (name == "individual" || name == "group" || name == "r" || name == "me") {
      sources.emplace_back(Source::kRoot, 0);
    } else if (name == "members") {
      sources.emplace_back(Source::kMembers, 0);
    } else if (name == "variables") {
      sources.emplace_back(Source::kVariables, 0);
    } else {
      size_t index = 0;
      while (index < state.pack_types.size() && state.PackName(index) != name) ++index;
      sources.emplace_back(Source::kPack, index);
    }
  }
  // The Logic Pack: constants are the same for everyone; its named rules are
  // evaluated per registrant (through the slower general path).
  std::vector<ColumnKind> kinds(state.pack_types.size(), ColumnKind::kValue);
  cel::RecordTable pack(state.variables_shape, kinds);
  bool per_registrant_pack = !state.pack_programs.empty();
  pack.Reserve(per_registrant_pack ? registrants.size() : 1);
  if (!per_registrant_pack) {
    pack.AddRow();
    for (size_t i = 0; i < state.pack.constants.size(); ++i) {
      pack.SetValue(0, static_cast<int>(i), state.pack.constants[i].second);
    }
  }
  std::vector<Value> variables(sources.size());
  results.resize(registrants.size());
  for (uint32_t row = 0; row < registrants.size(); ++row) {
    Value root = registrants.Row(row);
    uint32_t pack_row = 0;
    if (per_registrant_pack) {
      pack_row = pack.AddRow();
      cel::Activation activation;
      activation.Bind("individual", root);
      activation.Bind("group", root);
      activation.Bind("r", root);
      activation.Bind("me", root);
      if (tables.members_slot() >= 0) {
        activation.Bind("members", registrants.Field(row, tables.members_slot()));
      }
      activation.Bind("variables", pack.Row(pack_row));
      for (size_t i = 0; i < state.pack_types.size(); ++i) {
        Value v = i < state.pack.constants.size()
                      ? state.pack.constants[i].second
                      : state.pack_programs[i - state.pack.constants.size()]
                            .Evaluate(activation, context)
                            .Owned();
        pack.SetValue(pack_row, static_cast<int>(i), v);
        activation.Bind(state.PackName(i), v);
      }
    }
    for (size_t i = 0; i < sources.size(); ++i) {
      switch (sources[i].first) {
        case Source::kRoot:
          variables[i] = root;
          break;
        case Source::kMembers:
          variables[i] = registrants.Field(row, tables.members_slot());
          break;
        case Source::kVariables:
          variables[i] = pack.Row(pack_row);
          break;
        case Source::kPack:
          variables[i] = pack.Field(pack_row, static_cast<int>(sources[i].second));
          break;
      }
    }
    results[row] = program.Evaluate(variables, context).Owned();
  }
}

}  // namespace spmis::rules
