// Field rules of the registry, shared by every way data comes in (API, CLI,
// file import): each check appends a FieldError naming the field and the
// reason, so one answer lists everything wrong with a record.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "registry/individual.h"

namespace spmis::registry {

// Collapses spaces, dashes, dots and parentheses; nullopt when what is left is
// not an optional '+' followed by 6 to 15 digits.
std::optional<std::string> NormalizePhone(std::string_view text);
bool IsValidEmail(std::string_view text);
// Letters, digits, '-', '/' and spaces; 3 to 40 characters.
bool IsValidDocumentNumber(std::string_view text);
// lower_snake_case identifiers for codes and custom field names.
bool IsValidIdentifier(std::string_view text);

class FieldChecker {
 public:
  explicit FieldChecker(std::vector<FieldError>& errors) : errors_(errors) {}
  void Fail(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }
  // Text of at most `max` characters, without control characters (line
  // breaks allowed only where `multiline`, as in addresses).
  void Text(const std::string& field, std::string_view value, size_t max, bool required,
            bool multiline = false);
  void BirthDate(const std::string& field, const std::optional<Date>& value, Date today);
  void Location(const std::string& field, const std::optional<GeoPoint>& value);

 private:
  std::vector<FieldError>& errors_;
};

// Checks every field of an individual that needs no database; normalises the
// phone number in place. `whole_record` is false for the partial rows of an
// import that updates only the columns it has (a name is then not required).
void CheckIndividualFields(Individual& individual, Date today, std::vector<FieldError>& errors,
                           bool whole_record = true);

}  // namespace spmis::registry
