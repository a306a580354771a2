// Checker: finds, before a rule ever runs, every name that is not declared,
// every function that does not exist, and every call whose argument types fit
// none of the function's overloads, each reported with its line and column in
// words a program officer can act on:
//   "1:14: 'househld_income' is not a known variable (did you mean 'household_income'?)"
// and records what the planner needs: the type of each node, the overload each
// call resolved to, and what each name refers to.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cel/ast.h"
#include "cel/environment.h"
#include "core/result.h"

namespace spmis::cel {

// What an identifier (or a dotted chain of selections) denotes.
struct Reference {
  enum class Kind : uint8_t { kNone, kVariable, kTypeName, kFunction };
  Kind kind = Kind::kNone;
  std::string name;  // the variable, type or function name, dotted when qualified
  Type type;         // kTypeName: the type named
};

struct CheckResult {
  std::vector<Type> types;                 // by expression id
  std::vector<const Overload*> overloads;  // by id: the one overload a call resolved to, or null
  std::vector<Reference> references;       // by id
  Type result_type;
};

Result<CheckResult> Check(const ParsedExpr& parsed, const Environment& environment);

// The built-in type a name denotes ("int", "list", "google.protobuf.Timestamp").
std::optional<Type> BuiltinTypeName(std::string_view name);

// "a.b.c" for an identifier or a chain of field selections on one; nullopt otherwise.
std::optional<std::string> QualifiedName(const Expr& expr);

}  // namespace spmis::cel
