// The OpenAPI 3.1 document of the API, written from the route table itself:
// every route, its path parameters, summary, and who may call it. A route
// cannot be missing from it, and its security cannot disagree with the
// router's.
#include <boost/json.hpp>

#include "http/api.h"

namespace spmis::http {

namespace {

namespace json = boost::json;

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

json::object ProblemResponse(const char* description) {
  return json::object{
      {"description", description},
      {"content",
       json::object{
           {"application/problem+json",
            json::object{{"schema", json::object{{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

json::object Operation(const Route& route) {
  json::object op;
  op["operationId"] = Lower(route.method) + route.pattern;
  op["summary"] = route.summary;
  json::array parameters;
  size_t at = 0;
  while ((at = route.pattern.find('{', at)) != std::string::npos) {
    size_t end = route.pattern.find('}', at);
    parameters.push_back(json::object{{"name", route.pattern.substr(at + 1, end - at - 1)},
                                      {"in", "path"},
                                      {"required", true},
                                      {"schema", json::object{{"type", "string"}}}});
    at = end;
  }
  if (!parameters.empty()) op["parameters"] = std::move(parameters);
  json::object responses;
  responses["200"] = json::object{{"description", "success"}};
  responses["400"] = ProblemResponse("the request is not valid");
  responses["404"] = ProblemResponse("no such resource");
  if (route.access.kind == Access::Kind::kPublic) {
    op["security"] = json::array{};
  } else {
    op["security"] = json::array{json::object{{"session", json::array{}}},
                                 json::object{{"bearer", json::array{}}}};
    responses["401"] = ProblemResponse("not signed in, or a bad credential");
    if (route.access.kind == Access::Kind::kPermission) {
      op["x-permission"] = PermissionName(route.access.permission);
      responses["403"] = ProblemResponse("the role lacks the permission");
    }
  }
  op["responses"] = std::move(responses);
  return op;
}

}  // namespace

std::string OpenApiDocument(const std::vector<Route>& routes) {
  json::object paths;
  for (const Route& route : routes) {
    json::value& item = paths[route.pattern];
    if (!item.is_object()) item = json::object{};
    item.as_object()[Lower(route.method)] = Operation(route);
  }
  auto string_type = [] { return json::object{{"type", "string"}}; };
  json::object error_item{
      {"type", "object"},
      {"properties", json::object{{"field", string_type()}, {"message", string_type()}}}};
  json::object problem_properties{
      {"type", string_type()},
      {"title", string_type()},
      {"status", json::object{{"type", "integer"}}},
      {"detail", string_type()},
      {"errors", json::object{{"type", "array"}, {"items", std::move(error_item)}}}};
  json::object problem{{"type", "object"},
                       {"required", json::array{"type", "title", "status", "detail"}},
                       {"properties", std::move(problem_properties)}};
  json::object session{
      {"type", "apiKey"},
      {"in", "cookie"},
      {"name", kSessionCookie},
      {"description", "from POST /api/v1/auth/login; changing requests also send X-CSRF-Token"}};
  json::object client_credentials{{"tokenUrl", "/api/v1/oauth/token"}, {"scopes", json::object{}}};
  json::object bearer{
      {"type", "oauth2"},
      {"flows", json::object{{"clientCredentials", std::move(client_credentials)}}}};
  json::object components{{"schemas", json::object{{"Problem", std::move(problem)}}},
                          {"securitySchemes", json::object{{"session", std::move(session)},
                                                           {"bearer", std::move(bearer)}}}};
  json::object info{
      {"title", "SP-MIS API"},
      {"version", "1"},
      {"description", "Social protection registry, programs and payments. See docs/API.md."}};
  json::object document{{"openapi", "3.1.0"},
                        {"info", std::move(info)},
                        {"paths", std::move(paths)},
                        {"components", std::move(components)}};
  return json::serialize(document);
}

}  // namespace spmis::http
