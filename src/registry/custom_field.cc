#include "registry/custom_field.h"

#include <boost/json.hpp>
#include <cmath>

#include "core/date.h"
#include "core/text.h"

namespace spmis::registry {

const char* CustomFieldTypeName(CustomFieldType type) {
  switch (type) {
    case CustomFieldType::kInteger:
      return "integer";
    case CustomFieldType::kDecimal:
      return "decimal";
    case CustomFieldType::kBoolean:
      return "boolean";
    case CustomFieldType::kDate:
      return "date";
    case CustomFieldType::kText:
      return "text";
    case CustomFieldType::kChoice:
      return "choice";
  }
  return "text";
}

std::optional<CustomFieldType> ParseCustomFieldType(std::string_view name) {
  for (auto type : {CustomFieldType::kInteger, CustomFieldType::kDecimal, CustomFieldType::kBoolean,
                    CustomFieldType::kDate, CustomFieldType::kText, CustomFieldType::kChoice}) {
    if (name == CustomFieldTypeName(type)) return type;
  }
  return std::nullopt;
}

namespace {

Error TypeError(const CustomField& field, std::string_view got) {
  std::string expected = CustomFieldTypeName(field.type);
  if (field.type == CustomFieldType::kChoice) {
    expected = "one of: " + Join(field.choices, ", ");
  } else if (field.type == CustomFieldType::kDate) {
    expected = "a date (YYYY-MM-DD)";
  } else {
    expected = "a value of type " + expected;
  }
  return Error::Invalid("expected " + expected + ", got '" + std::string(got) + "'");
}

}  // namespace

Result<CustomValue> ParseCustomValue(const CustomField& field, std::string_view raw) {
  std::string_view text = Trim(raw);
  switch (field.type) {
    case CustomFieldType::kInteger:
      if (auto v = ParseInt64(text)) return CustomValue{*v};
      break;
    case CustomFieldType::kDecimal:
      if (auto v = ParseDouble(text)) return CustomValue{*v};
      break;
    case CustomFieldType::kBoolean: {
      std::string lower = ToLowerAscii(text);
      if (lower == "true" || lower == "yes" || lower == "1") return CustomValue{true};
      if (lower == "false" || lower == "no" || lower == "0") return CustomValue{false};
      break;
    }
    case CustomFieldType::kDate:
    case CustomFieldType::kText:
    case CustomFieldType::kChoice:
      return CheckCustomValue(field, CustomValue{std::string(text)});
  }
  return TypeError(field, text);
}

Result<CustomValue> CheckCustomValue(const CustomField& field, const CustomValue& value) {
  switch (field.type) {
    case CustomFieldType::kInteger:
      if (std::holds_alternative<int64_t>(value)) return value;
      break;
    case CustomFieldType::kDecimal:
      if (std::holds_alternative<double>(value)) return value;
      if (auto* i = std::get_if<int64_t>(&value)) return CustomValue{static_cast<double>(*i)};
      break;
    case CustomFieldType::kBoolean:
      if (std::holds_alternative<bool>(value)) return value;
      break;
    case CustomFieldType::kDate:
      if (auto* s = std::get_if<std::string>(&value); s && Date::Parse(*s)) return value;
      break;
    case CustomFieldType::kText:
      if (auto* s = std::get_if<std::string>(&value)) {
        if (s->size() > 2000) return Error::Invalid("longer than 2000 characters");
        return value;
      }
      break;
    case CustomFieldType::kChoice:
      if (auto* s = std::get_if<std::string>(&value)) {
        for (const auto& choice : field.choices) {
          if (choice == *s) return value;
        }
      }
      break;
  }
  return TypeError(field, CustomValueToString(value));
}

Status ValidateCustomValues(const std::vector<CustomField>& declared, CustomValues& values,
                            bool creating, std::vector<FieldError>& errors) {
  size_t before = errors.size();
  for (auto& [name, value] : values) {
    const CustomField* field = nullptr;
    for (const auto& f : declared) {
      if (f.name == name) field = &f;
    }
    if (field == nullptr) {
      errors.push_back({"custom." + name, "is not a declared custom field"});
      continue;
    }
    auto checked = CheckCustomValue(*field, value);
    if (!checked.ok()) {
      errors.push_back({"custom." + name, checked.error().message});
    } else {
      value = std::move(checked).value();
    }
  }
  if (creating) {
    for (const auto& field : declared) {
      if (field.required && !values.contains(field.name)) {
        errors.push_back({"custom." + field.name, "is required"});
      }
    }
  }
  if (errors.size() != before) return Error::Invalid("invalid custom fields");
  return OkStatus();
}

std::string EncodeCustomValues(const CustomValues& values) {
  if (values.empty()) return "{}";
  boost::json::object object;
  for (const auto& [name, value] : values) {
    std::visit([&](const auto& v) { object[name] = v; }, value);
  }
  return boost::json::serialize(object);
}

CustomValues DecodeCustomValues(std::string_view json) {
  CustomValues values;
  if (json.empty()) return values;
  boost::json::error_code ec;
  auto parsed = boost::json::parse(json, ec);
  if (ec || !parsed.is_object()) return values;
  for (const auto& [key, value] : parsed.as_object()) {
    std::string name(key);
    if (value.is_int64()) {
      values[name] = value.as_int64();
    } else if (value.is_uint64()) {
      values[name] = static_cast<int64_t>(value.as_uint64());
    } else if (value.is_double()) {
      values[name] = value.as_double();
    } else if (value.is_bool()) {
      values[name] = value.as_bool();
    } else if (value.is_string()) {
      values[name] = std::string(value.as_string());
    }
  }
  return values;
}

std::string CustomValueToString(const CustomValue& value) {
  if (auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&value)) {
    std::string text = boost::json::serialize(boost::json::value(*d));
    return text;
  }
  if (auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return std::get<std::string>(value);
}

}  // namespace spmis::registry
