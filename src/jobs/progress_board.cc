#include "jobs/progress_board.h"

#include <mutex>
#include <unordered_map>

namespace spmis::jobs {
namespace {

std::mutex& Mutex() {
  static std::mutex mutex;
  return mutex;
}

std::unordered_map<int64_t, std::pair<int64_t, int64_t>>& Board() {
  static std::unordered_map<int64_t, std::pair<int64_t, int64_t>> board;
  return board;
}

}  // namespace

void ProgressBoard::Publish(int64_t job_id, int64_t done, int64_t total) {
  std::lock_guard lock(Mutex());
  Board()[job_id] = {done, total};
}

void ProgressBoard::Remove(int64_t job_id) {
  std::lock_guard lock(Mutex());
  Board().erase(job_id);
}

std::optional<std::pair<int64_t, int64_t>> ProgressBoard::Lookup(int64_t job_id) {
  std::lock_guard lock(Mutex());
  auto it = Board().find(job_id);
  if (it == Board().end()) return std::nullopt;
  return it->second;
}

}  // namespace spmis::jobs
