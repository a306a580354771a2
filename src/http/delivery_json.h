// JSON shapes of programs, cycles and payments, shared by the API and the command
// line's --json output, so that both print the same thing.
#pragma once

#include <boost/json/object.hpp>
#include <map>

#include "cycles/cycle_service.h"
#include "payments/batch_service.h"
#include "payments/reconciliation_service.h"
#include "programs/membership.h"
#include "programs/program.h"

namespace spmis::http {

// The program; with `memberships`, also the count per membership state.
boost::json::object ProgramToJson(
    const programs::Program& program,
    const std::map<programs::MembershipState, int64_t>* memberships = nullptr);
// The cycle with its totals (`approved`, `paid`, `failed`, `pending`,
// `cancelled`, `draft`, `balanced`) and approvals.
boost::json::object CycleToJson(const cycles::CycleView& view);

boost::json::object PaymentDetailsToJson(const payments::PaymentDetails& details);
boost::json::object BatchToJson(const payments::PaymentBatch& batch);
// Batches made (`batches`, `payments`, `total_minor`) and `exceptions`, the
// entitlements that could not be paid, with `exception_list`.
boost::json::object BatchCreationToJson(const payments::BatchCreation& creation);
boost::json::object PaymentToJson(const payments::Payment& payment);
// The reconciliation's counts, with `problems_list` when given.
boost::json::object ReconciliationToJson(
    const payments::Reconciliation& record,
    const std::vector<payments::ReconciliationProblem>* problems = nullptr,
    const std::vector<int64_t>* ended_cycles = nullptr);

}  // namespace spmis::http
