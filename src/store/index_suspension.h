// Index suspension for bulk loads: secondary indexes that a load does not
// itself read are dropped while it writes millions of rows and rebuilt once
// at the end, which costs a fraction of maintaining them row by row. Their
// definitions are recorded in `suspended_indexes` in the same transaction as
// the drop, so a crash never loses an index: RestoreSuspendedIndexes, called
// when any command opens the database, rebuilds whatever is recorded.
#pragma once

#include <string>
#include <vector>

#include "store/database.h"

namespace spmis::store {

// Drops the named indexes (those that exist) and records them. Call inside
// the caller's transaction.
void SuspendIndexes(Connection& connection, const std::vector<std::string>& names);

// Recreates every recorded index and forgets it, in one transaction; returns
// how many.
int RestoreSuspendedIndexes(Connection& connection);

}  // namespace spmis::store
