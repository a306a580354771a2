// RegistryScan: a rule evaluated over the whole registry on several threads.
// The registry is cut into id ranges; worker threads, each with a connection
// of its own, read a range into a columnar batch and evaluate the rule (and
// the priority rule) over it; the calling thread receives the ranges in id
// order, so what it writes does not depend on timing. At most a few ranges
// wait at a time, so memory stays bounded whatever the registry's size.
#pragma once

#include <functional>
#include <vector>

#include "cel/value.h"
#include "core/result.h"
#include "programs/compiled_rules.h"
#include "programs/registrant_reader.h"
#include "store/database.h"

namespace spmis::programs {

// One id range, evaluated.
struct EvaluatedRange {
  int64_t first_id = 0;
  int64_t last_id = 0;
  std::vector<int64_t> ids;  // the registrants read, ascending
  std::vector<cel::Value> results;
  std::vector<cel::Value> priorities;  // empty without a priority rule
};

class RegistryScan {
 public:
  RegistryScan(store::Database& database, const CompiledRules& rules, ReaderOptions options,
               bool with_priority, int threads = 2);
  // Calls `consume` for every range in id order (from this thread); stops
  // when it returns false. A worker's failure is rethrown here.
  void Run(const std::function<bool(EvaluatedRange&)>& consume);

 private:
  store::Database& database_;
  const CompiledRules& rules_;
  ReaderOptions options_;
  bool with_priority_;
  int threads_;
};

}  // namespace spmis::programs
