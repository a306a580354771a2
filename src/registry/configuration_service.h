// ConfigurationService: declaring the registry's shape — custom fields per
// registrant kind, group kinds, membership roles — with the same checks
// whether it comes from a configuration file, the CLI or the API. Declaring
// needs settings.manage and is audited; reading needs nothing, since every
// form and import needs the shape.
#pragma once

#include <vector>

#include "core/principal.h"
#include "core/result.h"
#include "registry/configuration_repository.h"
#include "registry/custom_field.h"

namespace spmis::registry {

class ConfigurationService {
 public:
  ConfigurationService(store::Connection& connection, Principal principal)
      : db_(connection), principal_(std::move(principal)) {}

  Status DeclareCustomField(const CustomField& field);
  Status DeclareGroupKind(const Code& kind);
  Status DeclareRole(const Code& role);
  std::vector<CustomField> CustomFields(RegistrantKind kind);
  std::vector<Code> GroupKinds();
  std::vector<Code> Roles();

 private:
  store::Connection& db_;
  Principal principal_;
};

}  // namespace spmis::registry
