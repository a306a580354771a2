#include "http/problem.h"

#include <boost/json.hpp>

#include "http/json_writer.h"

namespace spmis::http {
namespace {

const char* Title(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 503:
      return "Service Unavailable";
    default:
      return status >= 500 ? "Internal Server Error" : "Error";
  }
}

}  // namespace

int StatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 422;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kFailedPrecondition:
      return 412;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response Problem(int status, const std::string& detail, const std::vector<FieldError>& fields) {
  boost::json::object body{
      {"type", "about:blank"}, {"title", Title(status)}, {"status", status}, {"detail", detail}};
  if (!fields.empty()) {
    boost::json::array errors;
    for (const auto& f : fields) errors.push_back({{"field", f.field}, {"message", f.message}});
    body["errors"] = std::move(errors);
  }
  return Response{status, "application/problem+json", WriteJson(body), {}};
}

Response Problem(const Error& error) {
  return Problem(StatusFor(error.code), error.message, error.fields);
}

}  // namespace spmis::http
