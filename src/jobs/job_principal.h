// The principal a job acts for, carried in its JSON parameters: a job may run
// later and on another server than the request that asked for it, and must
// apply the same role, areas and programs, and name the same request in the
// audit trail.
#pragma once

#include <boost/json/object.hpp>

#include "core/actor.h"
#include "core/principal.h"
#include "core/result.h"

namespace spmis::jobs {

// Adds "role", "area_paths", "programs" and "request_id" (those that are set).
void WritePrincipal(boost::json::object& parameters, const Principal& principal);
// The principal named `actor.name` with the role and limits of `parameters`;
// the system's full rights when no role is given (command-line runs).
Result<Principal> ReadPrincipal(const boost::json::object& parameters, const Actor& actor);

}  // namespace spmis::jobs
