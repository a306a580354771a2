// Roles and permissions: what each role may do, in one table. The table is
// whole for the delivery chain (registry, programs, eligibility, enrollment,
// cycles, entitlements, payments, reconciliation, audit, users), so later
// capabilities check permissions that already exist rather than invent them.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace spmis {

enum class Permission {
  kRegistryRead,          // see registrants (within the user's areas)
  kRegistryWrite,         // create and update registrants
  kRegistryExport,        // export lists of personal data
  kImportRun,             // run imports
  kAreasManage,           // create and change areas
  kJobsRead,              // see background jobs
  kProgramRead,           // see programs and their memberships
  kProgramConfigure,      // create programs, edit rules and entitlement rules
  kProgramApprove,        // activate and end programs, approve rule versions
  kEligibilityRun,        // run and preview eligibility
  kEnrollmentAct,         // enroll, pause, resume, exit, graduate
  kCycleRead,             // see cycles and entitlements
  kCycleManage,           // create cycles, generate entitlements, submit
  kCycleApprove,          // approve or reject cycles and entitlements
  kPaymentRead,           // see payment batches and payments
  kPaymentManage,         // create batches, export payment files
  kReconciliationImport,  // import provider status files
  kAuditRead,             // read the audit trail
  kUsersManage,           // create users and clients, set roles, disable
  kSettingsManage,        // system settings and registry configuration
};

enum class Role {
  kProgramViewer,
  kRegistrar,
  kEnrollmentOfficer,
  kFinanceOfficer,
  kProgramManager,
  kAuditor,
  kAdministrator,
};

std::string_view PermissionName(Permission permission);  // "registry.read"
std::string_view RoleName(Role role);                    // "registrar"
std::string_view RoleLabel(Role role);                   // "Registrar"
std::optional<Role> ParseRole(std::string_view name);

const std::vector<Permission>& AllPermissions();
const std::vector<Role>& AllRoles();
bool RoleHas(Role role, Permission permission);

}  // namespace spmis
