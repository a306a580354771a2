// SignIn: how callers prove who they are.
//
// - People log in with a username and password and get a session: an opaque
//   random token for an HttpOnly cookie, and a CSRF token that every changing
//   request from the browser must echo in a header. Sessions last 8 hours and
//   end at log-out.
// - Integrations are API clients (OAuth2 client credentials): a client id and
//   a secret shown once at creation exchange for an access token, signed with
//   Ed25519 and valid for an hour, which can be revoked before it expires.
// - Repeated failed log-ins are throttled per account and per address.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/principal.h"
#include "core/result.h"
#include "store/database.h"

namespace spmis::auth {

struct Session {
  std::string token;       // for the cookie
  std::string csrf_token;  // for the X-CSRF-Token header
  Timestamp expires_at;
  Principal principal;
};

struct AccessToken {
  std::string token;
  int64_t expires_in = 0;  // seconds
};

struct NewClient {
  std::string client_id;
  std::string secret;  // shown once
};

// Failed log-ins remembered in memory, per account and per address: after
// five failures within fifteen minutes, further attempts wait, doubling.
class LoginThrottle {
 public:
  // How long the key must still wait; zero when it may try.
  std::chrono::seconds Wait(const std::string& key);
  void Failed(const std::string& key);
  void Succeeded(const std::string& key);

 private:
  struct Record {
    int failures = 0;
    std::chrono::steady_clock::time_point first;
    std::chrono::steady_clock::time_point blocked_until;
  };
  std::mutex mutex_;
  std::map<std::string, Record> records_;
};

class SignIn {
 public:
  SignIn(store::Connection& connection, LoginThrottle& throttle)
      : db_(connection), throttle_(throttle) {}

  Result<Session> LogIn(std::string_view username, std::string_view password,
                        std::string_view address, std::string request_id);
  // The principal of a live session; its CSRF token in csrf_token.
  Result<Principal> FromSession(std::string_view token, std::string* csrf_token,
                                std::string request_id);
  void LogOut(std::string_view session_token);

  Result<NewClient> CreateClient(const Principal& by, std::string name, Role role);
  // Tokens live an hour; `lifetime` is for tests of expiry.
  Result<AccessToken> IssueToken(std::string_view client_id, std::string_view secret,
                                 std::string_view address,
                                 std::chrono::seconds lifetime = std::chrono::hours(1));
  Result<Principal> FromAccessToken(std::string_view token, std::string request_id);
  // Ends an access token before it expires (log-out of an integration).
  Status RevokeToken(std::string_view token);

 private:
  store::Connection& db_;
  LoginThrottle& throttle_;
};

}  // namespace spmis::auth
