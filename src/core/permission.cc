#include "core/permission.h"

#include <algorithm>
#include <map>

namespace spmis {

namespace {

using P = Permission;

// The role table. Reading is spread wide, changing narrow; the Auditor reads
// everything and changes nothing; the Administrator manages people and
// settings, not registrants or money.
const std::map<Role, std::vector<Permission>>& RoleTable() {
  static const std::map<Role, std::vector<Permission>> kTable = {
      {Role::kProgramViewer,
       {P::kRegistryRead, P::kJobsRead, P::kProgramRead, P::kCycleRead, P::kPaymentRead}},
      {Role::kRegistrar,
       {P::kRegistryRead, P::kRegistryWrite, P::kImportRun, P::kJobsRead, P::kProgramRead}},
      {Role::kEnrollmentOfficer,
       {P::kRegistryRead, P::kJobsRead, P::kProgramRead, P::kEligibilityRun, P::kEnrollmentAct,
        P::kCycleRead}},
      {Role::kFinanceOfficer,
       {P::kRegistryRead, P::kJobsRead, P::kProgramRead, P::kCycleRead, P::kCycleManage,
        P::kPaymentRead, P::kPaymentManage, P::kReconciliationImport}},
      {Role::kProgramManager,
       {P::kRegistryRead, P::kJobsRead, P::kProgramRead, P::kProgramConfigure, P::kProgramApprove,
        P::kEligibilityRun, P::kCycleRead, P::kCycleApprove, P::kPaymentRead}},
      {Role::kAuditor,
       {P::kRegistryRead, P::kRegistryExport, P::kJobsRead, P::kProgramRead, P::kCycleRead,
        P::kPaymentRead, P::kAuditRead}},
      {Role::kAdministrator, {P::kJobsRead, P::kAreasManage, P::kUsersManage, P::kSettingsManage}},
  };
  return kTable;
}

}  // namespace

std::string_view PermissionName(Permission permission) {
  switch (permission) {
    case P::kRegistryRead:
      return "registry.read";
    case P::kRegistryWrite:
      return "registry.write";
    case P::kRegistryExport:
      return "registry.export";
    case P::kImportRun:
      return "import.run";
    case P::kAreasManage:
      return "areas.manage";
    case P::kJobsRead:
      return "jobs.read";
    case P::kProgramRead:
      return "program.read";
    case P::kProgramConfigure:
      return "program.configure";
    case P::kProgramApprove:
      return "program.approve";
    case P::kEligibilityRun:
      return "eligibility.run";
    case P::kEnrollmentAct:
      return "enrollment.act";
    case P::kCycleRead:
      return "cycle.read";
    case P::kCycleManage:
      return "cycle.manage";
    case P::kCycleApprove:
      return "cycle.approve";
    case P::kPaymentRead:
      return "payment.read";
    case P::kPaymentManage:
      return "payment.manage";
    case P::kReconciliationImport:
      return "reconciliation.import";
    case P::kAuditRead:
      return "audit.read";
    case P::kUsersManage:
      return "users.manage";
    case P::kSettingsManage:
      return "settings.manage";
  }
  return "unknown";
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kProgramViewer:
      return "program_viewer";
    case Role::kRegistrar:
      return "registrar";
    case Role::kEnrollmentOfficer:
      return "enrollment_officer";
    case Role::kFinanceOfficer:
      return "finance_officer";
    case Role::kProgramManager:
      return "program_manager";
    case Role::kAuditor:
      return "auditor";
    case Role::kAdministrator:
      return "administrator";
  }
  return "unknown";
}

std::string_view RoleLabel(Role role) {
  switch (role) {
    case Role::kProgramViewer:
      return "Program Viewer";
    case Role::kRegistrar:
      return "Registrar";
    case Role::kEnrollmentOfficer:
      return "Enrollment Officer";
    case Role::kFinanceOfficer:
      return "Finance Officer";
    case Role::kProgramManager:
      return "Program Manager";
    case Role::kAuditor:
      return "Auditor";
    case Role::kAdministrator:
      return "Administrator";
  }
  return "Unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : AllRoles()) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

const std::vector<Permission>& AllPermissions() {
  static const std::vector<Permission> kAll = [] {
    std::vector<Permission> all;
    for (int p = 0; p <= static_cast<int>(P::kSettingsManage); ++p) {
      all.push_back(static_cast<Permission>(p));
    }
    return all;
  }();
  return kAll;
}

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> kAll = {
      Role::kProgramViewer,  Role::kRegistrar, Role::kEnrollmentOfficer, Role::kFinanceOfficer,
      Role::kProgramManager, Role::kAuditor,   Role::kAdministrator};
  return kAll;
}

bool RoleHas(Role role, Permission permission) {
  const auto& permissions = RoleTable().at(role);
  return std::find(permissions.begin(), permissions.end(), permission) != permissions.end();
}

}  // namespace spmis
