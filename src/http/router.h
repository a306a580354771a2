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

#include "audit/read_recorder.h"
#include "auth/sign_in.h"
#include "core/principal.h"
#include "http/request.h"
#include "jobs/job_runner.h"
#include "store/database.h"

namespace spmis::http {

// What a handler may use: the database, the job runner, and who is asking
// (set by the router from the request's session or access token).
class RequestContext {
 public:
  // Reads of personal data go to `reads` in batches; without one they are
  // entered at once.
  RequestContext(store::Database& database, jobs::JobRunner& jobs,
                 audit::ReadRecorder* reads = nullptr)
      : database_(database), jobs_(jobs), reads_(reads) {}
  // A pooled connection, taken at first use and returned with the context.
  store::Connection& db();
  store::Database& database() { return database_; }
  jobs::JobRunner& jobs() { return jobs_; }
  const Principal& principal() const { return principal_; }
  // The name and request id that history and audit entries record.
  Actor actor() const { return principal_.actor(); }
  auth::LoginThrottle& throttle() { return *throttle_; }
  // Enters a read of personal data in the audit trail.
  void RecordRead(std::string entity_type, std::string entity_id);

 private:
  friend class Router;
  store::Database& database_;
  jobs::JobRunner& jobs_;
  Principal principal_;
  auth::LoginThrottle* throttle_ = nullptr;
  audit::ReadRecorder* reads_ = nullptr;
  std::optional<store::PooledConnection> connection_;
};

// Who may call a route. Every route states it: there is no default, so a new
// route cannot forget its permission.
struct Access {
  enum class Kind { kPublic, kSignedIn, kPermission };
  Kind kind = Kind::kPermission;
  Permission permission = Permission::kSettingsManage;

  static Access Public() { return {Kind::kPublic, {}}; }
  static Access SignedIn() { return {Kind::kSignedIn, {}}; }
  static Access Need(Permission p) { return {Kind::kPermission, p}; }
};

using Handler = std::function<Response(const Request&, RequestContext&)>;

struct Route {
  std::string method;
  std::string pattern;
  std::string summary;
  Access access;
  Handler handler;
};

// The session cookie's name; its CSRF token goes in the X-CSRF-Token header.
inline constexpr char kSessionCookie[] = "spmis_session";

class Router {
 public:
  void Add(Route route);
  const std::vector<Route>& routes() const { return routes_; }
  // Finds the route, fills request.path_params, signs the caller in (a
  // bearer token, or the session cookie with its CSRF token on changes),
  // checks the route's access and runs the handler: 401 for no or a bad
  // credential, 403 for a missing permission. Errors escaping a handler
  // become a 500 problem without internals.
  Response Dispatch(Request& request, RequestContext& context) const;

 private:
  struct Compiled {
    Route route;
    std::vector<std::string> segments;
  };
  // Runs a POST carrying an Idempotency-Key once per caller and key; a
  // retry gets the first response.
  Response DispatchOnce(const Route& route, const std::string& key, Request& request,
                        RequestContext& context) const;
  // Sets the caller's principal; the response refusing them, if any.
  std::optional<Response> SignInCaller(const Request& request, const Access& access,
                                       RequestContext& context) const;
  std::vector<Compiled> compiled_;
  std::vector<Route> routes_;
  std::unique_ptr<auth::LoginThrottle> throttle_ = std::make_unique<auth::LoginThrottle>();
};

}  // namespace spmis::http
