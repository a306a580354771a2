// Individuals from a file: every field checked as IndividualService checks it
// (the same validation functions), national IDs unique within the file and
// against the registry, rows matched by external ID, then by national ID.
// New people are written in bulk (COPY on PostgreSQL) with ids reserved up
// front; people already registered are updated through IndividualService,
// so their changes get history like any edit.
#include <unordered_map>

#include "core/registrant_id.h"
#include "core/text.h"
#include "importer/field_parsing.h"
#include "importer/importer.h"
#include "importer/recent_keys.h"
#include "importer/row_processor.h"
#include "registry/configuration_repository.h"
#include "registry/individual_repository.h"
#include "registry/individual_service.h"
#include "registry/validation.h"
#include "store/bulk_support.h"

namespace spmis::importer {
namespace {

using registry::Individual;

enum Field {
  kExternalId,
  kGivenName,
  kFamilyName,
  kOtherNames,
  kSex,
  kBirthDate,
  kAreaCode,
  kNationalId,
  kPhone,
  kEmail,
  kAddress,
  kLatitude,
  kLongitude,
  kDisability,
  kStatus,
  kCoreFieldCount
};

const std::vector<std::string> kCoreFields = {
    "external_id", "given_name", "family_name", "other_names", "sex",
    "birth_date",  "area_code",  "national_id", "phone",       "email",
    "address",     "latitude",   "longitude",   "disability",  "status"};

std::string PersonId(int64_t id) {
  return RegistrantId{RegistrantKind::kIndividual, id}.ToString();
}

const char* const kByExternalId =
    "SELECT external_id, id, import_id FROM individuals WHERE external_id";
const char* const kByNationalId =
    "SELECT d.number, d.individual_id, i.import_id FROM id_documents d "
    "JOIN individuals i ON i.id = d.individual_id WHERE d.type = 'national_id' AND d.number";

class IndividualRows final : public RowProcessor {
 public:
  IndividualRows(store::Connection& connection, store::Connection& lookups, int64_t import_id,
                 Principal principal)
      : db_(connection),
        lookups_(lookups),
        import_id_(import_id),
        principal_(std::move(principal)),
        areas_(connection, principal_) {
    fields_ = kCoreFields;
    custom_ = registry::ConfigurationRepository(db_).CustomFields(RegistrantKind::kIndividual);
    for (const auto& field : custom_) fields_.push_back(field.name);
    today_ = Date::Today();
  }

  std::vector<std::string> suspendable_indexes() const override {
    return {
        "individuals_family_name",
        "individuals_birth_date",
        "individuals_area",
    };
  }
  std::string table() const override { return "individuals"; }
  std::vector<std::string> written_tables() const override {
    return {"individuals", "id_documents"};
  }

  const std::vector<std::string>& fields() const override { return fields_; }
  std::vector<std::vector<std::string>> required() const override {
    return {{"given_name", "family_name"}};
  }

  void Prepare(RowBatch& batch) override {
    // Repeats within this batch are caught here; repeats of a row of an
    // earlier batch are found in the database (created by this import), so
    // memory stays the same whatever the file size.
    batch_external_.clear();
    batch_national_.clear();
    PrepareCandidates<Candidate>(batch, [this](ImportRow& row) { return Parse(row); });
    auto& candidates = PreparedCandidates<Candidate>(batch);
    Match(lookups_, candidates, [](const Candidate&) { return true; });
  }

  void Write(RowBatch& batch) override {
    auto& candidates = PreparedCandidates<Candidate>(batch);
    // Keys this import may have written since Prepare looked them up are
    // looked up again, here, where this import's writes are seen.
    recent_external_.Forget(batch.commits_seen);
    recent_national_.Forget(batch.commits_seen);
    Match(db_, candidates, [&](const Candidate& c) {
      auto nid = c.person.national_id();
      return (c.person.external_id &&
              recent_external_.MayHold(*c.person.external_id, batch.commits_seen)) ||
             (nid && recent_national_.MayHold(*nid, batch.commits_seen));
    });

    std::vector<Candidate*> creates;
    for (auto& c : candidates) {
      if (c.row->failed()) continue;
      std::optional<int64_t> external_match, national_match;
      if (c.external_match) {
        if (c.external_match->tag == import_id_) {
          c.row->Fail("external_id: external ID " + *c.person.external_id +
                      " is repeated in this file (an earlier row has it)");
          continue;
        }
        external_match = c.external_match->id;
      }
      if (c.national_match) {
        if (c.national_match->tag == import_id_) {
          c.row->Fail("national_id: national ID " + *c.person.national_id() +
                      " is repeated in this file (an earlier row has it)");
          continue;
        }
        national_match = c.national_match->id;
      }
      if (external_match && national_match && *external_match != *national_match) {
        c.row->Fail("national ID " + *c.person.national_id() + " is already held by " +
                    PersonId(*national_match) + ", but external ID " + *c.person.external_id +
                    " is " + PersonId(*external_match));
        continue;
      }
      if (external_match || national_match) {
        Update(c, external_match ? *external_match : *national_match);
      } else {
        creates.push_back(&c);
      }
    }
    Create(creates);
  }

  void Committed() override {
    recent_external_.Committed();
    recent_national_.Committed();
  }

 private:
  struct Candidate {
    ImportRow* row;
    Individual person;
    std::vector<bool> present;  // per field index: the row gives a value
    // Who holds the row's external and national ID in the registry.
    std::optional<store::KeyMatch> external_match;
    std::optional<store::KeyMatch> national_match;
  };

  // Looks up, on `connection`, the keys of the candidates `which` selects and
  // sets their matches.
  template <typename Which>
  void Match(store::Connection& connection, std::vector<Candidate>& candidates, Which which) {
    std::vector<std::string> external_ids, national_ids;
    for (const auto& c : candidates) {
      if (c.row->failed() || !which(c)) continue;
      if (c.person.external_id) external_ids.push_back(*c.person.external_id);
      if (auto nid = c.person.national_id()) national_ids.push_back(*nid);
    }
    if (external_ids.empty() && national_ids.empty()) return;
    auto by_external = store::LookupKeys(connection, kByExternalId, external_ids);
    auto by_national = store::LookupKeys(connection, kByNationalId, national_ids);
    for (auto& c : candidates) {
      if (c.row->failed() || !which(c)) continue;
      c.external_match.reset();
      c.national_match.reset();
      if (c.person.external_id) {
        if (auto it = by_external.find(*c.person.external_id); it != by_external.end())
          c.external_match = it->second;
      }
      if (auto nid = c.person.national_id()) {
        if (auto it = by_national.find(*nid); it != by_national.end())
          c.national_match = it->second;
      }
    }
  }

  void Remember(const Individual& person) {
    if (person.external_id) recent_external_.Add(*person.external_id);
    if (auto nid = person.national_id()) recent_national_.Add(*nid);
  }

  Candidate Parse(ImportRow& row) {
    Candidate c{&row, {}, std::vector<bool>(fields_.size(), false), {}, {}};
    Individual& p = c.person;
    std::vector<FieldError> errors;
    auto value = [&](int index) {
      auto v = row.Value(index);
      if (v) c.present[static_cast<size_t>(index)] = true;
      return v;
    };
    p.external_id = value(kExternalId);
    p.given_name = value(kGivenName).value_or("");
    p.family_name = value(kFamilyName).value_or("");
    p.other_names = value(kOtherNames).value_or("");
    if (auto sex = value(kSex)) {
      if (auto parsed = ParseSexCell(*sex)) {
        p.sex = *parsed;
      } else {
        errors.push_back({"sex", "'" + *sex + "' is not female, male, other or unknown"});
      }
    }
    if (auto birth = value(kBirthDate)) {
      p.birth_date = Date::Parse(*birth);
      if (!p.birth_date)
        errors.push_back({"birth_date", "'" + *birth + "' is not a date (YYYY-MM-DD)"});
    }
    if (auto area = value(kAreaCode)) {
      p.area_code = *area;
      auto id = areas_.Resolve(*area);
      if (id.ok()) {
        p.area_id = *id;
      } else {
        errors.push_back({"area_code", id.error().message});
      }
    } else if (!areas_.AllowsNoArea()) {
      errors.push_back({"area_code", "is required: you may only register people in your areas"});
    }
    if (auto nid = value(kNationalId))
      p.documents.push_back({"national_id", *nid, "", std::nullopt});
    p.phone = value(kPhone);
    p.email = value(kEmail);
    p.address = value(kAddress);
    auto lat = value(kLatitude);
    auto lon = value(kLongitude);
    if (lat || lon) {
      auto la = lat ? ParseDouble(*lat) : std::nullopt;
      auto lo = lon ? ParseDouble(*lon) : std::nullopt;
      if (!la || !lo) {
        errors.push_back({"latitude", "a GPS point needs a numeric latitude and longitude"});
      } else {
        p.location = registry::GeoPoint{*la, *lo};
      }
    }
    if (auto disability = value(kDisability)) {
      if (auto parsed = ParseBoolCell(*disability)) {
        p.disability = *parsed;
      } else {
        errors.push_back({"disability", "'" + *disability + "' is not yes or no"});
      }
    }
    if (auto status = value(kStatus)) {
      auto parsed = registry::ParseIndividualStatus(ToLowerAscii(*status));
      if (parsed) {
        p.status = *parsed;
      } else {
        errors.push_back({"status", "'" + *status + "' is not active, inactive or deceased"});
      }
    }
    ParseCustomCells(
        custom_, [&](size_t i) { return value(static_cast<int>(kCoreFieldCount + i)); }, p.custom,
        errors);
    registry::CheckIndividualFields(p, today_, errors, /*whole_record=*/false);
    (void)registry::ValidateCustomValues(custom_, p.custom, false, errors);
    if (p.external_id) {
      auto [it, inserted] = batch_external_.emplace(*p.external_id, row.number);
      if (!inserted) {
        errors.push_back({"external_id", "external ID " + *p.external_id +
                                             " is repeated in this file (first at row " +
                                             std::to_string(it->second) + ")"});
      }
    }
    if (auto nid = p.national_id()) {
      auto [it, inserted] = batch_national_.emplace(*nid, row.number);
      if (!inserted) {
        errors.push_back({"national_id", "national ID " + *nid +
                                             " is repeated in this file (first at row " +
                                             std::to_string(it->second) + ")"});
      }
    }
    for (const auto& e : errors) row.Fail(e.field + ": " + e.message);
    return c;
  }

  void Update(Candidate& c, int64_t id) {
    registry::IndividualService service(db_, principal_);
    auto current = service.Get(id);
    if (!current.ok()) {
      c.row->Fail(current.error().ToString());
      return;
    }
    Individual merged = *current;
    const Individual& p = c.person;
    auto given = [&](Field f) { return c.present[static_cast<size_t>(f)]; };
    if (given(kExternalId)) {
      if (merged.external_id && *merged.external_id != *p.external_id) {
        c.row->Fail("national ID " + *p.national_id() + " is already held by " + PersonId(id) +
                    " (external ID " + *merged.external_id + ")");
        return;
      }
      merged.external_id = p.external_id;
    }
    if (given(kGivenName)) merged.given_name = p.given_name;
    if (given(kFamilyName)) merged.family_name = p.family_name;
    if (given(kOtherNames)) merged.other_names = p.other_names;
    if (given(kSex)) merged.sex = p.sex;
    if (given(kBirthDate)) merged.birth_date = p.birth_date;
    if (given(kAreaCode)) {
      merged.area_code = p.area_code;
      merged.area_id = p.area_id;
    }
    if (given(kNationalId)) {
      bool replaced = false;
      for (auto& document : merged.documents) {
        if (document.type == registry::kNationalIdType) {
          document.number = *p.national_id();
          replaced = true;
        }
      }
      if (!replaced) merged.documents.push_back(p.documents.front());
    }
    if (given(kPhone)) merged.phone = p.phone;
    if (given(kEmail)) merged.email = p.email;
    if (given(kAddress)) merged.address = p.address;
    if (given(kLatitude) || given(kLongitude)) merged.location = p.location;
    if (given(kDisability)) merged.disability = p.disability;
    if (given(kStatus)) merged.status = p.status;
    for (const auto& [name, value] : p.custom) merged.custom[name] = value;
    int64_t version = merged.version;
    auto updated = service.Update(merged, version);
    if (!updated.ok()) {
      c.row->Fail(updated.error());
      return;
    }
    Remember(*current);  // the keys it held until now too: a later look-up of them is stale
    Remember(merged);
    c.row->outcome =
        updated->version == version ? ImportRow::Outcome::kUnchanged : ImportRow::Outcome::kUpdated;
  }

  void Create(const std::vector<Candidate*>& creates) {
    if (creates.empty()) return;
    // A name and the required custom fields are checked for new people only.
    for (auto* c : creates) {
      std::vector<FieldError> errors;
      if (c->person.given_name.empty() && c->person.family_name.empty()) {
        errors.push_back({"given_name", "a given name or a family name is required"});
      }
      (void)registry::ValidateCustomValues(custom_, c->person.custom, true, errors);
      for (const auto& e : errors) c->row->Fail(e.field + ": " + e.message);
    }
    std::vector<Candidate*> valid;
    for (auto* c : creates) {
      if (!c->row->failed()) valid.push_back(c);
    }
    if (valid.empty()) return;
    auto ids = store::ReserveIds(db_, "individuals", static_cast<int64_t>(valid.size()));
    Timestamp now = Timestamp::Now();
    const std::string now_text = now.ToString();
    {
      auto people = db_.BulkInsert(
          "individuals",
          {"id",         "external_id", "given_name", "family_name", "other_names", "search_name",
           "sex",        "birth_date",  "phone",      "email",       "address",     "latitude",
           "longitude",  "area_id",     "disability", "custom",      "status",      "version",
           "created_at", "updated_at",  "import_id"});
      for (size_t i = 0; i < valid.size(); ++i) {
        Individual& p = valid[i]->person;
        p.id = ids[i];
        people->Add(p.id);
        people->Add(p.external_id);
        people->Add(p.given_name);
        people->Add(p.family_name);
        people->Add(p.other_names);
        people->Add(registry::SearchName(p));
        people->Add(registry::SexName(p.sex));
        people->Add(p.birth_date);
        people->Add(p.phone);
        people->Add(p.email);
        people->Add(p.address);
        if (p.location) {
          people->Add(p.location->latitude);
          people->Add(p.location->longitude);
        } else {
          people->AddNull();
          people->AddNull();
        }
        people->Add(p.area_id);
        people->Add(p.disability);
        people->Add(registry::EncodeCustomValues(p.custom));
        people->Add(registry::IndividualStatusName(p.status));
        people->Add(int64_t{1});
        people->Add(now_text);
        people->Add(now_text);
        people->Add(import_id_);
        people->EndRow();
      }
      people->Finish();
    }
    {
      auto documents = db_.BulkInsert("id_documents", {"individual_id", "type", "number"});
      for (auto* c : valid) {
        for (const auto& d : c->person.documents) {
          documents->Add(c->person.id);
          documents->Add(d.type);
          documents->Add(d.number);
          documents->EndRow();
        }
      }
      documents->Finish();
    }
    for (auto* c : valid) {
      c->row->outcome = ImportRow::Outcome::kCreated;
      Remember(c->person);
    }
  }

  store::Connection& db_;
  store::Connection& lookups_;
  int64_t import_id_;
  Principal principal_;
  AreaCodes areas_;
  std::vector<registry::CustomField> custom_;
  std::vector<std::string> fields_;
  Date today_;
  std::unordered_map<std::string, int64_t> batch_external_;  // key -> row number
  std::unordered_map<std::string, int64_t> batch_national_;
  RecentKeys recent_external_{kSqliteCommitRows};
  RecentKeys recent_national_{kSqliteCommitRows};
};

}  // namespace

std::unique_ptr<RowProcessor> MakeIndividualRowProcessor(store::Connection& connection,
                                                         store::Connection& lookups,
                                                         int64_t import_id,
                                                         const Principal& principal) {
  return std::make_unique<IndividualRows>(connection, lookups, import_id, principal);
}

}  // namespace spmis::importer
