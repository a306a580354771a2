// Signing in and out, OAuth2 client credentials, who am I, and the audit
// trail for Auditors.
#include <sodium.h>
#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>

#include "audit/audit_log.h"
#include "auth/sign_in.h"
#include "http/api.h"
#include "http/problem.h"

namespace spmis::http {

namespace {

namespace json = boost::json;

std::string StringField(const json::object& o, const char* name) {
  auto* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::value PrincipalJson(const Principal& p) {
  json::array permissions;
  for (Permission permission : AllPermissions()) {
    if (p.Has(permission)) permissions.emplace_back(PermissionName(permission));
  }
  json::array areas, programs;
  for (const auto& a : p.area_paths) areas.emplace_back(a);
  for (const auto& code : p.programs) programs.emplace_back(code);
  return json::object{{"username", p.name},
                      {"role", p.role ? json::value(RoleName(*p.role)) : json::value()},
                      {"permissions", std::move(permissions)},
                      {"area_paths", std::move(areas)},
                      {"programs", std::move(programs)}};
}

std::string SessionCookie(const Request& request, const std::string& value, int64_t max_age) {
  std::string cookie = std::string(kSessionCookie) + "=" + value +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  // Secure when the request came over TLS (the server says so in this header).
  if (request.Header("x-spmis-tls") == "1") cookie += "; Secure";
  return cookie;
}

Response Throttled(const Error& error) {
  Response response = Problem(429, error.message);
  return response;
}

Response LogIn(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object: {\"username\", \"password\"}");
  std::string username = StringField(*body, "username");
  std::string password = StringField(*body, "password");
  if (username.empty() || password.empty()) {
    return Problem(Error::Invalid("username and password are required",
                                  {{"username", "required"}, {"password", "required"}}));
  }
  auth::SignIn sign_in(context.db(), context.throttle());
  auto session = sign_in.LogIn(username, password, request.remote_address, request.request_id);
  if (!session.ok()) {
    if (session.error().code == ErrorCode::kUnavailable) return Throttled(session.error());
    return Problem(session.error());
  }
  Response response = JsonResponse(200, json::object{{"user", PrincipalJson(session->principal)},
                                                     {"csrf_token", session->csrf_token}});
  response.headers.emplace_back("Set-Cookie", SessionCookie(request, session->token, 8 * 3600));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Response LogOut(const Request& request, RequestContext& context) {
  auth::SignIn sign_in(context.db(), context.throttle());
  auto authorization = request.Header("authorization");
  if (authorization && authorization->starts_with("Bearer ")) {
    auto revoked = sign_in.RevokeToken(authorization->substr(7));
    if (!revoked.ok()) return Problem(revoked.error());
  }
  if (auto cookie = request.Cookie(kSessionCookie)) sign_in.LogOut(*cookie);
  Response response{204, "application/json", "", {}};
  response.headers.emplace_back("Set-Cookie", SessionCookie(request, "", 0));
  return response;
}

Response OAuthError(int status, const char* error, const std::string& description) {
  Response response =
      JsonResponse(status, json::object{{"error", error}, {"error_description", description}});
  response.headers.emplace_back("Cache-Control", "no-store");
  if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"spmis\"");
  return response;
}

// RFC 6749 section 4.4: grant_type=client_credentials, the client's id and
// secret in the form body or in HTTP Basic authentication.
Response IssueToken(const Request& request, RequestContext& context) {
  std::string grant, client_id, secret;
  auto form = boost::urls::parse_query(request.body);
  if (!form) return OAuthError(400, "invalid_request", "the body must be form-encoded");
  for (auto param : *form) {
    if (param.key == "grant_type") grant = param.value;
    if (param.key == "client_id") client_id = param.value;
    if (param.key == "client_secret") secret = param.value;
  }
  if (auto basic = request.Header("authorization"); basic && basic->starts_with("Basic ")) {
    std::string encoded = basic->substr(6);
    std::string decoded(encoded.size(), '\0');
    size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                          encoded.data(), encoded.size(), nullptr, &length, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) == 0) {
      decoded.resize(length);
      size_t colon = decoded.find(':');
      if (colon != std::string::npos) {
        client_id = decoded.substr(0, colon);
        secret = decoded.substr(colon + 1);
      }
    }
  }
  if (grant != "client_credentials") {
    return OAuthError(400, "unsupported_grant_type", "only client_credentials is supported");
  }
  if (client_id.empty() || secret.empty()) {
    return OAuthError(400, "invalid_request", "client_id and client_secret are required");
  }
  auth::SignIn sign_in(context.db(), context.throttle());
  auto token = sign_in.IssueToken(client_id, secret, request.remote_address);
  if (!token.ok()) {
    if (token.error().code == ErrorCode::kUnavailable) return Throttled(token.error());
    return OAuthError(401, "invalid_client", token.error().message);
  }
  Response response = JsonResponse(200, json::object{{"access_token", token->token},
                                                     {"token_type", "Bearer"},
                                                     {"expires_in", token->expires_in}});
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Response Me(const Request&, RequestContext& context) {
  return JsonResponse(200, PrincipalJson(context.principal()));
}

json::value EntryJson(const audit::AuditEntry& e) {
  auto optional = [](const std::optional<std::string>& v) {
    return v ? json::value(*v) : json::value();
  };
  return json::object{{"seq", e.seq},
                      {"at", e.at.ToString()},
                      {"actor", e.actor},
                      {"request_id", e.request_id},
                      {"action", e.action},
                      {"entity_type", e.entity_type},
                      {"entity_id", e.entity_id},
                      {"before", optional(e.before)},
                      {"after", optional(e.after)},
                      {"hash", e.hash}};
}

Response ListAudit(const Request& request, RequestContext& context) {
  std::vector<FieldError> errors;
  int limit = 50;
  ParseLimit(request, limit, errors);
  audit::AuditQuery query;
  query.limit = limit + 1;
  if (auto v = request.Query("entity_type")) query.entity_type = *v;
  if (auto v = request.Query("entity_id")) query.entity_id = *v;
  if (auto v = request.Query("actor")) query.actor = *v;
  for (const char* name : {"from", "to"}) {
    if (auto v = request.Query(name)) {
      auto t = Timestamp::Parse(*v);
      if (!t) {
        errors.push_back({name, "must be a time like 2026-11-23T10:00:00Z"});
      } else {
        (std::string_view(name) == "from" ? query.from : query.to) = *t;
      }
    }
  }
  if (auto cursor = request.Query("cursor")) {
    auto position = DecodeCursor(*cursor);
    if (!position || position->sort_field != "seq") {
      errors.push_back({"cursor", "is not a cursor of this listing"});
    } else {
      query.after_seq = position->id;
    }
  }
  if (!errors.empty()) return Problem(Error::Invalid("the query is not valid", errors));
  auto entries = audit::AuditLog(context.db()).Find(query);
  json::array items;
  std::optional<std::string> next;
  if (static_cast<int>(entries.size()) > limit) {
    entries.pop_back();
    next = EncodeCursor({"seq", "", entries.back().seq});
  }
  for (const auto& e : entries) items.push_back(EntryJson(e));
  return JsonResponse(200,
                      json::object{{"items", std::move(items)},
                                   {"next_cursor", next ? json::value(*next) : json::value()}});
}

}  // namespace

void AddAuthRoutes(Router& router) {
  router.Add({"POST", "/api/v1/auth/login",
              "Log in with {\"username\", \"password\"}: a session cookie and a CSRF token",
              Access::Public(), LogIn});
  router.Add({"POST", "/api/v1/auth/logout", "End the session, or revoke the bearer token",
              Access::SignedIn(), LogOut});
  router.Add({"POST", "/api/v1/oauth/token",
              "OAuth2 client credentials: an access token for an API client", Access::Public(),
              IssueToken});
  router.Add({"GET", "/api/v1/me", "The signed-in user: role, permissions, limits",
              Access::SignedIn(), Me});
  router.Add({"GET", "/api/v1/audit",
              "The audit trail, oldest first; entity_type, entity_id, actor, from, to, limit, "
              "cursor",
              Access::Need(Permission::kAuditRead), ListAudit});
}

}  // namespace spmis::http
