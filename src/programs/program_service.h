// ProgramService: creating, changing, finding and listing programs, for the
// Principal it is built with. Configuring needs program.configure; reading
// needs program.read, and a user limited to programs sees only those (the
// others are "not found"). Every rule is compiled before it is saved; a
// changed rule becomes a new version, and the old ones stay readable. Every
// write is audited in its transaction.
#pragma once

#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "core/principal.h"
#include "core/result.h"
#include "programs/membership.h"
#include "programs/program.h"
#include "store/database.h"

namespace spmis::programs {

class ProgramService {
 public:
  ProgramService(store::Connection& connection, Principal principal)
      : db_(connection), principal_(std::move(principal)) {}

  // `program.rules` holds the eligibility and priority rules.
  Result<Program> Create(Program program);
  // Replaces the stored fields with `program`'s (its code and target cannot
  // change); a new rules version when a rule's text differs.
  Result<Program> Update(Program program, int64_t expected_version);
  Result<Program> Get(std::string_view code);
  Result<std::vector<Program>> List();
  Result<std::map<MembershipState, int64_t>> MembershipCounts(std::string_view code);
  Result<ProgramRules> RulesVersion(std::string_view code, int version);

 private:
  Status Validate(const Program& program);
  store::Connection& db_;
  Principal principal_;
};

}  // namespace spmis::programs
