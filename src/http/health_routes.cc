// GET /healthz: is the server up and its database reachable?
#include <boost/json.hpp>

#include "http/api.h"
#include "http/problem.h"
#include "store/migrations.h"

namespace spmis::http {

void AddHealthRoutes(Router& router) {
  router.Add({"GET", "/healthz", "Liveness and database reachability", Access::Public(),
              [](const Request&, RequestContext& context) {
                try {
                  auto& db = context.db();
                  int version = store::CurrentSchemaVersion(db);
                  return JsonResponse(
                      200, boost::json::object{
                               {"status", "ok"},
                               {"database",
                                db.backend() == store::Backend::kSqlite ? "sqlite" : "postgresql"},
                               {"schema_version", version}});
                } catch (const std::exception& e) {
                  return Problem(503, std::string("database unavailable: ") + e.what());
                }
              }});
}

}  // namespace spmis::http
