// The synthetic population as import files, in the documented templates:
// areas.csv, individuals.csv, groups.csv, memberships.csv, a config.json that
// declares the custom fields they use, and duplicates.csv, the truth file of
// the planted near-duplicates (about 1% of people registered a second time
// with a typo, swapped names or a shifted birth date), for testing
// de-duplication.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace spmis::demo {

struct PopulationFileSummary {
  int64_t areas = 0;
  int64_t households = 0;
  int64_t individuals = 0;  // including the near-duplicates
  int64_t memberships = 0;
  int64_t duplicates = 0;
};

Result<PopulationFileSummary> WritePopulationFiles(const std::string& directory, int64_t households,
                                                   uint64_t seed);

}  // namespace spmis::demo
