// Creating and changing individuals over the API: the JSON of a profile
// applied onto a record (every field optional on change), optimistic
// concurrency with ETag / If-Match, and the caller's area scope.
#include <boost/json.hpp>

#include "http/api.h"
#include "http/json_codec.h"
#include "http/problem.h"
#include "registry/individual_service.h"

namespace spmis::http {

namespace {

namespace json = boost::json;

// Applies the fields present in `body` onto `person`, naming each malformed one.
void ApplyFields(const json::object& body, registry::Individual& person,
                 std::vector<FieldError>& errors) {
  // A text field: the setter gets the text, or null for a JSON null.
  auto text = [&](const char* name, auto setter) {
    const auto* v = body.if_contains(name);
    if (v == nullptr) return;
    if (v->is_null()) {
      setter(static_cast<const std::string*>(nullptr));
    } else if (v->is_string()) {
      std::string value(v->as_string());
      setter(&value);
    } else {
      errors.push_back({name, "must be text"});
    }
  };
  auto plain = [](const std::string* v) { return v ? *v : std::string(); };
  auto optional = [](const std::string* v) {
    return v ? std::optional<std::string>(*v) : std::optional<std::string>();
  };
  text("external_id", [&](const std::string* v) { person.external_id = optional(v); });
  text("given_name", [&](const std::string* v) { person.given_name = plain(v); });
  text("family_name", [&](const std::string* v) { person.family_name = plain(v); });
  text("other_names", [&](const std::string* v) { person.other_names = plain(v); });
  text("phone", [&](const std::string* v) { person.phone = optional(v); });
  text("email", [&](const std::string* v) { person.email = optional(v); });
  text("address", [&](const std::string* v) { person.address = optional(v); });
  text("area_code", [&](const std::string* v) {
    person.area_code = plain(v);
    person.area_id.reset();
  });
  text("sex", [&](const std::string* v) {
    auto sex = registry::ParseSex(plain(v));
    if (!sex)
      errors.push_back({"sex", "must be female, male, other or unknown"});
    else
      person.sex = *sex;
  });
  text("status", [&](const std::string* v) {
    auto status = registry::ParseIndividualStatus(plain(v));
    if (!status)
      errors.push_back({"status", "must be active, inactive or deceased"});
    else
      person.status = *status;
  });
  text("birth_date", [&](const std::string* v) {
    if (!v) {
      person.birth_date.reset();
    } else if (auto date = Date::Parse(*v)) {
      person.birth_date = *date;
    } else {
      errors.push_back({"birth_date", "must be a date as YYYY-MM-DD"});
    }
  });
  if (const auto* v = body.if_contains("disability")) {
    if (v->is_bool())
      person.disability = v->as_bool();
    else
      errors.push_back({"disability", "must be true or false"});
  }
  if (const auto* v = body.if_contains("location")) {
    if (v->is_null()) {
      person.location.reset();
    } else if (v->is_object() && v->as_object().contains("latitude") &&
               v->as_object().contains("longitude") && v->as_object().at("latitude").is_number() &&
               v->as_object().at("longitude").is_number()) {
      person.location = registry::GeoPoint{v->as_object().at("latitude").to_number<double>(),
                                           v->as_object().at("longitude").to_number<double>()};
    } else {
      errors.push_back({"location", "must be {\"latitude\": number, \"longitude\": number}"});
    }
  }
  if (const auto* v = body.if_contains("documents")) {
    if (!v->is_array()) {
      errors.push_back({"documents", "must be a list"});
    } else {
      person.documents.clear();
      for (const auto& d : v->as_array()) {
        const auto* o = d.if_object();
        if (!o || !o->contains("type") || !o->contains("number") || !o->at("type").is_string() ||
            !o->at("number").is_string()) {
          errors.push_back({"documents", "each needs a type and a number"});
          break;
        }
        registry::IdDocument doc;
        doc.type = o->at("type").as_string();
        doc.number = o->at("number").as_string();
        if (const auto* issuer = o->if_contains("issuer"); issuer && issuer->is_string()) {
          doc.issuer = issuer->as_string();
        }
        if (const auto* expiry = o->if_contains("expiry"); expiry && expiry->is_string()) {
          doc.expiry = Date::Parse(expiry->as_string());
        }
        person.documents.push_back(std::move(doc));
      }
    }
  }
  if (const auto* v = body.if_contains("custom")) ApplyCustomFields(*v, person.custom, errors);
}

Response Saved(int status, const registry::Individual& person) {
  Response response = JsonResponse(status, ToJson(person));
  response.headers.emplace_back("ETag", "\"" + std::to_string(person.version) + "\"");
  response.headers.emplace_back("Location", "/api/v1/individuals/" + person.registrant_id());
  return response;
}

Response CreateIndividual(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object (an individual)");
  registry::Individual person;
  std::vector<FieldError> errors;
  ApplyFields(*body, person, errors);
  if (!errors.empty()) return Problem(Error::Invalid("the individual was not saved", errors));
  auto created = registry::IndividualService(context.db(), context.principal()).Create(person);
  if (!created.ok()) return Problem(created.error());
  return Saved(201, *created);
}

// If-Match: "<version>" is required, so that nobody overwrites a change they
// have not seen.
Response UpdateIndividual(const Request& request, RequestContext& context) {
  Response refusal;
  auto expected = ExpectedVersion(request, refusal);
  if (!expected) return refusal;
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object (the fields to change)");
  registry::IndividualService service(context.db(), context.principal());
  auto current = service.GetByRegistrantId(request.path_params.at("id"));
  if (!current.ok()) return Problem(current.error());
  registry::Individual person = *current;
  std::vector<FieldError> errors;
  ApplyFields(*body, person, errors);
  if (!errors.empty()) return Problem(Error::Invalid("the individual was not saved", errors));
  auto updated = service.Update(person, *expected);
  if (!updated.ok()) return Problem(updated.error());
  return Saved(200, *updated);
}

}  // namespace

void AddIndividualWriteRoutes(Router& router) {
  auto write = Access::Need(Permission::kRegistryWrite);
  router.Add({"POST", "/api/v1/individuals",
              "Register an individual (the fields of GET /individuals/{id}); 201 with ETag", write,
              CreateIndividual});
  router.Add({"PATCH", "/api/v1/individuals/{id}",
              "Change the fields given; needs If-Match with the ETag read (412 when it changed "
              "since)",
              write, UpdateIndividual});
}

}  // namespace spmis::http
