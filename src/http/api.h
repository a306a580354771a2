// The public HTTP API under /api/v1: builds the router with every route of
// every module. Each module's routes live in its own *_routes.cc file.
#pragma once

#include <boost/json/value.hpp>

#include "core/result.h"
#include "http/router.h"

namespace spmis::http {

Router BuildApiRouter();

void AddHealthRoutes(Router& router);
void AddRegistryRoutes(Router& router);
void AddJobRoutes(Router& router);
void AddImportRoutes(Router& router);

// Helpers shared by route files.
Response JsonResponse(int status, const boost::json::value& body);
// Parses "limit" (default 50, 1..1000) into `limit`; false after adding an error.
bool ParseLimit(const Request& request, int& limit, std::vector<FieldError>& errors);

}  // namespace spmis::http
