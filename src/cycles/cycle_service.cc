#include "cycles/cycle_service.h"

#include <algorithm>

#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "audit/audit_log.h"
#include "core/money.h"
#include "cycles/cycle_repository.h"
#include "jobs/job_principal.h"
#include "programs/compiled_rules.h"
#include "programs/membership_repository.h"
#include "programs/program_service.h"
#include "programs/registry_scan.h"

namespace spmis::cycles {
namespace {

namespace json = boost::json;
using programs::MembershipState;
using programs::Program;

std::string MoneyText(int64_t minor, const std::string& currency) {
  if (!CurrencyDecimals(currency)) return std::to_string(minor);
  return Money(minor, currency).ToMajorString() + " " + currency;
}

// The rule's value as whole minor units: ints as they are, doubles rounded
// half away from zero; nullopt (with the reason) for anything else.
std::optional<int64_t> MinorUnits(const cel::Value& v, std::string& reason) {
  if (v.is(cel::ValueKind::kInt)) return v.int_value();
  if (v.is(cel::ValueKind::kUint)) {
    if (v.uint_value() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      reason = "the amount is too large";
      return std::nullopt;
    }
    return static_cast<int64_t>(v.uint_value());
  }
  if (v.is(cel::ValueKind::kDouble)) {
    double rounded = std::round(v.double_value());  // half away from zero
    if (!std::isfinite(rounded) || std::fabs(rounded) > 9.0e15) {
      reason = "the amount is not a finite number of minor units";
      return std::nullopt;
    }
    return static_cast<int64_t>(rounded);
  }
  reason = v.IsError() ? v.error_message() : "the rule gave " + v.DebugString() + ", not an amount";
  return std::nullopt;
}

std::string ItemsJson(const std::vector<programs::InKindItem>& items) {
  if (items.empty()) return "";
  json::array array;
  for (const auto& i : items) {
    array.push_back({{"item", i.item}, {"quantity", i.quantity}, {"unit", i.unit}});
  }
  return json::serialize(array);
}

std::string CycleJson(const Cycle& c) {
  return json::serialize(json::object{{"program", c.program_code},
                                      {"sequence", c.sequence},
                                      {"start", c.start_date.ToString()},
                                      {"end", c.end_date.ToString()},
                                      {"state", CycleStateName(c.state)}});
}

}  // namespace

std::optional<Frequency> ParseFrequency(std::string_view name) {
  if (name == "monthly") return Frequency::kMonthly;
  if (name == "bi-monthly") return Frequency::kBiMonthly;
  if (name == "quarterly") return Frequency::kQuarterly;
  return std::nullopt;
}

std::string GenerationJson(const GenerationSummary& s) {
  json::object o{{"cycle", s.cycle_id},
                 {"rule_version", s.rule_version},
                 {"beneficiaries", s.beneficiaries},
                 {"created", s.created},
                 {"existing", s.existing},
                 {"refused", s.refused},
                 {"nothing_due", s.nothing_due},
                 {"total_minor", s.total_minor}};
  if (!s.first_refusal.empty()) o["first_refusal"] = s.first_refusal;
  return json::serialize(o);
}

Result<Cycle> CycleService::Load(store::Connection& db, int64_t cycle_id) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kCycleRead));
  auto cycle = CycleRepository(db).Find(cycle_id);
  if (!cycle || !principal_.CoversProgram(cycle->program_code)) {
    return Error::NotFound("no cycle " + std::to_string(cycle_id));
  }
  return std::move(*cycle);
}

Result<Cycle> CycleService::Create(const std::string& program_code, Date start, Date end) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kCycleManage));
  auto connection = database_.Acquire();
  store::Connection& db = *connection;
  SPMIS_ASSIGN_OR_RETURN(Program program,
                         programs::ProgramService(db, principal_).Get(program_code));
  std::vector<FieldError> errors;
  if (end < start) errors.push_back({"end", "is before start"});
  if (program.period_from && start < *program.period_from) {
    errors.push_back(
        {"start", "is before the program's period (" + program.period_from->ToString() + ")"});
  }
  if (program.period_to && *program.period_to < end) {
    errors.push_back(
        {"end", "is after the program's period (" + program.period_to->ToString() + ")"});
  }
  if (!errors.empty()) return Error::Invalid("the cycle was not created", std::move(errors));
  if (program.state == programs::ProgramState::kEnded) {
    return Error::Precondition("program " + program.code + " has ended");
  }
  store::Transaction transaction(db);
  CycleRepository cycles(db);
  for (const Cycle& other : cycles.ForProgram(program.id)) {
    if (other.state != CycleState::kCancelled && !(end < other.start_date) &&
        !(other.end_date < start)) {
      return Error::Conflict("the period overlaps cycle " + std::to_string(other.sequence) + " (" +
                                 other.start_date.ToString() + " to " + other.end_date.ToString() +
                                 ")",
                             {{"start", "overlaps another cycle"}});
    }
  }
  Cycle cycle;
  cycle.program_id = program.id;
  cycle.program_code = program.code;
  cycle.start_date = start;
  cycle.end_date = end;
  cycle.created_by = principal_.name;
  cycle.created_at = cycle.updated_at = Timestamp::Now();
  cycles.Insert(cycle);
  audit::AuditLog(db).Append(principal_.actor(), "create", "cycle", std::to_string(cycle.id),
                             std::nullopt, CycleJson(cycle));
  transaction.Commit();
  return cycle;
}

Result<std::vector<Cycle>> CycleService::Schedule(const std::string& program_code,
                                                  Frequency frequency) {
  Program program;
  {
    auto connection = database_.Acquire();
    SPMIS_ASSIGN_OR_RETURN(program,
                           programs::ProgramService(*connection, principal_).Get(program_code));
  }
  if (!program.period_from || !program.period_to) {
    return Error::Invalid("a schedule needs the program's coverage period",
                          {{"period_from", "set the program's period first"}});
  }
  int months = frequency == Frequency::kMonthly ? 1 : frequency == Frequency::kBiMonthly ? 2 : 3;
  std::vector<Cycle> created;
  for (Date start = *program.period_from; !(*program.period_to < start);
       start = start.AddMonths(months)) {
    Date end = start.AddMonths(months).AddDays(-1);
    if (*program.period_to < end) end = *program.period_to;
    SPMIS_ASSIGN_OR_RETURN(Cycle cycle, Create(program_code, start, end));
    created.push_back(std::move(cycle));
  }
  return created;
}

Result<CycleView> CycleService::Get(int64_t cycle_id) {
  auto connection = database_.Acquire();
  SPMIS_ASSIGN_OR_RETURN(Cycle cycle, Load(*connection, cycle_id));
  CycleRepository cycles(*connection);
  return CycleView{cycle, cycles.Totals(cycle_id), cycles.Approvals(cycle_id)};
}

Result<Cycle> CycleService::Find(int64_t cycle_id) {
  auto connection = database_.Acquire();
  return Load(*connection, cycle_id);
}

Result<std::vector<Cycle>> CycleService::List(const std::string& program_code) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kCycleRead));
  auto connection = database_.Acquire();
  SPMIS_ASSIGN_OR_RETURN(Program program,
                         programs::ProgramService(*connection, principal_).Get(program_code));
  return CycleRepository(*connection).ForProgram(program.id);
}

Result<GenerationSummary> CycleService::Generate(int64_t cycle_id, jobs::JobContext* progress) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kCycleManage));
  auto connection = database_.Acquire();
  store::Connection& db = *connection;
  SPMIS_ASSIGN_OR_RETURN(Cycle cycle, Load(db, cycle_id));
  if (cycle.state != CycleState::kDraft) {
    return Error::Precondition("cycle " + std::to_string(cycle_id) + " is " +
                               CycleStateName(cycle.state) +
                               ": entitlements are generated for draft cycles only");
  }
  SPMIS_ASSIGN_OR_RETURN(Program program,
                         programs::ProgramService(db, principal_).Get(cycle.program_code));
  const programs::ProgramRules& rules = program.rules;
  if (!rules.amount_fixed && rules.amount_rule.empty() && rules.in_kind_items.empty()) {
    return Error::Precondition("program " + program.code +
                               " has no entitlement rule: set an amount, an amount rule or "
                               "in-kind items");
  }
  SPMIS_ASSIGN_OR_RETURN(
      programs::CompiledRules compiled,
      programs::CompileRules(db, program.target, program.dialect, rules.eligibility, "",
                             rules.amount_rule.empty() ? "0" : rules.amount_rule));
  const Date as_of = cycle.start_date;
  // Enrolled by the end of the cycle's first day.
  const Timestamp enrolled_by =
      Timestamp::FromMicros((int64_t{as_of.days_since_epoch()} + 1) * 86400 * 1000000);
  programs::ReaderOptions options{programs::RuleTargetOf(program.target),
                                  compiled.registry->FieldsRead(*compiled.amount),
                                  as_of,
                                  {},
                                  compiled.individual_custom,
                                  compiled.group_custom};
  if (progress) {
    progress->SetTotal(
        programs::MembershipRepository(db).CountIn(program.id, {MembershipState::kEnrolled}));
  }
  GenerationSummary summary;
  summary.cycle_id = cycle.id;
  summary.rule_version = rules.version;
  const std::string items = ItemsJson(rules.in_kind_items);
  const int64_t fixed = rules.amount_fixed.value_or(0);
  CycleRepository cycles(db);
  // A range's entitlements from its evaluated amounts; `entitled` are the
  // beneficiaries who have one already (an earlier or interrupted run).
  auto entitle = [&](const programs::EvaluatedRange& range, const std::vector<int64_t>& enrolled,
                     const std::unordered_set<int64_t>& entitled, GenerationSummary& part) {
    std::vector<Entitlement> created;
    for (size_t i = 0; i < range.ids.size(); ++i) {
      if (!std::binary_search(enrolled.begin(), enrolled.end(), range.ids[i])) continue;
      ++part.beneficiaries;
      if (entitled.count(range.ids[i])) {
        ++part.existing;
        continue;
      }
      std::string reason;
      auto from_rule = MinorUnits(range.results[i], reason);
      int64_t amount = 0;
      if (from_rule && __builtin_add_overflow(fixed, *from_rule, &amount)) {
        from_rule.reset();
        reason = "the amount overflows";
      }
      if (from_rule && amount < 0) {
        from_rule.reset();
        reason = "the amount is negative (" + std::to_string(amount) + ")";
      }
      if (!from_rule) {
        ++part.refused;
        if (part.first_refusal.empty()) {
          part.first_refusal = "registrant " + std::to_string(range.ids[i]) + ": " + reason;
        }
        continue;
      }
      bool capped = rules.amount_cap && amount > *rules.amount_cap;
      if (capped) amount = *rules.amount_cap;
      if (amount == 0 && items.empty()) {
        ++part.nothing_due;  // nothing to pay: no entitlement to approve or pay
        continue;
      }
      Entitlement e;
      e.cycle_id = cycle.id;
      e.registrant_id = range.ids[i];
      e.amount_minor = amount;
      e.currency = program.currency;
      e.items = items;
      e.rule_version = rules.version;
      e.inputs.from_rule = *from_rule;  // the rest of the inputs are the cycle's and rule's
      part.total_minor += amount;
      created.push_back(std::move(e));
    }
    return created;
  };
  // The range's beneficiaries and who of them is entitled already are read on
  // the scan's workers, so the writing thread (the one SQLite lets write)
  // spends its time writing.
  struct RangeBeneficiaries {
    std::vector<int64_t> enrolled;  // ascending
    std::unordered_set<int64_t> entitled;
  };
  auto prepare = [&](store::Connection& reader, programs::EvaluatedRange& range) {
    RangeBeneficiaries b;
    b.enrolled = programs::MembershipRepository(reader).EnrolledBefore(program.id, range.first_id,
                                                                       range.last_id, enrolled_by);
    if (!b.enrolled.empty()) {
      b.entitled = CycleRepository(reader).EntitledIn(cycle.id, range.first_id, range.last_id);
    }
    range.prepared = std::move(b);
  };
  auto add = [](GenerationSummary& to, const GenerationSummary& part) {
    to.beneficiaries += part.beneficiaries;
    to.created += part.created;
    to.existing += part.existing;
    to.refused += part.refused;
    to.nothing_due += part.nothing_due;
    to.total_minor += part.total_minor;
    if (to.first_refusal.empty()) to.first_refusal = part.first_refusal;
  };
  bool cancelled = false;
  programs::RegistryScan(database_, *compiled.registry, *compiled.amount, nullptr, options)
      .Run(
          [&](programs::EvaluatedRange& range) {
            const auto& read = std::any_cast<const RangeBeneficiaries&>(range.prepared);
            // `look_again`: who is entitled is read inside the writing
            // transaction, not taken from the worker's earlier reading.
            auto write = [&](bool look_again) {
              GenerationSummary part;
              store::Transaction transaction(db);
              std::unordered_set<int64_t> now_entitled;
              if (look_again) {
                now_entitled = cycles.EntitledIn(cycle.id, range.first_id, range.last_id);
              }
              auto created =
                  entitle(range, read.enrolled, look_again ? now_entitled : read.entitled, part);
              cycles.InsertEntitlements(created, Timestamp::Now());
              transaction.Commit();
              part.created = static_cast<int64_t>(created.size());
              return part;
            };
            GenerationSummary part;
            try {
              part = write(false);
            } catch (const store::DatabaseError& e) {
              if (e.kind() != store::DatabaseError::Kind::kConstraint) throw;
              part = write(true);  // another run entitled some of them since the worker looked
            }
            add(summary, part);
            if (progress) {
              progress->SetDone(summary.beneficiaries);
              if (progress->CancelRequested()) {
                cancelled = true;
                return false;
              }
            }
            return true;
          },
          prepare);
  if (cancelled) {
    return Error::Precondition(
        "the generation was cancelled; running it again completes it without duplicates");
  }
  // Another generation of this cycle may finish at the same moment (both
  // leave the same entitlements): the one whose version check fails reads the
  // cycle again. A cycle submitted meanwhile is a real conflict.
  for (int attempt = 0;; ++attempt) {
    store::Transaction transaction(db);
    auto current = cycles.Find(cycle.id);
    if (current->state != CycleState::kDraft || attempt == 3) {
      return Error::Precondition("cycle " + std::to_string(cycle.id) + " changed meanwhile");
    }
    current->prepared_by = principal_.name;
    current->updated_at = Timestamp::Now();
    if (!cycles.Update(*current, current->version)) continue;
    audit::AuditLog(db).Append(principal_.actor(), "generate", "cycle", std::to_string(cycle.id),
                               std::nullopt, GenerationJson(summary));
    transaction.Commit();
    return summary;
  }
}

Result<CycleView> CycleService::Submit(int64_t cycle_id) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kCycleManage));
  {
    auto connection = database_.Acquire();
    store::Connection& db = *connection;
    store::Transaction transaction(db);
    SPMIS_ASSIGN_OR_RETURN(Cycle cycle, Load(db, cycle_id));
    if (cycle.state != CycleState::kDraft) {
      return Error::Precondition("cycle " + std::to_string(cycle_id) + " is " +
                                 CycleStateName(cycle.state) + ", not draft");
    }
    CycleRepository cycles(db);
    CycleTotals totals = cycles.Totals(cycle_id);
    if (totals.entitlements == 0) {
      return Error::Precondition("cycle " + std::to_string(cycle_id) +
                                 " has no entitlements: generate them first");
    }
    SPMIS_ASSIGN_OR_RETURN(Program program,
                           programs::ProgramService(db, principal_).Get(cycle.program_code));
    Timestamp now = Timestamp::Now();
    cycles.MoveEntitlements(cycle_id, EntitlementState::kDraft, EntitlementState::kPendingApproval,
                            now);
    cycle.approvals_needed =
        program.second_approval_above && totals.draft > *program.second_approval_above ? 2 : 1;
    cycle.state = CycleState::kToApprove;
    cycle.submitted_by = principal_.name;
    cycle.updated_at = now;
    if (!cycles.Update(cycle, cycle.version)) {
      return Error::Precondition("cycle " + std::to_string(cycle_id) + " changed meanwhile");
    }
    json::object after{{"state", "to_approve"},
                       {"total_minor", totals.draft},
                       {"approvals_needed", cycle.approvals_needed}};
    audit::AuditLog(db).Append(principal_.actor(), "submit", "cycle", std::to_string(cycle_id),
                               std::nullopt, json::serialize(after));
    transaction.Commit();
  }
  return Get(cycle_id);
}

Status CycleService::Decide(int64_t cycle_id, bool approve, const std::string& comment) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kCycleApprove));
  if (principal_.is_system() || principal_.user_id == 0) {
    return Error{ErrorCode::kPermissionDenied,
                 "approvals are made by a named user (on the command line: --user NAME)",
                 {}};
  }
  if (!approve && comment.empty()) {
    return Error::Invalid("a rejection needs a comment", {{"comment", "is required"}});
  }
  auto connection = database_.Acquire();
  store::Connection& db = *connection;
  store::Transaction transaction(db);
  SPMIS_ASSIGN_OR_RETURN(Cycle cycle, Load(db, cycle_id));
  if (cycle.state != CycleState::kToApprove) {
    return Error::Precondition("cycle " + std::to_string(cycle_id) + " is " +
                               CycleStateName(cycle.state) + ", not waiting for approval");
  }
  if (principal_.name == cycle.prepared_by || principal_.name == cycle.submitted_by) {
    return Error{ErrorCode::kPermissionDenied,
                 principal_.name + " prepared or submitted cycle " + std::to_string(cycle_id) +
                     " and may not approve or reject it (maker-checker)",
                 {}};
  }
  CycleRepository cycles(db);
  // This round of approvals: those since the last rejection.
  std::vector<Approval> round;
  for (const auto& a : cycles.Approvals(cycle_id)) {
    if (a.decision == "rejected") {
      round.clear();
    } else {
      round.push_back(a);
    }
  }
  for (const auto& a : round) {
    if (a.actor == principal_.name) {
      return Error{ErrorCode::kPermissionDenied,
                   principal_.name + " already approved cycle " + std::to_string(cycle_id) +
                       ": the next level needs someone else",
                   {}};
    }
  }
  Timestamp now = Timestamp::Now();
  Approval decision{static_cast<int>(round.size()) + 1,
                    approve ? "approved" : "rejected",
                    principal_.name,
                    principal_.role ? std::string(RoleName(*principal_.role)) : "",
                    comment,
                    now};
  CycleTotals totals = cycles.Totals(cycle_id);
  bool final_level = approve && decision.level >= cycle.approvals_needed;
  if (final_level) {
    SPMIS_ASSIGN_OR_RETURN(Program program,
                           programs::ProgramService(db, principal_).Get(cycle.program_code));
    if (program.budget_minor) {
      int64_t committed = cycles.CommittedElsewhere(program.id, cycle_id);
      if (committed + totals.draft > *program.budget_minor) {
        const std::string& c = program.currency;
        return Error::Precondition("approving would exceed the budget of " + program.code +
                                   ": budget " + MoneyText(*program.budget_minor, c) +
                                   ", approved in other cycles " + MoneyText(committed, c) +
                                   ", this cycle " + MoneyText(totals.draft, c) + ", over by " +
                                   MoneyText(committed + totals.draft - *program.budget_minor, c));
      }
    }
    cycles.MoveEntitlements(cycle_id, EntitlementState::kPendingApproval,
                            EntitlementState::kApproved, now);
    cycle.state = CycleState::kApproved;
  } else if (!approve) {
    cycles.MoveEntitlements(cycle_id, EntitlementState::kPendingApproval, EntitlementState::kDraft,
                            now);
    cycle.state = CycleState::kDraft;
    cycle.submitted_by.clear();
  }
  cycles.AddApproval(cycle_id, decision);
  cycle.updated_at = now;
  if (!cycles.Update(cycle, cycle.version)) {
    return Error::Precondition("cycle " + std::to_string(cycle_id) + " changed meanwhile");
  }
  json::object after{{"decision", decision.decision}, {"level", decision.level},
                     {"of", cycle.approvals_needed},  {"state", CycleStateName(cycle.state)},
                     {"total_minor", totals.draft},   {"comment", comment}};
  audit::AuditLog(db).Append(principal_.actor(), approve ? "approve" : "reject", "cycle",
                             std::to_string(cycle_id), std::nullopt, json::serialize(after));
  transaction.Commit();
  return OkStatus();
}

Result<CycleView> CycleService::Approve(int64_t cycle_id, const std::string& comment) {
  SPMIS_RETURN_IF_ERROR(Decide(cycle_id, true, comment));
  return Get(cycle_id);
}

Result<CycleView> CycleService::Reject(int64_t cycle_id, const std::string& comment) {
  SPMIS_RETURN_IF_ERROR(Decide(cycle_id, false, comment));
  return Get(cycle_id);
}

Result<CycleView> CycleService::Cancel(int64_t cycle_id, const std::string& reason) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kCycleManage));
  if (reason.empty()) return Error::Invalid("a reason is required", {{"reason", "is required"}});
  {
    auto connection = database_.Acquire();
    store::Connection& db = *connection;
    store::Transaction transaction(db);
    SPMIS_ASSIGN_OR_RETURN(Cycle cycle, Load(db, cycle_id));
    if (cycle.state != CycleState::kDraft && cycle.state != CycleState::kToApprove) {
      return Error::Precondition("cycle " + std::to_string(cycle_id) + " is " +
                                 CycleStateName(cycle.state) + " and can no longer be cancelled");
    }
    CycleRepository cycles(db);
    Timestamp now = Timestamp::Now();
    cycles.MoveEntitlements(cycle_id, EntitlementState::kDraft, EntitlementState::kCancelled, now);
    cycles.MoveEntitlements(cycle_id, EntitlementState::kPendingApproval,
                            EntitlementState::kCancelled, now);
    cycle.state = CycleState::kCancelled;
    cycle.updated_at = now;
    if (!cycles.Update(cycle, cycle.version)) {
      return Error::Precondition("cycle " + std::to_string(cycle_id) + " changed meanwhile");
    }
    audit::AuditLog(db).Append(principal_.actor(), "cancel", "cycle", std::to_string(cycle_id),
                               std::nullopt, json::serialize(json::object{{"reason", reason}}));
    transaction.Commit();
  }
  return Get(cycle_id);
}

std::string GenerateJobParameters(int64_t cycle_id, const Principal& principal) {
  json::object parameters{{"cycle", cycle_id}};
  jobs::WritePrincipal(parameters, principal);
  return json::serialize(parameters);
}

void RegisterCycleJobs(jobs::JobRunner& runner) {
  runner.Register(
      {kGenerateJob,
       [](jobs::JobContext& context) -> Result<std::string> {
         boost::system::error_code ec;
         auto parsed = json::parse(context.job().parameters, ec);
         if (ec || !parsed.is_object()) return Error::Invalid("bad job parameters");
         const json::object& p = parsed.as_object();
         const auto* cycle = p.if_contains("cycle");
         if (!cycle || !cycle->is_int64()) return Error::Invalid("bad cycle id");
         SPMIS_ASSIGN_OR_RETURN(Principal principal, jobs::ReadPrincipal(p, context.actor()));
         SPMIS_ASSIGN_OR_RETURN(
             GenerationSummary summary,
             CycleService(context.database(), principal).Generate(cycle->as_int64(), &context));
         return GenerationJson(summary);
       },
       /*resumable=*/true});
}

}  // namespace spmis::cycles
