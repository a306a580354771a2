// `spmis import KIND FILE`: bring a CSV or XLSX file into the registry, as a
// job, with a summary and an error report of the refused rows.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/acting_user.h"
#include "cli/commands.h"
#include "cli/open_database.h"
#include "importer/import_repository.h"
#include "importer/importer.h"

namespace spmis::cli {

int Import(const ImportCommand& options) {
  auto kind = importer::ParseImportKind(options.kind);
  if (!kind) {
    std::cerr << "error: the kind must be areas, individuals, groups or memberships\n";
    return kExitRefused;
  }
  if (!std::filesystem::is_regular_file(options.file)) {
    std::cerr << "error: " << options.file << " is not a readable file\n";
    return kExitRefused;
  }
  std::string mapping_json;
  importer::ImportRequest request;
  request.kind = *kind;
  request.path = std::filesystem::absolute(options.file).string();
  request.file_name = std::filesystem::path(options.file).filename().string();
  if (!options.mapping.empty()) {
    std::ifstream file(options.mapping, std::ios::binary);
    if (!file) {
      std::cerr << "error: cannot read the mapping file " << options.mapping << "\n";
      return kExitRefused;
    }
    std::stringstream content;
    content << file.rdbuf();
    mapping_json = content.str();
    auto mapping = importer::ParseColumnMapping(mapping_json);
    if (!mapping.ok()) {
      std::cerr << "error: " << options.mapping << ": " << mapping.error().message << "\n";
      return kExitRefused;
    }
  }
  if (!options.errors.empty())
    request.error_report_path = std::filesystem::absolute(options.errors).string();

  auto database = OpenMigratedDatabase(options.database);
  if (!database) return kExitFailed;
  auto principal = ActingPrincipal(*database, options.user);
  if (!principal) return kExitRefused;
  jobs::JobRunner runner(*database);
  importer::RegisterImportJobs(runner);
  runner.RecoverInterrupted(std::chrono::seconds(60));
  bool show_progress = isatty(STDERR_FILENO) != 0;
  auto job = runner.RunNow(
      importer::kImportJob, importer::ImportJobParameters(request, mapping_json, false, *principal),
      principal->actor(), [&](const jobs::Job& j) {
        if (show_progress && j.progress_total > 0) {
          std::cerr << "\rimporting: " << j.progress_done << "/" << j.progress_total << std::flush;
        }
      });
  if (show_progress) std::cerr << "\n";
  if (!job.ok()) {
    std::cerr << "error: " << job.error().ToString() << "\n";
    return kExitFailed;
  }
  auto connection = database->Acquire();
  std::optional<importer::ImportRecord> record;
  for (const auto& r : importer::ImportRepository(*connection).List(20, INT64_MAX)) {
    if (r.job_id == job->id) record = r;
  }
  if (!record) {
    std::cerr << "error: " << job->error.value_or("the import did not start") << "\n";
    return kExitRefused;
  }
  if (record->state == importer::ImportState::kRefused) {
    std::cerr << "error: " << request.file_name
              << " was refused, nothing was imported: " << record->message.value_or("") << "\n";
    return kExitRefused;
  }
  if (record->state != importer::ImportState::kCompleted) {
    std::cerr << "error: import " << record->id << " " << importer::ImportStateName(record->state)
              << ": " << record->message.value_or(job->error.value_or("")) << "\n";
    return kExitFailed;
  }
  const auto& c = record->counts;
  std::cout << "import " << record->id << " (" << importer::ImportKindName(record->kind) << ", "
            << record->format << "): " << c.read << " rows read, " << c.created << " created, "
            << c.updated << " updated, " << c.unchanged << " unchanged, " << c.failed
            << " refused\n";
  if (c.failed > 0) {
    if (!options.errors.empty()) {
      std::cerr << "the refused rows and their reasons are in " << options.errors << "\n";
    } else {
      std::cerr << "the refused rows are listed in the import's error report "
                   "(--errors FILE writes it; GET /api/v1/imports/"
                << record->id << "/errors)\n";
    }
    return kExitPartial;
  }
  return kExitOk;
}

}  // namespace spmis::cli
