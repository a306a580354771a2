#include "programs/eligibility.h"

#include <boost/json.hpp>
#include <limits>

#include "audit/audit_log.h"
#include "core/registrant_id.h"
#include "jobs/job_principal.h"
#include "programs/compiled_rules.h"
#include "programs/membership_repository.h"
#include "programs/program_service.h"
#include "programs/registrant_reader.h"
#include "programs/registry_scan.h"
#include "registry/area_repository.h"
#include "registry/area_scope.h"

namespace spmis::programs {
namespace {

namespace json = boost::json;

bool IsTrue(const cel::Value& v) { return v.is(cel::ValueKind::kBool) && v.bool_value(); }

std::optional<double> NumberOf(const cel::Value& v) {
  if (v.is(cel::ValueKind::kInt)) return static_cast<double>(v.int_value());
  if (v.is(cel::ValueKind::kUint)) return static_cast<double>(v.uint_value());
  if (v.is(cel::ValueKind::kDouble)) return v.double_value();
  return std::nullopt;
}

std::string FailureReason(const cel::Value& v, int version) {
  if (v.IsError()) {
    return "the rule (version " + std::to_string(version) + ") failed: " + v.error_message();
  }
  return "does not meet the rule (version " + std::to_string(version) + ")";
}

RegistrantKind KindOf(ProgramTarget target) {
  return target == ProgramTarget::kGroups ? RegistrantKind::kGroup : RegistrantKind::kIndividual;
}

std::set<std::string> FieldsOf(const CompiledRules& compiled) {
  auto fields = compiled.registry->FieldsRead(*compiled.eligibility);
  if (compiled.priority) {
    auto more = compiled.registry->FieldsRead(*compiled.priority);
    fields.insert(more.begin(), more.end());
  }
  return fields;
}

bool Holds(MembershipState state) {
  return state == MembershipState::kEnrolled || state == MembershipState::kPaused ||
         state == MembershipState::kDraft;
}

}  // namespace

std::string SummaryJson(const EligibilityRunSummary& s) {
  return json::serialize(json::object{{"program", s.program_code},
                                      {"rule_version", s.rule_version},
                                      {"as_of", s.as_of.ToString()},
                                      {"evaluated", s.evaluated},
                                      {"eligible", s.eligible},
                                      {"failed", s.failed},
                                      {"enrolled", s.enrolled},
                                      {"waiting", s.waiting},
                                      {"not_eligible", s.not_eligible}});
}

Result<std::vector<std::string>> Eligibility::AreaPaths(store::Connection& connection,
                                                        const std::vector<std::string>& codes) {
  if (codes.empty()) return principal_.area_paths;
  std::vector<std::string> paths;
  registry::AreaRepository areas(connection);
  for (const auto& code : codes) {
    auto area = areas.FindByCode(code);
    if (!area) return Error::Invalid("no area with code '" + code + "'", {{"area", "unknown"}});
    if (!principal_.CoversArea(area->path)) {
      return registry::OutsideAreas("area '" + code + "' is outside your areas");
    }
    paths.push_back(area->path);
  }
  return paths;
}

Result<EligibilityRunSummary> Eligibility::Run(const EligibilityRunRequest& request,
                                               jobs::JobContext* progress) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kEligibilityRun));
  auto connection = database_.Acquire();
  store::Connection& db = *connection;
  SPMIS_ASSIGN_OR_RETURN(Program program, ProgramService(db, principal_).Get(request.program_code));
  if (program.state == ProgramState::kEnded) {
    return Error::Precondition("program " + program.code + " has ended");
  }
  SPMIS_ASSIGN_OR_RETURN(CompiledRules compiled,
                         CompileRules(db, program.target, program.dialect,
                                      program.rules.eligibility, program.rules.priority));
  SPMIS_ASSIGN_OR_RETURN(std::vector<std::string> paths, AreaPaths(db, request.area_codes));
  // Only a run over everything may conclude that a registrant it did not
  // read is no longer active.
  const bool whole_registry = paths.empty();
  ReaderOptions options{RuleTargetOf(program.target), FieldsOf(compiled),   request.as_of, paths,
                        compiled.individual_custom,   compiled.group_custom};
  if (progress) progress->SetTotal(RegistrantReader(db, options).CountActive());

  EligibilityRunSummary summary;
  summary.program_code = program.code;
  summary.rule_version = program.rules.version;
  summary.as_of = request.as_of;
  const int version = program.rules.version;
  const bool limited = program.max_beneficiaries.has_value();
  const std::optional<int64_t> job_id =
      progress ? std::optional<int64_t>(progress->job().id) : std::nullopt;
  MembershipRepository memberships(db);
  const std::string meets = "meets the rule (version " + std::to_string(version) + ")";
  auto tally = [&](const std::vector<StateChange>& changes) {
    for (const auto& c : changes) {
      if (c.to == MembershipState::kEnrolled) ++summary.enrolled;
      if (c.to == MembershipState::kNotEligible) ++summary.not_eligible;
    }
  };
  bool cancelled = false;
  RegistryScan(database_, *compiled.registry, *compiled.eligibility,
               limited ? compiled.priority.get() : nullptr, options)
      .Run([&](EvaluatedRange& range) {
        const std::vector<int64_t>& ids = range.ids;
        const std::vector<cel::Value>& results = range.results;
        store::Transaction transaction(db);
        auto current = memberships.InRange(program.id, range.first_id, range.last_id);
        std::vector<StateChange> changes;
        std::vector<std::pair<int64_t, double>> priority_updates;
        for (size_t i = 0; i < ids.size(); ++i) {
          int64_t id = ids[i];
          ++summary.evaluated;
          bool qualifies = IsTrue(results[i]);
          if (qualifies) ++summary.eligible;
          if (results[i].IsError()) ++summary.failed;
          std::optional<double> priority;
          if (qualifies && !range.priorities.empty()) priority = NumberOf(range.priorities[i]);
          std::optional<ProgramMembership> membership;
          if (auto found = current.find(id); found != current.end()) {
            membership = std::move(found->second);
            current.erase(found);
          }
          std::optional<MembershipState> state;
          if (membership) state = membership->state;
          if (qualifies) {
            if (state && *state == MembershipState::kDraft && limited) {
              // Still waiting; its priority may have changed with the registry.
              if (priority && priority != membership->priority) {
                priority_updates.emplace_back(membership->id, *priority);
              }
              continue;
            }
            if (!state || *state == MembershipState::kDraft ||
                *state == MembershipState::kNotEligible) {
              changes.push_back({membership ? membership->id : 0, id, state,
                                 limited ? MembershipState::kDraft : MembershipState::kEnrolled,
                                 meets, priority});
            }
          } else if (state && Holds(*state)) {
            changes.push_back({membership->id, id, state, MembershipState::kNotEligible,
                               FailureReason(results[i], version), std::nullopt});
          }
        }
        if (whole_registry) {
          for (auto& [registrant, m] : current) {
            if (!Holds(m.state)) continue;
            changes.push_back({m.id, registrant, m.state, MembershipState::kNotEligible,
                               "no longer an active registrant", std::nullopt});
          }
        }
        memberships.Apply(program.id, changes, version, principal_.name, job_id, Timestamp::Now());
        for (const auto& [membership_id, value] : priority_updates) {
          memberships.SetPriority(membership_id, value);
        }
        transaction.Commit();
        tally(changes);
        if (progress) {
          progress->Advance(static_cast<int64_t>(ids.size()));
          if (progress->CancelRequested()) {
            cancelled = true;
            return false;
          }
        }
        return true;
      });
  if (cancelled) {
    return Error::Precondition(
        "the run was cancelled; the ranges done are kept, and running it again completes it");
  }

  store::Transaction transaction(db);
  if (limited) {
    int64_t taken =
        memberships.CountIn(program.id, {MembershipState::kEnrolled, MembershipState::kPaused});
    int64_t places = *program.max_beneficiaries - taken;
    if (places > 0) {
      std::vector<StateChange> changes;
      for (const auto& m : memberships.Waiting(
               program.id, places,
               program.target == ProgramTarget::kGroups ? "registry_groups" : "individuals")) {
        changes.push_back({m.id, m.registrant_id, m.state, MembershipState::kEnrolled,
                           "a place within the maximum of " +
                               std::to_string(*program.max_beneficiaries) +
                               " (by priority, then registration date)",
                           std::nullopt});
      }
      memberships.Apply(program.id, changes, version, principal_.name, job_id, Timestamp::Now());
      tally(changes);
    }
    summary.waiting = memberships.CountIn(program.id, {MembershipState::kDraft});
  }
  audit::AuditLog(db).Append(principal_.actor(), "eligibility_run", "program", program.code,
                             std::nullopt, SummaryJson(summary));
  transaction.Commit();
  return summary;
}

Result<PreviewResult> Eligibility::Preview(const PreviewRequest& request) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kEligibilityRun));
  auto connection = database_.Acquire();
  store::Connection& db = *connection;
  std::string rule = request.rule;
  ProgramTarget target = request.target.value_or(ProgramTarget::kGroups);
  std::string dialect = request.dialect;
  if (!request.program_code.empty()) {
    SPMIS_ASSIGN_OR_RETURN(Program program,
                           ProgramService(db, principal_).Get(request.program_code));
    if (rule.empty()) rule = program.rules.eligibility;
    target = program.target;
    dialect = program.dialect;
  }
  SPMIS_ASSIGN_OR_RETURN(CompiledRules compiled, CompileRules(db, target, dialect, rule, ""));
  ReaderOptions options{RuleTargetOf(target),  FieldsOf(compiled),         request.as_of,
                        principal_.area_paths, compiled.individual_custom, compiled.group_custom};
  PreviewResult preview;
  RegistryScan(database_, *compiled.registry, *compiled.eligibility, nullptr, options)
      .Run([&](EvaluatedRange& range) {
        for (size_t i = 0; i < range.ids.size(); ++i) {
          const cel::Value& result = range.results[i];
          ++preview.evaluated;
          if (IsTrue(result)) {
            ++preview.eligible;
            if (static_cast<int>(preview.sample.size()) < request.sample_size) {
              preview.sample.push_back(RegistrantId{KindOf(target), range.ids[i]}.ToString());
            }
          } else if (result.IsError()) {
            ++preview.failed;
            if (preview.first_error.empty()) {
              preview.first_error = RegistrantId{KindOf(target), range.ids[i]}.ToString() + ": " +
                                    result.error_message();
            }
          }
        }
        return true;
      });
  return preview;
}

Result<Explanation> Eligibility::Explain(const std::string& program_code,
                                         const std::string& registrant_id, Date as_of) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kRegistryRead));
  auto connection = database_.Acquire();
  store::Connection& db = *connection;
  SPMIS_ASSIGN_OR_RETURN(Program program, ProgramService(db, principal_).Get(program_code));
  auto parsed = RegistrantId::Parse(registrant_id);
  if (!parsed || parsed->kind != KindOf(program.target)) {
    return Error::Invalid(
        "'" + registrant_id + "' is not the registrant ID of " +
            (program.target == ProgramTarget::kGroups ? "a group" : "an individual") +
            " (program " + program.code + " targets " + ProgramTargetName(program.target) + ")",
        {{"registrant", "wrong kind of registrant ID"}});
  }
  SPMIS_ASSIGN_OR_RETURN(CompiledRules compiled,
                         CompileRules(db, program.target, program.dialect,
                                      program.rules.eligibility, program.rules.priority));
  ReaderOptions options{
      RuleTargetOf(program.target), FieldsOf(compiled),         as_of,
      principal_.area_paths,        compiled.individual_custom, compiled.group_custom};
  options.all_fields = true;  // the explanation shows the registrant whole
  RegistrantReader reader(db, options);
  auto batch = compiled.registry->NewBatch();
  if (!reader.ReadOne(*batch, parsed->number)) {
    return Error::NotFound("no active registrant " + registrant_id);
  }
  std::vector<cel::Value> results;
  compiled.registry->EvaluateBatch(*compiled.eligibility, *batch, as_of, results);
  Explanation explanation;
  explanation.registrant_id = parsed->ToString();
  explanation.eligible = IsTrue(results[0]);
  explanation.result =
      results[0].IsError() ? "error: " + results[0].error_message() : results[0].DebugString();
  explanation.rule_version = program.rules.version;
  explanation.as_of = as_of;
  explanation.parts = compiled.registry->ExplainBatchRow(*compiled.eligibility, *batch, 0, as_of);
  return explanation;
}

std::string EligibilityJobParameters(const EligibilityRunRequest& request,
                                     const Principal& principal) {
  json::array areas;
  for (const auto& code : request.area_codes) areas.emplace_back(code);
  json::object parameters{{"program", request.program_code},
                          {"as_of", request.as_of.ToString()},
                          {"areas", std::move(areas)}};
  jobs::WritePrincipal(parameters, principal);
  return json::serialize(parameters);
}

void RegisterEligibilityJobs(jobs::JobRunner& runner) {
  runner.Register(
      {kEligibilityRunJob,
       [](jobs::JobContext& context) -> Result<std::string> {
         boost::system::error_code ec;
         auto parsed = json::parse(context.job().parameters, ec);
         if (ec || !parsed.is_object()) return Error::Invalid("bad eligibility run parameters");
         const json::object& p = parsed.as_object();
         EligibilityRunRequest request;
         const auto* program = p.if_contains("program");
         const auto* as_of = p.if_contains("as_of");
         if (!program || !program->is_string() || !as_of || !as_of->is_string()) {
           return Error::Invalid("bad eligibility run parameters");
         }
         request.program_code = std::string(program->as_string());
         auto date = Date::Parse(std::string(as_of->as_string()));
         if (!date) return Error::Invalid("bad eligibility run date");
         request.as_of = *date;
         if (const auto* areas = p.if_contains("areas"); areas && areas->is_array()) {
           for (const auto& a : areas->as_array()) {
             if (a.is_string()) request.area_codes.emplace_back(a.as_string());
           }
         }
         SPMIS_ASSIGN_OR_RETURN(Principal principal, jobs::ReadPrincipal(p, context.actor()));
         SPMIS_ASSIGN_OR_RETURN(EligibilityRunSummary summary,
                                Eligibility(context.database(), principal).Run(request, &context));
         return SummaryJson(summary);
       },
       /*resumable=*/true});
}

}  // namespace spmis::programs
