// AuditLog: the append-only, hash-chained record of every write (and of
// reads of personal data): who, when, what action on which entity, the value
// before and after, and the request it came from.
//
// Each entry carries the SHA-256 of the entry before it and a hash over its
// own fields and that link, and the chain's end is kept in `audit_head`; so
// Verify() finds an edited, inserted or removed entry even when the database's
// own refusal of updates and deletes was bypassed. Append() must run inside
// the transaction of the write it records: both happen, or neither.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/actor.h"
#include "core/date.h"
#include "store/database.h"

namespace spmis::audit {

struct AuditEntry {
  int64_t seq = 0;  // set by Append
  Timestamp at;     // set by Append
  std::string actor;
  std::string request_id;
  std::string action;       // "create", "update", "disable", "read", ...
  std::string entity_type;  // "individual", "user", ...
  std::string entity_id;
  std::optional<std::string> before;  // JSON, when there was a before
  std::optional<std::string> after;   // JSON, when there is an after
  std::string prev_hash;
  std::string hash;
};

struct AuditQuery {
  std::optional<std::string> entity_type;
  std::optional<std::string> entity_id;
  std::optional<std::string> actor;
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;
  int64_t after_seq = 0;  // keyset paging: entries with seq > after_seq
  int limit = 100;
};

// What Verify() found: nothing wrong, or each broken place by sequence number.
struct VerifyReport {
  int64_t entries = 0;
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

class AuditLog {
 public:
  explicit AuditLog(store::Connection& connection) : db_(connection) {}

  // Appends one entry (actor and request id from `actor`) and returns it with
  // its sequence number, time and hashes.
  AuditEntry Append(const Actor& actor, std::string action, std::string entity_type,
                    std::string entity_id, std::optional<std::string> before,
                    std::optional<std::string> after);

  // Appends several entries (their actor, request_id, action, entity, before
  // and after filled in) in order, with one update of the chain's head and a
  // bulk insert: for the batches of recorded reads.
  void AppendAll(std::vector<AuditEntry>& entries);

  std::vector<AuditEntry> Find(const AuditQuery& query);
  VerifyReport Verify();

 private:
  store::Connection& db_;
};

// The hash of an entry over its fields and prev_hash, as hex.
std::string EntryHash(const AuditEntry& entry);

}  // namespace spmis::audit
