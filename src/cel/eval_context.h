// EvalContext: what one evaluation needs beyond its bindings: the evaluation
// date (for age functions, explicit so that a decision can be replayed), a cost
// budget that stops runaway comprehensions, and a cache of compiled regular
// expressions. One per thread; reuse it across evaluations.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cel/value.h"

namespace re2 {
class RE2;
}

namespace spmis::cel {

class EvalContext {
 public:
  EvalContext();
  ~EvalContext();
  EvalContext(const EvalContext&) = delete;
  EvalContext& operator=(const EvalContext&) = delete;

  // The day rules are evaluated as of (00:00 UTC); today unless set.
  SecondsNanos as_of{};
  // Iterations and calls an evaluation may spend before it is stopped.
  int64_t cost_limit = 10'000'000;
  int64_t cost = 0;

  // A compiled regular expression, or null (with the error) when it is invalid.
  const re2::RE2* Regex(std::string_view pattern, std::string* error);

 private:
  friend class Program;

  // The state of one comprehension while it loops.
  struct Frame {
    Value range;
    uint32_t index = 0;
    uint32_t size = 0;
    bool is_map = false;
    bool decided = false;  // all() met a false, exists() a true
    bool failed = false;   // error holds the first error met
    Value error;
    int64_t count = 0;
    std::vector<Value> items;  // what filter() and map() collect
  };

  std::vector<Value> stack_;
  std::vector<Value> locals_;
  std::vector<Frame> frames_;
  std::unordered_map<std::string, std::unique_ptr<re2::RE2>> regexes_;
};

}  // namespace spmis::cel
