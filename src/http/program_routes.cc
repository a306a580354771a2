// Program routes: programs and their rules, eligibility runs (background
// jobs), previews and explanations, members by state, and the manual
// enrollment actions. The services check permissions and scopes again.
#include <boost/json.hpp>

#include "core/page.h"
#include "http/api.h"
#include "http/delivery_json.h"
#include "http/json_codec.h"
#include "http/problem.h"
#include "programs/eligibility.h"
#include "programs/enrollment.h"
#include "programs/program_service.h"

namespace spmis::http {
namespace {

namespace json = boost::json;
using programs::MembershipState;
using programs::Program;

json::value OptionalInt(const std::optional<int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object MemberJson(const programs::MemberView& m) {
  const auto& ms = m.membership;
  return json::object{
      {"registrant_id", m.registrant_id},
      {"state", programs::MembershipStateName(ms.state)},
      {"rule_version", ms.rule_version ? json::value(*ms.rule_version) : json::value(nullptr)},
      {"reason", ms.reason},
      {"priority", ms.priority ? json::value(*ms.priority) : json::value(nullptr)},
      {"enrolled_at",
       ms.enrolled_at ? json::value(ms.enrolled_at->ToString()) : json::value(nullptr)},
      {"updated_at", ms.updated_at.ToString()}};
}

json::object EventJson(const programs::MembershipEvent& e) {
  return json::object{
      {"from_state", e.from_state ? json::value(programs::MembershipStateName(*e.from_state))
                                  : json::value(nullptr)},
      {"to_state", programs::MembershipStateName(e.to_state)},
      {"reason", e.reason},
      {"rule_version", e.rule_version ? json::value(*e.rule_version) : json::value(nullptr)},
      {"actor", e.actor},
      {"job_id", OptionalInt(e.job_id)},
      {"at", e.at.ToString()}};
}

// Sets the program fields present in `body`, naming each malformed one.
void ApplyProgramFields(const json::object& body, Program& p, std::vector<FieldError>& errors) {
  auto text = [&](const char* name, std::string& target) {
    if (const auto* v = body.if_contains(name)) {
      if (v->is_string()) {
        target = std::string(v->as_string());
      } else if (v->is_null()) {
        target.clear();
      } else {
        errors.push_back({name, "must be text"});
      }
    }
  };
  text("name", p.name);
  text("currency", p.currency);
  text("institution", p.institution);
  text("funding_account", p.funding_account);
  text("funding_bic", p.funding_bic);
  text("dialect", p.dialect);
  text("rule", p.rules.eligibility);
  text("priority", p.rules.priority);
  text("amount_rule", p.rules.amount_rule);
  if (const auto* v = body.if_contains("in_kind_items")) {
    p.rules.in_kind_items.clear();
    bool ok = v->is_array();
    if (ok) {
      for (const auto& item : v->as_array()) {
        const auto* o = item.if_object();
        const auto* name = o ? o->if_contains("item") : nullptr;
        const auto* quantity = o ? o->if_contains("quantity") : nullptr;
        const auto* unit = o ? o->if_contains("unit") : nullptr;
        if (!name || !name->is_string() || !quantity || !quantity->is_int64() || !unit ||
            !unit->is_string()) {
          ok = false;
          break;
        }
        p.rules.in_kind_items.push_back(
            {std::string(name->as_string()), quantity->as_int64(), std::string(unit->as_string())});
      }
    }
    if (!ok) errors.push_back({"in_kind_items", "must be a list of {item, quantity, unit}"});
  }
  if (const auto* v = body.if_contains("kind")) {
    auto kind = v->is_string() ? programs::ParseProgramKind(v->as_string()) : std::nullopt;
    if (kind) {
      p.kind = *kind;
    } else {
      errors.push_back({"kind",
                        "must be unconditional_cash, conditional_cash, emergency, "
                        "agricultural_support or in_kind"});
    }
  }
  if (const auto* v = body.if_contains("state")) {
    auto state = v->is_string() ? programs::ParseProgramState(v->as_string()) : std::nullopt;
    if (state) {
      p.state = *state;
    } else {
      errors.push_back({"state", "must be draft, active or ended"});
    }
  }
  for (auto [name, target] :
       {std::pair{"period_from", &p.period_from}, std::pair{"period_to", &p.period_to}}) {
    const auto* v = body.if_contains(name);
    if (!v) continue;
    if (v->is_null()) {
      target->reset();
    } else if (auto date = v->is_string() ? Date::Parse(v->as_string()) : std::nullopt) {
      *target = date;
    } else {
      errors.push_back({name, "must be a date as YYYY-MM-DD"});
    }
  }
  for (auto [name, target] :
       {std::pair{"max_beneficiaries", &p.max_beneficiaries}, std::pair{"budget", &p.budget_minor},
        std::pair{"amount", &p.rules.amount_fixed}, std::pair{"amount_cap", &p.rules.amount_cap},
        std::pair{"second_approval_above", &p.second_approval_above}}) {
    const auto* v = body.if_contains(name);
    if (!v) continue;
    if (v->is_null()) {
      target->reset();
    } else if (v->is_int64()) {
      *target = v->as_int64();
    } else {
      errors.push_back({name, "must be a whole number (a budget in minor units)"});
    }
  }
}

Response SavedProgram(int status, const Program& program) {
  Response response = JsonResponse(status, ProgramToJson(program));
  response.headers.emplace_back("ETag", "\"" + std::to_string(program.version) + "\"");
  response.headers.emplace_back("Location", "/api/v1/programs/" + program.code);
  return response;
}

Response ListPrograms(const Request&, RequestContext& context) {
  auto list = programs::ProgramService(context.db(), context.principal()).List();
  if (!list.ok()) return Problem(list.error());
  json::array items;
  for (const auto& p : *list) items.push_back(ProgramToJson(p));
  return JsonResponse(200, json::object{{"items", std::move(items)},
                                        {"next", nullptr},
                                        {"total", static_cast<int64_t>(list->size())}});
}

Response CreateProgram(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object (a program)");
  Program p;
  std::vector<FieldError> errors;
  p.code = TextField(*body, "code");
  auto target = programs::ParseProgramTarget(TextField(*body, "target"));
  if (!target) errors.push_back({"target", "must be groups or individuals"});
  if (target) p.target = *target;
  ApplyProgramFields(*body, p, errors);
  if (!errors.empty()) return Problem(Error::Invalid("the program was not saved", errors));
  auto created = programs::ProgramService(context.db(), context.principal()).Create(p);
  if (!created.ok()) return Problem(created.error());
  return SavedProgram(201, *created);
}

Response GetProgram(const Request& request, RequestContext& context) {
  programs::ProgramService service(context.db(), context.principal());
  const std::string& code = request.path_params.at("code");
  auto program = service.Get(code);
  if (!program.ok()) return Problem(program.error());
  auto counts = service.MembershipCounts(code);
  if (!counts.ok()) return Problem(counts.error());
  json::object body = ProgramToJson(*program, &*counts);
  Response response = JsonResponse(200, body);
  response.headers.emplace_back("ETag", "\"" + std::to_string(program->version) + "\"");
  return response;
}

Response UpdateProgram(const Request& request, RequestContext& context) {
  Response refusal;
  auto expected = ExpectedVersion(request, refusal);
  if (!expected) return refusal;
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object (the fields to change)");
  programs::ProgramService service(context.db(), context.principal());
  auto current = service.Get(request.path_params.at("code"));
  if (!current.ok()) return Problem(current.error());
  Program p = *current;
  std::vector<FieldError> errors;
  ApplyProgramFields(*body, p, errors);
  if (!errors.empty()) return Problem(Error::Invalid("the program was not saved", errors));
  auto updated = service.Update(p, *expected);
  if (!updated.ok()) return Problem(updated.error());
  return SavedProgram(200, *updated);
}

Response GetRulesVersion(const Request& request, RequestContext& context) {
  const std::string& text = request.path_params.at("version");
  char* end = nullptr;
  long version = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || version < 1) return Problem(404, "no rules version " + text);
  auto rules = programs::ProgramService(context.db(), context.principal())
                   .RulesVersion(request.path_params.at("code"), static_cast<int>(version));
  if (!rules.ok()) return Problem(rules.error());
  return JsonResponse(
      200, json::object{{"version", rules->version},
                        {"rule", rules->eligibility},
                        {"priority", rules->priority.empty() ? json::value(nullptr)
                                                             : json::value(rules->priority)},
                        {"created_by", rules->created_by},
                        {"created_at", rules->created_at.ToString()}});
}

// The evaluation date of a body or query ("as_of"), today when not given.
std::optional<Date> AsOf(std::string_view text, std::vector<FieldError>& errors) {
  if (text.empty()) return Date::Today();
  auto date = Date::Parse(text);
  if (!date) errors.push_back({"as_of", "must be a date as YYYY-MM-DD"});
  return date;
}

Response StartRun(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body && !request.body.empty()) return Problem(400, "the body must be a JSON object");
  if (!body) body = json::object{};
  std::vector<FieldError> errors;
  auto as_of = AsOf(TextField(*body, "as_of"), errors);
  programs::EligibilityRunRequest run;
  run.program_code = request.path_params.at("code");
  if (const auto* areas = body->if_contains("areas")) {
    if (!areas->is_array()) errors.push_back({"areas", "must be a list of area codes"});
    if (areas->is_array()) {
      for (const auto& a : areas->as_array()) {
        if (a.is_string()) run.area_codes.emplace_back(a.as_string());
      }
    }
  }
  if (!errors.empty()) return Problem(Error::Invalid("the run was not started", errors));
  run.as_of = *as_of;
  // Refuse now what the job would refuse later.
  auto program = programs::ProgramService(context.db(), context.principal()).Get(run.program_code);
  if (!program.ok()) return Problem(program.error());
  auto job = context.jobs().Submit(programs::kEligibilityRunJob,
                                   programs::EligibilityJobParameters(run, context.principal()),
                                   context.actor());
  if (!job.ok()) return Problem(job.error());
  return JobAccepted(*job);
}

Response Preview(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object");
  std::vector<FieldError> errors;
  programs::PreviewRequest preview;
  preview.program_code = TextField(*body, "program");
  preview.rule = TextField(*body, "rule");
  if (preview.program_code.empty() && preview.rule.empty()) {
    errors.push_back({"rule", "give a rule, or a program whose rule to preview"});
  }
  if (auto target = TextField(*body, "target"); !target.empty()) {
    preview.target = programs::ParseProgramTarget(target);
    if (!preview.target) errors.push_back({"target", "must be groups or individuals"});
  }
  if (auto dialect = TextField(*body, "dialect"); !dialect.empty()) preview.dialect = dialect;
  auto as_of = AsOf(TextField(*body, "as_of"), errors);
  if (const auto* sample = body->if_contains("sample")) {
    if (sample->is_int64() && sample->as_int64() >= 0 && sample->as_int64() <= 1000) {
      preview.sample_size = static_cast<int>(sample->as_int64());
    } else {
      errors.push_back({"sample", "must be from 0 to 1000"});
    }
  }
  if (!errors.empty()) return Problem(Error::Invalid("the preview was refused", errors));
  preview.as_of = *as_of;
  auto result = programs::Eligibility(context.database(), context.principal()).Preview(preview);
  if (!result.ok()) return Problem(result.error());
  json::array sample;
  for (const auto& id : result->sample) sample.emplace_back(id);
  json::object out{{"evaluated", result->evaluated},
                   {"eligible", result->eligible},
                   {"failed", result->failed},
                   {"sample", std::move(sample)},
                   {"first_error", result->first_error.empty() ? json::value(nullptr)
                                                               : json::value(result->first_error)}};
  context.RecordRead("eligibility_preview", preview.program_code);
  return JsonResponse(200, out);
}

Response Explain(const Request& request, RequestContext& context) {
  std::vector<FieldError> errors;
  auto as_of = AsOf(request.Query("as_of").value_or(""), errors);
  if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
  const std::string& registrant = request.path_params.at("registrant");
  auto explained = programs::Eligibility(context.database(), context.principal())
                       .Explain(request.path_params.at("code"), registrant, *as_of);
  if (!explained.ok()) return Problem(explained.error());
  context.RecordRead("registrant_explain", explained->registrant_id);
  json::array parts;
  for (const auto& p : explained->parts) {
    parts.push_back({{"line", p.line}, {"column", p.column}, {"value", p.value}});
  }
  return JsonResponse(200, json::object{{"registrant_id", explained->registrant_id},
                                        {"eligible", explained->eligible},
                                        {"result", explained->result},
                                        {"rule_version", explained->rule_version},
                                        {"as_of", explained->as_of.ToString()},
                                        {"parts", std::move(parts)}});
}

Response ListMembers(const Request& request, RequestContext& context) {
  std::vector<FieldError> errors;
  int limit;
  ParseLimit(request, limit, errors);
  std::optional<MembershipState> state;
  if (auto text = request.Query("state")) {
    state = programs::ParseMembershipState(*text);
    if (!state) {
      errors.push_back({"state",
                        "must be draft, enrolled, paused, exited, graduated, not_eligible or "
                        "duplicated"});
    }
  }
  if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
  auto page =
      programs::Enrollment(context.db(), context.principal())
          .List(request.path_params.at("code"), state, limit, request.Query("cursor").value_or(""));
  if (!page.ok()) return QueryProblem(page.error());
  json::array items;
  for (const auto& m : page->items) items.push_back(MemberJson(m));
  context.RecordRead("program_member_list", request.target);
  return JsonResponse(200,
                      json::object{{"items", std::move(items)},
                                   {"next", page->next ? json::value(*page->next) : json::value()},
                                   {"total", page->total}});
}

Response GetMember(const Request& request, RequestContext& context) {
  auto found = programs::Enrollment(context.db(), context.principal())
                   .History(request.path_params.at("code"), request.path_params.at("registrant"));
  if (!found.ok()) return Problem(found.error());
  json::object body = MemberJson(found->first);
  json::array events;
  for (const auto& e : found->second) events.push_back(EventJson(e));
  body["events"] = std::move(events);
  return JsonResponse(200, body);
}

Response Act(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object: {\"reason\": \"...\"}");
  auto action = programs::ParseEnrollmentAction(request.path_params.at("action"));
  if (!action) {
    return Problem(404, "no action '" + request.path_params.at("action") +
                            "' (enroll, pause, resume, exit, graduate)");
  }
  auto done = programs::Enrollment(context.db(), context.principal())
                  .Act(request.path_params.at("code"), request.path_params.at("registrant"),
                       *action, TextField(*body, "reason"));
  if (!done.ok()) return Problem(done.error());
  return JsonResponse(200, MemberJson(*done));
}

}  // namespace

void AddProgramRoutes(Router& router) {
  auto read = Access::Need(Permission::kProgramRead);
  auto configure = Access::Need(Permission::kProgramConfigure);
  auto run = Access::Need(Permission::kEligibilityRun);
  router.Add({"GET", "/api/v1/programs", "The programs (those of the caller's programs)", read,
              ListPrograms});
  router.Add({"POST", "/api/v1/programs",
              "Create a program: {code, name, target, rule, kind?, priority?, max_beneficiaries?, "
              "budget?, currency?, period_from?, period_to?, institution?, dialect?}; 201 with "
              "ETag",
              configure, CreateProgram});
  router.Add({"GET", "/api/v1/programs/{code}",
              "One program with its current rules and its members counted by state", read,
              GetProgram});
  router.Add({"PATCH", "/api/v1/programs/{code}",
              "Change a program; a changed rule becomes a new rule version; needs If-Match",
              configure, UpdateProgram});
  router.Add({"GET", "/api/v1/programs/{code}/rules/{version}", "One version of a program's rules",
              read, GetRulesVersion});
  router.Add({"POST", "/api/v1/programs/{code}/eligibility-runs",
              "Run eligibility over the registry as a background job: {as_of?, areas?}; 202 "
              "with the job",
              run, StartRun});
  router.Add({"POST", "/api/v1/eligibility/preview",
              "Count who a rule selects, with a sample, writing nothing: {program? | rule, "
              "target?, dialect?, as_of?, sample?}",
              run, Preview});
  router.Add({"GET", "/api/v1/programs/{code}/explain/{registrant}",
              "The value of every part of the program's rule for one registrant (?as_of=)", read,
              Explain});
  router.Add({"GET", "/api/v1/programs/{code}/memberships",
              "Members by id, ?state= to filter; cursor pagination", read, ListMembers});
  router.Add({"GET", "/api/v1/programs/{code}/memberships/{registrant}",
              "One registrant's membership with every change of its state", read, GetMember});
  router.Add({"POST", "/api/v1/programs/{code}/memberships/{registrant}/{action}",
              "enroll, pause, resume, exit or graduate, with {reason}",
              Access::Need(Permission::kEnrollmentAct), Act});
}

}  // namespace spmis::http
