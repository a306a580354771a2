// IndividualService: every way to create, change, find and list individuals.
// It validates each write completely (all fields, the area, custom fields,
// national-ID uniqueness) before touching the database, writes in one
// transaction together with the history entries, and refuses stale updates
// (optimistic concurrency on `version`).
//
// It acts for a Principal given at construction and checks it on every call:
// the permission (registry.read or registry.write) and the area scope. A
// registrant outside the principal's areas is reported as not found, so a
// district officer cannot even learn that it exists; moving someone into an
// area outside them is refused. The API and the command line share this check.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/page.h"
#include "core/principal.h"
#include "core/result.h"
#include "registry/history.h"
#include "registry/individual.h"
#include "registry/individual_repository.h"
#include "store/database.h"

namespace spmis::registry {

struct IndividualQuery {
  std::string name;
  std::string area_code;  // the area and its sub-areas
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
  IndividualService(store::Connection& connection, Principal principal)
      : db_(connection), principal_(std::move(principal)) {}

  Result<Individual> Create(Individual person);
  // Replaces the stored fields with `person`'s; `expected_version` must be the
  // stored version (else kFailedPrecondition: someone changed it meanwhile).
  Result<Individual> Update(Individual person, int64_t expected_version);
  Result<Individual> Get(int64_t id);
  // Accepts a registrant ID ("IND-00000042-4").
  Result<Individual> GetByRegistrantId(std::string_view registrant_id);
  Result<Page<Individual>> List(const IndividualQuery& query);
  Result<std::vector<HistoryEntry>> History(int64_t id);

 private:
  // Checks everything a write needs; resolves area_code to area_id.
  // and refuses an area outside the principal's.
  Status Validate(Individual& person, std::optional<int64_t> existing_id);
  // The stored individual, if the principal may read it.
  Result<Individual> Read(int64_t id);

  store::Connection& db_;
  Principal principal_;
};

}  // namespace spmis::registry
