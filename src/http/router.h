// Router: maps (method, path pattern) to a handler. Patterns are literal
// segments and "{name}" placeholders ("/api/v1/individuals/{id}"). Every
// route is declared with a summary, so the list of routes is also the API's
// table of contents; an unknown path answers 404 and a known path with the
// wrong method 405, both as problem+json.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/request.h"
#include "jobs/job_runner.h"
#include "store/database.h"

namespace spmis::http {

// What a handler may use: the database, the job runner, the acting user.
class RequestContext {
 public:
  RequestContext(store::Database& database, jobs::JobRunner& jobs, Actor actor)
      : database_(database), jobs_(jobs), actor_(std::move(actor)) {}
  // A pooled connection, taken at first use and returned with the context.
  store::Connection& db();
  store::Database& database() { return database_; }
  jobs::JobRunner& jobs() { return jobs_; }
  const Actor& actor() const { return actor_; }

 private:
  store::Database& database_;
  jobs::JobRunner& jobs_;
  Actor actor_;
  std::optional<store::PooledConnection> connection_;
};

using Handler = std::function<Response(const Request&, RequestContext&)>;

struct Route {
  std::string method;
  std::string pattern;
  std::string summary;
  Handler handler;
};

class Router {
 public:
  void Add(Route route);
  const std::vector<Route>& routes() const { return routes_; }
  // Finds the route, fills request.path_params and runs the handler. Errors
  // escaping a handler become a 500 problem without internals.
  Response Dispatch(Request& request, RequestContext& context) const;

 private:
  struct Compiled {
    Route route;
    std::vector<std::string> segments;
  };
  std::vector<Compiled> compiled_;
  std::vector<Route> routes_;
};

}  // namespace spmis::http
