// Index and foreign-key suspension for bulk loads. Secondary indexes that a
// load does not itself read are dropped while it writes millions of rows and
// rebuilt once at the end, which costs a fraction of maintaining them row by
// row. Foreign keys of the tables a load writes are likewise left unchecked
// while it writes, because the load resolves every reference itself, in its
// own transaction, against rows that are never deleted; a per-row check (a
// trigger and a query per row on PostgreSQL) would cost most of the load.
//
// On PostgreSQL suspended indexes and foreign keys are dropped, and their
// definitions recorded in `suspended_indexes` in the same transaction as the
// drop, so a crash never loses one: RestoreSuspendedIndexes, called when any
// command opens the database, puts back whatever is recorded (a foreign key
// put back is checked once, over all rows, by one query). On SQLite indexes
// are suspended the same way; foreign-key checks are a setting of the
// loading connection (SqlitePragmaWhile "foreign_keys" "OFF", in
// store/bulk_support.h), so nothing is recorded for them.
#pragma once

#include <string>
#include <vector>

#include "store/database.h"

namespace spmis::store {

// Drops the named indexes (those that exist) and records them. Call inside
// the caller's transaction.
void SuspendIndexes(Connection& connection, const std::vector<std::string>& names);

// PostgreSQL: drops the foreign keys declared on `tables` and records them.
// Call inside the caller's transaction. SQLite: does nothing (see above).
void SuspendForeignKeys(Connection& connection, const std::vector<std::string>& tables);

// Recreates every recorded index and foreign key and forgets it, in one
// transaction; returns how many.
int RestoreSuspendedIndexes(Connection& connection);

}  // namespace spmis::store
