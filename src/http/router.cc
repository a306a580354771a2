#include "http/router.h"

#include "core/sha256.h"

#include <iostream>

#include "audit/audit_log.h"
#include "core/text.h"
#include "http/problem.h"
#include "store/idempotency_store.h"

namespace spmis::http {
namespace {

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> segments;
  for (auto part : Split(path, '/')) {
    if (!part.empty()) segments.emplace_back(part);
  }
  return segments;
}

bool ChangesState(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

Response Unauthorized(const std::string& detail) {
  Response response = Problem(401, detail);
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"spmis\"");
  return response;
}

}  // namespace

std::optional<Response> Router::SignInCaller(const Request& request, const Access& access,
                                             RequestContext& context) const {
  auth::SignIn sign_in(context.db(), *throttle_);
  auto authorization = request.Header("authorization");
  if (authorization && authorization->starts_with("Bearer ")) {
    auto principal = sign_in.FromAccessToken(authorization->substr(7), request.request_id);
    if (!principal.ok()) return Unauthorized(principal.error().message);
    context.principal_ = std::move(principal).value();
  } else if (auto cookie = request.Cookie(kSessionCookie)) {
    std::string csrf;
    auto principal = sign_in.FromSession(*cookie, &csrf, request.request_id);
    if (!principal.ok()) return Unauthorized(principal.error().message);
    // A browser sends the cookie by itself; only our page knows the token.
    if (ChangesState(request.method) && request.Header("x-csrf-token") != csrf) {
      return Problem(403, "the X-CSRF-Token header is missing or wrong");
    }
    context.principal_ = std::move(principal).value();
  } else {
    return Unauthorized("sign in first: log in, or send a bearer access token");
  }
  if (access.kind == Access::Kind::kPermission) {
    auto allowed = context.principal_.Require(access.permission);
    if (!allowed.ok()) return Problem(allowed.error());
  }
  return std::nullopt;
}

void RequestContext::RecordRead(std::string entity_type, std::string entity_id) {
  if (reads_ != nullptr) {
    reads_->Record(actor(), std::move(entity_type), std::move(entity_id));
  } else {
    audit::AuditLog(db()).Append(actor(), "read", std::move(entity_type), std::move(entity_id),
                                 std::nullopt, std::nullopt);
  }
}

Response Router::DispatchOnce(const Route& route, const std::string& key, Request& request,
                              RequestContext& context) const {
  if (key.empty() || key.size() > 255) {
    return Problem(400, "an Idempotency-Key has 1 to 255 characters");
  }
  // The same key may only ever stand for the same request.
  const std::string hex = Sha256Hex(request.method + " " + request.target + "\n" + request.body);
  const std::string& principal = context.principal().name;
  store::IdempotencyStore keys(context.db());
  store::StoredResponse stored;
  switch (keys.Begin(principal, key, hex, &stored)) {
    case store::IdempotencyStore::Claim::kReplay: {
      Response replay{stored.status, stored.content_type, stored.body, {}};
      if (!stored.location.empty()) replay.headers.emplace_back("Location", stored.location);
      replay.headers.emplace_back("Idempotent-Replayed", "true");
      return replay;
    }
    case store::IdempotencyStore::Claim::kInProgress:
      return Problem(409, "a request with this Idempotency-Key is still being answered");
    case store::IdempotencyStore::Claim::kMismatch:
      return Problem(422, "this Idempotency-Key was used for a different request");
    case store::IdempotencyStore::Claim::kNew:
      break;
  }
  Response response;
  try {
    response = route.handler(request, context);
  } catch (...) {
    keys.Release(principal, key);
    throw;
  }
  if (response.status >= 500) {
    keys.Release(principal, key);  // a failure may be retried for real
  } else {
    stored = {response.status, response.content_type, response.body, {}};
    for (const auto& [name, value] : response.headers) {
      if (name == "Location") stored.location = value;
    }
    keys.Save(principal, key, stored);
  }
  return response;
}

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

std::optional<std::string> Request::Cookie(std::string_view name) const {
  auto header = Header("cookie");
  if (!header) return std::nullopt;
  for (auto part : Split(*header, ';')) {
    std::string_view item = part;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.substr(0, name.size()) == name &&
        item[name.size()] == '=') {
      return std::string(item.substr(name.size() + 1));
    }
  }
  return std::nullopt;
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
    context.throttle_ = throttle_.get();
    context.principal_ = Principal::Anonymous(request.request_id);
    try {
      if (candidate.route.access.kind != Access::Kind::kPublic) {
        if (auto refused = SignInCaller(request, candidate.route.access, context)) return *refused;
      }
      auto key = request.Header("idempotency-key");
      if (key && request.method == "POST" && !context.principal().anonymous) {
        return DispatchOnce(candidate.route, *key, request, context);
      }
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
