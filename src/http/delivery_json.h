// JSON shapes of programs and cycles, shared by the API and the command
// line's --json output, so that both print the same thing.
#pragma once

#include <boost/json/object.hpp>
#include <map>

#include "cycles/cycle_service.h"
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

}  // namespace spmis::http
