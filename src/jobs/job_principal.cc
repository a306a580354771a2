#include "jobs/job_principal.h"

#include <boost/json.hpp>

namespace spmis::jobs {
namespace {

namespace json = boost::json;

json::array Strings(const std::vector<std::string>& list) {
  json::array out;
  for (const auto& s : list) out.emplace_back(s);
  return out;
}

std::vector<std::string> ReadStrings(const json::object& o, const char* key) {
  std::vector<std::string> out;
  if (const auto* v = o.if_contains(key); v && v->is_array()) {
    for (const auto& item : v->as_array()) {
      if (item.is_string()) out.emplace_back(item.as_string());
    }
  }
  return out;
}

}  // namespace

void WritePrincipal(json::object& parameters, const Principal& principal) {
  if (principal.role) parameters["role"] = RoleName(*principal.role);
  if (!principal.area_paths.empty()) parameters["area_paths"] = Strings(principal.area_paths);
  if (!principal.programs.empty()) parameters["programs"] = Strings(principal.programs);
  if (!principal.request_id.empty()) parameters["request_id"] = principal.request_id;
}

Result<Principal> ReadPrincipal(const json::object& parameters, const Actor& actor) {
  std::string request_id;
  if (const auto* v = parameters.if_contains("request_id"); v && v->is_string()) {
    request_id = std::string(v->as_string());
  }
  Principal principal = Principal::SystemAs(Actor{actor.name, request_id});
  if (const auto* v = parameters.if_contains("role"); v && v->is_string()) {
    principal.role = ParseRole(std::string(v->as_string()));
    if (!principal.role) return Error::Invalid("the job names an unknown role");
  }
  principal.area_paths = ReadStrings(parameters, "area_paths");
  principal.programs = ReadStrings(parameters, "programs");
  return principal;
}

}  // namespace spmis::jobs
