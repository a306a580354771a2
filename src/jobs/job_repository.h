// JobRepository: the SQL for jobs. State changes are single conditional
// UPDATEs, so two workers can never both claim one job.
#pragma once

#include <optional>
#include <vector>

#include "jobs/job.h"
#include "store/database.h"

namespace spmis::jobs {

class JobRepository {
 public:
  explicit JobRepository(store::Connection& connection) : db_(connection) {}

  void Insert(Job& job);  // sets id
  std::optional<Job> Find(int64_t id);
  // Newest first.
  std::vector<Job> List(int limit, int64_t before_id, std::optional<JobState> state);
  int64_t Count(std::optional<JobState> state);
  // Moves one queued job (the given one, or the oldest) to running for `worker`.
  std::optional<int64_t> Claim(std::optional<int64_t> id, const std::string& worker);
  void Progress(int64_t id, int64_t done, int64_t total);
  void Heartbeat(int64_t id);
  bool CancelRequested(int64_t id);
  // Moves a running job to a final state.
  void Finish(int64_t id, JobState state, const std::optional<std::string>& result,
              const std::optional<std::string>& error);
  // Queued: cancelled at once (true). Running: flagged for the job to stop.
  bool RequestCancel(int64_t id);
  std::vector<Job> Running();
  void Requeue(int64_t id);

 private:
  store::Connection& db_;
};

}  // namespace spmis::jobs
