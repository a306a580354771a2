// Names of the registry's enumerations and derived properties of its records.
#include "core/registrant_id.h"
#include "registry/group.h"
#include "registry/individual.h"

namespace spmis::registry {

const char* SexName(Sex sex) {
  switch (sex) {
    case Sex::kFemale:
      return "female";
    case Sex::kMale:
      return "male";
    case Sex::kOther:
      return "other";
    case Sex::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::optional<Sex> ParseSex(std::string_view text) {
  for (auto sex : {Sex::kFemale, Sex::kMale, Sex::kOther, Sex::kUnknown}) {
    if (text == SexName(sex)) return sex;
  }
  return std::nullopt;
}

const char* IndividualStatusName(IndividualStatus status) {
  switch (status) {
    case IndividualStatus::kActive:
      return "active";
    case IndividualStatus::kInactive:
      return "inactive";
    case IndividualStatus::kDeceased:
      return "deceased";
  }
  return "active";
}

std::optional<IndividualStatus> ParseIndividualStatus(std::string_view text) {
  for (auto s :
       {IndividualStatus::kActive, IndividualStatus::kInactive, IndividualStatus::kDeceased}) {
    if (text == IndividualStatusName(s)) return s;
  }
  return std::nullopt;
}

const char* GroupStatusName(GroupStatus status) {
  return status == GroupStatus::kActive ? "active" : "inactive";
}

std::optional<GroupStatus> ParseGroupStatus(std::string_view text) {
  if (text == "active") return GroupStatus::kActive;
  if (text == "inactive") return GroupStatus::kInactive;
  return std::nullopt;
}

std::string Individual::registrant_id() const {
  return RegistrantId{RegistrantKind::kIndividual, id}.ToString();
}

std::optional<std::string> Individual::national_id() const {
  for (const auto& document : documents) {
    if (document.type == kNationalIdType) return document.number;
  }
  return std::nullopt;
}

std::string Individual::full_name() const {
  std::string name = given_name;
  for (const std::string* part : {&other_names, &family_name}) {
    if (part->empty()) continue;
    if (!name.empty()) name += ' ';
    name += *part;
  }
  return name;
}

std::string Group::registrant_id() const {
  return RegistrantId{RegistrantKind::kGroup, id}.ToString();
}

}  // namespace spmis::registry
