#include "cel/eval_context.h"

#include <re2/re2.h>

#include <chrono>

namespace spmis::cel {

EvalContext::EvalContext() {
  // Today (UTC) unless the caller says otherwise.
  auto now = std::chrono::system_clock::now().time_since_epoch();
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(now).count();
  as_of = SecondsNanos{seconds - seconds % 86400, 0};
}
EvalContext::~EvalContext() = default;

const re2::RE2* EvalContext::Regex(std::string_view pattern, std::string* error) {
  auto found = regexes_.find(std::string(pattern));
  if (found == regexes_.end()) {
    // A rule uses a handful of patterns; a runaway set of them is not kept.
    if (regexes_.size() > 1000) regexes_.clear();
    auto regex = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()),
                                            re2::RE2::Quiet);
    found = regexes_.emplace(std::string(pattern), std::move(regex)).first;
  }
  if (!found->second->ok()) {
    *error = found->second->error();
    return nullptr;
  }
  return found->second.get();
}

}  // namespace spmis::cel
