// Expr: the parsed form of a CEL expression, as the CEL specification defines
// it (constants, identifiers, selections, calls, list and map literals, and
// comprehensions, into which the parser expands the macros). Every node has an
// id, unique within its expression, that the checker's types and `explain`'s
// values are keyed by, and the source offset it came from.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cel/value.h"

namespace spmis::cel {

enum class ExprKind : uint8_t {
  kConstant,
  kIdent,
  kSelect,
  kCall,
  kList,
  kMap,
  kComprehension,
};

// The macro a comprehension came from, so the planner can run it without the
// general machinery (filter(...).size() counts instead of building a list).
enum class MacroKind : uint8_t {
  kNone,
  kAll,
  kExists,
  kExistsOne,
  kMap,
  kMapFilter,
  kFilter,
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct MapEntry {
  ExprPtr key;
  ExprPtr value;
};

struct Expr {
  int64_t id = 0;
  int32_t offset = 0;  // byte offset in the source
  ExprKind kind = ExprKind::kConstant;

  Value constant;                 // kConstant
  std::string name;               // kIdent name, kSelect field, kCall function
  ExprPtr operand;                // kSelect operand, kCall receiver (null for a global call)
  bool test_only = false;         // kSelect made by has()
  std::vector<ExprPtr> args;      // kCall arguments, kList elements
  std::vector<MapEntry> entries;  // kMap

  // kComprehension: for each element of iter_range (a list's elements, a map's
  // keys; with iter_var2, index and element, or key and value), while
  // loop_condition holds, accu_var = loop_step; then the value is result.
  std::string iter_var;
  std::string iter_var2;
  std::string accu_var;
  ExprPtr iter_range;
  ExprPtr accu_init;
  ExprPtr loop_condition;
  ExprPtr loop_step;
  ExprPtr result;
  MacroKind macro = MacroKind::kNone;
};

// The parsed expression with what is needed to point at its parts.
struct ParsedExpr {
  ExprPtr root;
  std::string source;
  int64_t next_id = 1;
  // The line and column (1-based, columns in characters) of a byte offset.
  std::pair<int, int> LineColumn(int32_t offset) const;
};

}  // namespace spmis::cel
