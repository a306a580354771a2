#include "programs/program_service.h"

#include <boost/json.hpp>

#include "audit/audit_log.h"
#include "core/money.h"
#include "programs/compiled_rules.h"
#include "programs/membership_repository.h"
#include "programs/program_repository.h"

namespace spmis::programs {
namespace {

namespace json = boost::json;

json::value OptionalDate(const std::optional<Date>& d) {
  return d ? json::value(d->ToString()) : json::value(nullptr);
}
json::value OptionalInt(const std::optional<int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

// The program as the audit trail keeps it.
std::string AuditJson(const Program& p) {
  json::object o{{"code", p.code},
                 {"name", p.name},
                 {"kind", ProgramKindName(p.kind)},
                 {"target", ProgramTargetName(p.target)},
                 {"period_from", OptionalDate(p.period_from)},
                 {"period_to", OptionalDate(p.period_to)},
                 {"max_beneficiaries", OptionalInt(p.max_beneficiaries)},
                 {"budget_minor", OptionalInt(p.budget_minor)},
                 {"currency", p.currency},
                 {"institution", p.institution},
                 {"state", ProgramStateName(p.state)},
                 {"dialect", p.dialect},
                 {"rule_version", p.rules.version},
                 {"rule", p.rules.eligibility},
                 {"priority", p.rules.priority},
                 {"amount", OptionalInt(p.rules.amount_fixed)},
                 {"amount_rule", p.rules.amount_rule},
                 {"amount_cap", OptionalInt(p.rules.amount_cap)},
                 {"second_approval_above", OptionalInt(p.second_approval_above)},
                 {"funding_account", p.funding_account},
                 {"funding_bic", p.funding_bic}};
  return json::serialize(o);
}

bool ValidCode(const std::string& code) {
  if (code.empty() || code.size() > 50) return false;
  for (char c : code) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Status ProgramService::Validate(const Program& p) {
  std::vector<FieldError> errors;
  if (!ValidCode(p.code)) {
    errors.push_back({"code", "is required: letters, digits, '-', '_' and '.' (at most 50)"});
  }
  if (p.name.empty() || p.name.size() > 200) {
    errors.push_back({"name", "is required (at most 200 characters)"});
  }
  if (p.period_from && p.period_to && *p.period_to < *p.period_from) {
    errors.push_back({"period_to", "is before period_from"});
  }
  if (p.max_beneficiaries && *p.max_beneficiaries <= 0) {
    errors.push_back({"max_beneficiaries", "must be 1 or more"});
  }
  if (p.budget_minor) {
    if (*p.budget_minor < 0) errors.push_back({"budget", "must not be negative"});
    if (!CurrencyDecimals(p.currency)) {
      errors.push_back({"currency", "must be an ISO 4217 code when a budget is given"});
    }
  } else if (!p.currency.empty() && !CurrencyDecimals(p.currency)) {
    errors.push_back({"currency", "'" + p.currency + "' is not an ISO 4217 currency code"});
  }
  auto compiled = CompileRules(db_, p.target, p.dialect, p.rules.eligibility, p.rules.priority);
  if (!compiled.ok()) {
    for (const auto& f : compiled.error().fields) errors.push_back(f);
  }
  if (!errors.empty()) {
    std::string message =
        "the program was not saved: " + errors.front().field + " " + errors.front().message;
    return Error::Invalid(std::move(message), std::move(errors));
  }
  return OkStatus();
}

Result<Program> ProgramService::Create(Program program) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kProgramConfigure));
  SPMIS_RETURN_IF_ERROR(Validate(program));
  store::Transaction transaction(db_);
  ProgramRepository repository(db_);
  if (repository.FindByCode(program.code)) {
    return Error::Conflict("a program with code '" + program.code + "' already exists",
                           {{"code", "already used"}});
  }
  program.created_by = program.rules.created_by = principal_.name;
  program.created_at = program.updated_at = program.rules.created_at = Timestamp::Now();
  repository.Insert(program);
  audit::AuditLog(db_).Append(principal_.actor(), "create", "program", program.code, std::nullopt,
                              AuditJson(program));
  transaction.Commit();
  return *repository.FindById(program.id);
}

Result<Program> ProgramService::Update(Program program, int64_t expected_version) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kProgramConfigure));
  store::Transaction transaction(db_);
  ProgramRepository repository(db_);
  auto current = repository.FindByCode(program.code);
  if (!current || !principal_.CoversProgram(current->code)) {
    return Error::NotFound("no program '" + program.code + "'");
  }
  if (current->version != expected_version) {
    return Error::Precondition("program " + program.code +
                               " was changed by someone else (now version " +
                               std::to_string(current->version) + ", yours " +
                               std::to_string(expected_version) + "): reload and try again");
  }
  if (program.target != current->target) {
    return Error::Invalid("the program was not saved", {{"target", "cannot change"}});
  }
  SPMIS_RETURN_IF_ERROR(Validate(program));
  const ProgramRules& a = program.rules;
  const ProgramRules& b = current->rules;
  bool new_rules = a.eligibility != b.eligibility || a.priority != b.priority ||
                   a.amount_fixed != b.amount_fixed || a.amount_rule != b.amount_rule ||
                   a.amount_cap != b.amount_cap || a.in_kind_items != b.in_kind_items ||
                   program.dialect != current->dialect;
  program.id = current->id;
  program.rules.version = current->rules.version;
  program.updated_at = Timestamp::Now();
  if (new_rules) {
    program.rules.created_by = principal_.name;
    program.rules.created_at = program.updated_at;
  }
  if (!repository.Update(program, expected_version, new_rules)) {
    return Error::Precondition("program " + program.code + " was changed by someone else");
  }
  audit::AuditLog(db_).Append(principal_.actor(), "update", "program", program.code,
                              AuditJson(*current), AuditJson(program));
  transaction.Commit();
  return *repository.FindById(program.id);
}

Result<Program> ProgramService::Get(std::string_view code) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kProgramRead));
  auto program = ProgramRepository(db_).FindByCode(code);
  if (!program || !principal_.CoversProgram(program->code)) {
    return Error::NotFound("no program '" + std::string(code) + "'");
  }
  return std::move(*program);
}

Result<std::vector<Program>> ProgramService::List() {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kProgramRead));
  std::vector<Program> visible;
  for (auto& p : ProgramRepository(db_).List()) {
    if (principal_.CoversProgram(p.code)) visible.push_back(std::move(p));
  }
  return visible;
}

Result<std::map<MembershipState, int64_t>> ProgramService::MembershipCounts(std::string_view code) {
  SPMIS_ASSIGN_OR_RETURN(Program program, Get(code));
  return MembershipRepository(db_).CountByState(program.id);
}

Result<ProgramRules> ProgramService::RulesVersion(std::string_view code, int version) {
  SPMIS_ASSIGN_OR_RETURN(Program program, Get(code));
  auto rules = ProgramRepository(db_).Rules(program.id, version);
  if (!rules) {
    return Error::NotFound("program " + program.code + " has no rules version " +
                           std::to_string(version));
  }
  return std::move(*rules);
}

}  // namespace spmis::programs
