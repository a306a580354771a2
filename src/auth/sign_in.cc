#include "auth/sign_in.h"

#include "core/sha256.h"

#include <sodium.h>

#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "audit/audit_log.h"
#include "auth/password.h"
#include "auth/user_repository.h"
#include "auth/user_service.h"

namespace spmis::auth {

namespace {

constexpr int64_t kSessionSeconds = 8 * 3600;
constexpr int kFreeFailures = 5;
constexpr auto kFailureWindow = std::chrono::minutes(15);

std::string RandomToken(size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  randombytes_buf(buffer.data(), buffer.size());
  std::string text(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                   '\0');
  sodium_bin2base64(text.data(), text.size(), buffer.data(), buffer.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(text.find('\0'));
  return text;
}

std::string Hex(const unsigned char* data, size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, size);
  hex.pop_back();
  return hex;
}

std::optional<std::string> FromBase64(std::string_view text) {
  std::string out(text.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

std::string ToBase64(std::string_view bytes) {
  std::string text(
      sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(text.find('\0'));
  return text;
}

Timestamp SecondsFromNow(int64_t seconds) {
  return Timestamp::FromMicros(Timestamp::Now().micros_since_epoch() + seconds * 1'000'000);
}

Error Unauthenticated(std::string message) {
  return Error{ErrorCode::kUnauthenticated, std::move(message), {}};
}

struct KeyPair {
  std::string public_key;  // raw bytes
  std::string secret_key;
};

// The signing key, made at first use. Two servers starting together may
// both make one; every server then uses the oldest. Read once per process.
KeyPair ReadOrMakeSigningKey(store::Connection& db);

KeyPair SigningKey(store::Connection& db) {
  static std::mutex mutex;
  static std::optional<KeyPair> cached;
  std::lock_guard lock(mutex);
  if (!cached) cached = ReadOrMakeSigningKey(db);
  return *cached;
}

KeyPair ReadOrMakeSigningKey(store::Connection& db) {
  auto read = [&]() -> std::optional<KeyPair> {
    auto query = db.Prepare("SELECT public_key, secret_key FROM signing_keys ORDER BY id LIMIT 1");
    if (!query->Step()) return std::nullopt;
    KeyPair pair;
    pair.public_key.resize(crypto_sign_PUBLICKEYBYTES);
    pair.secret_key.resize(crypto_sign_SECRETKEYBYTES);
    std::string_view pub = query->Text(0), sec = query->Text(1);
    sodium_hex2bin(reinterpret_cast<unsigned char*>(pair.public_key.data()), pair.public_key.size(),
                   pub.data(), pub.size(), nullptr, nullptr, nullptr);
    sodium_hex2bin(reinterpret_cast<unsigned char*>(pair.secret_key.data()), pair.secret_key.size(),
                   sec.data(), sec.size(), nullptr, nullptr, nullptr);
    return pair;
  };
  if (auto existing = read()) return *existing;
  unsigned char pub[crypto_sign_PUBLICKEYBYTES], sec[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pub, sec);
  auto insert = db.Prepare(
      "INSERT INTO signing_keys (public_key, secret_key, created_at) VALUES ($1, $2, $3)");
  insert->Bind(1, Hex(pub, sizeof pub)).Bind(2, Hex(sec, sizeof sec)).Bind(3, Timestamp::Now());
  insert->Execute();
  sodium_memzero(sec, sizeof sec);
  return *read();
}

}  // namespace

std::chrono::seconds LoginThrottle::Wait(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto found = records_.find(key);
  if (found == records_.end()) return std::chrono::seconds(0);
  auto now = std::chrono::steady_clock::now();
  if (found->second.blocked_until <= now) return std::chrono::seconds(0);
  return std::chrono::duration_cast<std::chrono::seconds>(found->second.blocked_until - now) +
         std::chrono::seconds(1);
}

void LoginThrottle::Failed(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  Record& r = records_[key];
  if (r.failures == 0 || now - r.first > kFailureWindow) {
    r = Record{0, now, now};
  }
  ++r.failures;
  if (r.failures >= kFreeFailures) {
    // 1 s after the fifth failure, then 2, 4, 8 ... up to fifteen minutes.
    int extra = std::min(r.failures - kFreeFailures, 10);
    auto wait = std::min<std::chrono::seconds>(std::chrono::seconds(1 << extra), kFailureWindow);
    r.blocked_until = now + wait;
  }
  if (records_.size() > 100'000) records_.clear();  // bounded, whatever the attack
}

void LoginThrottle::Succeeded(const std::string& key) {
  std::lock_guard lock(mutex_);
  records_.erase(key);
}

Result<Session> SignIn::LogIn(std::string_view username, std::string_view password,
                              std::string_view address, std::string request_id) {
  std::string user_key = "user:" + std::string(username);
  std::string address_key = "address:" + std::string(address);
  auto wait = std::max(throttle_.Wait(user_key), throttle_.Wait(address_key));
  if (wait.count() > 0) {
    return Error{
        ErrorCode::kUnavailable,
        "too many failed log-ins: try again in " + std::to_string(wait.count()) + " seconds",
        {}};
  }
  auto principal = UserService(db_).Authenticate(username, password, request_id);
  if (!principal.ok()) {
    throttle_.Failed(user_key);
    throttle_.Failed(address_key);
    return principal.error();
  }
  throttle_.Succeeded(user_key);
  Session session;
  session.token = RandomToken(32);
  session.csrf_token = RandomToken(32);
  session.expires_at = SecondsFromNow(kSessionSeconds);
  session.principal = std::move(principal).value();
  store::Transaction transaction(db_);
  auto insert = db_.Prepare(
      "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) "
      "VALUES ($1, $2, $3, $4, $5)");
  insert->Bind(1, Sha256Hex(session.token))
      .Bind(2, session.principal.user_id)
      .Bind(3, session.csrf_token)
      .Bind(4, Timestamp::Now())
      .Bind(5, session.expires_at);
  insert->Execute();
  audit::AuditLog(db_).Append(session.principal.actor(), "login", "user", session.principal.name,
                              std::nullopt, std::nullopt);
  transaction.Commit();
  return session;
}

Result<Principal> SignIn::FromSession(std::string_view token, std::string* csrf_token,
                                      std::string request_id) {
  auto query = db_.Prepare(
      "SELECT u.username, s.csrf_token, s.expires_at, s.revoked_at FROM sessions s "
      "JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1");
  query->Bind(1, Sha256Hex(token));
  if (!query->Step()) return Unauthenticated("the session is not known: log in again");
  std::string username(query->Text(0));
  *csrf_token = std::string(query->Text(1));
  Timestamp expires = query->TimestampAt(2);
  bool revoked = !query->IsNull(3);
  query->Reset();
  if (revoked) return Unauthenticated("the session has ended: log in again");
  if (expires < Timestamp::Now()) return Unauthenticated("the session has expired: log in again");
  auto stored = UserRepository(db_).FindByName(username);
  if (!stored || stored->user.disabled) return Unauthenticated("the user is disabled");
  return ToPrincipal(std::move(*stored), std::move(request_id));
}

void SignIn::LogOut(std::string_view session_token) {
  auto update = db_.Prepare(
      "UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL");
  update->Bind(1, Timestamp::Now()).Bind(2, Sha256Hex(session_token));
  update->Execute();
}

Result<NewClient> SignIn::CreateClient(const Principal& by, std::string name, Role role) {
  SPMIS_RETURN_IF_ERROR(by.Require(Permission::kUsersManage));
  if (name.empty() || name.size() > 100) {
    return Error::Invalid("a client needs a name of 1 to 100 characters",
                          {{"name", "1 to 100 characters"}});
  }
  NewClient client;
  unsigned char id_bytes[12];
  randombytes_buf(id_bytes, sizeof id_bytes);
  client.client_id = "spmis-" + Hex(id_bytes, sizeof id_bytes);
  client.secret = RandomToken(32);
  store::Transaction transaction(db_);
  auto insert = db_.Prepare(
      "INSERT INTO api_clients (client_id, secret_hash, name, role, created_at) "
      "VALUES ($1, $2, $3, $4, $5)");
  insert->Bind(1, client.client_id)
      .Bind(2, HashPassword(client.secret))
      .Bind(3, name)
      .Bind(4, RoleName(role))
      .Bind(5, Timestamp::Now());
  insert->Execute();
  audit::AuditLog(db_).Append(
      by.actor(), "create", "api_client", client.client_id, std::nullopt,
      "{\"name\":\"" + name + "\",\"role\":\"" + std::string(RoleName(role)) + "\"}");
  transaction.Commit();
  return client;
}

Result<AccessToken> SignIn::IssueToken(std::string_view client_id, std::string_view secret,
                                       std::string_view address, std::chrono::seconds lifetime) {
  std::string client_key = "client:" + std::string(client_id);
  std::string address_key = "address:" + std::string(address);
  auto wait = std::max(throttle_.Wait(client_key), throttle_.Wait(address_key));
  if (wait.count() > 0) {
    return Error{
        ErrorCode::kUnavailable,
        "too many failed attempts: try again in " + std::to_string(wait.count()) + " seconds",
        {}};
  }
  auto query =
      db_.Prepare("SELECT secret_hash, name, role, disabled FROM api_clients WHERE client_id = $1");
  query->Bind(1, client_id);
  bool found = query->Step();
  std::string hash = found ? std::string(query->Text(0)) : "";
  std::string role = found ? std::string(query->Text(2)) : "";
  bool disabled = found && query->Bool(3);
  query->Reset();
  if (!found || disabled || !VerifyPassword(hash, secret)) {
    throttle_.Failed(client_key);
    throttle_.Failed(address_key);
    return Unauthenticated("wrong client id or secret");
  }
  throttle_.Succeeded(client_key);
  int64_t expires = Timestamp::Now().micros_since_epoch() / 1'000'000 + lifetime.count();
  std::string payload = "v1|" + std::string(client_id) + "|" + role + "|" +
                        std::to_string(expires) + "|" + RandomToken(16);
  KeyPair key = SigningKey(db_);
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(payload.data()),
                       payload.size(),
                       reinterpret_cast<const unsigned char*>(key.secret_key.data()));
  AccessToken token;
  token.token = ToBase64(payload) + "." +
                ToBase64(std::string_view(reinterpret_cast<char*>(signature), sizeof signature));
  token.expires_in = lifetime.count();
  return token;
}

namespace {

struct TokenClaims {
  std::string client_id;
  Role role;
  int64_t expires;  // seconds since the epoch
  std::string token_id;
};

// The claims of a token this system signed, or the reason it is not one.
Result<TokenClaims> VerifyToken(store::Connection& db, std::string_view token) {
  size_t dot = token.find('.');
  if (dot == std::string_view::npos) return Unauthenticated("the access token is malformed");
  auto payload = FromBase64(token.substr(0, dot));
  auto signature = FromBase64(token.substr(dot + 1));
  if (!payload || !signature || signature->size() != crypto_sign_BYTES) {
    return Unauthenticated("the access token is malformed");
  }
  KeyPair key = SigningKey(db);
  if (crypto_sign_verify_detached(
          reinterpret_cast<const unsigned char*>(signature->data()),
          reinterpret_cast<const unsigned char*>(payload->data()), payload->size(),
          reinterpret_cast<const unsigned char*>(key.public_key.data())) != 0) {
    return Unauthenticated("the access token's signature is not ours");
  }
  // v1|client_id|role|expires|token_id, as IssueToken wrote it.
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t bar = payload->find('|', start);
    parts.push_back(
        payload->substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  auto role = parts.size() == 5 ? ParseRole(parts[2]) : std::nullopt;
  if (parts.size() != 5 || parts[0] != "v1" || !role) {
    return Unauthenticated("the access token is malformed");
  }
  return TokenClaims{parts[1], *role, std::stoll(parts[3]), parts[4]};
}

}  // namespace

namespace {

// Tokens checked in the last few seconds, so a busy integration does not pay
// for a signature check and two lookups per request. A revocation here drops
// the entry at once; one made on another server takes effect within
// kRecheckSeconds.
class VerifiedTokens {
 public:
  static constexpr int64_t kRecheckSeconds = 5;

  std::optional<Principal> Find(std::string_view token, int64_t now) {
    std::lock_guard lock(mutex_);
    auto found = entries_.find(std::string(token));
    if (found == entries_.end()) return std::nullopt;
    if (found->second.checked_at + kRecheckSeconds < now || found->second.expires <= now) {
      entries_.erase(found);
      return std::nullopt;
    }
    return found->second.principal;
  }
  void Put(std::string_view token, const Principal& principal, int64_t expires, int64_t now) {
    std::lock_guard lock(mutex_);
    if (entries_.size() > 10'000) entries_.clear();  // bounded
    entries_[std::string(token)] = {principal, expires, now};
  }
  void Forget(std::string_view token) {
    std::lock_guard lock(mutex_);
    entries_.erase(std::string(token));
  }

 private:
  struct Entry {
    Principal principal;
    int64_t expires;
    int64_t checked_at;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

VerifiedTokens& Verified() {
  static VerifiedTokens tokens;
  return tokens;
}

}  // namespace

Result<Principal> SignIn::FromAccessToken(std::string_view token, std::string request_id) {
  int64_t now = Timestamp::Now().micros_since_epoch() / 1'000'000;
  if (auto cached = Verified().Find(token, now)) {
    cached->request_id = std::move(request_id);
    return *cached;
  }
  SPMIS_ASSIGN_OR_RETURN(TokenClaims claims, VerifyToken(db_, token));
  if (claims.expires < Timestamp::Now().micros_since_epoch() / 1'000'000) {
    return Unauthenticated("the access token has expired: ask for a new one");
  }
  auto revoked = db_.Prepare("SELECT 1 FROM revoked_tokens WHERE token_id = $1");
  revoked->Bind(1, claims.token_id);
  if (revoked->Step()) return Unauthenticated("the access token was revoked");
  revoked->Reset();
  auto client = db_.Prepare("SELECT name, disabled FROM api_clients WHERE client_id = $1");
  client->Bind(1, claims.client_id);
  if (!client->Step() || client->Bool(1)) return Unauthenticated("the client is disabled");
  Principal p;
  p.name = "client:" + std::string(client->Text(0));
  p.role = claims.role;
  client->Reset();
  Verified().Put(token, p, claims.expires, now);
  p.request_id = std::move(request_id);
  return p;
}

Status SignIn::RevokeToken(std::string_view token) {
  SPMIS_ASSIGN_OR_RETURN(TokenClaims claims, VerifyToken(db_, token));
  Verified().Forget(token);
  auto insert = db_.Prepare(
      "INSERT INTO revoked_tokens (token_id, revoked_at, expires_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (token_id) DO NOTHING");
  insert->Bind(1, claims.token_id)
      .Bind(2, Timestamp::Now())
      .Bind(3, Timestamp::FromMicros(claims.expires * 1'000'000));
  insert->Execute();
  return OkStatus();
}

}  // namespace spmis::auth
