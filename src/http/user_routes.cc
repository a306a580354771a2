// Users and API clients, for Administrators.
#include <boost/json.hpp>

#include "auth/sign_in.h"
#include "auth/user_service.h"
#include "http/api.h"
#include "http/problem.h"

namespace spmis::http {

namespace {

namespace json = boost::json;

json::value UserJson(const auth::User& u) {
  json::array areas, programs;
  for (const auto& a : u.area_codes) areas.emplace_back(a);
  for (const auto& p : u.programs) programs.emplace_back(p);
  return json::object{{"username", u.username},
                      {"role", RoleName(u.role)},
                      {"disabled", u.disabled},
                      {"areas", std::move(areas)},
                      {"programs", std::move(programs)},
                      {"created_at", u.created_at.ToString()},
                      {"updated_at", u.updated_at.ToString()}};
}

// A list of strings from a JSON field; false (with the error) for anything else.
bool StringList(const json::object& body, const char* name, std::vector<std::string>& out,
                std::vector<FieldError>& errors) {
  const auto* field = body.if_contains(name);
  if (field == nullptr || field->is_null()) return true;
  if (!field->is_array()) {
    errors.push_back({name, "must be a list of codes"});
    return false;
  }
  for (const auto& item : field->as_array()) {
    if (!item.is_string()) {
      errors.push_back({name, "must be a list of codes"});
      return false;
    }
    out.emplace_back(item.as_string());
  }
  return true;
}

std::optional<Role> RoleField(const json::object& body, std::vector<FieldError>& errors) {
  const auto* field = body.if_contains("role");
  auto role =
      field && field->is_string() ? ParseRole(std::string(field->as_string())) : std::nullopt;
  if (!role) errors.push_back({"role", "must be one of the roles (see /api/v1/openapi.json)"});
  return role;
}

Response ListUsers(const Request&, RequestContext& context) {
  auto users = auth::UserService(context.db()).List(context.principal());
  if (!users.ok()) return Problem(users.error());
  json::array items;
  for (const auto& u : *users) items.push_back(UserJson(u));
  return JsonResponse(200, json::object{{"items", std::move(items)}});
}

Response CreateUser(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object");
  std::vector<FieldError> errors;
  auth::NewUser user;
  if (const auto* v = body->if_contains("username"); v && v->is_string()) {
    user.username = std::string(v->as_string());
  }
  if (const auto* v = body->if_contains("password"); v && v->is_string()) {
    user.password = std::string(v->as_string());
  }
  auto role = RoleField(*body, errors);
  StringList(*body, "areas", user.area_codes, errors);
  StringList(*body, "programs", user.programs, errors);
  if (!errors.empty()) return Problem(Error::Invalid("the user cannot be created", errors));
  user.role = *role;
  auto created = auth::UserService(context.db()).Create(context.principal(), user);
  if (!created.ok()) return Problem(created.error());
  Response response = JsonResponse(201, UserJson(*created));
  response.headers.emplace_back("Location", "/api/v1/users/" + created->username);
  return response;
}

// {"role": "..."} and/or {"disabled": true}.
Response ChangeUser(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object");
  const std::string& username = request.path_params.at("name");
  auth::UserService users(context.db());
  std::optional<auth::User> result;
  std::vector<FieldError> errors;
  if (body->contains("role")) {
    auto role = RoleField(*body, errors);
    if (!role) return Problem(Error::Invalid("the user was not changed", errors));
    auto changed = users.SetRole(context.principal(), username, *role);
    if (!changed.ok()) return Problem(changed.error());
    result = *changed;
  }
  if (const auto* disabled = body->if_contains("disabled")) {
    if (!disabled->is_bool() || !disabled->as_bool()) {
      return Problem(Error::Invalid("the user was not changed",
                                    {{"disabled",
                                      "only true: users are disabled, never deleted "
                                      "or enabled again by this route"}}));
    }
    auto changed = users.Disable(context.principal(), username);
    if (!changed.ok()) return Problem(changed.error());
    result = *changed;
  }
  if (!result) return Problem(Error::Invalid("nothing to change: give role or disabled"));
  return JsonResponse(200, UserJson(*result));
}

Response CreateClient(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object");
  std::vector<FieldError> errors;
  auto role = RoleField(*body, errors);
  std::string name;
  if (const auto* v = body->if_contains("name"); v && v->is_string()) name = v->as_string();
  if (!errors.empty()) return Problem(Error::Invalid("the client cannot be created", errors));
  auto client =
      auth::SignIn(context.db(), context.throttle()).CreateClient(context.principal(), name, *role);
  if (!client.ok()) return Problem(client.error());
  Response response = JsonResponse(
      201, json::object{{"client_id", client->client_id}, {"client_secret", client->secret}});
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace

void AddUserRoutes(Router& router) {
  auto manage = Access::Need(Permission::kUsersManage);
  router.Add({"GET", "/api/v1/users", "The users, with role, state and limits", manage, ListUsers});
  router.Add({"POST", "/api/v1/users",
              "Create a user: {username, password, role, areas?, programs?}", manage, CreateUser});
  router.Add(
      {"PATCH", "/api/v1/users/{name}", "Change a user's role, or disable it", manage, ChangeUser});
  router.Add({"POST", "/api/v1/clients",
              "Create an API client: {name, role}; answers its id and secret, once", manage,
              CreateClient});
}

}  // namespace spmis::http
