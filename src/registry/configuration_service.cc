#include "registry/configuration_service.h"

#include "registry/audit_record.h"
#include "registry/validation.h"

namespace spmis::registry {

Status ConfigurationService::DeclareCustomField(const CustomField& field) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kSettingsManage));
  std::vector<FieldError> errors;
  FieldChecker check(errors);
  if (!IsValidIdentifier(field.name)) check.Fail("name", "must be lower_snake_case");
  check.Text("label", field.label, 200, true);
  if (field.type == CustomFieldType::kChoice && field.choices.empty()) {
    check.Fail("choices", "a choice field needs at least one choice");
  }
  if (!errors.empty())
    return Error::Invalid("the custom field was not declared", std::move(errors));
  store::Transaction transaction(db_);
  ConfigurationRepository(db_).UpsertCustomField(field);
  AuditDeclared(db_, principal_.actor(), field);
  transaction.Commit();
  return OkStatus();
}

Status ConfigurationService::DeclareGroupKind(const Code& kind) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kSettingsManage));
  if (!IsValidIdentifier(kind.code)) {
    return Error::Invalid("the group kind was not declared",
                          {{"code", "must be lower_snake_case"}});
  }
  store::Transaction transaction(db_);
  ConfigurationRepository(db_).UpsertGroupKind(kind);
  AuditDeclared(db_, principal_.actor(), "group_kind", kind);
  transaction.Commit();
  return OkStatus();
}

Status ConfigurationService::DeclareRole(const Code& role) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kSettingsManage));
  if (!IsValidIdentifier(role.code)) {
    return Error::Invalid("the role was not declared", {{"code", "must be lower_snake_case"}});
  }
  store::Transaction transaction(db_);
  ConfigurationRepository(db_).UpsertRole(role);
  AuditDeclared(db_, principal_.actor(), "membership_role", role);
  transaction.Commit();
  return OkStatus();
}

std::vector<CustomField> ConfigurationService::CustomFields(RegistrantKind kind) {
  return ConfigurationRepository(db_).CustomFields(kind);
}
std::vector<Code> ConfigurationService::GroupKinds() {
  return ConfigurationRepository(db_).GroupKinds();
}
std::vector<Code> ConfigurationService::Roles() { return ConfigurationRepository(db_).Roles(); }

}  // namespace spmis::registry
