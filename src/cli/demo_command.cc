// `spmis demo load`: fill the database with the generated demo population.
#include <unistd.h>

#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/open_database.h"
#include "demo/demo_loader.h"
#include "demo/population_files.h"

namespace spmis::cli {

int DemoLoad(const DemoLoadCommand& options) {
  auto database = OpenMigratedDatabase(options.database);
  if (!database) return kExitFailed;
  jobs::JobRunner runner(*database);
  demo::RegisterDemoJobs(runner);
  runner.RecoverInterrupted(std::chrono::seconds(60));
  bool show_progress = isatty(STDERR_FILENO) != 0;
  auto job =
      runner.RunNow(demo::kDemoLoadJob,
                    demo::DemoLoadParameters({options.households, options.seed, std::nullopt}),
                    Actor{"cli", ""}, [&](const jobs::Job& j) {
                      if (!show_progress || j.progress_total == 0) return;
                      std::cerr << "\rloading demo households: " << j.progress_done << "/"
                                << j.progress_total << std::flush;
                    });
  if (show_progress) std::cerr << "\n";
  if (!job.ok()) {
    std::cerr << "error: " << job.error().ToString() << "\n";
    return kExitFailed;
  }
  if (job->state != jobs::JobState::kSucceeded) {
    std::cerr << "error: demo load (job " << job->id << ") " << jobs::JobStateName(job->state)
              << ": " << job->error.value_or("") << "\n";
    return kExitFailed;
  }
  // Printed compact whatever the backend stored (PostgreSQL's jsonb re-spaces it).
  boost::json::error_code ec;
  auto result = boost::json::parse(job->result.value_or("{}"), ec);
  std::cout << (ec ? job->result.value_or("{}") : boost::json::serialize(result)) << "\n";
  return kExitOk;
}

int DemoGenerate(const DemoGenerateCommand& options) {
  auto summary = demo::WritePopulationFiles(options.out, options.households, options.seed);
  if (!summary.ok()) {
    std::cerr << "error: " << summary.error().ToString() << "\n";
    return kExitFailed;
  }
  std::cout << boost::json::serialize(boost::json::object{{"areas", summary->areas},
                                                          {"households", summary->households},
                                                          {"individuals", summary->individuals},
                                                          {"memberships", summary->memberships},
                                                          {"near_duplicates", summary->duplicates},
                                                          {"directory", options.out}})
            << "\n";
  return kExitOk;
}

}  // namespace spmis::cli
