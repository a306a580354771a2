#include "registry/audit_record.h"

#include <boost/json.hpp>

#include "audit/audit_log.h"

namespace spmis::registry {

namespace {

namespace json = boost::json;

json::value Optional(const std::optional<std::string>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object Custom(const CustomValues& values) {
  json::object o;
  for (const auto& [name, value] : values) o[name] = CustomValueToString(value);
  return o;
}

}  // namespace

void AuditCreated(store::Connection& db, const Actor& actor, const Individual& p) {
  json::object after{
      {"external_id", Optional(p.external_id)},
      {"given_name", p.given_name},
      {"family_name", p.family_name},
      {"other_names", p.other_names},
      {"sex", SexName(p.sex)},
      {"birth_date", p.birth_date ? json::value(p.birth_date->ToString()) : json::value(nullptr)},
      {"national_id", Optional(p.national_id())},
      {"phone", Optional(p.phone)},
      {"email", Optional(p.email)},
      {"area_code", p.area_code},
      {"disability", p.disability},
      {"status", IndividualStatusName(p.status)},
      {"custom", Custom(p.custom)}};
  audit::AuditLog(db).Append(actor, "create", "individual", p.registrant_id(), std::nullopt,
                             json::serialize(after));
}

void AuditCreated(store::Connection& db, const Actor& actor, const Group& g) {
  json::object after{{"external_id", Optional(g.external_id)},
                     {"kind", g.kind},
                     {"name", g.name},
                     {"area_code", g.area_code},
                     {"status", GroupStatusName(g.status)},
                     {"custom", Custom(g.custom)}};
  audit::AuditLog(db).Append(actor, "create", "group", g.registrant_id(), std::nullopt,
                             json::serialize(after));
}

void AuditCreated(store::Connection& db, const Actor& actor, const Area& a) {
  json::object after{
      {"code", a.code}, {"name", a.name}, {"level", a.level}, {"parent_code", a.parent_code}};
  audit::AuditLog(db).Append(actor, "create", "area", a.code, std::nullopt, json::serialize(after));
}

void AuditDeclared(store::Connection& db, const Actor& actor, const CustomField& field) {
  json::array choices;
  for (const auto& choice : field.choices) choices.emplace_back(choice);
  json::object after{{"registrant_kind", RegistrantKindName(field.registrant_kind)},
                     {"name", field.name},
                     {"label", field.label},
                     {"type", CustomFieldTypeName(field.type)},
                     {"choices", std::move(choices)},
                     {"required", field.required}};
  audit::AuditLog(db).Append(
      actor, "declare", "custom_field",
      std::string(RegistrantKindName(field.registrant_kind)) + "." + field.name, std::nullopt,
      json::serialize(after));
}

void AuditDeclared(store::Connection& db, const Actor& actor, const std::string& entity_type,
                   const Code& code) {
  json::object after{{"code", code.code}, {"label", code.label}};
  audit::AuditLog(db).Append(actor, "declare", entity_type, code.code, std::nullopt,
                             json::serialize(after));
}

void AuditChanged(store::Connection& db, const Actor& actor, const std::string& action,
                  const std::string& entity_type, const std::string& entity_id,
                  const std::vector<HistoryEntry>& changes) {
  json::object before, after;
  for (const HistoryEntry& change : changes) {
    std::string key = change.field.empty() ? change.action : change.field;
    before[key] = Optional(change.old_value);
    after[key] = Optional(change.new_value);
  }
  audit::AuditLog(db).Append(actor, action, entity_type, entity_id, json::serialize(before),
                             json::serialize(after));
}

}  // namespace spmis::registry
