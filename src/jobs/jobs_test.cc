#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "jobs/job_repository.h"
#include "jobs/job_runner.h"
#include "testing/test_database.h"

namespace spmis::jobs {
namespace {

using JobsTest = spmis::testing::BackendTest;

JobKind Counting(bool resumable = false) {
  return {"test.count",
          [](JobContext& ctx) -> Result<std::string> {
            ctx.SetTotal(1000);
            for (int i = 0; i < 1000; ++i) ctx.Advance();
            return std::string(R"({"counted":1000})");
          },
          resumable};
}

TEST_P(JobsTest, RunNowRecordsProgressResultAndTimings) {
  JobRunner runner(db());
  runner.Register(Counting());
  int progress_calls = 0;
  auto job = runner.RunNow("test.count", R"({"n":1})", Actor{"clerk", ""},
                           [&](const Job&) { ++progress_calls; });
  ASSERT_TRUE(job.ok()) << job.error().ToString();
  EXPECT_EQ(job->state, JobState::kSucceeded);
  EXPECT_EQ(job->progress_done, 1000);
  EXPECT_EQ(job->progress_total, 1000);
  ASSERT_TRUE(job->result);  // PostgreSQL stores JSON as jsonb, so compare parsed
  EXPECT_EQ(boost::json::parse(*job->result), boost::json::parse(R"({"counted":1000})"));
  EXPECT_EQ(job->created_by, "clerk");
  EXPECT_EQ(job->attempts, 1);
  ASSERT_TRUE(job->started_at && job->finished_at);
  EXPECT_LE(*job->started_at, *job->finished_at);
  EXPECT_GE(progress_calls, 2);  // the total and the end at least
  EXPECT_TRUE(job->worker.empty());
}

TEST_P(JobsTest, AFailingOrThrowingJobIsMarkedFailedWithTheReason) {
  JobRunner runner(db());
  runner.Register({"test.fail", [](JobContext&) -> Result<std::string> {
                     return Error::Invalid("row 3 is bad");
                   }});
  runner.Register({"test.throw", [](JobContext&) -> Result<std::string> {
                     throw std::runtime_error("disk on fire");
                   }});
  auto failed = runner.RunNow("test.fail", "{}", Actor::System());
  EXPECT_EQ(failed->state, JobState::kFailed);
  EXPECT_EQ(failed->error, "row 3 is bad");
  auto thrown = runner.RunNow("test.throw", "{}", Actor::System());
  EXPECT_EQ(thrown->state, JobState::kFailed);
  EXPECT_NE(thrown->error->find("disk on fire"), std::string::npos);
  EXPECT_FALSE(runner.RunNow("test.unknown", "{}", Actor::System()).ok());
}

TEST_P(JobsTest, CrashedJobsAreResumedOrFailedNeverLeftRunning) {
  JobRunner runner(db());
  runner.Register(Counting(/*resumable=*/true));
  runner.Register(
      {"test.once", [](JobContext&) -> Result<std::string> { return std::string("{}"); }});
  auto connection = db().Acquire();
  JobRepository repository(*connection);
  auto crashed = [&](const char* kind, const std::string& worker) {
    Job job;
    job.kind = kind;
    job.parameters = "{}";
    job.created_by = "clerk";
    job.created_at = Timestamp::Now();
    repository.Insert(job);
    EXPECT_TRUE(repository.Claim(job.id, worker));
    return job.id;
  };
  // A process of this host that no longer exists, and one elsewhere whose heartbeat stopped.
  std::string dead_here =
      JobRunner::WorkerName().substr(0, JobRunner::WorkerName().rfind(':')) + ":999999999";
  int64_t resumable = crashed("test.count", dead_here);
  int64_t once = crashed("test.once", dead_here);
  int64_t alive = crashed("test.once", JobRunner::WorkerName());  // this very process
  int64_t elsewhere = crashed("test.once", "other-host:1");

  EXPECT_EQ(runner.RecoverInterrupted(std::chrono::seconds(3600)), 2);
  EXPECT_EQ(repository.Find(resumable)->state, JobState::kQueued);
  EXPECT_EQ(repository.Find(once)->state, JobState::kFailed);
  EXPECT_NE(repository.Find(once)->error->find("interrupted"), std::string::npos);
  EXPECT_EQ(repository.Find(alive)->state, JobState::kRunning);
  EXPECT_EQ(repository.Find(elsewhere)->state, JobState::kRunning);

  // With a zero lease, the heartbeat of the other host's job is stale; this
  // process is alive, so its job is never taken from it.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(runner.RecoverInterrupted(std::chrono::seconds(0)), 1);
  EXPECT_EQ(repository.Find(elsewhere)->state, JobState::kFailed);
  EXPECT_EQ(repository.Find(alive)->state, JobState::kRunning);

  // The requeued job then runs to the end, on its second attempt.
  runner.Start(1);
  for (int i = 0; i < 200 && repository.Find(resumable)->state != JobState::kSucceeded; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  runner.Stop();
  auto resumed = repository.Find(resumable);
  EXPECT_EQ(resumed->state, JobState::kSucceeded);
  EXPECT_EQ(resumed->attempts, 2);
}

TEST_P(JobsTest, BackgroundWorkersRunSubmittedJobsAndCancelQueuedOnes) {
  JobRunner runner(db());
  runner.Register(Counting());
  auto first = runner.Submit("test.count", "{}", Actor::System());
  auto second = runner.Submit("test.count", "{}", Actor::System());
  ASSERT_TRUE(first.ok() && second.ok());
  {
    auto connection = db().Acquire();
    EXPECT_TRUE(JobRepository(*connection).RequestCancel(second->id));
  }
  runner.Start(2);
  auto connection = db().Acquire();
  JobRepository repository(*connection);
  for (int i = 0; i < 200 && repository.Find(first->id)->state != JobState::kSucceeded; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  runner.Stop();
  EXPECT_EQ(repository.Find(first->id)->state, JobState::kSucceeded);
  EXPECT_EQ(repository.Find(second->id)->state, JobState::kCancelled);
  EXPECT_EQ(repository.Count(JobState::kSucceeded), 1);
  EXPECT_EQ(repository.List(10, INT64_MAX, std::nullopt).front().id, second->id);  // newest first
}

TEST_P(JobsTest, ARunningJobStopsWhenCancelled) {
  JobRunner runner(db());
  runner.Register({"test.slow", [](JobContext& ctx) -> Result<std::string> {
                     ctx.SetTotal(100);
                     for (int i = 0; i < 400; ++i) {
                       if (ctx.CancelRequested()) return Error::Precondition("cancelled");
                       std::this_thread::sleep_for(std::chrono::milliseconds(10));
                     }
                     return std::string("{}");
                   }});
  auto job = runner.Submit("test.slow", "{}", Actor::System());
  runner.Start(1);
  auto connection = db().Acquire();
  JobRepository repository(*connection);
  for (int i = 0; i < 100 && repository.Find(job->id)->state != JobState::kRunning; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_FALSE(repository.RequestCancel(job->id));  // running: flagged, not cancelled at once
  for (int i = 0; i < 300 && !IsFinished(repository.Find(job->id)->state); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  runner.Stop();
  EXPECT_EQ(repository.Find(job->id)->state, JobState::kCancelled);
}

INSTANTIATE_BACKEND_TESTS(JobsTest);

}  // namespace
}  // namespace spmis::jobs
