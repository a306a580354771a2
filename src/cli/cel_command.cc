// `spmis cel check|eval`: a rule tried out from the command line, with the
// variables given as JSON. Errors go to stderr as "error: LINE:COLUMN: ..."
// (or "error: ..." for one met while evaluating) and exit 1.
#include <boost/json.hpp>
#include <iostream>

#include "cel/program.h"
#include "cli/commands.h"
#include "core/date.h"

namespace spmis::cli {
namespace {

namespace json = boost::json;

cel::Value ToValue(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return cel::Value::Null();
    case json::kind::bool_:
      return cel::Value::Bool(v.get_bool());
    case json::kind::int64:
      return cel::Value::Int(v.get_int64());
    case json::kind::uint64:
      return cel::Value::Double(static_cast<double>(v.get_uint64()));
    case json::kind::double_:
      return cel::Value::Double(v.get_double());
    case json::kind::string:
      return cel::Value::String(std::string(v.get_string()));
    case json::kind::array: {
      std::vector<cel::Value> items;
      for (const json::value& item : v.get_array()) items.push_back(ToValue(item));
      return cel::Value::List(std::move(items));
    }
    case json::kind::object: {
      auto map = std::make_shared<cel::HashMapObject>();
      for (const auto& [key, value] : v.get_object()) {
        map->Insert(cel::Value::String(std::string(key)), ToValue(value));
      }
      return cel::Value::Map(std::move(map));
    }
  }
  return cel::Value::Null();
}

cel::Type TypeOfJson(const json::value& v) {
  switch (v.kind()) {
    case json::kind::bool_:
      return cel::Type::Of(cel::TypeKind::kBool);
    case json::kind::int64:
      return cel::Type::Of(cel::TypeKind::kInt);
    case json::kind::uint64:
    case json::kind::double_:
      return cel::Type::Of(cel::TypeKind::kDouble);
    case json::kind::string:
      return cel::Type::Of(cel::TypeKind::kString);
    case json::kind::array:
      return cel::Type::List(cel::Type::Dyn());
    case json::kind::object:
      return cel::Type::Map(cel::Type::Of(cel::TypeKind::kString), cel::Type::Dyn());
    default:
      return cel::Type::Dyn();
  }
}

int Fail(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return kExitFailed;
}

// Fills the environment from --declare and --vars; false (after saying why) on bad input.
bool Prepare(const CelCommand& options, cel::Environment& env, cel::Activation& activation) {
  if (options.dialect == "openspp") env.parse_options.dialect = cel::Dialect::kOpenSpp;
  if (!options.vars.empty()) {
    boost::system::error_code ec;
    json::value vars = json::parse(options.vars, ec);
    if (ec || !vars.is_object()) {
      Fail("--vars must be a JSON object, like {\"age\": 70}");
      return false;
    }
    for (const auto& [name, value] : vars.get_object()) {
      env.DeclareVariable(std::string(name), TypeOfJson(value));
      activation.Bind(std::string(name), ToValue(value));
    }
  }
  for (const std::string& declaration : options.declarations) {
    size_t colon = declaration.find(':');
    if (colon == std::string::npos || colon == 0) {
      Fail("--declare takes NAME:TYPE, like age:int (got \"" + declaration + "\")");
      return false;
    }
    try {
      env.DeclareVariable(declaration.substr(0, colon),
                          cel::ParseType(declaration.substr(colon + 1)));
    } catch (const std::invalid_argument&) {
      Fail("not a type: \"" + declaration.substr(colon + 1) + "\"");
      return false;
    }
  }
  return true;
}

}  // namespace

int CelCheck(const CelCommand& options) {
  cel::Environment env;
  cel::Activation activation;
  if (!Prepare(options, env, activation)) return kExitFailed;
  auto program = cel::Program::Compile(options.expression, env);
  if (!program.ok()) return Fail(program.error().message);
  std::cout << program->result_type().ToString() << "\n";
  return kExitOk;
}

int CelEval(const CelCommand& options) {
  cel::Environment env;
  cel::Activation activation;
  if (!Prepare(options, env, activation)) return kExitFailed;
  cel::EvalContext context;
  if (!options.as_of.empty()) {
    auto date = Date::Parse(options.as_of);
    if (!date) return Fail("--as-of takes a date as YYYY-MM-DD (got \"" + options.as_of + "\")");
    context.as_of = cel::SecondsNanos{int64_t{date->days_since_epoch()} * 86400, 0};
  }
  auto program = cel::Program::Compile(options.expression, env);
  if (!program.ok()) return Fail(program.error().message);
  cel::Value result = program->Evaluate(activation, context);
  if (result.IsError()) return Fail(result.error_message());
  std::cout << result.DebugString() << "\n";
  return kExitOk;
}

}  // namespace spmis::cli
