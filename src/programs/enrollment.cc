#include "programs/enrollment.h"

#include <boost/json.hpp>

#include "audit/audit_log.h"
#include "core/registrant_id.h"
#include "programs/membership_repository.h"
#include "programs/program_service.h"
#include "registry/group_service.h"
#include "registry/individual_service.h"

namespace spmis::programs {
namespace {

namespace json = boost::json;

constexpr std::pair<EnrollmentAction, const char*> kActions[] = {
    {EnrollmentAction::kEnroll, "enroll"},
    {EnrollmentAction::kPause, "pause"},
    {EnrollmentAction::kResume, "resume"},
    {EnrollmentAction::kExit, "exit"},
    {EnrollmentAction::kGraduate, "graduate"}};

RegistrantKind KindOf(ProgramTarget target) {
  return target == ProgramTarget::kGroups ? RegistrantKind::kGroup : RegistrantKind::kIndividual;
}

// The state an action leads to from `from` (none: no membership yet), or
// nullopt when the action does not apply.
std::optional<MembershipState> Next(EnrollmentAction action, std::optional<MembershipState> from) {
  using S = MembershipState;
  switch (action) {
    case EnrollmentAction::kEnroll:
      if (!from || *from == S::kDraft || *from == S::kNotEligible) return S::kEnrolled;
      return std::nullopt;
    case EnrollmentAction::kPause:
      if (from == S::kEnrolled) return S::kPaused;
      return std::nullopt;
    case EnrollmentAction::kResume:
      if (from == S::kPaused) return S::kEnrolled;
      return std::nullopt;
    case EnrollmentAction::kExit:
      if (from == S::kEnrolled || from == S::kPaused || from == S::kDraft) return S::kExited;
      return std::nullopt;
    case EnrollmentAction::kGraduate:
      if (from == S::kEnrolled || from == S::kPaused) return S::kGraduated;
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<EnrollmentAction> ParseEnrollmentAction(std::string_view name) {
  for (const auto& [action, text] : kActions) {
    if (name == text) return action;
  }
  return std::nullopt;
}

const char* EnrollmentActionName(EnrollmentAction action) {
  for (const auto& [a, text] : kActions) {
    if (a == action) return text;
  }
  return "enroll";
}

Result<int64_t> Enrollment::Registrant(const Program& program, std::string_view registrant_id) {
  auto parsed = RegistrantId::Parse(registrant_id);
  RegistrantKind kind = KindOf(program.target);
  if (!parsed || parsed->kind != kind) {
    return Error::NotFound("'" + std::string(registrant_id) + "' is not " +
                           (kind == RegistrantKind::kGroup ? "a group's" : "an individual's") +
                           " registrant ID (program " + program.code + " targets " +
                           ProgramTargetName(program.target) + ")");
  }
  // Reading it through the registry applies the principal's areas.
  if (kind == RegistrantKind::kGroup) {
    SPMIS_RETURN_IF_ERROR(registry::GroupService(db_, principal_).Get(parsed->number));
  } else {
    SPMIS_RETURN_IF_ERROR(registry::IndividualService(db_, principal_).Get(parsed->number));
  }
  return parsed->number;
}

Result<MemberView> Enrollment::Act(std::string_view program_code, std::string_view registrant_id,
                                   EnrollmentAction action, const std::string& reason) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kEnrollmentAct));
  if (reason.empty() || reason.size() > 1000) {
    return Error::Invalid("a reason is required",
                          {{"reason", "is required (at most 1000 characters)"}});
  }
  store::Transaction transaction(db_);
  SPMIS_ASSIGN_OR_RETURN(Program program, ProgramService(db_, principal_).Get(program_code));
  if (program.state == ProgramState::kEnded) {
    return Error::Precondition("program " + program.code + " has ended");
  }
  SPMIS_ASSIGN_OR_RETURN(int64_t id, Registrant(program, registrant_id));
  MembershipRepository memberships(db_);
  auto current = memberships.Find(program.id, id);
  std::optional<MembershipState> from;
  if (current) from = current->state;
  auto to = Next(action, from);
  std::string text_id = RegistrantId{KindOf(program.target), id}.ToString();
  if (!to) {
    return Error::Precondition(
        std::string("cannot ") + EnrollmentActionName(action) + " " + text_id + ": it is " +
        (from ? MembershipStateName(*from) : "not a member") + " in " + program.code);
  }
  if (*to == MembershipState::kEnrolled && from != MembershipState::kPaused &&
      program.max_beneficiaries) {
    int64_t taken =
        memberships.CountIn(program.id, {MembershipState::kEnrolled, MembershipState::kPaused});
    if (taken >= *program.max_beneficiaries) {
      return Error::Precondition("program " + program.code + " is full: " + std::to_string(taken) +
                                 " of at most " + std::to_string(*program.max_beneficiaries) +
                                 " places taken");
    }
  }
  std::vector<StateChange> changes = {
      {current ? current->id : 0, id, from, *to, reason, std::nullopt}};
  memberships.Apply(program.id, changes, program.rules.version, principal_.name, std::nullopt,
                    Timestamp::Now());
  json::object before{{"state", from ? json::value(MembershipStateName(*from)) : json::value()}};
  json::object after{{"state", MembershipStateName(*to)},
                     {"reason", reason},
                     {"rule_version", program.rules.version}};
  audit::AuditLog(db_).Append(principal_.actor(),
                              std::string("enrollment.") + EnrollmentActionName(action),
                              "program_membership", program.code + "/" + text_id,
                              json::serialize(before), json::serialize(after));
  transaction.Commit();
  return MemberView{*memberships.FindById(changes[0].membership_id), text_id};
}

Result<Page<MemberView>> Enrollment::List(std::string_view program_code,
                                          std::optional<MembershipState> state, int limit,
                                          const std::string& cursor) {
  SPMIS_ASSIGN_OR_RETURN(Program program, ProgramService(db_, principal_).Get(program_code));
  if (limit < 1 || limit > 1000) {
    return Error::Invalid("invalid list request", {{"limit", "must be from 1 to 1000"}});
  }
  int64_t after = 0;
  if (!cursor.empty()) {
    auto position = DecodeCursor(cursor);
    if (!position || position->sort_field != "id:asc") {
      return Error::Invalid("invalid list request",
                            {{"cursor", "is not a cursor of this listing"}});
    }
    after = position->id;
  }
  MembershipRepository memberships(db_);
  auto rows = memberships.List(program.id, state, after, limit + 1);
  Page<MemberView> page;
  for (auto& m : rows) {
    std::string text_id = RegistrantId{KindOf(program.target), m.registrant_id}.ToString();
    page.items.push_back({std::move(m), std::move(text_id)});
  }
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next = EncodeCursor({"id:asc", "", page.items.back().membership.id});
  }
  auto counts = memberships.CountByState(program.id);
  int64_t total = 0;
  for (const auto& [s, n] : counts) {
    if (!state || s == *state) total += n;
  }
  page.total = total;
  return page;
}

Result<std::pair<MemberView, std::vector<MembershipEvent>>> Enrollment::History(
    std::string_view program_code, std::string_view registrant_id) {
  SPMIS_ASSIGN_OR_RETURN(Program program, ProgramService(db_, principal_).Get(program_code));
  SPMIS_ASSIGN_OR_RETURN(int64_t id, Registrant(program, registrant_id));
  MembershipRepository memberships(db_);
  auto membership = memberships.Find(program.id, id);
  if (!membership) {
    return Error::NotFound(std::string(registrant_id) + " is not a member of " + program.code);
  }
  auto events = memberships.Events(membership->id);
  std::string text_id = RegistrantId{KindOf(program.target), id}.ToString();
  return std::make_pair(MemberView{std::move(*membership), text_id}, std::move(events));
}

}  // namespace spmis::programs
