// CycleService: cycles of a program and their entitlements, from creation to
// approval, for the Principal it is built with.
//
// - Creating cycles (one, or a schedule over the program's coverage period),
//   generating entitlements and submitting them need cycle.manage; approving
//   and rejecting need cycle.approve and a named user who neither generated
//   nor submitted them (maker-checker; the system cannot approve).
// - Generation evaluates the program's entitlement rule for each member
//   enrolled at the cycle's start (a paused member gets nothing), as of that
//   date: the fixed amount plus the rule's amount, then the cap. A rule's
//   amount that is not whole minor units is rounded half away from zero. It
//   commits range by range and skips beneficiaries already entitled, so
//   running it twice, or again after a crash, leaves exactly one entitlement
//   per beneficiary.
// - Approval is refused when the program's budget would be exceeded (with the
//   figures); a cycle above the program's `second_approval_above` needs two
//   approvals by different people. Every step is audited.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/principal.h"
#include "core/result.h"
#include "cycles/cycle.h"
#include "jobs/job_runner.h"
#include "store/database.h"

namespace spmis::cycles {

inline constexpr const char* kGenerateJob = "cycle.generate";

enum class Frequency { kMonthly, kBiMonthly, kQuarterly };
std::optional<Frequency> ParseFrequency(std::string_view name);  // monthly | bi-monthly | quarterly

struct GenerationSummary {
  int64_t cycle_id = 0;
  int rule_version = 0;
  int64_t beneficiaries = 0;  // enrolled at the cycle's start and active
  int64_t created = 0;
  int64_t existing = 0;       // already entitled (an earlier or interrupted run)
  int64_t refused = 0;        // the rule failed or gave a negative amount
  int64_t nothing_due = 0;    // the amount came to 0 and there are no in-kind items
  std::string first_refusal;  // one reason, to fix the rule
  int64_t total_minor = 0;    // of the entitlements created
};

struct CycleView {
  Cycle cycle;
  CycleTotals totals;
  std::vector<Approval> approvals;
};

class CycleService {
 public:
  CycleService(store::Database& database, Principal principal)
      : database_(database), principal_(std::move(principal)) {}

  Result<Cycle> Create(const std::string& program_code, Date start, Date end);
  // Consecutive cycles covering the program's period from `from` (default:
  // its start) to its end.
  Result<std::vector<Cycle>> Schedule(const std::string& program_code, Frequency frequency);
  Result<CycleView> Get(int64_t cycle_id);
  // The cycle alone, without the totals Get sums over its entitlements.
  Result<Cycle> Find(int64_t cycle_id);
  Result<std::vector<Cycle>> List(const std::string& program_code);
  Result<GenerationSummary> Generate(int64_t cycle_id, jobs::JobContext* progress);
  Result<CycleView> Submit(int64_t cycle_id);
  Result<CycleView> Approve(int64_t cycle_id, const std::string& comment);
  Result<CycleView> Reject(int64_t cycle_id, const std::string& comment);
  Result<CycleView> Cancel(int64_t cycle_id, const std::string& reason);

 private:
  Result<Cycle> Load(store::Connection& db, int64_t cycle_id);
  Status Decide(int64_t cycle_id, bool approve, const std::string& comment);
  store::Database& database_;
  Principal principal_;
};

// The job "cycle.generate": parameters {"cycle", and the principal's}.
void RegisterCycleJobs(jobs::JobRunner& runner);
std::string GenerateJobParameters(int64_t cycle_id, const Principal& principal);
std::string GenerationJson(const GenerationSummary& summary);

}  // namespace spmis::cycles
