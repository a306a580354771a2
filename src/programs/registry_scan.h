// RegistryScan: a rule evaluated over the whole registry on several threads.
// The registry is cut into id ranges; worker threads, each with a connection
// of its own, read a range into a columnar batch and evaluate the rule (and
// the priority rule) over it; the calling thread receives the ranges in id
// order, so what it writes does not depend on timing. At most a few ranges
// wait at a time, so memory stays bounded whatever the registry's size.
#pragma once

#include <any>
#include <functional>
#include <vector>

#include "cel/program.h"
#include "cel/value.h"
#include "core/result.h"
#include "programs/registrant_reader.h"
#include "rules/registry_rules.h"
#include "store/database.h"

namespace spmis::programs {

// One id range, evaluated.
struct EvaluatedRange {
  int64_t first_id = 0;
  int64_t last_id = 0;
  std::vector<int64_t> ids;  // the registrants read, ascending
  std::vector<cel::Value> results;
  std::vector<cel::Value> priorities;  // the second rule's values; empty without one
  // What the caller's `prepare` read for this range, on the worker's thread.
  std::any prepared;
};

// Reads, for a range just evaluated, what its consumer needs besides the
// rule's values (e.g. which registrants are a program's members), on the
// worker's own connection, so the consuming thread only writes.
using PrepareRange = std::function<void(store::Connection&, EvaluatedRange&)>;

class RegistryScan {
 public:
  // Evaluates `rule`, and `second` when given (results in `priorities`).
  RegistryScan(store::Database& database, const rules::RegistryRules& registry,
               const cel::Program& rule, const cel::Program* second, ReaderOptions options,
               int threads = 2);
  // Calls `consume` for every range in id order (from this thread); stops
  // when it returns false. A worker's failure is rethrown here. `prepare`,
  // when given, runs on the worker for each range before it is consumed.
  void Run(const std::function<bool(EvaluatedRange&)>& consume, const PrepareRange& prepare = {});

 private:
  store::Database& database_;
  const rules::RegistryRules& registry_;
  const cel::Program& rule_;
  const cel::Program* second_;
  ReaderOptions options_;
  int threads_;
};

}  // namespace spmis::programs
