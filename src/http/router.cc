#include "http/router.h"

#include <iostream>

#include "core/text.h"
#include "http/problem.h"

namespace spmis::http {
namespace {

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> segments;
  for (auto part : Split(path, '/')) {
    if (!part.empty()) segments.emplace_back(part);
  }
  return segments;
}

}  // namespace

store::Connection& RequestContext::db() {
  if (!connection_) connection_.emplace(database_.Acquire());
  return **connection_;
}

std::optional<std::string> Request::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::optional<std::string> Request::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

void Router::Add(Route route) {
  compiled_.push_back({route, Segments(route.pattern)});
  routes_.push_back(std::move(route));
}

Response Router::Dispatch(Request& request, RequestContext& context) const {
  auto segments = Segments(request.path);
  bool path_matched = false;
  for (const auto& candidate : compiled_) {
    if (candidate.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      const std::string& part = candidate.segments[i];
      if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
        params[part.substr(1, part.size() - 2)] = segments[i];
      } else if (part != segments[i]) {
        match = false;
      }
    }
    if (!match) continue;
    path_matched = true;
    if (candidate.route.method != request.method &&
        !(request.method == "HEAD" && candidate.route.method == "GET")) {
      continue;
    }
    request.path_params = std::move(params);
    try {
      return candidate.route.handler(request, context);
    } catch (const std::exception& e) {
      std::cerr << "request " << request.request_id << " " << request.method << " " << request.path
                << " failed: " << e.what() << "\n";
      return Problem(500,
                     "the server could not complete the request (id " + request.request_id + ")");
    }
  }
  if (path_matched)
    return Problem(405, "method " + request.method + " is not allowed on " + request.path);
  return Problem(404, "no such resource: " + request.path);
}

}  // namespace spmis::http
