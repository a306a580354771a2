// ImportRecord: the history of one file brought into the registry — who,
// when, which file (name and SHA-256), what became of its rows, the error
// report, and the job that ran it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/date.h"
#include "importer/import_kind.h"

namespace spmis::importer {

enum class ImportState { kRunning, kCompleted, kRefused, kFailed };
const char* ImportStateName(ImportState state);

struct ImportCounts {
  int64_t read = 0;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t failed = 0;
};

struct ImportRecord {
  int64_t id = 0;
  ImportKind kind = ImportKind::kIndividuals;
  std::string file_name;
  std::string checksum;  // SHA-256, hex
  std::string format;    // csv | xlsx
  ImportState state = ImportState::kRunning;
  ImportCounts counts;
  std::optional<std::string> message;  // why a file was refused or failed
  bool has_error_report = false;
  std::optional<int64_t> job_id;
  std::string created_by;
  Timestamp started_at;
  std::optional<Timestamp> finished_at;
};

}  // namespace spmis::importer
