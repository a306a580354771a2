// Eligibility: evaluating a program's rule over the registry.
//
// A run streams the registry (RegistrantReader) a batch at a time, evaluates
// the rule (and the priority rule) over each batch in columnar form, and
// commits each batch's changes of membership state in one transaction, with
// an event per change naming the rule version, the reason and the run's job.
// It is idempotent: what it does depends only on the registry and the
// current states, so a run interrupted by a crash is simply run again.
//
//   qualifies, no membership or draft/not eligible -> enrolled, or draft
//       (waiting) when the maximum number of beneficiaries is reached;
//   does not qualify (or the rule fails for it), enrolled/paused/draft
//       -> not eligible, with the reason;
//   exited, graduated and duplicated members are left as they are.
//
// With a maximum, places go to the waiting (draft) members by the priority
// rule's value (highest first), then registration date, then id, after the
// whole registry has been evaluated, so the outcome does not depend on the
// order of reading. A preview does the same evaluation and writes nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/principal.h"
#include "core/result.h"
#include "jobs/job_runner.h"
#include "programs/program.h"
#include "rules/registry_rules.h"
#include "store/database.h"

namespace spmis::programs {

inline constexpr const char* kEligibilityRunJob = "eligibility.run";

struct EligibilityRunRequest {
  std::string program_code;
  Date as_of;
  std::vector<std::string> area_codes;  // empty: the whole registry (within the caller's areas)
};

struct EligibilityRunSummary {
  std::string program_code;
  int rule_version = 0;
  Date as_of;
  int64_t evaluated = 0;     // registrants the rule ran over
  int64_t eligible = 0;      // for whom it gave true
  int64_t failed = 0;        // for whom it gave an error (not eligible, with the reason)
  int64_t enrolled = 0;      // newly enrolled
  int64_t waiting = 0;       // qualifying, in draft for want of a place
  int64_t not_eligible = 0;  // moved to not eligible
};

struct PreviewRequest {
  std::string program_code;             // the program's rule and target, unless `rule` is given
  std::string rule;                     // a rule being edited
  std::optional<ProgramTarget> target;  // for `rule` without a program (default groups)
  std::string dialect = "standard";
  Date as_of;
  int sample_size = 20;
};

struct PreviewResult {
  int64_t evaluated = 0;
  int64_t eligible = 0;
  int64_t failed = 0;
  std::vector<std::string> sample;  // registrant ids of the first eligible ones
  std::string first_error;          // one rule failure, to show the editor
};

struct Explanation {
  std::string registrant_id;
  bool eligible = false;
  std::string result;  // the rule's value in CEL syntax, or "error: ..."
  int rule_version = 0;
  Date as_of;
  std::vector<rules::ExplainedPart> parts;
};

class Eligibility {
 public:
  Eligibility(store::Database& database, Principal principal)
      : database_(database), principal_(std::move(principal)) {}

  Result<EligibilityRunSummary> Run(const EligibilityRunRequest& request,
                                    jobs::JobContext* progress);
  Result<PreviewResult> Preview(const PreviewRequest& request);
  Result<Explanation> Explain(const std::string& program_code, const std::string& registrant_id,
                              Date as_of);

 private:
  // The caller's areas narrowed to `area_codes` (refused when one is outside them).
  Result<std::vector<std::string>> AreaPaths(store::Connection& connection,
                                             const std::vector<std::string>& area_codes);
  store::Database& database_;
  Principal principal_;
};

// The job "eligibility.run": parameters {"program", "as_of", "areas"?, and
// the requesting principal's "role", "area_paths", "programs", "request_id"}.
void RegisterEligibilityJobs(jobs::JobRunner& runner);
std::string EligibilityJobParameters(const EligibilityRunRequest& request,
                                     const Principal& principal);
std::string SummaryJson(const EligibilityRunSummary& summary);

}  // namespace spmis::programs
