// `spmis config apply FILE` and `spmis config show`: the registry's shape as
// configuration — group kinds, membership roles, custom fields per registrant
// kind. A file is applied whole or not at all.
#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/acting_user.h"
#include "cli/commands.h"
#include "cli/open_database.h"
#include "registry/configuration_service.h"

namespace spmis::cli {
namespace {

namespace json = boost::json;
using registry::Code;
using registry::CustomField;

struct Configuration {
  std::vector<Code> group_kinds;
  std::vector<Code> roles;
  std::vector<CustomField> fields;
};

std::string Text(const json::object& object, const char* key) {
  auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : "";
}

Result<std::vector<Code>> ParseCodes(const json::value* list, const std::string& where) {
  std::vector<Code> codes;
  if (list == nullptr) return codes;
  if (!list->is_array()) return Error::Invalid(where + " must be a list");
  for (size_t i = 0; i < list->as_array().size(); ++i) {
    const auto& item = list->as_array()[i];
    std::string at = where + "[" + std::to_string(i) + "]";
    if (!item.is_object()) return Error::Invalid(at + " must be an object with code and label");
    Code code{Text(item.as_object(), "code"), Text(item.as_object(), "label")};
    if (code.code.empty() || code.label.empty())
      return Error::Invalid(at + " needs a code and a label");
    codes.push_back(std::move(code));
  }
  return codes;
}

Result<Configuration> ParseConfiguration(const std::string& text) {
  json::error_code ec;
  auto root = json::parse(text, ec);
  if (ec) return Error::Invalid("not JSON: " + ec.message());
  if (!root.is_object()) return Error::Invalid("the configuration must be a JSON object");
  const auto& object = root.as_object();
  for (const auto& [key, value] : object) {
    if (key != "group_kinds" && key != "membership_roles" && key != "custom_fields") {
      return Error::Invalid("unknown section '" + std::string(key) +
                            "' (expected group_kinds, membership_roles, custom_fields)");
    }
  }
  Configuration configuration;
  SPMIS_ASSIGN_OR_RETURN(configuration.group_kinds,
                         ParseCodes(object.if_contains("group_kinds"), "group_kinds"));
  SPMIS_ASSIGN_OR_RETURN(configuration.roles,
                         ParseCodes(object.if_contains("membership_roles"), "membership_roles"));
  if (auto* fields = object.if_contains("custom_fields")) {
    if (!fields->is_object())
      return Error::Invalid("custom_fields must map individual/group to lists");
    for (const auto& [kind_name, list] : fields->as_object()) {
      RegistrantKind kind;
      if (kind_name == "individual") {
        kind = RegistrantKind::kIndividual;
      } else if (kind_name == "group") {
        kind = RegistrantKind::kGroup;
      } else {
        return Error::Invalid("custom_fields." + std::string(kind_name) +
                              ": the kind must be individual or group");
      }
      if (!list.is_array())
        return Error::Invalid("custom_fields." + std::string(kind_name) + " must be a list");
      for (size_t i = 0; i < list.as_array().size(); ++i) {
        const auto& item = list.as_array()[i];
        std::string at = "custom_fields." + std::string(kind_name) + "[" + std::to_string(i) + "]";
        if (!item.is_object()) return Error::Invalid(at + " must be an object");
        const auto& f = item.as_object();
        CustomField field;
        field.registrant_kind = kind;
        field.name = Text(f, "name");
        field.label = Text(f, "label");
        auto type = registry::ParseCustomFieldType(Text(f, "type"));
        if (!type) {
          return Error::Invalid(at +
                                ".type must be integer, decimal, boolean, date, text or choice");
        }
        field.type = *type;
        if (auto* choices = f.if_contains("choices")) {
          if (!choices->is_array()) return Error::Invalid(at + ".choices must be a list of texts");
          for (const auto& choice : choices->as_array()) {
            if (!choice.is_string()) return Error::Invalid(at + ".choices must be a list of texts");
            field.choices.emplace_back(choice.as_string());
          }
        }
        if (auto* required = f.if_contains("required")) {
          if (!required->is_bool()) return Error::Invalid(at + ".required must be true or false");
          field.required = required->as_bool();
        }
        configuration.fields.push_back(std::move(field));
      }
    }
  }
  return configuration;
}

}  // namespace

int ConfigApply(const ConfigCommand& options) {
  std::ifstream file(options.file, std::ios::binary);
  if (!file) {
    std::cerr << "error: cannot read " << options.file << "\n";
    return kExitRefused;
  }
  std::stringstream content;
  content << file.rdbuf();
  auto configuration = ParseConfiguration(content.str());
  if (!configuration.ok()) {
    std::cerr << "error: " << options.file << ": " << configuration.error().ToString() << "\n";
    return kExitRefused;
  }
  auto database = OpenMigratedDatabase(options.database);
  if (!database) return kExitFailed;
  auto principal = ActingPrincipal(*database, options.user);
  if (!principal) return kExitRefused;
  auto connection = database->Acquire();
  registry::ConfigurationService service(*connection, *principal);
  store::Transaction transaction(*connection);
  auto fail = [&](const std::string& what, const Error& error) {
    std::cerr << "error: " << options.file << ": " << what << ": " << error.ToString()
              << " (nothing was changed)\n";
    return kExitRefused;
  };
  for (const auto& kind : configuration->group_kinds) {
    if (auto s = service.DeclareGroupKind(kind); !s.ok())
      return fail("group kind " + kind.code, s.error());
  }
  for (const auto& role : configuration->roles) {
    if (auto s = service.DeclareRole(role); !s.ok()) return fail("role " + role.code, s.error());
  }
  for (const auto& field : configuration->fields) {
    if (auto s = service.DeclareCustomField(field); !s.ok())
      return fail("custom field " + field.name, s.error());
  }
  transaction.Commit();
  std::cout << "applied " << configuration->group_kinds.size() << " group kind(s), "
            << configuration->roles.size() << " role(s), " << configuration->fields.size()
            << " custom field(s)\n";
  return kExitOk;
}

int ConfigShow(const std::string& database_flag) {
  auto database = OpenMigratedDatabase(database_flag);
  if (!database) return kExitFailed;
  auto connection = database->Acquire();
  registry::ConfigurationService service(*connection, Principal::SystemAs(Actor{"cli", ""}));
  json::object out;
  auto codes = [](const std::vector<Code>& list) {
    json::array array;
    for (const auto& c : list) array.push_back({{"code", c.code}, {"label", c.label}});
    return array;
  };
  out["group_kinds"] = codes(service.GroupKinds());
  out["membership_roles"] = codes(service.Roles());
  json::object fields;
  for (auto kind : {RegistrantKind::kIndividual, RegistrantKind::kGroup}) {
    json::array list;
    for (const auto& f : service.CustomFields(kind)) {
      json::object field{{"name", f.name},
                         {"label", f.label},
                         {"type", registry::CustomFieldTypeName(f.type)},
                         {"required", f.required}};
      if (!f.choices.empty()) {
        json::array choices;
        for (const auto& c : f.choices) choices.emplace_back(c);
        field["choices"] = std::move(choices);
      }
      list.push_back(std::move(field));
    }
    fields[RegistrantKindName(kind)] = std::move(list);
  }
  out["custom_fields"] = std::move(fields);
  std::cout << json::serialize(out) << "\n";
  return kExitOk;
}

}  // namespace spmis::cli
