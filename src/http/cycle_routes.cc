// Cycle routes: a program's cycles, entitlement generation (a background
// job), submission, approval and rejection, cancellation, entitlements and
// totals. The service checks permissions and maker-checker again.
#include <boost/json.hpp>

#include "core/page.h"
#include "core/registrant_id.h"
#include "cycles/cycle_repository.h"
#include "cycles/cycle_service.h"
#include "http/api.h"
#include "http/delivery_json.h"
#include "http/json_codec.h"
#include "http/problem.h"
#include "programs/program_service.h"

namespace spmis::http {
namespace {

namespace json = boost::json;
using cycles::CycleService;

Response ListCycles(const Request& request, RequestContext& context) {
  auto list =
      CycleService(context.database(), context.principal()).List(request.path_params.at("code"));
  if (!list.ok()) return Problem(list.error());
  json::array items;
  for (const auto& c : *list) {
    items.push_back({{"id", c.id},
                     {"sequence", c.sequence},
                     {"start", c.start_date.ToString()},
                     {"end", c.end_date.ToString()},
                     {"state", cycles::CycleStateName(c.state)}});
  }
  return JsonResponse(200, json::object{{"items", std::move(items)},
                                        {"next", nullptr},
                                        {"total", static_cast<int64_t>(list->size())}});
}

// {"start", "end"} for one cycle, or {"every": "monthly"|"bi-monthly"|"quarterly"}
// for a schedule over the program's period.
Response CreateCycles(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object");
  CycleService service(context.database(), context.principal());
  const std::string& code = request.path_params.at("code");
  if (auto every = TextField(*body, "every"); !every.empty()) {
    auto frequency = cycles::ParseFrequency(every);
    if (!frequency) {
      return Problem(Error::Invalid("the schedule was refused",
                                    {{"every", "must be monthly, bi-monthly or quarterly"}}));
    }
    auto made = service.Schedule(code, *frequency);
    if (!made.ok()) return Problem(made.error());
    json::array ids;
    for (const auto& c : *made) ids.emplace_back(c.id);
    return JsonResponse(201, json::object{{"cycles", std::move(ids)}});
  }
  auto start = Date::Parse(TextField(*body, "start"));
  auto end = Date::Parse(TextField(*body, "end"));
  std::vector<FieldError> errors;
  if (!start) errors.push_back({"start", "must be a date as YYYY-MM-DD"});
  if (!end) errors.push_back({"end", "must be a date as YYYY-MM-DD"});
  if (!errors.empty()) return Problem(Error::Invalid("the cycle was not created", errors));
  auto made = service.Create(code, *start, *end);
  if (!made.ok()) return Problem(made.error());
  auto view = service.Get(made->id);
  if (!view.ok()) return Problem(view.error());
  Response response = JsonResponse(201, CycleToJson(*view));
  response.headers.emplace_back("Location", "/api/v1/cycles/" + std::to_string(made->id));
  return response;
}

Response GetCycle(const Request& request, RequestContext& context) {
  auto id = PositivePathId(request, "id");
  if (!id) return Problem(404, "no cycle " + request.path_params.at("id"));
  auto view = CycleService(context.database(), context.principal()).Get(*id);
  if (!view.ok()) return Problem(view.error());
  return JsonResponse(200, CycleToJson(*view));
}

Response Generate(const Request& request, RequestContext& context) {
  auto id = PositivePathId(request, "id");
  if (!id) return Problem(404, "no cycle " + request.path_params.at("id"));
  // Refuse now what the job would refuse later.
  if (auto allowed = context.principal().Require(Permission::kCycleManage); !allowed.ok()) {
    return Problem(allowed.error());
  }
  auto view = CycleService(context.database(), context.principal()).Get(*id);
  if (!view.ok()) return Problem(view.error());
  auto job = context.jobs().Submit(cycles::kGenerateJob,
                                   cycles::GenerateJobParameters(*id, context.principal()),
                                   context.actor());
  if (!job.ok()) return Problem(job.error());
  return JobAccepted(*job);
}

// submit, approve, reject, cancel: {"comment"?} (a rejection or cancellation needs one)
Response Decide(const Request& request, RequestContext& context, const std::string& action) {
  auto id = PositivePathId(request, "id");
  if (!id) return Problem(404, "no cycle " + request.path_params.at("id"));
  auto body = JsonObjectBody(request);
  if (!body && !request.body.empty()) return Problem(400, "the body must be a JSON object");
  std::string comment = body ? TextField(*body, "comment") : "";
  CycleService service(context.database(), context.principal());
  auto view = action == "submit"    ? service.Submit(*id)
              : action == "approve" ? service.Approve(*id, comment)
              : action == "reject"  ? service.Reject(*id, comment)
                                    : service.Cancel(*id, comment);
  if (!view.ok()) return Problem(view.error());
  return JsonResponse(200, CycleToJson(*view));
}

Response ListEntitlements(const Request& request, RequestContext& context) {
  auto id = PositivePathId(request, "id");
  if (!id) return Problem(404, "no cycle " + request.path_params.at("id"));
  std::vector<FieldError> errors;
  int limit;
  ParseLimit(request, limit, errors);
  int64_t after = 0;
  if (auto cursor = request.Query("cursor")) {
    auto position = DecodeCursor(*cursor);
    if (!position || position->sort_field != "id:asc") {
      errors.push_back({"cursor", "is not a cursor of this listing"});
    } else {
      after = position->id;
    }
  }
  if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
  auto view = CycleService(context.database(), context.principal()).Get(*id);
  if (!view.ok()) return Problem(view.error());
  auto rows = cycles::CycleRepository(context.db()).Entitlements(*id, after, limit + 1);
  std::optional<std::string> next;
  if (static_cast<int>(rows.size()) > limit) {
    rows.pop_back();
    next = EncodeCursor({"id:asc", "", rows.back().id});
  }
  auto program =
      programs::ProgramService(context.db(), context.principal()).Get(view->cycle.program_code);
  if (!program.ok()) return Problem(program.error());
  RegistrantKind kind = program->target == programs::ProgramTarget::kGroups
                            ? RegistrantKind::kGroup
                            : RegistrantKind::kIndividual;
  json::array items;
  for (const auto& e : rows) {
    items.push_back({{"id", e.id},
                     {"registrant_id", RegistrantId{kind, e.registrant_id}.ToString()},
                     {"amount_minor", e.amount_minor},
                     {"currency", e.currency},
                     {"items", e.items.empty() ? json::value(nullptr) : json::parse(e.items)},
                     {"state", cycles::EntitlementStateName(e.state)},
                     {"rule_version", e.rule_version},
                     {"inputs", json::object{{"as_of", e.inputs.as_of.ToString()},
                                             {"fixed", e.inputs.fixed},
                                             {"cap", e.inputs.cap ? json::value(*e.inputs.cap)
                                                                  : json::value(nullptr)},
                                             {"from_rule", e.inputs.from_rule},
                                             {"capped", e.inputs.capped()}}}});
  }
  context.RecordRead("entitlement_list", request.target);
  return JsonResponse(200, json::object{{"items", std::move(items)},
                                        {"next", next ? json::value(*next) : json::value()},
                                        {"total", view->totals.entitlements}});
}

}  // namespace

void AddCycleRoutes(Router& router) {
  auto read = Access::Need(Permission::kCycleRead);
  auto manage = Access::Need(Permission::kCycleManage);
  auto approve = Access::Need(Permission::kCycleApprove);
  router.Add({"GET", "/api/v1/programs/{code}/cycles", "A program's cycles", read, ListCycles});
  router.Add({"POST", "/api/v1/programs/{code}/cycles",
              "Create a cycle {start, end}, or a schedule {every: monthly|bi-monthly|quarterly}",
              manage, CreateCycles});
  router.Add({"GET", "/api/v1/cycles/{id}",
              "One cycle with its totals (approved = paid + failed + pending + cancelled) and "
              "approvals",
              read, GetCycle});
  router.Add({"POST", "/api/v1/cycles/{id}/generate",
              "Generate the cycle's entitlements as a background job (idempotent); 202", manage,
              Generate});
  router.Add({"POST", "/api/v1/cycles/{id}/submit", "Submit the entitlements for approval", manage,
              [](const Request& r, RequestContext& c) { return Decide(r, c, "submit"); }});
  router.Add({"POST", "/api/v1/cycles/{id}/approve",
              "Approve {comment?}: not by whoever generated or submitted them", approve,
              [](const Request& r, RequestContext& c) { return Decide(r, c, "approve"); }});
  router.Add({"POST", "/api/v1/cycles/{id}/reject", "Reject back to draft {comment}", approve,
              [](const Request& r, RequestContext& c) { return Decide(r, c, "reject"); }});
  router.Add({"POST", "/api/v1/cycles/{id}/cancel", "Cancel a draft or submitted cycle {comment}",
              manage, [](const Request& r, RequestContext& c) { return Decide(r, c, "cancel"); }});
  router.Add({"GET", "/api/v1/cycles/{id}/entitlements",
              "The cycle's entitlements with amount, state, rule version and inputs", read,
              ListEntitlements});
}

}  // namespace spmis::http
