// Registry routes: individuals, groups with their members, areas.
#include <boost/json.hpp>

#include "core/text.h"
#include "http/api.h"
#include "http/json_codec.h"
#include "http/problem.h"
#include "registry/area_service.h"
#include "registry/group_service.h"
#include "registry/individual_service.h"

namespace spmis::http {
namespace {

std::optional<Date> DateParam(const Request& request, const char* name,
                              std::vector<FieldError>& errors) {
  auto text = request.Query(name);
  if (!text) return std::nullopt;
  auto date = Date::Parse(*text);
  if (!date) errors.push_back({name, "must be a date YYYY-MM-DD"});
  return date;
}

Response ListIndividuals(const Request& request, RequestContext& context) {
  std::vector<FieldError> errors;
  registry::IndividualQuery query;
  query.name = request.Query("name").value_or("");
  query.area_code = request.Query("area").value_or("");
  query.born_from = DateParam(request, "birth_date_from", errors);
  query.born_to = DateParam(request, "birth_date_to", errors);
  if (auto status = request.Query("status")) {
    query.status = registry::ParseIndividualStatus(*status);
    if (!query.status) errors.push_back({"status", "must be active, inactive or deceased"});
  }
  if (auto sort = request.Query("sort")) {
    std::string_view field = *sort;
    query.descending = field.starts_with('-');
    if (query.descending) field.remove_prefix(1);
    auto parsed = registry::ParseIndividualSort(field);
    if (!parsed) {
      errors.push_back(
          {"sort",
           "must be one of id, family_name, birth_date, created_at (prefix - for descending)"});
    } else {
      query.sort = *parsed;
    }
  }
  ParseLimit(request, query.limit, errors);
  query.cursor = request.Query("cursor").value_or("");
  if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
  auto page = registry::IndividualService(context.db(), context.principal()).List(query);
  if (!page.ok()) return QueryProblem(page.error());
  context.RecordRead("individual_list", request.target);
  return JsonResponse(200, PageToJson(page->items, page->next, page->total));
}

Response GetIndividual(const Request& request, RequestContext& context) {
  auto person = registry::IndividualService(context.db(), context.principal())
                    .GetByRegistrantId(request.path_params.at("id"));
  if (!person.ok()) return Problem(person.error());
  // Outside the caller's areas, it is as if there were no such person.
  context.RecordRead("individual", person->registrant_id());
  Response response = JsonResponse(200, ToJson(*person));
  response.headers.emplace_back("ETag", "\"" + std::to_string(person->version) + "\"");
  return response;
}

Response IndividualHistory(const Request& request, RequestContext& context) {
  registry::IndividualService service(context.db(), context.principal());
  auto person = service.GetByRegistrantId(request.path_params.at("id"));
  if (!person.ok()) return Problem(person.error());
  auto history = service.History(person->id);
  if (!history.ok()) return Problem(history.error());
  context.RecordRead("individual", person->registrant_id());
  return JsonResponse(200,
                      PageToJson(*history, std::nullopt, static_cast<int64_t>(history->size())));
}

Response ListGroups(const Request& request, RequestContext& context) {
  std::vector<FieldError> errors;
  int limit;
  ParseLimit(request, limit, errors);
  if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
  // A caller limited to areas lists only the groups there.
  auto page = registry::GroupService(context.db(), context.principal())
                  .List(limit, request.Query("cursor").value_or(""));
  if (!page.ok()) return QueryProblem(page.error());
  context.RecordRead("group_list", request.target);
  return JsonResponse(200, PageToJson(page->items, page->next, page->total));
}

Response GetGroup(const Request& request, RequestContext& context) {
  registry::GroupService service(context.db(), context.principal());
  auto group = service.GetByRegistrantId(request.path_params.at("id"));
  if (!group.ok()) return Problem(group.error());
  auto members = service.Members(group->id);
  if (!members.ok()) return Problem(members.error());
  context.RecordRead("group", group->registrant_id());
  boost::json::value body = ToJson(*group);
  boost::json::array list;
  for (const auto& m : *members) list.push_back(ToJson(m));
  body.as_object()["members"] = std::move(list);
  Response response = JsonResponse(200, body);
  response.headers.emplace_back("ETag", "\"" + std::to_string(group->version) + "\"");
  return response;
}

Response ListAreas(const Request& request, RequestContext& context) {
  std::vector<FieldError> errors;
  int limit;
  ParseLimit(request, limit, errors);
  if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
  auto page =
      registry::AreaService(context.db(), context.principal())
          .List(request.Query("parent").value_or(""), limit, request.Query("cursor").value_or(""));
  if (!page.ok()) return QueryProblem(page.error());
  return JsonResponse(200, PageToJson(page->items, page->next, page->total));
}

Response GetArea(const Request& request, RequestContext& context) {
  auto area = registry::AreaService(context.db(), context.principal())
                  .GetByCode(request.path_params.at("code"));
  if (!area.ok()) return Problem(area.error());
  return JsonResponse(200, ToJson(*area));
}

}  // namespace

void AddRegistryRoutes(Router& router) {
  router.Add({"GET", "/api/v1/individuals",
              "List individuals; filters name, area (with sub-areas), birth_date_from, "
              "birth_date_to, status; sort; limit; cursor",
              Access::Need(Permission::kRegistryRead), ListIndividuals});
  router.Add({"GET", "/api/v1/individuals/{id}", "One individual by registrant ID",
              Access::Need(Permission::kRegistryRead), GetIndividual});
  router.Add({"GET", "/api/v1/individuals/{id}/history", "Every recorded change of an individual",
              Access::Need(Permission::kRegistryRead), IndividualHistory});
  router.Add({"GET", "/api/v1/groups", "List groups", Access::Need(Permission::kRegistryRead),
              ListGroups});
  router.Add({"GET", "/api/v1/groups/{id}", "One group with its members",
              Access::Need(Permission::kRegistryRead), GetGroup});
  router.Add({"GET", "/api/v1/areas", "List areas, or the children of ?parent=CODE",
              Access::Need(Permission::kRegistryRead), ListAreas});
  router.Add({"GET", "/api/v1/areas/{code}", "One area by code",
              Access::Need(Permission::kRegistryRead), GetArea});
}

}  // namespace spmis::http
