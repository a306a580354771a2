#include "programs/logic_pack_repository.h"

#include <boost/json.hpp>

namespace spmis::programs {
namespace {

namespace json = boost::json;

std::string ConstantJson(const cel::Value& value) {
  switch (value.kind()) {
    case cel::ValueKind::kBool:
      return value.bool_value() ? "true" : "false";
    case cel::ValueKind::kInt:
      return std::to_string(value.int_value());
    case cel::ValueKind::kDouble:
      return json::serialize(json::value(value.double_value()));
    default:
      return json::serialize(json::value(std::string(value.text())));
  }
}

Result<cel::Value> ConstantValue(const json::value& v) {
  if (v.is_bool()) return cel::Value::Bool(v.as_bool());
  if (v.is_int64()) return cel::Value::Int(v.as_int64());
  if (v.is_uint64()) return cel::Value::Int(static_cast<int64_t>(v.as_uint64()));
  if (v.is_double()) return cel::Value::Double(v.as_double());
  if (v.is_string()) return cel::Value::String(std::string(v.as_string()));
  return Error::Invalid("a constant must be a number, text or true/false");
}

}  // namespace

rules::LogicPack LogicPackRepository::Load() {
  auto query =
      db_.Prepare("SELECT name, constant_json, expression FROM logic_pack ORDER BY position");
  rules::LogicPack pack;
  while (query->Step()) {
    std::string name(query->Text(0));
    if (auto constant = query->OptionalText(1)) {
      boost::system::error_code ec;
      auto parsed = json::parse(*constant, ec);
      if (ec) continue;
      auto value = ConstantValue(parsed);
      if (value.ok()) pack.constants.emplace_back(std::move(name), std::move(value).value());
    } else {
      pack.expressions.emplace_back(std::move(name), query->OptionalText(2).value_or(""));
    }
  }
  return pack;
}

void LogicPackRepository::Replace(const rules::LogicPack& pack) {
  db_.Prepare("DELETE FROM logic_pack")->Execute();
  auto insert = db_.Prepare(
      "INSERT INTO logic_pack (position, name, constant_json, expression) VALUES ($1, $2, $3, $4)");
  int64_t position = 0;
  for (const auto& [name, value] : pack.constants) {
    insert->Bind(1, ++position)
        .Bind(2, name)
        .Bind(3, ConstantJson(value))
        .Bind(4, std::optional<std::string>())
        .Execute();
    insert->Reset();
  }
  for (const auto& [name, expression] : pack.expressions) {
    insert->Bind(1, ++position)
        .Bind(2, name)
        .Bind(3, std::optional<std::string>())
        .Bind(4, expression)
        .Execute();
    insert->Reset();
  }
}

Result<rules::LogicPack> ParseLogicPack(std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return Error::Invalid("the Logic Pack must be a JSON object");
  rules::LogicPack pack;
  const json::object& root = parsed.as_object();
  if (const auto* constants = root.if_contains("constants")) {
    if (!constants->is_object()) return Error::Invalid("'constants' must be an object");
    for (const auto& [name, value] : constants->as_object()) {
      auto constant = ConstantValue(value);
      if (!constant.ok()) {
        return Error::Invalid("constant '" + std::string(name) + "': " + constant.error().message);
      }
      pack.constants.emplace_back(std::string(name), std::move(constant).value());
    }
  }
  if (const auto* list = root.if_contains("rules")) {
    if (!list->is_array()) return Error::Invalid("'rules' must be a list");
    for (const auto& item : list->as_array()) {
      const auto* name = item.is_object() ? item.as_object().if_contains("name") : nullptr;
      const auto* expression =
          item.is_object() ? item.as_object().if_contains("expression") : nullptr;
      if (!name || !name->is_string() || !expression || !expression->is_string()) {
        return Error::Invalid("each rule needs a \"name\" and an \"expression\"");
      }
      pack.expressions.emplace_back(std::string(name->as_string()),
                                    std::string(expression->as_string()));
    }
  }
  return pack;
}

}  // namespace spmis::programs
