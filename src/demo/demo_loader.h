// The demo data set: a generated population written into the registry, the
// twelve personas, the Logic Pack and the six demo programs, for trying
// SP-MIS out, for demos and for tests. It runs as the job "demo.load"
// in one transaction (all or nothing; safe to rerun after a crash), and does
// nothing on a registry that already holds people.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/date.h"

#include "core/result.h"
#include "jobs/job_runner.h"
#include "store/database.h"

namespace spmis::demo {

inline constexpr const char* kDemoLoadJob = "demo.load";

struct DemoLoadOptions {
  int64_t households = 10000;
  uint64_t seed = 20261123;
  // The date the twelve personas are built around (DemoPersonas): on it,
  // each qualifies for exactly what its story says. Today unless given.
  std::optional<Date> personas_as_of;
};

// The job's parameters as JSON, and back.
std::string DemoLoadParameters(const DemoLoadOptions& options);
Result<DemoLoadOptions> ParseDemoLoadParameters(std::string_view json);

// Registers "demo.load" with the runner.
void RegisterDemoJobs(jobs::JobRunner& runner);

}  // namespace spmis::demo
