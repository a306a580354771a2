// Sha256: the SHA-256 digest, fed in pieces, as lower-case hex. One helper for
// every place that fingerprints something: import and payment files, the
// audit chain, session tokens, idempotency keys. OpenSSL's implementation
// uses the processor's SHA instructions where it has them (about 2 GB/s on
// the reference machine, six times libsodium's portable code).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace spmis {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& Update(std::string_view data);
  // The digest of everything fed so far, as 64 hex digits; ends the hashing.
  std::string HexDigest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// The digest of `data`, as 64 hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace spmis
