#pragma once

// Facts of PostgreSQL's binary wire format shared by the result decoder
// (postgres_database.cc) and the COPY encoder (postgres_copy.cc), so the two
// cannot disagree: the type oids they handle and the epoch of binary dates and
// timestamps. Internal to the store layer.

#include <cstdint>

namespace spmis::store::pg_binary {

// Type oids from PostgreSQL's pg_type.h; stable across versions.
inline constexpr uint32_t kBoolOid = 16, kNameOid = 19, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23,
                          kTextOid = 25, kJsonOid = 114, kFloat8Oid = 701, kBpcharOid = 1042,
                          kVarcharOid = 1043, kDateOid = 1082, kTimestampOid = 1114,
                          kTimestamptzOid = 1184, kJsonbOid = 3802;

// Binary dates count days, and timestamps microseconds, from 2000-01-01 UTC.
inline constexpr int32_t kEpochDays = 10957;  // 1970-01-01 to 2000-01-01
inline constexpr int64_t kEpochMicros = int64_t{kEpochDays} * 86400 * 1000000;

}  // namespace spmis::store::pg_binary
