// Job: a unit of long work (an import, an eligibility run, entitlement
// generation, an export) persisted in the database with its parameters,
// state and progress, so that people can watch it, a restart finds it, and a
// crash never leaves it looking alive.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/date.h"

namespace spmis::jobs {

enum class JobState { kQueued, kRunning, kSucceeded, kFailed, kCancelled };
const char* JobStateName(JobState state);
std::optional<JobState> ParseJobState(std::string_view text);
inline bool IsFinished(JobState s) {
  return s == JobState::kSucceeded || s == JobState::kFailed || s == JobState::kCancelled;
}

struct Job {
  int64_t id = 0;
  std::string kind;        // "demo.load", "import.individuals", ...
  std::string parameters;  // JSON object, as the kind defines it
  JobState state = JobState::kQueued;
  int64_t progress_done = 0;
  int64_t progress_total = 0;
  std::string created_by;
  Timestamp created_at;
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> finished_at;
  std::optional<Timestamp> heartbeat_at;
  std::string worker;  // "host:pid" while running
  int attempts = 0;
  bool cancel_requested = false;
  std::optional<std::string> result;  // JSON, when succeeded
  std::optional<std::string> error;   // when failed
};

}  // namespace spmis::jobs
