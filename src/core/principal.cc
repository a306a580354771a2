#include "core/principal.h"

#include <algorithm>

namespace spmis {

Principal Principal::System(std::string request_id) {
  Principal p;
  p.name = "system";
  p.request_id = std::move(request_id);
  return p;
}

Principal Principal::SystemAs(const Actor& actor) {
  Principal p = System(actor.request_id);
  p.name = actor.name;
  return p;
}

Principal Principal::Anonymous(std::string request_id) {
  Principal p;
  p.name = "anonymous";
  p.anonymous = true;
  p.request_id = std::move(request_id);
  return p;
}

bool Principal::Has(Permission permission) const {
  if (anonymous) return false;
  return is_system() || RoleHas(*role, permission);
}

Status Principal::Require(Permission permission) const {
  if (Has(permission)) return OkStatus();
  if (anonymous) return Error{ErrorCode::kUnauthenticated, "sign in first", {}};
  return Error{ErrorCode::kPermissionDenied,
               "the " + std::string(RoleLabel(*role)) + " role does not allow this (it needs " +
                   std::string(PermissionName(permission)) + ")",
               {}};
}

bool Principal::CoversArea(std::string_view area_path) const {
  if (area_paths.empty()) return true;
  return std::any_of(area_paths.begin(), area_paths.end(),
                     [&](const std::string& scope) { return area_path.starts_with(scope); });
}

bool Principal::CoversProgram(std::string_view program_code) const {
  if (programs.empty()) return true;
  return std::find(programs.begin(), programs.end(), program_code) != programs.end();
}

}  // namespace spmis
