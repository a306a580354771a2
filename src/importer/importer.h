// The import of one file into the registry. The file is checked whole
// (format, header, columns, structure) before anything is committed, so a
// file that is not what it claims changes nothing; its rows are validated and
// written in batches meanwhile, with memory bounded whatever the file size. Rows
// that pass are committed; rows that fail go to the error report (the
// original row plus an `errors` column), kept with the import record.
#pragma once

#include <optional>
#include <string>

#include "core/principal.h"
#include "core/result.h"
#include "importer/column_mapping.h"
#include "importer/import_record.h"
#include "jobs/job_runner.h"
#include "store/database.h"

namespace spmis::importer {

inline constexpr const char* kImportJob = "import";
inline constexpr int kImportBatchRows = 5000;
inline constexpr int64_t kSqliteCommitRows = 250000;
inline constexpr int64_t kPostgresCommitRows = 50000;
// Secondary indexes are suspended for imports of at least this many rows
// into a table holding no more rows than the file.
inline constexpr int64_t kSuspendIndexesFromRows = 100000;

struct ImportRequest {
  ImportKind kind = ImportKind::kIndividuals;
  std::string path;       // the file to read
  std::string file_name;  // as its owner named it, for the history
  ColumnMapping mapping;
  std::string error_report_path;  // also write the report here ("" = database only)
  int64_t suspend_indexes_from_rows = kSuspendIndexesFromRows;
  int64_t commit_every_rows =
      0;  // 0: the backend's default (kSqliteCommitRows, kPostgresCommitRows)
};

// The import record, finished: completed (with counts; some rows may have
// failed) or refused (the message says why; no row was written).
Result<ImportRecord> RunImport(store::Database& database, const ImportRequest& request,
                               const Principal& principal, jobs::JobContext* progress);

// The job "import": parameters {"kind", "path", "file_name", "mapping"?,
// "errors"?, "delete_file"?, "role"?, "area_paths"?, "request_id"?}; the
// result is the import record's summary. The role, areas and request id are
// those of the principal who asked for the import, so the job (which may run
// later, on another server) applies the same permission and area scope, and
// its audit entry names the request.
void RegisterImportJobs(jobs::JobRunner& runner);
std::string ImportJobParameters(const ImportRequest& request, const std::string& mapping_json,
                                bool delete_file, const Principal& principal);

// SHA-256 of a file, hex.
Result<std::string> FileSha256(const std::string& path);

}  // namespace spmis::importer
