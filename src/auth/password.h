// Passwords: hashed with Argon2id (libsodium), never stored or logged in
// clear; a strength floor; and generated passwords for the first
// administrator and for API client secrets.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace spmis::auth {

// libsodium's self-describing Argon2id string (algorithm, cost, salt, hash).
std::string HashPassword(std::string_view password);
// Constant-time; false for a wrong password or a malformed hash.
bool VerifyPassword(std::string_view hash, std::string_view password);
// At least 12 characters and not one character repeated.
Status CheckPasswordStrength(std::string_view password);
// 24 random characters (base64url of 18 random bytes).
std::string GeneratePassword();

}  // namespace spmis::auth
