// ProgressBoard: the latest progress of the jobs running in this process,
// kept in memory. The database copy can lag (SQLite cannot take a write while
// a job's own transaction holds the lock), so readers in the same process
// (the API's job endpoint) look here first.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

namespace spmis::jobs {

class ProgressBoard {
 public:
  static void Publish(int64_t job_id, int64_t done, int64_t total);
  static void Remove(int64_t job_id);
  // (done, total), when the job runs in this process.
  static std::optional<std::pair<int64_t, int64_t>> Lookup(int64_t job_id);
};

}  // namespace spmis::jobs
