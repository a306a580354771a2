// JobRunner: runs jobs, in the calling thread (the CLI: `spmis import ...`
// shows progress and exits when done) or on background worker threads (the
// server). Each kind of job is registered with the code that runs it and
// whether it may simply run again after a crash.
//
// Crash safety: a running job records a heartbeat and the process running it.
// A job whose process is gone, or whose heartbeat is older than the lease, is
// recovered: run again if its kind is resumable (its code is idempotent), else
// marked failed with the reason. A job's code must therefore either commit its
// work in one transaction or be idempotent.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/actor.h"
#include "core/result.h"
#include "jobs/job.h"
#include "store/database.h"

namespace spmis::jobs {

// What a job's code sees while it runs.
class JobContext {
 public:
  JobContext(store::Database& database, Job job, std::function<void(const Job&)> on_progress);
  const Job& job() const { return job_; }
  store::Database& database() { return database_; }
  Actor actor() const { return Actor{job_.created_by, "job-" + std::to_string(job_.id)}; }

  // Progress is stored at most a few times a second, whatever the call rate.
  void SetTotal(int64_t total);
  void SetDone(int64_t done);
  void Advance(int64_t count = 1) { SetDone(done_ + count); }
  // True once someone asked to cancel; the job should roll back and return.
  bool CancelRequested();

 private:
  void Store(bool force);
  store::Database& database_;
  // Progress goes through a connection of its own that never waits: on SQLite
  // the job's own write transaction holds the lock, and progress must not
  // stall the job (the in-process ProgressBoard still shows it).
  std::unique_ptr<store::Connection> progress_connection_;
  Job job_;
  std::function<void(const Job&)> on_progress_;
  int64_t done_ = 0;
  int64_t total_ = 0;
  std::chrono::steady_clock::time_point last_store_{};
  std::chrono::steady_clock::time_point last_cancel_check_{};
  bool cancel_requested_ = false;
};

// A job's code: returns a JSON result, or an error that fails the job.
using JobHandler = std::function<Result<std::string>(JobContext&)>;

struct JobKind {
  std::string name;
  JobHandler run;
  bool resumable = false;  // safe to run again from the start after a crash
};

class JobRunner {
 public:
  explicit JobRunner(store::Database& database);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  void Register(JobKind kind);
  bool Knows(std::string_view kind) const;

  // Queues a job for the background workers.
  Result<Job> Submit(const std::string& kind, const std::string& parameters, const Actor& actor);
  // Queues a job and runs it now in this thread; returns it finished.
  Result<Job> RunNow(const std::string& kind, const std::string& parameters, const Actor& actor,
                     std::function<void(const Job&)> on_progress = nullptr);

  // Recovers running jobs whose process is gone or whose heartbeat is older
  // than `lease`; returns how many.
  int RecoverInterrupted(std::chrono::seconds lease);

  // Starts `workers` threads that run queued jobs; Stop() waits for them.
  void Start(int workers);
  void Stop();
  // Wakes the workers (after a Submit from another runner they poll anyway).
  void Notify();

  // The "host:pid" this process records on jobs it runs.
  static const std::string& WorkerName();

 private:
  Result<Job> Enqueue(const std::string& kind, const std::string& parameters, const Actor& actor);
  Result<Job> Execute(int64_t id, std::function<void(const Job&)> on_progress);
  void WorkerLoop();

  store::Database& database_;
  std::map<std::string, JobKind, std::less<>> kinds_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace spmis::jobs
