// ConfigurationRepository: the SQL for what configuration declares about the
// registry: custom fields per registrant kind, group kinds, membership roles.
#pragma once

#include <string>
#include <vector>

#include "registry/custom_field.h"
#include "store/database.h"

namespace spmis::registry {

struct Code {
  std::string code;
  std::string label;
};

class ConfigurationRepository {
 public:
  explicit ConfigurationRepository(store::Connection& connection) : db_(connection) {}

  std::vector<CustomField> CustomFields(RegistrantKind kind);
  void UpsertCustomField(const CustomField& field);
  std::vector<Code> GroupKinds();
  std::vector<Code> Roles();
  bool GroupKindExists(std::string_view code);
  bool RoleExists(std::string_view code);
  void UpsertGroupKind(const Code& kind);
  void UpsertRole(const Code& role);

 private:
  std::vector<Code> Codes(const char* sql);
  store::Connection& db_;
};

}  // namespace spmis::registry
