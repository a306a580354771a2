// The public HTTP API under /api/v1: builds the router with every route of
// every module. Each module's routes live in its own *_routes.cc file.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <filesystem>

#include "core/page.h"
#include "core/result.h"
#include "http/router.h"
#include "jobs/job.h"
#include "registry/custom_field.h"

namespace spmis::http {

Router BuildApiRouter();

void AddHealthRoutes(Router& router);
void AddRegistryRoutes(Router& router);
void AddJobRoutes(Router& router);
void AddImportRoutes(Router& router);
void AddAuthRoutes(Router& router);
void AddUserRoutes(Router& router);
void AddIndividualWriteRoutes(Router& router);
void AddRegistryWriteRoutes(Router& router);
void AddProgramRoutes(Router& router);
void AddCycleRoutes(Router& router);
void AddPaymentRoutes(Router& router);

// The OpenAPI 3.1 document of these routes, as JSON text.
std::string OpenApiDocument(const std::vector<Route>& routes);

// Helpers shared by route files.
// A body's text field, or "" when it is missing or not text.
std::string TextField(const boost::json::object& body, const char* name);
// 202 Accepted for work queued as a background job: the job, its URL in
// `job_url` and in Location, to follow its progress.
Response JobAccepted(const jobs::Job& job);
// The refusal of a listing: bad query parameters are a 400 (the request line
// is wrong, not a body); anything else (permission) as Problem(error) says.
Response QueryProblem(const Error& error);
// Applies a "custom" JSON object onto custom values: null removes a field;
// numbers, true/false and text set it; anything else is named in errors.
void ApplyCustomFields(const boost::json::value& custom, registry::CustomValues& values,
                       std::vector<FieldError>& errors);
// The version an update is based on, from `If-Match: "<version>"`; nullopt
// with the refusal (428 without it, 400 malformed) in `refusal`.
std::optional<int64_t> ExpectedVersion(const Request& request, Response& refusal);
// A JSON object body, or nullopt for a malformed, non-object or more than 16
// levels deep one.
std::optional<boost::json::object> JsonObjectBody(const Request& request);
Response JsonResponse(int status, const boost::json::value& body);
// Where uploaded files wait to be processed: $SPMIS_UPLOAD_DIR, else a
// folder in the system's temporary directory (created when missing).
std::filesystem::path UploadDirectory();
// The client's file name kept as a label only: never a path, valid UTF-8.
std::string SafeFileName(std::string_view name);
// Parses "limit" (default 50, 1..1000) into `limit`; false after adding an error.
bool ParseLimit(const Request& request, int& limit, std::vector<FieldError>& errors);
// Oldest-first listings page by a key: "after" (default 0, not negative);
// `what` names the key in the error ("a payment id").
int64_t ParseAfter(const Request& request, const char* what, std::vector<FieldError>& errors);
// The path parameter `name` as a positive id, else nullopt (the caller
// answers 404: no such thing can exist).
std::optional<int64_t> PositivePathId(const Request& request, const std::string& name);

// Newest-first listings page by id: the "cursor" parameter gives the id to
// continue below (INT64_MAX on the first page).
int64_t ParseNewestFirstCursor(const Request& request, std::vector<FieldError>& errors);
// Trims the extra row fetched to know whether another page follows, and
// returns that page's cursor.
template <typename T>
std::optional<std::string> NewestFirstNext(std::vector<T>& items, int limit) {
  if (static_cast<int>(items.size()) <= limit) return std::nullopt;
  items.pop_back();
  return EncodeCursor({"id:desc", "", items.back().id});
}

}  // namespace spmis::http
