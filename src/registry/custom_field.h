// Custom fields: registrant attributes a program needs that the core schema
// does not have (income, land size, school grade, ...). They are declared in
// configuration per registrant kind, with a type, and every write is checked
// against the declaration. Values are stored as one JSON object per
// registrant, typed, so rules read numbers as numbers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/registrant_id.h"
#include "core/result.h"

namespace spmis::registry {

enum class CustomFieldType { kInteger, kDecimal, kBoolean, kDate, kText, kChoice };

const char* CustomFieldTypeName(CustomFieldType type);
std::optional<CustomFieldType> ParseCustomFieldType(std::string_view name);

struct CustomField {
  RegistrantKind registrant_kind = RegistrantKind::kIndividual;
  std::string name;   // lower_snake_case, as used in files and rules
  std::string label;  // for people
  CustomFieldType type = CustomFieldType::kText;
  std::vector<std::string> choices;  // for kChoice
  bool required = false;
};

// A typed value: integer, decimal, boolean, or text (dates and choices are
// text in their canonical form).
using CustomValue = std::variant<int64_t, double, bool, std::string>;
using CustomValues = std::map<std::string, CustomValue>;

// Parses a value given as text (a CSV cell) by the field's type.
Result<CustomValue> ParseCustomValue(const CustomField& field, std::string_view text);
// Checks a typed value (from JSON) against the field's type, normalising it
// (an integer given for a decimal becomes a decimal).
Result<CustomValue> CheckCustomValue(const CustomField& field, const CustomValue& value);
// Checks every value against the declarations of one registrant kind; on
// create, required fields must be present. Field errors are named
// "custom.<name>".
Status ValidateCustomValues(const std::vector<CustomField>& declared, CustomValues& values,
                            bool creating, std::vector<FieldError>& errors);

// Storage form: a JSON object.
std::string EncodeCustomValues(const CustomValues& values);
CustomValues DecodeCustomValues(std::string_view json);
// A value as text, for history entries and CSV.
std::string CustomValueToString(const CustomValue& value);

}  // namespace spmis::registry
