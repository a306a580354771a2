// Environment: what a rule may refer to. Its variables and their types, the
// record types those variables hold (with the type of each field), the
// functions (the standard registry unless told otherwise), the dialect, and
// the limits a rule must stay within.
//
// With no declarations at all and `check` off, a rule is evaluated without the
// type checker, every unknown name being looked up among the bindings when it
// runs (what the CEL conformance tests call disable_check).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cel/functions.h"
#include "cel/parser.h"
#include "cel/type.h"

namespace spmis::cel {

// A record type as the checker and the evaluator see it: its shape (shared by
// the RecordObjects that hold its values, so field lookups go by slot) and the
// type of each field.
struct RecordDeclaration {
  std::shared_ptr<const RecordType> shape;
  std::vector<Type> field_types;  // in the shape's slot order

  const Type* FieldType(std::string_view field) const;
};

class Environment {
 public:
  Environment() = default;

  void DeclareVariable(std::string name, Type type) {
    variables_[std::move(name)] = std::move(type);
  }
  // Declares a record type; fields are name and type spec pairs.
  std::shared_ptr<const RecordType> DeclareRecord(std::string name,
                                                  std::vector<std::pair<std::string, Type>> fields);

  const Type* Variable(std::string_view name) const;
  const RecordDeclaration* Record(std::string_view name) const;
  const std::map<std::string, Type, std::less<>>& variables() const { return variables_; }

  const FunctionRegistry& functions() const { return *functions_; }
  void set_functions(const FunctionRegistry* functions) { functions_ = functions; }

  ParseOptions parse_options;
  bool check = true;
  // The most loop iterations and calls one evaluation may spend.
  int64_t cost_limit = 10'000'000;

 private:
  std::map<std::string, Type, std::less<>> variables_;
  std::map<std::string, RecordDeclaration, std::less<>> records_;
  const FunctionRegistry* functions_ = &FunctionRegistry::Standard();
};

}  // namespace spmis::cel
