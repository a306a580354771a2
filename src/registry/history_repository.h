// HistoryRepository: appends and reads registrant history entries.
//
// Registrants and memberships that an import created carry that import's id
// (`import_id`) instead of a stored "created" or "member_added" entry each: a
// million-row import writes one import record, not a million history rows.
// ForRegistrant reads those entries back from the row and the import record
// (who ran it), so a registrant's history reads the same either way.
#pragma once

#include <vector>

#include "registry/history.h"
#include "store/database.h"

namespace spmis::registry {

class HistoryRepository {
 public:
  explicit HistoryRepository(store::Connection& connection) : db_(connection) {}
  void Append(const HistoryEntry& entry);
  // Oldest first; entries derived from an import have id 0.
  std::vector<HistoryEntry> ForRegistrant(RegistrantKind kind, int64_t id);

 private:
  std::vector<HistoryEntry> Stored(RegistrantKind kind, int64_t id);
  std::vector<HistoryEntry> FromImports(RegistrantKind kind, int64_t id);

  store::Connection& db_;
};

}  // namespace spmis::registry
