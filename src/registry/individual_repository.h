// IndividualRepository: the SQL for individuals and their ID documents,
// including filtered, keyset-paginated listing. No validation here:
// IndividualService checks before it writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "registry/individual.h"
#include "store/database.h"

namespace spmis::registry {

enum class IndividualSort { kId, kFamilyName, kBirthDate, kCreatedAt };
std::optional<IndividualSort> ParseIndividualSort(std::string_view name);
const char* IndividualSortName(IndividualSort sort);

struct IndividualFilter {
  std::string name;                      // case-insensitive part of the full name
  std::optional<std::string> area_path;  // the area and all below it
  // Only people in these areas and below (the caller's scope); empty: all.
  std::vector<std::string> within_paths;
  std::optional<Date> born_from;  // inclusive
  std::optional<Date> born_to;    // inclusive
  std::optional<IndividualStatus> status;
};

// Where the previous page stopped: the sort key and id of its last row.
struct ListPosition {
  std::string sort_value;
  int64_t id = 0;
};

struct IndividualListRequest {
  IndividualFilter filter;
  IndividualSort sort = IndividualSort::kId;
  bool descending = false;
  int limit = 50;
  std::optional<ListPosition> after;
};

class IndividualRepository {
 public:
  explicit IndividualRepository(store::Connection& connection) : db_(connection) {}

  // Sets person.id; writes the documents too.
  void Insert(Individual& person);
  // Writes every field; false when the stored version is not `expected_version`.
  bool Update(const Individual& person, int64_t expected_version);
  std::optional<Individual> Find(int64_t id);
  std::optional<int64_t> FindIdByExternalId(std::string_view external_id);
  std::optional<int64_t> FindIdByNationalId(std::string_view number);
  bool Exists(int64_t id);

  std::vector<Individual> List(const IndividualListRequest& request);
  int64_t Count(const IndividualFilter& filter);
  // The sort key of a row, for the next page's position.
  static std::string SortValue(const Individual& person, IndividualSort sort);

 private:
  void WriteDocuments(const Individual& person);
  void LoadDocuments(std::vector<Individual>& people);
  store::Connection& db_;
};

// Lower-cased full name as stored for search.
std::string SearchName(const Individual& person);

}  // namespace spmis::registry
