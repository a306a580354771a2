#include "http/json_codec.h"

#include <boost/json.hpp>
#include <cmath>

#include "core/registrant_id.h"

namespace spmis::http {
namespace {

using boost::json::object;
using boost::json::value;

template <typename T>
value Optional(const std::optional<T>& v) {
  if (!v) return nullptr;
  return value(*v);
}

value Optional(const std::optional<Date>& v) {
  if (!v) return nullptr;
  return value(v->ToString());
}

value Optional(const std::optional<Timestamp>& v) {
  if (!v) return nullptr;
  return value(v->ToString());
}

value PersonId(std::optional<int64_t> id) {
  if (!id) return nullptr;
  return value(RegistrantId{RegistrantKind::kIndividual, *id}.ToString());
}

value JsonOrNull(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::json::error_code ec;
  auto parsed = boost::json::parse(*text, ec);
  if (ec) return nullptr;
  return parsed;
}

}  // namespace

value ToJson(const registry::CustomValues& values) {
  object custom;
  for (const auto& [name, v] : values) {
    std::visit([&](const auto& x) { custom[name] = x; }, v);
  }
  return custom;
}

value ToJson(const registry::Individual& p) {
  boost::json::array documents;
  for (const auto& d : p.documents) {
    documents.push_back(object{{"type", d.type},
                               {"number", d.number},
                               {"issuer", d.issuer.empty() ? value(nullptr) : value(d.issuer)},
                               {"expiry", Optional(d.expiry)}});
  }
  value location = nullptr;
  if (p.location) {
    location = object{{"latitude", p.location->latitude}, {"longitude", p.location->longitude}};
  }
  return object{{"id", p.registrant_id()},
                {"external_id", Optional(p.external_id)},
                {"given_name", p.given_name},
                {"family_name", p.family_name},
                {"other_names", p.other_names},
                {"full_name", p.full_name()},
                {"sex", registry::SexName(p.sex)},
                {"birth_date", Optional(p.birth_date)},
                {"phone", Optional(p.phone)},
                {"email", Optional(p.email)},
                {"address", Optional(p.address)},
                {"location", location},
                {"area_code", p.area_code.empty() ? value(nullptr) : value(p.area_code)},
                {"disability", p.disability},
                {"documents", documents},
                {"custom", ToJson(p.custom)},
                {"status", registry::IndividualStatusName(p.status)},
                {"version", p.version},
                {"created_at", p.created_at.ToString()},
                {"updated_at", p.updated_at.ToString()}};
}

value ToJson(const registry::Group& g) {
  return object{{"id", g.registrant_id()},
                {"external_id", Optional(g.external_id)},
                {"kind", g.kind},
                {"name", g.name},
                {"area_code", g.area_code.empty() ? value(nullptr) : value(g.area_code)},
                {"head", PersonId(g.head_id)},
                {"custom", ToJson(g.custom)},
                {"status", registry::GroupStatusName(g.status)},
                {"version", g.version},
                {"created_at", g.created_at.ToString()},
                {"updated_at", g.updated_at.ToString()}};
}

value ToJson(const registry::Membership& m) {
  return object{{"membership_id", m.id},
                {"individual", PersonId(m.individual_id)},
                {"name", m.individual_name},
                {"role", m.role},
                {"start_date", Optional(m.start_date)},
                {"end_date", Optional(m.end_date)},
                {"current", m.is_current(Date::Today())}};
}

value ToJson(const registry::Area& a) {
  return object{{"code", a.code},
                {"name", a.name},
                {"level", a.level},
                {"parent_code", a.parent_code.empty() ? value(nullptr) : value(a.parent_code)},
                {"boundary", JsonOrNull(a.boundary_geojson)},
                {"created_at", a.created_at.ToString()},
                {"updated_at", a.updated_at.ToString()}};
}

value ToJson(const registry::HistoryEntry& e) {
  return object{{"action", e.action},
                {"field", e.field.empty() ? value(nullptr) : value(e.field)},
                {"old_value", Optional(e.old_value)},
                {"new_value", Optional(e.new_value)},
                {"actor", e.actor},
                {"changed_at", e.changed_at.ToString()}};
}

value ToJson(const jobs::Job& j) {
  double percent = j.progress_total > 0 ? 100.0 * static_cast<double>(j.progress_done) /
                                              static_cast<double>(j.progress_total)
                                        : (j.state == jobs::JobState::kSucceeded ? 100.0 : 0.0);
  return object{{"id", j.id},
                {"kind", j.kind},
                {"parameters", JsonOrNull(j.parameters)},
                {"state", jobs::JobStateName(j.state)},
                {"progress", object{{"done", j.progress_done},
                                    {"total", j.progress_total},
                                    {"percent", std::round(percent * 10) / 10}}},
                {"created_by", j.created_by},
                {"created_at", j.created_at.ToString()},
                {"started_at", Optional(j.started_at)},
                {"finished_at", Optional(j.finished_at)},
                {"attempts", j.attempts},
                {"cancel_requested", j.cancel_requested},
                {"result", JsonOrNull(j.result)},
                {"error", Optional(j.error)}};
}

value ToJson(const importer::ImportRecord& r) {
  value errors_url = nullptr;
  if (r.has_error_report) errors_url = value("/api/v1/imports/" + std::to_string(r.id) + "/errors");
  return object{{"id", r.id},
                {"kind", importer::ImportKindName(r.kind)},
                {"file_name", r.file_name},
                {"checksum_sha256", r.checksum},
                {"format", r.format.empty() ? value(nullptr) : value(r.format)},
                {"state", importer::ImportStateName(r.state)},
                {"counts", object{{"read", r.counts.read},
                                  {"created", r.counts.created},
                                  {"updated", r.counts.updated},
                                  {"unchanged", r.counts.unchanged},
                                  {"failed", r.counts.failed}}},
                {"message", Optional(r.message)},
                {"errors_url", errors_url},
                {"job_id", Optional(r.job_id)},
                {"created_by", r.created_by},
                {"started_at", r.started_at.ToString()},
                {"finished_at", Optional(r.finished_at)}};
}

}  // namespace spmis::http
