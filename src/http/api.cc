#include "http/api.h"

#include <boost/json.hpp>
#include <filesystem>

#include "core/text.h"
#include "http/json_codec.h"
#include "http/json_writer.h"
#include "http/problem.h"

namespace spmis::http {

Router BuildApiRouter() {
  Router router;
  AddHealthRoutes(router);
  AddAuthRoutes(router);
  AddUserRoutes(router);
  AddRegistryRoutes(router);
  AddIndividualWriteRoutes(router);
  AddRegistryWriteRoutes(router);
  AddJobRoutes(router);
  AddImportRoutes(router);
  AddProgramRoutes(router);
  AddCycleRoutes(router);
  AddPaymentRoutes(router);
  // Last, so that it describes every route, itself included.
  Route openapi{"GET", "/api/v1/openapi.json", "This document: the API in OpenAPI 3.1",
                Access::Public(), nullptr};
  std::vector<Route> documented = router.routes();
  documented.push_back(openapi);
  std::string document = OpenApiDocument(documented);
  openapi.handler = [document](const Request&, RequestContext&) {
    return Response::Json(200, document);
  };
  router.Add(std::move(openapi));
  return router;
}

std::optional<boost::json::object> JsonObjectBody(const Request& request) {
  boost::json::parse_options options;
  options.max_depth = 16;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(request.body, ec, {}, options);
  if (ec || !value.is_object()) return std::nullopt;
  return value.as_object();
}

std::optional<int64_t> ExpectedVersion(const Request& request, Response& refusal) {
  auto if_match = request.Header("if-match");
  if (!if_match) {
    refusal = Problem(428, "send If-Match with the ETag of the version you changed");
    return std::nullopt;
  }
  std::string tag = *if_match;
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
    tag = tag.substr(1, tag.size() - 2);
  }
  auto version = ParseInt64(tag);
  if (!version) {
    refusal = Problem(400, "If-Match must be an ETag like \"3\"");
    return std::nullopt;
  }
  return *version;
}

std::string TextField(const boost::json::object& body, const char* name) {
  const auto* v = body.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Response JobAccepted(const jobs::Job& job) {
  std::string url = "/api/v1/jobs/" + std::to_string(job.id);
  Response response =
      JsonResponse(202, boost::json::object{{"job", ToJson(job)}, {"job_url", url}});
  response.headers.emplace_back("Location", url);
  return response;
}

Response QueryProblem(const Error& error) {
  if (error.code == ErrorCode::kInvalidArgument) return Problem(400, error.message, error.fields);
  return Problem(error);
}

void ApplyCustomFields(const boost::json::value& custom, registry::CustomValues& values,
                       std::vector<FieldError>& errors) {
  if (!custom.is_object()) {
    errors.push_back({"custom", "must be an object"});
    return;
  }
  for (const auto& [name, value] : custom.as_object()) {
    std::string key(name);
    if (value.is_null()) {
      values.erase(key);
    } else if (value.is_int64()) {
      values[key] = value.as_int64();
    } else if (value.is_double()) {
      values[key] = value.as_double();
    } else if (value.is_bool()) {
      values[key] = value.as_bool();
    } else if (value.is_string()) {
      values[key] = std::string(value.as_string());
    } else {
      errors.push_back({"custom." + key, "must be a number, true or false, or text"});
    }
  }
}

Response JsonResponse(int status, const boost::json::value& body) {
  return Response::Json(status, WriteJson(body));
}

bool ParseLimit(const Request& request, int& limit, std::vector<FieldError>& errors) {
  limit = 50;
  auto text = request.Query("limit");
  if (!text) return true;
  auto value = ParseInt64(*text);
  if (!value || *value < 1 || *value > 1000) {
    errors.push_back({"limit", "must be a whole number from 1 to 1000"});
    return false;
  }
  limit = static_cast<int>(*value);
  return true;
}

int64_t ParseAfter(const Request& request, const char* what, std::vector<FieldError>& errors) {
  auto text = request.Query("after");
  if (!text) return 0;
  auto parsed = ParseInt64(*text);
  if (!parsed || *parsed < 0) {
    errors.push_back({"after", std::string("must be ") + what});
    return 0;
  }
  return *parsed;
}

std::optional<int64_t> PositivePathId(const Request& request, const std::string& name) {
  auto id = ParseInt64(request.path_params.at(name));
  if (!id || *id <= 0) return std::nullopt;
  return id;
}

int64_t ParseNewestFirstCursor(const Request& request, std::vector<FieldError>& errors) {
  auto cursor = request.Query("cursor");
  if (!cursor) return INT64_MAX;
  auto position = DecodeCursor(*cursor);
  if (!position || position->sort_field != "id:desc") {
    errors.push_back({"cursor", "is not a cursor of this listing"});
    return INT64_MAX;
  }
  return position->id;
}

std::filesystem::path UploadDirectory() {
  const char* configured = std::getenv("SPMIS_UPLOAD_DIR");
  std::filesystem::path dir = configured && *configured
                                  ? std::filesystem::path(configured)
                                  : std::filesystem::temp_directory_path() / "spmis-uploads";
  std::filesystem::create_directories(dir);
  return dir;
}

// The client's file name is kept as a label only: never a path.
std::string SafeFileName(std::string_view name) {
  size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  for (char c : name) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  }
  if (out.empty() || out == "." || out == ".." || !IsValidUtf8(out)) out = "upload";
  return out.substr(0, 200);
}

}  // namespace spmis::http
