// User: a person who signs in, with one role and optional limits to areas
// and programs. Users are never deleted: they are disabled, so the audit
// trail's names keep meaning someone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/permission.h"

namespace spmis::auth {

struct User {
  int64_t id = 0;
  std::string username;
  Role role = Role::kProgramViewer;
  bool disabled = false;
  std::vector<std::string> area_codes;  // empty: not limited by area
  std::vector<std::string> programs;    // empty: not limited by program
  Timestamp created_at;
  Timestamp updated_at;
};

// What creating a user takes.
struct NewUser {
  std::string username;
  std::string password;
  Role role = Role::kProgramViewer;
  std::vector<std::string> area_codes;
  std::vector<std::string> programs;
};

}  // namespace spmis::auth
