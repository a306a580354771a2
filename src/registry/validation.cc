#include "registry/validation.h"

#include <set>

#include "core/text.h"

namespace spmis::registry {

std::optional<std::string> NormalizePhone(std::string_view text) {
  std::string digits;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') continue;
    if (c == '+' && digits.empty()) {
      digits += c;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    digits += c;
  }
  size_t count = digits.size() - (digits.starts_with('+') ? 1 : 0);
  if (count < 6 || count > 15) return std::nullopt;
  return digits;
}

bool IsValidEmail(std::string_view text) {
  if (text.size() > 254) return false;
  size_t at = text.find('@');
  if (at == 0 || at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view domain = text.substr(at + 1);
  size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return false;
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= ' ') return false;
  }
  return true;
}

bool IsValidDocumentNumber(std::string_view text) {
  if (text.size() < 3 || text.size() > 40) return false;
  for (char c : text) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              c == '-' || c == '/' || c == ' ';
    if (!ok) return false;
  }
  return text.front() != ' ' && text.back() != ' ';
}

bool IsValidIdentifier(std::string_view text) {
  if (text.empty() || text.size() > 64 || !(text[0] >= 'a' && text[0] <= 'z')) return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

void FieldChecker::Text(const std::string& field, std::string_view value, size_t max, bool required,
                        bool multiline) {
  if (required && Trim(value).empty()) {
    Fail(field, "is required");
    return;
  }
  if (!IsValidUtf8(value)) {
    Fail(field, "is not valid UTF-8 text");
    return;
  }
  if (value.size() > max) {
    Fail(field, "is longer than " + std::to_string(max) + " characters");
    return;
  }
  for (char c : value) {
    bool line_break = c == '\n' || c == '\r';
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && !(multiline && line_break)) {
      Fail(field, "contains control characters");
      return;
    }
  }
}

void FieldChecker::BirthDate(const std::string& field, const std::optional<Date>& value,
                             Date today) {
  if (!value) return;
  if (*value > today) Fail(field, "is in the future (" + value->ToString() + ")");
  if (*value < *Date::FromYmd(1880, 1, 1)) Fail(field, "is before 1880");
}

void FieldChecker::Location(const std::string& field, const std::optional<GeoPoint>& value) {
  if (!value) return;
  if (!(value->latitude >= -90 && value->latitude <= 90)) {
    Fail(field + ".latitude", "must be between -90 and 90");
  }
  if (!(value->longitude >= -180 && value->longitude <= 180)) {
    Fail(field + ".longitude", "must be between -180 and 180");
  }
}

void CheckIndividualFields(Individual& person, Date today, std::vector<FieldError>& errors,
                           bool whole_record) {
  FieldChecker check(errors);
  check.Text("given_name", person.given_name, 200, false);
  check.Text("family_name", person.family_name, 200, false);
  check.Text("other_names", person.other_names, 200, false);
  if (whole_record && Trim(person.given_name).empty() && Trim(person.family_name).empty()) {
    check.Fail("given_name", "a given name or a family name is required");
  }
  check.BirthDate("birth_date", person.birth_date, today);
  if (person.external_id) check.Text("external_id", *person.external_id, 100, true);
  if (person.phone) {
    if (auto phone = NormalizePhone(*person.phone)) {
      person.phone = *phone;
    } else {
      check.Fail("phone",
                 "'" + *person.phone + "' is not a phone number (6 to 15 digits, optional +)");
    }
  }
  if (person.email && !IsValidEmail(*person.email)) {
    check.Fail("email", "'" + *person.email + "' is not an e-mail address");
  }
  if (person.address) check.Text("address", *person.address, 500, false, /*multiline=*/true);
  check.Location("location", person.location);
  std::set<std::string> types_seen;
  for (size_t i = 0; i < person.documents.size(); ++i) {
    auto& document = person.documents[i];
    std::string prefix = "documents[" + std::to_string(i) + "]";
    if (!IsValidIdentifier(document.type)) {
      check.Fail(prefix + ".type", "must be a lower_snake_case document type");
    }
    if (!IsValidDocumentNumber(document.number)) {
      check.Fail(prefix + ".number",
                 "'" + document.number +
                     "' is not a document number (3 to 40 letters, digits, '-' or '/')");
    }
    check.Text(prefix + ".issuer", document.issuer, 200, false);
    if (document.type == kNationalIdType && !types_seen.insert(document.type).second) {
      check.Fail(prefix + ".type", "a person has one national ID");
    }
  }
}

}  // namespace spmis::registry
