// ImportRepository: the SQL of imports — the import history table, and the
// batch look-ups the row processors need (current memberships of groups).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "importer/import_record.h"
#include "store/database.h"

namespace spmis::importer {

struct CurrentMembership {
  int64_t id;
  int64_t group_id;
  int64_t individual_id;
  std::string role;
  std::optional<int64_t> import_id;
};

class ImportRepository {
 public:
  explicit ImportRepository(store::Connection& connection) : db_(connection) {}

  void Insert(ImportRecord& record);  // sets id
  void Finish(const ImportRecord& record, const std::optional<std::string>& error_report);
  void UpdateCounts(int64_t id, const ImportCounts& counts);
  void SetChecksum(int64_t id, const std::string& checksum);
  std::optional<ImportRecord> Find(int64_t id);
  std::vector<ImportRecord> List(int limit, int64_t before_id);
  int64_t Count();
  std::optional<std::string> ErrorReport(int64_t id);

  // Whether an import job other than `own_job` is running.
  bool OtherImportRunning(std::optional<int64_t> own_job);
  int64_t CountRows(const std::string& table);

  // The current memberships of these groups.
  std::vector<CurrentMembership> CurrentMemberships(const std::vector<int64_t>& group_ids);

 private:
  store::Connection& db_;
};

}  // namespace spmis::importer
