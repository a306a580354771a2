// Principal: who is acting, with what role and within what limits. Services
// take one and check it before they act, so the API and the command line
// cannot differ. The system itself (command-line maintenance by whoever holds
// the database, background jobs) is a principal with every permission.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.h"
#include "core/permission.h"
#include "core/result.h"

namespace spmis {

struct Principal {
  int64_t user_id = 0;
  std::string name;
  std::optional<Role> role;  // empty for the system and for nobody
  bool anonymous = false;
  // Materialised paths ("/1/5/") of the areas the user is limited to; a
  // registrant is in reach when its area's path starts with one. Empty: all.
  std::vector<std::string> area_paths;
  std::vector<std::string> programs;  // program codes; empty: all
  std::string request_id;

  static Principal System(std::string request_id = {});
  // The system acting under the name `actor` records (a job, or a
  // command-line run without --user): every permission, no limits.
  static Principal SystemAs(const Actor& actor);
  // Nobody signed in (on public routes): no permission at all.
  static Principal Anonymous(std::string request_id = {});
  bool is_system() const { return !role.has_value() && !anonymous; }

  bool Has(Permission permission) const;
  // PermissionDenied naming the role and what it lacks.
  Status Require(Permission permission) const;
  bool CoversArea(std::string_view area_path) const;
  bool CoversProgram(std::string_view program_code) const;

  // The name and request id that audit entries and history record.
  Actor actor() const { return Actor{name, request_id}; }
};

}  // namespace spmis
