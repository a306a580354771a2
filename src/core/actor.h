// Actor: who is doing something, carried into every service call so that
// writes are attributed and (later) permissions and area scopes checked in one
// place for the API and the command line alike.
#pragma once

#include <string>

namespace spmis {

struct Actor {
  std::string name;        // a user name, or "system" for the program itself
  std::string request_id;  // ties the action to an API request or CLI run

  static Actor System() { return Actor{"system", ""}; }
};

}  // namespace spmis
