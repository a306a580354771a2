// Creating areas and groups and adding and ending memberships over the API,
// within the caller's area scope.
#include <boost/json.hpp>

#include "http/api.h"
#include "http/json_codec.h"
#include "http/problem.h"
#include "registry/area_service.h"
#include "registry/group_service.h"
#include "registry/individual_service.h"

namespace spmis::http {

namespace {

namespace json = boost::json;

std::optional<Date> DateField(const json::object& body, const char* name,
                              std::vector<FieldError>& errors) {
  const auto* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) return std::nullopt;
  auto date = v->is_string() ? Date::Parse(v->as_string()) : std::nullopt;
  if (!date) errors.push_back({name, "must be a date as YYYY-MM-DD"});
  return date;
}

Response CreateArea(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object (an area)");
  registry::Area area;
  area.code = TextField(*body, "code");
  area.name = TextField(*body, "name");
  area.parent_code = TextField(*body, "parent_code");
  if (const auto* boundary = body->if_contains("boundary"); boundary && !boundary->is_null()) {
    area.boundary_geojson = json::serialize(*boundary);
  }
  auto created = registry::AreaService(context.db(), context.principal()).Create(area);
  if (!created.ok()) return Problem(created.error());
  Response response = JsonResponse(201, ToJson(*created));
  response.headers.emplace_back("Location", "/api/v1/areas/" + created->code);
  return response;
}

// Sets the group fields present in the body (a change leaves the others).
void ApplyGroupFields(const json::object& body, registry::Group& group,
                      std::vector<FieldError>& errors) {
  if (auto id = TextField(body, "external_id"); !id.empty()) group.external_id = id;
  if (auto kind = TextField(body, "kind"); !kind.empty()) group.kind = kind;
  if (body.contains("name")) group.name = TextField(body, "name");
  if (body.contains("area_code")) {
    group.area_code = TextField(body, "area_code");
    group.area_id.reset();
  }
  if (const auto* custom = body.if_contains("custom")) {
    ApplyCustomFields(*custom, group.custom, errors);
  }
}

Response CreateGroup(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object (a group)");
  registry::Group group;
  std::vector<FieldError> errors;
  ApplyGroupFields(*body, group, errors);
  if (!errors.empty()) return Problem(Error::Invalid("the group was not saved", errors));
  auto created = registry::GroupService(context.db(), context.principal()).Create(group);
  if (!created.ok()) return Problem(created.error());
  Response response = JsonResponse(201, ToJson(*created));
  response.headers.emplace_back("Location", "/api/v1/groups/" + created->registrant_id());
  return response;
}

// The fields given, on the version in If-Match.
Response UpdateGroup(const Request& request, RequestContext& context) {
  Response refusal;
  auto expected = ExpectedVersion(request, refusal);
  if (!expected) return refusal;
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object (the fields to change)");
  registry::GroupService groups(context.db(), context.principal());
  auto current = groups.GetByRegistrantId(request.path_params.at("id"));
  if (!current.ok()) return Problem(current.error());
  registry::Group group = *current;
  std::vector<FieldError> errors;
  ApplyGroupFields(*body, group, errors);
  if (!errors.empty()) return Problem(Error::Invalid("the group was not saved", errors));
  auto updated = groups.Update(group, *expected);
  if (!updated.ok()) return Problem(updated.error());
  Response response = JsonResponse(200, ToJson(*updated));
  response.headers.emplace_back("ETag", "\"" + std::to_string(updated->version) + "\"");
  return response;
}

// {"individual_id": "IND-...", "role": "child", "start_date"?: "YYYY-MM-DD"}
Response AddMember(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object (a membership)");
  registry::GroupService groups(context.db(), context.principal());
  auto group = groups.GetByRegistrantId(request.path_params.at("id"));
  if (!group.ok()) return Problem(group.error());
  std::vector<FieldError> errors;
  auto person = registry::IndividualService(context.db(), context.principal())
                    .GetByRegistrantId(TextField(*body, "individual_id"));
  if (!person.ok()) {
    errors.push_back({"individual_id", "no such individual"});
  }
  registry::Membership membership;
  membership.group_id = group->id;
  membership.role = TextField(*body, "role");
  membership.start_date = DateField(*body, "start_date", errors);
  if (!errors.empty()) return Problem(Error::Invalid("the membership was not saved", errors));
  membership.individual_id = person->id;
  auto added = groups.AddMember(membership);
  if (!added.ok()) return Problem(added.error());
  return JsonResponse(201, ToJson(*added));
}

// {"end_date"?: "YYYY-MM-DD"} (today when not given)
Response EndMember(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) body = json::object{};
  registry::GroupService groups(context.db(), context.principal());
  auto group = groups.GetByRegistrantId(request.path_params.at("id"));
  if (!group.ok()) return Problem(group.error());
  char* end = nullptr;
  const std::string& text = request.path_params.at("membership");
  int64_t membership_id = std::strtoll(text.c_str(), &end, 10);
  auto members = groups.Members(group->id);
  bool belongs = members.ok() && *end == '\0' &&
                 std::any_of(members->begin(), members->end(),
                             [&](const registry::Membership& m) { return m.id == membership_id; });
  if (!belongs) return Problem(404, "no such membership in " + request.path_params.at("id"));
  std::vector<FieldError> errors;
  auto end_date = DateField(*body, "end_date", errors);
  if (!errors.empty()) return Problem(Error::Invalid("the membership was not ended", errors));
  auto ended = groups.EndMember(membership_id, end_date);
  if (!ended.ok()) return Problem(ended.error());
  return JsonResponse(200, ToJson(*ended));
}

}  // namespace

void AddRegistryWriteRoutes(Router& router) {
  auto write = Access::Need(Permission::kRegistryWrite);
  router.Add({"POST", "/api/v1/areas", "Create an area: {code, name, parent_code?, boundary?}",
              Access::Need(Permission::kAreasManage), CreateArea});
  router.Add({"POST", "/api/v1/groups",
              "Register a group: {kind?, name, area_code, external_id?, custom?}", write,
              CreateGroup});
  router.Add({"PATCH", "/api/v1/groups/{id}",
              "Change the fields given; needs If-Match with the ETag read (412 when it changed "
              "since)",
              write, UpdateGroup});
  router.Add({"POST", "/api/v1/groups/{id}/members",
              "Add a member: {individual_id, role, start_date?}", write, AddMember});
  router.Add({"POST", "/api/v1/groups/{id}/members/{membership}/end",
              "End a membership: {end_date?} (today when not given)", write, EndMember});
}

}  // namespace spmis::http
