// Parser: CEL source text to an Expr tree, with the standard macros (has, all,
// exists, exists_one, map, filter and their two-variable forms) expanded into
// comprehensions.
//
// The OpenSPP dialect also accepts the rule language of OpenSPP, so rules
// written there run unchanged: `and`/`or`/`not`, `count(x, pred)` and
// `sum(expr, pred)` on a collection, and the short forms
// `members.exists(pred)` / `members.count(pred)` whose loop variable is implied
// (m for members, e for enrollments, ent for entitlements, g for groups).
//
// Errors name the line and column: "1:7: unexpected token ')'".
#pragma once

#include <cstddef>
#include <string_view>

#include "cel/ast.h"
#include "core/result.h"

namespace spmis::cel {

enum class Dialect { kStandard, kOpenSpp };

struct ParseOptions {
  Dialect dialect = Dialect::kStandard;
  // A rule longer or deeper than this is refused rather than risking the stack.
  size_t max_length = 100'000;
  int max_depth = 200;
};

Result<ParsedExpr> Parse(std::string_view source, const ParseOptions& options = {});

// The name the macros give their accumulator; no user identifier can clash.
inline constexpr std::string_view kAccumulatorName = "@result";

}  // namespace spmis::cel
