// FunctionRegistry: the functions a rule may call, each with its typed
// overloads. The checker picks overloads by their declared types; the
// evaluator runs the one the checker picked, or, for a dyn argument, the first
// whose declared types match the values.
//
// The standard registry holds the CEL standard library, the `strings` and
// `math` extensions, and the OpenSPP dialect's functions (age_years, between,
// ...). It is built once and shared, read-only, by every program.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cel/type.h"
#include "cel/value.h"

namespace spmis::cel {

class EvalContext;

// An overload's implementation. args holds the receiver first, then the
// arguments; none is an error value (errors are propagated before the call).
using FunctionImpl = Value (*)(const Value* args, EvalContext& context);

struct Overload {
  std::string id;  // "add_int64", as the CEL specification names them
  bool receiver = false;
  std::vector<Type> args;  // the receiver first
  Type result;
  FunctionImpl impl = nullptr;
  bool generic = false;  // some argument type is a type parameter

  bool MatchesValues(const Value* values) const;
};

class FunctionRegistry {
 public:
  // Adds an overload: args and result are type specs ("int", "list(A)").
  void Add(std::string_view name, std::string_view id, bool receiver,
           const std::vector<std::string_view>& args, std::string_view result, FunctionImpl impl);

  const std::vector<Overload>* Find(std::string_view name) const;
  bool Has(std::string_view name) const { return Find(name) != nullptr; }

  // The first overload of `name` whose declared kinds fit the values.
  const Overload* Dispatch(std::string_view name, bool receiver, const Value* args,
                           size_t count) const;

  static const FunctionRegistry& Standard();

 private:
  std::unordered_map<std::string, std::vector<Overload>> functions_;
};

// Registration of the parts of the standard registry, one file each.
void RegisterCoreFunctions(FunctionRegistry& registry);
void RegisterTimeFunctions(FunctionRegistry& registry);
void RegisterStringFunctions(FunctionRegistry& registry);
void RegisterMathFunctions(FunctionRegistry& registry);
void RegisterRuleFunctions(FunctionRegistry& registry);

}  // namespace spmis::cel
