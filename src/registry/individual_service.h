// IndividualService: every way to create, change, find and list individuals.
// It validates each write completely (all fields, the area, custom fields,
// national-ID uniqueness) before touching the database, writes in one
// transaction together with the history entries, and refuses stale updates
// (optimistic concurrency on `version`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/actor.h"
#include "core/page.h"
#include "core/result.h"
#include "registry/history.h"
#include "registry/individual.h"
#include "registry/individual_repository.h"
#include "store/database.h"

namespace spmis::registry {

struct IndividualQuery {
  std::string name;
  std::string area_code;  // the area and its sub-areas
  // The caller's area scope: only people in these areas (materialised paths)
  // and below are listed; empty for a caller not limited by area.
  std::vector<std::string> within_area_paths;
  std::optional<Date> born_from;
  std::optional<Date> born_to;
  std::optional<IndividualStatus> status;
  IndividualSort sort = IndividualSort::kId;
  bool descending = false;
  int limit = 50;      // 1 to 1000
  std::string cursor;  // from a previous page's `next`
};

class IndividualService {
 public:
  explicit IndividualService(store::Connection& connection) : db_(connection) {}

  Result<Individual> Create(Individual person, const Actor& actor);
  // Replaces the stored fields with `person`'s; `expected_version` must be the
  // stored version (else kFailedPrecondition: someone changed it meanwhile).
  Result<Individual> Update(Individual person, int64_t expected_version, const Actor& actor);
  Result<Individual> Get(int64_t id);
  // Accepts a registrant ID ("IND-00000042-4").
  Result<Individual> GetByRegistrantId(std::string_view registrant_id);
  Result<Page<Individual>> List(const IndividualQuery& query);
  Result<std::vector<HistoryEntry>> History(int64_t id);

 private:
  // Checks everything a write needs; resolves area_code to area_id.
  Status Validate(Individual& person, std::optional<int64_t> existing_id);

  store::Connection& db_;
};

}  // namespace spmis::registry
