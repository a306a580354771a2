// Request and Response: the HTTP exchange as route handlers see it, free of
// the HTTP library's types so that handlers compile fast and read plainly.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spmis::http {

struct Request {
  std::string method;                                      // "GET", "POST", ...
  std::string target;                                      // as sent: path and query
  std::string path;                                        // decoded path, no query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> path_params;          // from "{name}" segments
  std::map<std::string, std::string> headers;              // names lower-cased
  std::string body;
  std::string remote_address;
  std::string request_id;

  // The first value of a query parameter.
  std::optional<std::string> Query(std::string_view name) const;
  std::optional<std::string> Header(std::string_view lower_case_name) const;
  // The value of one cookie of the Cookie header.
  std::optional<std::string> Cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response Json(int status, std::string body) {
    return Response{status, "application/json", std::move(body), {}};
  }
};

}  // namespace spmis::http
