#include "registry/individual_service.h"

#include <set>

#include "core/registrant_id.h"
#include "registry/area_repository.h"
#include "registry/area_scope.h"
#include "registry/audit_record.h"
#include "registry/configuration_repository.h"
#include "registry/history_repository.h"
#include "registry/validation.h"

namespace spmis::registry {
namespace {

std::string DocumentsText(const std::vector<IdDocument>& documents) {
  std::string text;
  for (const auto& d : documents) {
    if (!text.empty()) text += "; ";
    text += d.type + ":" + d.number;
    if (!d.issuer.empty()) text += " (" + d.issuer + ")";
    if (d.expiry) text += " until " + d.expiry->ToString();
  }
  return text;
}

std::optional<std::string> OptionalText(const std::optional<Date>& date) {
  if (!date) return std::nullopt;
  return date->ToString();
}

std::optional<std::string> LocationText(const std::optional<GeoPoint>& point) {
  if (!point) return std::nullopt;
  return std::to_string(point->latitude) + "," + std::to_string(point->longitude);
}

// One history entry per field whose value differs.
std::vector<HistoryEntry> Diff(const Individual& before, const Individual& after) {
  std::vector<HistoryEntry> changes;
  auto field = [&](const char* name, std::optional<std::string> old_value,
                   std::optional<std::string> new_value) {
    if (old_value == new_value) return;
    HistoryEntry e;
    e.action = "updated";
    e.field = name;
    e.old_value = std::move(old_value);
    e.new_value = std::move(new_value);
    changes.push_back(std::move(e));
  };
  field("external_id", before.external_id, after.external_id);
  field("given_name", before.given_name, after.given_name);
  field("family_name", before.family_name, after.family_name);
  field("other_names", before.other_names, after.other_names);
  field("sex", SexName(before.sex), SexName(after.sex));
  field("birth_date", OptionalText(before.birth_date), OptionalText(after.birth_date));
  field("phone", before.phone, after.phone);
  field("email", before.email, after.email);
  field("address", before.address, after.address);
  field("location", LocationText(before.location), LocationText(after.location));
  field("area_code", before.area_code, after.area_code);
  field("disability", before.disability ? "true" : "false", after.disability ? "true" : "false");
  field("documents", DocumentsText(before.documents), DocumentsText(after.documents));
  field("status", IndividualStatusName(before.status), IndividualStatusName(after.status));
  std::set<std::string> names;
  for (const auto& [k, v] : before.custom) names.insert(k);
  for (const auto& [k, v] : after.custom) names.insert(k);
  for (const auto& name : names) {
    auto old_it = before.custom.find(name);
    auto new_it = after.custom.find(name);
    std::optional<std::string> old_value, new_value;
    if (old_it != before.custom.end()) old_value = CustomValueToString(old_it->second);
    if (new_it != after.custom.end()) new_value = CustomValueToString(new_it->second);
    std::string key = "custom." + name;
    field(key.c_str(), old_value, new_value);
  }
  return changes;
}

Error FromConstraint(const store::DatabaseError& error) {
  std::string what = error.constraint() + " " + error.what();
  if (what.find("national_id") != std::string::npos ||
      what.find("id_documents") != std::string::npos) {
    return Error::Conflict("the national ID is already held by another registrant",
                           {{"documents", "national ID already registered"}});
  }
  if (what.find("external_id") != std::string::npos) {
    return Error::Conflict("the external ID is already used", {{"external_id", "already used"}});
  }
  return Error::Conflict(std::string("refused by the database: ") + error.what());
}

}  // namespace

Status IndividualService::Validate(Individual& person, std::optional<int64_t> existing_id) {
  std::vector<FieldError> errors;
  CheckIndividualFields(person, Date::Today(), errors);

  // The code wins over the id: callers that change an area name it by code.
  AreaRepository areas(db_);
  std::string area_path;
  if (!person.area_code.empty()) {
    auto area = areas.FindByCode(person.area_code);
    if (!area) {
      errors.push_back({"area_code", "no area with code '" + person.area_code + "'"});
    } else {
      person.area_id = area->id;
      area_path = area->path;
    }
  } else if (person.area_id) {
    auto area = areas.FindById(*person.area_id);
    if (!area) {
      errors.push_back({"area_id", "no area with id " + std::to_string(*person.area_id)});
    } else {
      person.area_code = area->code;
      area_path = area->path;
    }
  }
  if (errors.empty() && !principal_.CoversArea(area_path)) {
    return OutsideAreas("you may only register people in your areas");
  }

  ConfigurationRepository configuration(db_);
  (void)ValidateCustomValues(configuration.CustomFields(RegistrantKind::kIndividual), person.custom,
                             true, errors);

  IndividualRepository repository(db_);
  for (size_t i = 0; i < person.documents.size(); ++i) {
    const auto& document = person.documents[i];
    if (document.type != kNationalIdType) continue;
    auto holder = repository.FindIdByNationalId(document.number);
    if (holder && holder != existing_id) {
      errors.push_back({"documents[" + std::to_string(i) + "].number",
                        "national ID " + document.number + " is already held by " +
                            RegistrantId{RegistrantKind::kIndividual, *holder}.ToString()});
    }
  }
  if (person.external_id) {
    auto holder = repository.FindIdByExternalId(*person.external_id);
    if (holder && holder != existing_id) {
      errors.push_back(
          {"external_id", "external ID '" + *person.external_id + "' is already used by " +
                              RegistrantId{RegistrantKind::kIndividual, *holder}.ToString()});
    }
  }
  if (!errors.empty()) {
    bool conflict = false;
    for (const auto& e : errors) {
      if (e.message.find("already") != std::string::npos) conflict = true;
    }
    std::string message = "the individual was not saved: " + std::to_string(errors.size()) +
                          (errors.size() == 1 ? " field is" : " fields are") + " invalid";
    return conflict && errors.size() == 1 ? Error::Conflict(message, std::move(errors))
                                          : Error::Invalid(message, std::move(errors));
  }
  return OkStatus();
}

Result<Individual> IndividualService::Create(Individual person) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kRegistryWrite));
  const Actor actor = principal_.actor();
  try {
    store::Transaction transaction(db_);
    SPMIS_RETURN_IF_ERROR(Validate(person, std::nullopt));
    person.created_at = person.updated_at = Timestamp::Now();
    IndividualRepository(db_).Insert(person);
    HistoryEntry created;
    created.registrant_kind = RegistrantKind::kIndividual;
    created.registrant_id = person.id;
    created.action = "created";
    created.actor = actor.name;
    created.changed_at = person.created_at;
    HistoryRepository(db_).Append(created);
    AuditCreated(db_, actor, person);
    transaction.Commit();
  } catch (const store::DatabaseError& error) {
    if (error.kind() == store::DatabaseError::Kind::kConstraint) return FromConstraint(error);
    throw;
  }
  return Read(person.id);
}

Result<Individual> IndividualService::Update(Individual person, int64_t expected_version) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kRegistryWrite));
  const Actor actor = principal_.actor();
  try {
    store::Transaction transaction(db_);
    IndividualRepository repository(db_);
    auto current = repository.Find(person.id);
    if (!current || !principal_.CoversArea(current->area_path)) {
      return Error::NotFound("no individual " + person.registrant_id());
    }
    if (current->version != expected_version) {
      return Error::Precondition(person.registrant_id() +
                                 " was changed by someone else (now version " +
                                 std::to_string(current->version) + ", yours " +
                                 std::to_string(expected_version) + "): reload and try again");
    }
    SPMIS_RETURN_IF_ERROR(Validate(person, person.id));
    auto changes = Diff(*current, person);
    if (changes.empty()) return *current;
    person.updated_at = Timestamp::Now();
    if (!repository.Update(person, expected_version)) {
      return Error::Precondition(person.registrant_id() + " was changed by someone else");
    }
    HistoryRepository history(db_);
    for (auto& change : changes) {
      change.registrant_kind = RegistrantKind::kIndividual;
      change.registrant_id = person.id;
      change.actor = actor.name;
      change.changed_at = person.updated_at;
      history.Append(change);
    }
    AuditChanged(db_, actor, "update", "individual", person.registrant_id(), changes);
    transaction.Commit();
  } catch (const store::DatabaseError& error) {
    if (error.kind() == store::DatabaseError::Kind::kConstraint) return FromConstraint(error);
    throw;
  }
  return Read(person.id);
}

Result<Individual> IndividualService::Get(int64_t id) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kRegistryRead));
  return Read(id);
}

Result<Individual> IndividualService::Read(int64_t id) {
  auto person = IndividualRepository(db_).Find(id);
  // Outside the principal's areas it is as if there were no such person.
  if (!person || !principal_.CoversArea(person->area_path)) {
    return Error::NotFound("no individual " +
                           RegistrantId{RegistrantKind::kIndividual, id}.ToString());
  }
  return std::move(*person);
}

Result<Individual> IndividualService::GetByRegistrantId(std::string_view registrant_id) {
  auto parsed = RegistrantId::Parse(registrant_id);
  if (!parsed || parsed->kind != RegistrantKind::kIndividual) {
    return Error::NotFound("'" + std::string(registrant_id) +
                           "' is not an individual's registrant ID (IND-NNNNNNNN-C)");
  }
  return Get(parsed->number);
}

Result<Page<Individual>> IndividualService::List(const IndividualQuery& query) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kRegistryRead));
  std::vector<FieldError> errors;
  if (query.limit < 1 || query.limit > 1000) errors.push_back({"limit", "must be from 1 to 1000"});
  if (query.born_from && query.born_to && *query.born_from > *query.born_to) {
    errors.push_back({"birth_date_from", "is after birth_date_to"});
  }
  IndividualListRequest request;
  request.filter.name = query.name;
  request.filter.born_from = query.born_from;
  request.filter.born_to = query.born_to;
  request.filter.status = query.status;
  request.filter.within_paths = principal_.area_paths;
  request.sort = query.sort;
  request.descending = query.descending;
  request.limit = query.limit;
  if (!query.area_code.empty()) {
    auto area = AreaRepository(db_).FindByCode(query.area_code);
    if (!area) {
      errors.push_back({"area", "no area with code '" + query.area_code + "'"});
    } else {
      request.filter.area_path = area->path;
    }
  }
  std::string sort_field =
      std::string(IndividualSortName(query.sort)) + (query.descending ? ":desc" : ":asc");
  if (!query.cursor.empty()) {
    auto position = DecodeCursor(query.cursor);
    if (!position || position->sort_field != sort_field) {
      errors.push_back({"cursor", "is not a cursor of this listing and sort order"});
    } else {
      request.after = ListPosition{position->sort_value, position->id};
    }
  }
  if (!errors.empty()) return Error::Invalid("invalid list request", std::move(errors));

  IndividualRepository repository(db_);
  Page<Individual> page;
  request.limit = query.limit + 1;  // one more tells whether a next page exists
  page.items = repository.List(request);
  if (static_cast<int>(page.items.size()) > query.limit) {
    page.items.pop_back();
    const auto& last = page.items.back();
    page.next =
        EncodeCursor({sort_field, IndividualRepository::SortValue(last, query.sort), last.id});
  }
  page.total = repository.Count(request.filter);
  return page;
}

Result<std::vector<HistoryEntry>> IndividualService::History(int64_t id) {
  SPMIS_RETURN_IF_ERROR(Get(id));
  return HistoryRepository(db_).ForRegistrant(RegistrantKind::kIndividual, id);
}

}  // namespace spmis::registry
