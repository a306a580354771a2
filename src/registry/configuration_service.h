// ConfigurationService: declaring the registry's shape — custom fields per
// registrant kind, group kinds, membership roles — with the same checks
// whether it comes from a configuration file, the CLI or the API.
#pragma once

#include <vector>

#include "core/actor.h"
#include "core/result.h"
#include "registry/configuration_repository.h"
#include "registry/custom_field.h"

namespace spmis::registry {

class ConfigurationService {
 public:
  explicit ConfigurationService(store::Connection& connection) : db_(connection) {}

  Status DeclareCustomField(const CustomField& field, const Actor& actor);
  Status DeclareGroupKind(const Code& kind, const Actor& actor);
  Status DeclareRole(const Code& role, const Actor& actor);
  std::vector<CustomField> CustomFields(RegistrantKind kind);
  std::vector<Code> GroupKinds();
  std::vector<Code> Roles();

 private:
  store::Connection& db_;
};

}  // namespace spmis::registry
