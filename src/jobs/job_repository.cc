#include "jobs/job_repository.h"

#include "store/query_builder.h"

namespace spmis::jobs {
namespace {

constexpr const char* kSelect =
    "SELECT id, kind, parameters, state, progress_done, progress_total, created_by, created_at, "
    "started_at, finished_at, heartbeat_at, worker, attempts, cancel_requested, result, error "
    "FROM jobs ";

Job ReadJob(store::Statement& row) {
  Job job;
  job.id = row.Int(0);
  job.kind = row.Text(1);
  job.parameters = row.Text(2);
  job.state = ParseJobState(row.Text(3)).value_or(JobState::kFailed);
  job.progress_done = row.Int(4);
  job.progress_total = row.Int(5);
  job.created_by = row.Text(6);
  job.created_at = row.TimestampAt(7);
  job.started_at = row.OptionalTimestamp(8);
  job.finished_at = row.OptionalTimestamp(9);
  job.heartbeat_at = row.OptionalTimestamp(10);
  job.worker = row.OptionalText(11).value_or("");
  job.attempts = static_cast<int>(row.Int(12));
  job.cancel_requested = row.Bool(13);
  job.result = row.OptionalText(14);
  job.error = row.OptionalText(15);
  return job;
}

}  // namespace

const char* JobStateName(JobState state) {
  switch (state) {
    case JobState::kQueued:
      return "queued";
    case JobState::kRunning:
      return "running";
    case JobState::kSucceeded:
      return "succeeded";
    case JobState::kFailed:
      return "failed";
    case JobState::kCancelled:
      return "cancelled";
  }
  return "failed";
}

std::optional<JobState> ParseJobState(std::string_view text) {
  for (auto s : {JobState::kQueued, JobState::kRunning, JobState::kSucceeded, JobState::kFailed,
                 JobState::kCancelled}) {
    if (text == JobStateName(s)) return s;
  }
  return std::nullopt;
}

void JobRepository::Insert(Job& job) {
  auto insert = db_.Prepare(
      "INSERT INTO jobs (kind, parameters, state, progress_done, progress_total, created_by, "
      "created_at) VALUES ($1, $2, 'queued', 0, 0, $3, $4) RETURNING id");
  insert->Bind(1, job.kind).Bind(2, job.parameters).Bind(3, job.created_by).Bind(4, job.created_at);
  insert->Step();
  job.id = insert->Int(0);
  job.state = JobState::kQueued;
}

std::optional<Job> JobRepository::Find(int64_t id) {
  auto query = db_.Prepare(std::string(kSelect) + "WHERE id = $1");
  query->Bind(1, id);
  if (!query->Step()) return std::nullopt;
  return ReadJob(*query);
}

std::vector<Job> JobRepository::List(int limit, int64_t before_id, std::optional<JobState> state) {
  store::QueryBuilder q(kSelect);
  q.Sql("WHERE id < ").Value(before_id);
  if (state) q.Sql(" AND state = ").Value(JobStateName(*state));
  q.Sql(" ORDER BY id DESC LIMIT ").Value(int64_t{limit});
  auto query = db_.Prepare(q.sql());
  q.BindTo(*query);
  std::vector<Job> jobs;
  while (query->Step()) jobs.push_back(ReadJob(*query));
  return jobs;
}

int64_t JobRepository::Count(std::optional<JobState> state) {
  store::QueryBuilder q("SELECT COUNT(*) FROM jobs");
  if (state) q.Sql(" WHERE state = ").Value(JobStateName(*state));
  auto query = db_.Prepare(q.sql());
  q.BindTo(*query);
  query->Step();
  return query->Int(0);
}

std::optional<int64_t> JobRepository::Claim(std::optional<int64_t> id, const std::string& worker) {
  int64_t candidate;
  if (id) {
    candidate = *id;
  } else {
    auto next = db_.Prepare("SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1");
    if (!next->Step()) return std::nullopt;
    candidate = next->Int(0);
  }
  Timestamp now = Timestamp::Now();
  auto claim = db_.Prepare(
      "UPDATE jobs SET state = 'running', started_at = $1, heartbeat_at = $1, worker = $2, "
      "attempts = attempts + 1 WHERE id = $3 AND state = 'queued'");
  claim->Bind(1, now).Bind(2, worker).Bind(3, candidate);
  if (claim->Execute() != 1) return std::nullopt;
  return candidate;
}

void JobRepository::Progress(int64_t id, int64_t done, int64_t total) {
  auto update = db_.Prepare(
      "UPDATE jobs SET progress_done = $1, progress_total = $2, heartbeat_at = $3 WHERE id = $4");
  update->Bind(1, done).Bind(2, total).Bind(3, Timestamp::Now()).Bind(4, id).Execute();
}

void JobRepository::Heartbeat(int64_t id) {
  auto update =
      db_.Prepare("UPDATE jobs SET heartbeat_at = $1 WHERE id = $2 AND state = 'running'");
  update->Bind(1, Timestamp::Now()).Bind(2, id).Execute();
}

bool JobRepository::CancelRequested(int64_t id) {
  auto query = db_.Prepare("SELECT cancel_requested FROM jobs WHERE id = $1");
  query->Bind(1, id);
  return query->Step() && query->Bool(0);
}

void JobRepository::Finish(int64_t id, JobState state, const std::optional<std::string>& result,
                           const std::optional<std::string>& error) {
  auto update = db_.Prepare(
      "UPDATE jobs SET state = $1, result = $2, error = $3, finished_at = $4, worker = NULL "
      "WHERE id = $5 AND state IN ('queued', 'running')");
  update->Bind(1, JobStateName(state))
      .Bind(2, result)
      .Bind(3, error)
      .Bind(4, Timestamp::Now())
      .Bind(5, id);
  update->Execute();
}

bool JobRepository::RequestCancel(int64_t id) {
  auto queued = db_.Prepare(
      "UPDATE jobs SET state = 'cancelled', cancel_requested = TRUE, finished_at = $1 "
      "WHERE id = $2 AND state = 'queued'");
  queued->Bind(1, Timestamp::Now()).Bind(2, id);
  if (queued->Execute() == 1) return true;
  auto running =
      db_.Prepare("UPDATE jobs SET cancel_requested = TRUE WHERE id = $1 AND state = 'running'");
  running->Bind(1, id).Execute();
  return false;
}

std::vector<Job> JobRepository::Running() {
  auto query = db_.Prepare(std::string(kSelect) + "WHERE state = 'running' ORDER BY id");
  std::vector<Job> jobs;
  while (query->Step()) jobs.push_back(ReadJob(*query));
  return jobs;
}

void JobRepository::Requeue(int64_t id) {
  auto update = db_.Prepare(
      "UPDATE jobs SET state = 'queued', worker = NULL WHERE id = $1 AND state = 'running'");
  update->Bind(1, id).Execute();
}

}  // namespace spmis::jobs
