// Helpers for bulk paths (imports, eligibility runs) that work in batches of
// thousands of rows: looking up many keys at once, and reserving ids so that
// rows can be linked to each other before they are written.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/database.h"

namespace spmis::store {

// Maps each key to the id of the row holding it. `select_prefix` selects
// (key, id) and ends with the key column, e.g.
// "SELECT external_id, id FROM individuals WHERE external_id"; this appends
// "= ANY($1)" on PostgreSQL (one round trip for the batch) or "= $1" on
// SQLite (one indexed probe per key, in-process).
std::unordered_map<std::string, int64_t> LookupIds(Connection& connection,
                                                   std::string_view select_prefix,
                                                   const std::vector<std::string>& keys);

// Like LookupIds, for a select of (key, id, tag): the tag is a third column
// the caller needs (which import created the row, say), NULL allowed; absent
// (nullopt) when the select has two columns.
struct KeyMatch {
  int64_t id = 0;
  std::optional<int64_t> tag;
};
std::unordered_map<std::string, KeyMatch> LookupKeys(Connection& connection,
                                                     std::string_view select_prefix,
                                                     const std::vector<std::string>& keys);

// Readies a connection for many batches of look-ups by key: PostgreSQL plans
// no parallel workers for them (starting two workers costs more than looking
// up a batch of 5,000 keys by index, and a table just bulk-loaded has no
// statistics yet, which makes the planner reach for a parallel scan).
void PrepareForKeyLookups(Connection& connection);

// SQLite's page cache for a connection that streams through tables once, or
// writes far more in one go than any cache holds ("cache_size" with
// SqlitePragmaWhile): 8 MB instead of the connection's 64 MB. A page once
// passed is not wanted again, and each page of a new cache is memory the
// system hands out afresh: on a 2-core virtual machine, filling 64 MB caches
// cost batching a million payments about 0.8 s (median of six runs). Used by
// batching, export and reconciliation's look-ups; cycle generation gained
// nothing from it, and reconciliation's writer lost (its one large update
// reads pages back).
inline constexpr const char* kStreamingCacheSize = "-8192";

// SQLite: a pragma of one connection set for as long as this lives, then
// put back as it was. Create it outside any transaction (SQLite ignores some
// pragmas inside one). Does nothing on PostgreSQL. Bulk loads use it:
// - "mmap_size" = "0": read the database file with read calls instead of
//   mapping it. A load reads whole indexes (its look-ups) and tables (to
//   rebuild suspended indexes) once; mapped, every page read would stay
//   counted as the process's memory, for no gain in speed.
// - "foreign_keys" = "OFF": see store/index_suspension.h.
// - "cache_size" = kStreamingCacheSize: see above.
class SqlitePragmaWhile {
 public:
  SqlitePragmaWhile(Connection& connection, std::string name, const std::string& value);
  ~SqlitePragmaWhile();
  SqlitePragmaWhile(const SqlitePragmaWhile&) = delete;
  SqlitePragmaWhile& operator=(const SqlitePragmaWhile&) = delete;

 private:
  Connection& connection_;
  std::string name_;
  std::optional<std::string> before_;  // the value to put back
};

// Ids for `count` new rows of `table` (whose key column is `id`), never used
// before and never handed out again. Call inside the write transaction.
std::vector<int64_t> ReserveIds(Connection& connection, std::string_view table, int64_t count);

}  // namespace spmis::store
