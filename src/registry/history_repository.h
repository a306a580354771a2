// HistoryRepository: appends and reads registrant history entries.
#pragma once

#include <vector>

#include "registry/history.h"
#include "store/database.h"

namespace spmis::registry {

class HistoryRepository {
 public:
  explicit HistoryRepository(store::Connection& connection) : db_(connection) {}
  void Append(const HistoryEntry& entry);
  // Oldest first.
  std::vector<HistoryEntry> ForRegistrant(RegistrantKind kind, int64_t id);

 private:
  store::Connection& db_;
};

}  // namespace spmis::registry
