// Job routes: list jobs and follow one (for progress bars).
#include <boost/json.hpp>

#include "core/page.h"
#include "core/text.h"
#include "http/api.h"
#include "http/json_codec.h"
#include "http/problem.h"
#include "jobs/job_repository.h"
#include "jobs/progress_board.h"

namespace spmis::http {
namespace {

Response GetJob(const Request& request, RequestContext& context) {
  auto id = ParseInt64(request.path_params.at("id"));
  if (!id || *id <= 0) return Problem(404, "no job " + request.path_params.at("id"));
  auto job = jobs::JobRepository(context.db()).Find(*id);
  if (!job) return Problem(404, "no job " + std::to_string(*id));
  if (auto live = jobs::ProgressBoard::Lookup(*id)) {
    job->progress_done = live->first;
    job->progress_total = live->second;
  }
  return JsonResponse(200, ToJson(*job));
}

Response ListJobs(const Request& request, RequestContext& context) {
  std::vector<FieldError> errors;
  int limit;
  ParseLimit(request, limit, errors);
  std::optional<jobs::JobState> state;
  if (auto text = request.Query("state")) {
    state = jobs::ParseJobState(*text);
    if (!state)
      errors.push_back({"state", "must be queued, running, succeeded, failed or cancelled"});
  }
  int64_t before = ParseNewestFirstCursor(request, errors);
  if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
  jobs::JobRepository repository(context.db());
  auto items = repository.List(limit + 1, before, state);
  auto next = NewestFirstNext(items, limit);
  return JsonResponse(200, PageToJson(items, next, repository.Count(state)));
}

}  // namespace

void AddJobRoutes(Router& router) {
  router.Add({"GET", "/api/v1/jobs", "List background jobs, newest first; ?state=",
              Access::Need(Permission::kJobsRead), ListJobs});
  router.Add({"GET", "/api/v1/jobs/{id}", "One background job with its progress",
              Access::Need(Permission::kJobsRead), GetJob});
}

}  // namespace spmis::http
