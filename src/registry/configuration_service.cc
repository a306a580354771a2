#include "registry/configuration_service.h"

#include "registry/validation.h"

namespace spmis::registry {

Status ConfigurationService::DeclareCustomField(const CustomField& field, const Actor& /*actor*/) {
  std::vector<FieldError> errors;
  FieldChecker check(errors);
  if (!IsValidIdentifier(field.name)) check.Fail("name", "must be lower_snake_case");
  check.Text("label", field.label, 200, true);
  if (field.type == CustomFieldType::kChoice && field.choices.empty()) {
    check.Fail("choices", "a choice field needs at least one choice");
  }
  if (!errors.empty())
    return Error::Invalid("the custom field was not declared", std::move(errors));
  ConfigurationRepository(db_).UpsertCustomField(field);
  return OkStatus();
}

Status ConfigurationService::DeclareGroupKind(const Code& kind, const Actor& /*actor*/) {
  if (!IsValidIdentifier(kind.code)) {
    return Error::Invalid("the group kind was not declared",
                          {{"code", "must be lower_snake_case"}});
  }
  ConfigurationRepository(db_).UpsertGroupKind(kind);
  return OkStatus();
}

Status ConfigurationService::DeclareRole(const Code& role, const Actor& /*actor*/) {
  if (!IsValidIdentifier(role.code)) {
    return Error::Invalid("the role was not declared", {{"code", "must be lower_snake_case"}});
  }
  ConfigurationRepository(db_).UpsertRole(role);
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
