// IdempotencyStore: remembers the answer to a POST sent with an
// Idempotency-Key, per caller, so that a retried request (a lost response, a
// double click) gets the first answer instead of doing the work twice.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/database.h"

namespace spmis::store {

struct StoredResponse {
  int status = 0;
  std::string content_type;
  std::string body;
  std::string location;
};

class IdempotencyStore {
 public:
  explicit IdempotencyStore(Connection& connection) : db_(connection) {}

  enum class Claim {
    kNew,         // this request is the first: do the work, then Save()
    kReplay,      // answered before: `stored` holds the answer
    kInProgress,  // the first request is still being answered
    kMismatch,    // the key was used for a different request
  };
  Claim Begin(std::string_view principal, std::string_view key, std::string_view request_hash,
              StoredResponse* stored);
  void Save(std::string_view principal, std::string_view key, const StoredResponse& response);
  // Forgets a claim whose work failed, so that a retry runs again.
  void Release(std::string_view principal, std::string_view key);

 private:
  Connection& db_;
};

}  // namespace spmis::store
