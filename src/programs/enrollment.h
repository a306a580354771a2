// Enrollment: the manual actions on a program membership — enroll, pause,
// resume, exit, graduate — each with a reason, and the listings of members.
// Acting needs enrollment.act; listing needs program.read. The registrant
// must be within the principal's areas (else "not found"), enrolling is
// refused when the program is full, and each action is an event on the
// membership and an entry in the audit trail, in one transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/page.h"
#include "core/principal.h"
#include "core/result.h"
#include "programs/membership.h"
#include "programs/program.h"
#include "store/database.h"

namespace spmis::programs {

enum class EnrollmentAction { kEnroll, kPause, kResume, kExit, kGraduate };
std::optional<EnrollmentAction> ParseEnrollmentAction(std::string_view name);
const char* EnrollmentActionName(EnrollmentAction action);

// A membership as shown: with the registrant's ID in text.
struct MemberView {
  ProgramMembership membership;
  std::string registrant_id;
};

class Enrollment {
 public:
  Enrollment(store::Connection& connection, Principal principal)
      : db_(connection), principal_(std::move(principal)) {}

  Result<MemberView> Act(std::string_view program_code, std::string_view registrant_id,
                         EnrollmentAction action, const std::string& reason);
  // Members by id, optionally in one state; cursor pagination.
  Result<Page<MemberView>> List(std::string_view program_code, std::optional<MembershipState> state,
                                int limit, const std::string& cursor);
  // One registrant's membership and every change of it.
  Result<std::pair<MemberView, std::vector<MembershipEvent>>> History(
      std::string_view program_code, std::string_view registrant_id);

 private:
  // The registrant's row id, if it exists, is of the program's kind, and is
  // within the principal's areas.
  Result<int64_t> Registrant(const Program& program, std::string_view registrant_id);
  store::Connection& db_;
  Principal principal_;
};

}  // namespace spmis::programs
