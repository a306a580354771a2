// Program: a rule compiled once (parsed, checked, planned into a flat list of
// steps) and evaluated many times, from any number of threads at once (each
// with its own EvalContext).
//
//   Environment env;  env.DeclareVariable("age", Type::Of(TypeKind::kInt));
//   auto program = Program::Compile("age >= 65", env);
//   Activation a;  a.Bind("age", Value::Int(70));
//   EvalContext context;
//   Value v = program->Evaluate(a, context);   // true
//
// Evaluation never throws and never crashes on a bad value: a failure (a
// missing key, an overflow, no overload for the values) is an error Value,
// which `&&` and `||` may still absorb, as CEL specifies.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cel/ast.h"
#include "cel/checker.h"
#include "cel/environment.h"
#include "cel/eval_context.h"
#include "cel/value.h"
#include "core/result.h"

namespace spmis::cel {

// Variables by name, for evaluations where speed matters less than ease.
class Activation {
 public:
  void Bind(std::string name, Value value) { values_[std::move(name)] = std::move(value); }
  const Value* Find(std::string_view name) const {
    auto found = values_.find(name);
    return found == values_.end() ? nullptr : &found->second;
  }

 private:
  std::map<std::string, Value, std::less<>> values_;
};

struct Step;

class Program {
 public:
  static Result<Program> Compile(std::string_view source, const Environment& environment);

  Program(Program&&) noexcept;
  Program& operator=(Program&&) noexcept;
  ~Program();

  // The variables the rule reads, in the order Evaluate(span) takes them.
  const std::vector<std::string>& variables() const { return variables_; }
  // The checked type of the result (dyn when the checker was off).
  const Type& result_type() const { return result_type_; }
  const ParsedExpr& parsed() const { return parsed_; }

  // variables[i] is the value of variables()[i]; it must hold all of them.
  Value Evaluate(std::span<const Value> variables, EvalContext& context) const;
  Value Evaluate(const Activation& activation, EvalContext& context) const;

  // Evaluates and records the value of every sub-expression as it is
  // computed, by expression id, in evaluation order (a node inside a loop
  // once per iteration), for `explain`. The last pair is the result.
  std::vector<std::pair<int64_t, Value>> Explain(const Activation& activation,
                                                 EvalContext& context) const;

 private:
  Program();
  friend class Planner;

  Value Run(const std::vector<Step>& steps, std::span<const Value> variables, EvalContext& context,
            std::vector<std::pair<int64_t, Value>>* trace) const;
  std::vector<Value> BindVariables(const Activation& activation) const;

  ParsedExpr parsed_;
  std::vector<std::string> variables_;
  Type result_type_;
  const FunctionRegistry* functions_ = nullptr;

  std::vector<Step> steps_;
  std::vector<Step> explain_steps_;  // the same plan, recording each node's value
  std::vector<Value> constants_;
  std::vector<std::string> names_;  // field names, function names
  uint32_t local_count_ = 0;
  uint32_t frame_count_ = 0;
  int64_t cost_limit_ = 0;
};

}  // namespace spmis::cel
