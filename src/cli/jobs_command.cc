// `spmis jobs`: the recent background jobs as a table.
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/open_database.h"
#include "jobs/job_repository.h"

namespace spmis::cli {

int ListJobs(const JobsCommand& options) {
  auto database = OpenMigratedDatabase(options.database);
  if (!database) return kExitFailed;
  std::optional<jobs::JobState> state;
  if (!options.state.empty()) state = jobs::ParseJobState(options.state);
  auto connection = database->Acquire();
  auto list = jobs::JobRepository(*connection).List(options.limit, INT64_MAX, state);
  std::printf("%-6s %-22s %-10s %-21s %-16s %-24s %s\n", "ID", "KIND", "STATE", "PROGRESS", "BY",
              "CREATED", "RESULT/ERROR");
  for (const auto& job : list) {
    std::string progress =
        std::to_string(job.progress_done) + "/" + std::to_string(job.progress_total);
    std::string outcome = job.error ? *job.error : job.result.value_or("");
    if (outcome.size() > 80) outcome = outcome.substr(0, 77) + "...";
    std::printf("%-6lld %-22s %-10s %-21s %-16s %-24s %s\n", static_cast<long long>(job.id),
                job.kind.c_str(), jobs::JobStateName(job.state), progress.c_str(),
                job.created_by.c_str(), job.created_at.ToString().substr(0, 19).c_str(),
                outcome.c_str());
  }
  if (list.empty()) std::printf("(no jobs)\n");
  return kExitOk;
}

}  // namespace spmis::cli
