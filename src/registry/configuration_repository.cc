#include "registry/configuration_repository.h"

#include <boost/json.hpp>

namespace spmis::registry {

std::vector<CustomField> ConfigurationRepository::CustomFields(RegistrantKind kind) {
  auto query = db_.Prepare(
      "SELECT name, label, type, choices, required FROM custom_fields "
      "WHERE registrant_kind = $1 ORDER BY name");
  query->Bind(1, RegistrantKindName(kind));
  std::vector<CustomField> fields;
  while (query->Step()) {
    CustomField field;
    field.registrant_kind = kind;
    field.name = query->Text(0);
    field.label = query->Text(1);
    field.type = ParseCustomFieldType(query->Text(2)).value_or(CustomFieldType::kText);
    if (!query->IsNull(3)) {
      boost::json::error_code ec;
      auto choices = boost::json::parse(query->Text(3), ec);
      if (!ec && choices.is_array()) {
        for (const auto& choice : choices.as_array()) {
          if (choice.is_string()) field.choices.emplace_back(choice.as_string());
        }
      }
    }
    field.required = query->Bool(4);
    fields.push_back(std::move(field));
  }
  return fields;
}

void ConfigurationRepository::UpsertCustomField(const CustomField& field) {
  auto upsert = db_.Prepare(
      "INSERT INTO custom_fields (registrant_kind, name, label, type, choices, required) "
      "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (registrant_kind, name) DO UPDATE SET "
      "label = excluded.label, type = excluded.type, choices = excluded.choices, "
      "required = excluded.required");
  upsert->Bind(1, RegistrantKindName(field.registrant_kind))
      .Bind(2, field.name)
      .Bind(3, field.label)
      .Bind(4, CustomFieldTypeName(field.type));
  if (field.type == CustomFieldType::kChoice) {
    boost::json::array choices;
    for (const auto& c : field.choices) choices.emplace_back(c);
    upsert->Bind(5, boost::json::serialize(choices));
  } else {
    upsert->BindNull(5);
  }
  upsert->Bind(6, field.required);
  upsert->Execute();
}

std::vector<Code> ConfigurationRepository::Codes(const char* sql) {
  auto query = db_.Prepare(sql);
  std::vector<Code> codes;
  while (query->Step()) codes.push_back({std::string(query->Text(0)), std::string(query->Text(1))});
  return codes;
}

std::vector<Code> ConfigurationRepository::GroupKinds() {
  return Codes("SELECT code, label FROM group_kinds ORDER BY code");
}

std::vector<Code> ConfigurationRepository::Roles() {
  return Codes("SELECT code, label FROM membership_roles ORDER BY code");
}

bool ConfigurationRepository::GroupKindExists(std::string_view code) {
  auto query = db_.Prepare("SELECT 1 FROM group_kinds WHERE code = $1");
  query->Bind(1, code);
  return query->Step();
}

bool ConfigurationRepository::RoleExists(std::string_view code) {
  auto query = db_.Prepare("SELECT 1 FROM membership_roles WHERE code = $1");
  query->Bind(1, code);
  return query->Step();
}

void ConfigurationRepository::UpsertGroupKind(const Code& kind) {
  auto upsert = db_.Prepare(
      "INSERT INTO group_kinds (code, label) VALUES ($1, $2) "
      "ON CONFLICT (code) DO UPDATE SET label = excluded.label");
  upsert->Bind(1, kind.code).Bind(2, kind.label).Execute();
}

void ConfigurationRepository::UpsertRole(const Code& role) {
  auto upsert = db_.Prepare(
      "INSERT INTO membership_roles (code, label) VALUES ($1, $2) "
      "ON CONFLICT (code) DO UPDATE SET label = excluded.label");
  upsert->Bind(1, role.code).Bind(2, role.label).Execute();
}

}  // namespace spmis::registry
