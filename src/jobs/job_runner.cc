#include "jobs/job_runner.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>

#include "core/text.h"
#include "jobs/job_repository.h"
#include "jobs/progress_board.h"

namespace spmis::jobs {
namespace {

constexpr auto kStoreEvery = std::chrono::milliseconds(250);
constexpr auto kCancelCheckEvery = std::chrono::seconds(1);
constexpr auto kHeartbeatEvery = std::chrono::seconds(5);

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

enum class Liveness { kAlive, kGone, kElsewhere };

// A worker on this host is alive exactly while its process exists; of one on
// another host only its heartbeat tells.
Liveness WorkerLiveness(const std::string& worker) {
  size_t colon = worker.rfind(':');
  if (colon == std::string::npos || worker.substr(0, colon) != HostName()) {
    return Liveness::kElsewhere;
  }
  auto pid = ParseInt64(std::string_view(worker).substr(colon + 1));
  if (!pid || *pid <= 0) return Liveness::kGone;
  bool gone = kill(static_cast<pid_t>(*pid), 0) != 0 && errno == ESRCH;
  return gone ? Liveness::kGone : Liveness::kAlive;
}

// Keeps a running job's heartbeat fresh while its code works, whatever it does.
class Heartbeat {
 public:
  Heartbeat(store::Database& database, int64_t id)
      : thread_([&database, id, this] {
          std::unique_lock lock(mutex_);
          std::unique_ptr<store::Connection> connection;
          while (!wake_.wait_for(lock, kHeartbeatEvery, [this] { return stop_; })) {
            try {
              if (!connection) {
                connection = database.Connect();
                connection->SetBusyTimeout(std::chrono::milliseconds(0));
              }
              JobRepository(*connection).Heartbeat(id);
            } catch (const std::exception&) {
              // A missed beat only makes recovery possible sooner; the job goes on.
            }
          }
        }) {}
  ~Heartbeat() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

JobContext::JobContext(store::Database& database, Job job,
                       std::function<void(const Job&)> on_progress)
    : database_(database), job_(std::move(job)), on_progress_(std::move(on_progress)) {}

void JobContext::SetTotal(int64_t total) {
  total_ = total;
  Store(true);
}

void JobContext::SetDone(int64_t done) {
  done_ = done;
  Store(done_ == total_);
}

void JobContext::Store(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_store_ < kStoreEvery) return;
  last_store_ = now;
  job_.progress_done = done_;
  job_.progress_total = total_;
  ProgressBoard::Publish(job_.id, done_, total_);
  if (on_progress_) on_progress_(job_);
  try {
    if (!progress_connection_) {
      progress_connection_ = database_.Connect();
      progress_connection_->SetBusyTimeout(std::chrono::milliseconds(0));
    }
    JobRepository(*progress_connection_).Progress(job_.id, done_, total_);
  } catch (const store::DatabaseError& error) {
    if (error.kind() != store::DatabaseError::Kind::kBusy) throw;
    last_store_ = {};  // store again at the next call
  }
}

bool JobContext::CancelRequested() {
  if (cancel_requested_) return true;
  auto now = std::chrono::steady_clock::now();
  if (now - last_cancel_check_ < kCancelCheckEvery) return false;
  last_cancel_check_ = now;
  auto connection = database_.Acquire();
  cancel_requested_ = JobRepository(*connection).CancelRequested(job_.id);  // a read never waits
  return cancel_requested_;
}

JobRunner::JobRunner(store::Database& database) : database_(database) {}

JobRunner::~JobRunner() { Stop(); }

const std::string& JobRunner::WorkerName() {
  static const std::string name = HostName() + ":" + std::to_string(getpid());
  return name;
}

void JobRunner::Register(JobKind kind) {
  std::string name = kind.name;
  kinds_[name] = std::move(kind);
}

bool JobRunner::Knows(std::string_view kind) const { return kinds_.find(kind) != kinds_.end(); }

Result<Job> JobRunner::Enqueue(const std::string& kind, const std::string& parameters,
                               const Actor& actor) {
  if (!Knows(kind)) return Error::Invalid("unknown job kind '" + kind + "'");
  Job job;
  job.kind = kind;
  job.parameters = parameters.empty() ? "{}" : parameters;
  job.created_by = actor.name;
  job.created_at = Timestamp::Now();
  auto connection = database_.Acquire();
  JobRepository(*connection).Insert(job);
  return job;
}

Result<Job> JobRunner::Submit(const std::string& kind, const std::string& parameters,
                              const Actor& actor) {
  SPMIS_ASSIGN_OR_RETURN(Job job, Enqueue(kind, parameters, actor));
  Notify();
  return job;
}

Result<Job> JobRunner::RunNow(const std::string& kind, const std::string& parameters,
                              const Actor& actor, std::function<void(const Job&)> on_progress) {
  SPMIS_ASSIGN_OR_RETURN(Job job, Enqueue(kind, parameters, actor));
  return Execute(job.id, std::move(on_progress));
}

Result<Job> JobRunner::Execute(int64_t id, std::function<void(const Job&)> on_progress) {
  std::optional<Job> job;
  {
    auto connection = database_.Acquire();
    JobRepository repository(*connection);
    if (!repository.Claim(id, WorkerName())) {
      return Error::Precondition("job " + std::to_string(id) + " is not queued");
    }
    job = repository.Find(id);
  }
  auto kind = kinds_.find(job->kind);
  JobState state = JobState::kFailed;
  std::optional<std::string> result, error;
  std::optional<std::pair<int64_t, int64_t>> progress;
  if (kind == kinds_.end()) {
    error = "no code for job kind '" + job->kind + "' in this program";
  } else {
    Heartbeat heartbeat(database_, id);
    JobContext context(database_, *job, on_progress);
    try {
      auto outcome = kind->second.run(context);
      if (outcome.ok()) {
        state = JobState::kSucceeded;
        result = std::move(outcome).value();
      } else if (context.CancelRequested()) {
        state = JobState::kCancelled;
        error = outcome.error().ToString();
      } else {
        error = outcome.error().ToString();
      }
    } catch (const std::exception& e) {
      error = std::string("internal error: ") + e.what();
    }
    progress = {context.job().progress_done, context.job().progress_total};
  }
  ProgressBoard::Remove(id);
  auto connection = database_.Acquire();
  JobRepository repository(*connection);
  // The last progress may not have reached the database while the job's own
  // transaction held the lock.
  if (progress) repository.Progress(id, progress->first, progress->second);
  repository.Finish(id, state, result, error);
  return *repository.Find(id);
}

int JobRunner::RecoverInterrupted(std::chrono::seconds lease) {
  auto connection = database_.Acquire();
  JobRepository repository(*connection);
  int recovered = 0;
  Timestamp stale_before =
      Timestamp::FromMicros(Timestamp::Now().micros_since_epoch() -
                            std::chrono::duration_cast<std::chrono::microseconds>(lease).count());
  for (const Job& job : repository.Running()) {
    Liveness liveness = WorkerLiveness(job.worker);
    bool gone =
        liveness == Liveness::kGone ||
        (liveness == Liveness::kElsewhere && job.heartbeat_at && *job.heartbeat_at < stale_before);
    if (!gone) continue;
    auto kind = kinds_.find(job.kind);
    if (kind != kinds_.end() && kind->second.resumable && !job.cancel_requested) {
      repository.Requeue(job.id);
    } else {
      repository.Finish(job.id, job.cancel_requested ? JobState::kCancelled : JobState::kFailed,
                        std::nullopt,
                        "interrupted: the process running it stopped (" + job.worker +
                            "); its uncommitted work was rolled back");
    }
    ++recovered;
  }
  if (recovered > 0) Notify();
  return recovered;
}

void JobRunner::Start(int workers) {
  std::lock_guard lock(mutex_);
  stopping_ = false;
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

void JobRunner::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
}

void JobRunner::Notify() { wake_.notify_all(); }

void JobRunner::WorkerLoop() {
  auto last_recovery = std::chrono::steady_clock::now();
  while (true) {
    {
      std::unique_lock lock(mutex_);
      if (stopping_) return;
    }
    std::optional<int64_t> claimed;
    try {
      auto connection = database_.Acquire();
      auto next =
          connection->Prepare("SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1");
      if (next->Step()) claimed = next->Int(0);
    } catch (const std::exception& e) {
      std::cerr << "jobs: cannot read the queue: " << e.what() << "\n";
    }
    if (claimed) {
      auto ran = Execute(*claimed, nullptr);  // another worker may have taken it: fine
      (void)ran;
      continue;
    }
    if (std::chrono::steady_clock::now() - last_recovery > std::chrono::seconds(30)) {
      last_recovery = std::chrono::steady_clock::now();
      try {
        RecoverInterrupted(std::chrono::seconds(60));
      } catch (const std::exception& e) {
        std::cerr << "jobs: recovery failed: " << e.what() << "\n";
      }
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
  }
}

}  // namespace spmis::jobs
