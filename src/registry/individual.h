// Individual: one person in the registry, with identity documents, contact
// details, location, custom fields and a lifecycle status. Persons are never
// deleted; they become inactive or deceased, and every change is kept in the
// registrant history.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "registry/custom_field.h"

namespace spmis::registry {

enum class Sex { kFemale, kMale, kOther, kUnknown };
const char* SexName(Sex sex);
std::optional<Sex> ParseSex(std::string_view text);

enum class IndividualStatus { kActive, kInactive, kDeceased };
const char* IndividualStatusName(IndividualStatus status);
std::optional<IndividualStatus> ParseIndividualStatus(std::string_view text);

inline constexpr std::string_view kNationalIdType = "national_id";

struct IdDocument {
  std::string type;  // "national_id", "passport", "birth_certificate", ...
  std::string number;
  std::string issuer;
  std::optional<Date> expiry;
  bool operator==(const IdDocument&) const = default;
};

struct GeoPoint {
  double latitude = 0;
  double longitude = 0;
  bool operator==(const GeoPoint&) const = default;
};

struct Individual {
  int64_t id = 0;                          // 0 until created
  std::optional<std::string> external_id;  // the id in the system it came from
  std::string given_name;
  std::string family_name;
  std::string other_names;
  Sex sex = Sex::kUnknown;
  std::optional<Date> birth_date;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::optional<std::string> address;
  std::optional<GeoPoint> location;
  std::optional<int64_t> area_id;
  std::string area_code;  // filled on read; accepted on write when area_id is empty
  std::string area_path;  // filled on read: the area's materialised path, for scopes
  bool disability = false;
  std::vector<IdDocument> documents;
  CustomValues custom;
  IndividualStatus status = IndividualStatus::kActive;
  int64_t version = 0;  // increases by one with every update
  Timestamp created_at;
  Timestamp updated_at;

  std::string registrant_id() const;  // "IND-00000042-4"
  std::optional<std::string> national_id() const;
  std::string full_name() const;
};

}  // namespace spmis::registry
