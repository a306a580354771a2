#include "importer/importer.h"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

#include "audit/audit_log.h"
#include "core/sha256.h"
#include "importer/csv_writer.h"
#include "importer/import_repository.h"
#include "importer/row_processor.h"
#include "importer/table_reader.h"
#include "jobs/job_principal.h"
#include "store/bulk_support.h"
#include "store/index_suspension.h"

namespace spmis::importer {
namespace {

constexpr std::uintmax_t kMaxStoredReport = 64ull * 1024 * 1024;

// Two batches in flight between the reader thread and the writer: enough to
// keep both busy, little enough to bound memory.
class BatchPipe {
 public:
  bool Push(RowBatch batch) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return stopped_ || ready_.size() < kCapacity; });
    if (stopped_) return false;
    ready_.push_back(std::move(batch));
    changed_.notify_all();
    return true;
  }
  // False when the reader is done (or failed) and nothing is left.
  bool Pop(RowBatch& batch) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return closed_ || !ready_.empty(); });
    if (ready_.empty()) return false;
    batch = std::move(ready_.front());
    ready_.pop_front();
    changed_.notify_all();
    return true;
  }
  void Close(std::optional<std::string> error) {
    std::lock_guard lock(mutex_);
    closed_ = true;
    error_ = std::move(error);
    changed_.notify_all();
  }
  void Stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    changed_.notify_all();
  }
  std::optional<std::string> error() {
    std::lock_guard lock(mutex_);
    return error_;
  }

 private:
  static constexpr size_t kCapacity = 2;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<RowBatch> ready_;
  bool closed_ = false;
  bool stopped_ = false;
  std::optional<std::string> error_;
};

// Reads every row once: the file must be well-formed to its end before any
// row is committed. Returns the number of data rows.
Result<int64_t> CheckStructure(const std::string& path, const TableOptions& options) {
  SPMIS_ASSIGN_OR_RETURN(auto reader, OpenTable(path, options));
  SPMIS_ASSIGN_OR_RETURN(int64_t rows, reader->CountRemainingRows());
  if (rows == 0) return Error::Invalid("the file is empty: it has no header row");
  return rows - 1;  // the header is not a data row
}

// The file's SHA-256 and the check that it is well-formed to its end (the
// number of rows), each computed on a thread of its own from the start.
class WholeFileCheck {
 public:
  WholeFileCheck(const std::string& path, const TableOptions& options)
      : checksum_(std::async(std::launch::async, [path] { return FileSha256(path); })),
        rows_(std::async(std::launch::async,
                         [path, options] { return CheckStructure(path, options); })) {}

  // Waits for both; the reason the file is refused, if it is.
  std::optional<std::string> Problem() {
    Wait();
    if (!rows_result_->ok()) return rows_result_->error().message;
    if (!checksum_result_->ok()) return checksum_result_->error().message;
    return std::nullopt;
  }
  // After Problem() found none.
  int64_t rows() { return **rows_result_; }
  std::optional<std::string> checksum() {
    Wait();
    if (!checksum_result_->ok()) return std::nullopt;
    return **checksum_result_;
  }

 private:
  void Wait() {
    if (!rows_result_) rows_result_.emplace(rows_.get());
    if (!checksum_result_) checksum_result_.emplace(checksum_.get());
  }

  std::future<Result<std::string>> checksum_;
  std::future<Result<int64_t>> rows_;
  std::optional<Result<std::string>> checksum_result_;
  std::optional<Result<int64_t>> rows_result_;
};

// The lines of a file ('\n' bytes, plus a last line without one), fast.
int64_t CountLines(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::vector<char> buffer(1 << 20);
  int64_t lines = 0;
  char last = '\n';
  while (file) {
    file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto size = static_cast<size_t>(file.gcount());
    if (size == 0) break;
    lines += std::count(buffer.data(), buffer.data() + size, '\n');
    last = buffer[size - 1];
  }
  return lines + (last == '\n' ? 0 : 1);
}

std::string TempReportPath() {
  static std::atomic<int> counter{0};
  return (std::filesystem::temp_directory_path() /
          ("spmis-import-errors-" + std::to_string(getpid()) + "-" + std::to_string(counter++) +
           ".csv"))
      .string();
}

// Ends the import's record and enters it in the audit trail, together: one
// entry per import (who, the file, its checksum, the counts); each row's
// change is in the registrants' history.
void FinishImport(store::Connection& connection, const Actor& actor, const ImportRecord& record,
                  const std::optional<std::string>& error_report) {
  store::Transaction transaction(connection);
  ImportRepository(connection).Finish(record, error_report);
  boost::json::object after{
      {"kind", ImportKindName(record.kind)}, {"file_name", record.file_name},
      {"checksum_sha256", record.checksum},  {"state", ImportStateName(record.state)},
      {"read", record.counts.read},          {"created", record.counts.created},
      {"updated", record.counts.updated},    {"failed", record.counts.failed}};
  audit::AuditLog(connection)
      .Append(actor, "import", "import", std::to_string(record.id), std::nullopt,
              boost::json::serialize(after));
  transaction.Commit();
}

void Refuse(store::Database& database, const Actor& actor, ImportRecord& record,
            const std::string& reason) {
  record.state = ImportState::kRefused;
  record.message = reason;
  record.finished_at = Timestamp::Now();
  auto connection = database.Acquire();
  FinishImport(*connection, actor, record, std::nullopt);
}

}  // namespace

Result<std::string> FileSha256(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error::Invalid("cannot read '" + path + "'");
  Sha256 hash;
  std::vector<char> buffer(1 << 20);
  while (file) {
    file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hash.Update(std::string_view(buffer.data(), static_cast<size_t>(file.gcount())));
  }
  return hash.HexDigest();
}

Result<ImportRecord> RunImport(store::Database& database, const ImportRequest& request,
                               const Principal& principal, jobs::JobContext* progress) {
  SPMIS_RETURN_IF_ERROR(principal.Require(Permission::kImportRun));
  const TableOptions& options = request.mapping.table;
  // The checksum and the check of the whole file run beside the writing (they
  // read the file once more each); nothing is committed before both are
  // done, so a file that is malformed anywhere still changes nothing.
  WholeFileCheck check(request.path, options);

  ImportRecord record;
  record.kind = request.kind;
  record.file_name = request.file_name.empty()
                         ? std::filesystem::path(request.path).filename().string()
                         : request.file_name;
  record.created_by = principal.name;
  record.started_at = Timestamp::Now();
  if (progress) record.job_id = progress->job().id;
  auto connection = database.Acquire();
  store::SqlitePragmaWhile unmapped(*connection, "mmap_size", "0");
  ImportRepository(*connection).Insert(record);
  // Refuses the file whole. The check's own reason comes first: it names the
  // first problem of the file, which explains the later ones.
  auto refuse = [&](std::string reason) -> Result<ImportRecord> {
    if (auto problem = check.Problem()) reason = *problem;
    if (check.checksum()) record.checksum = *check.checksum();
    Refuse(database, principal.actor(), record, reason);
    return Error::Invalid(reason);
  };

  // 1. A header naming known fields.
  auto reader = OpenTable(request.path, options);
  if (!reader.ok()) return refuse(reader.error().message);
  record.format = (*reader)->format();
  std::vector<std::string> header;
  auto has_header = (*reader)->Next(header);
  if (!has_header.ok()) return refuse(has_header.error().message);
  if (!*has_header) return refuse("the file is empty: it has no header row");
  auto lookups = database.Acquire();
  store::SqlitePragmaWhile lookups_unmapped(*lookups, "mmap_size", "0");
  store::PrepareForKeyLookups(*lookups);
  auto processor = MakeRowProcessor(request.kind, *connection, *lookups, record.id, principal);
  auto columns =
      ResolveColumns(header, request.mapping, processor->fields(), processor->required());
  if (!columns.ok()) return refuse(columns.error().message);
  // The number of rows, for progress and for the choice below: a CSV file's
  // lines are counted at once (an upper bound: a quoted cell may span lines);
  // an XLSX file waits for the whole check.
  int64_t rows_expected = 0;
  if (record.format == "csv") {
    rows_expected = CountLines(request.path) - 1;
  } else {
    if (check.Problem()) return refuse("");
    rows_expected = check.rows();
  }
  if (progress) progress->SetTotal(rows_expected);

  // A large load into a small table rebuilds its secondary indexes once at the
  // end instead of maintaining them row by row. Indexes left suspended by an
  // import that crashed are rebuilt first (unless another import is running).
  // Its foreign keys go unchecked meanwhile (see store/index_suspension.h).
  bool suspended = false;
  std::optional<store::SqlitePragmaWhile> foreign_keys_off;
  if (!ImportRepository(*connection).OtherImportRunning(record.job_id)) {
    store::RestoreSuspendedIndexes(*connection);
    auto indexes = processor->suspendable_indexes();
    if (!indexes.empty() && rows_expected >= request.suspend_indexes_from_rows &&
        rows_expected >= ImportRepository(*connection).CountRows(processor->table())) {
      store::Transaction suspend(*connection);
      store::SuspendIndexes(*connection, indexes);
      store::SuspendForeignKeys(*connection, processor->written_tables());
      suspend.Commit();
      suspended = true;
      foreign_keys_off.emplace(*connection, "foreign_keys", "OFF");
    }
  }
  auto restore_indexes = [&] {
    if (suspended) {
      auto fresh = database.Acquire();
      store::SqlitePragmaWhile unmapped_fresh(*fresh, "mmap_size", "0");
      store::RestoreSuspendedIndexes(*fresh);
      suspended = false;
    }
  };

  // 2. Rows in batches, each batch one transaction.
  std::string report_path =
      request.error_report_path.empty() ? TempReportPath() : request.error_report_path;
  CsvWriter report(report_path);
  if (!report.ok()) {
    restore_indexes();
    return refuse("cannot write the error report to " + report_path);
  }
  std::vector<std::string> report_header = header;
  report_header.push_back("errors");
  report.Row(report_header);

  // Batches are processed 5,000 rows at a time (bounded memory) but committed
  // together: on SQLite a commit writes every page it dirtied to the WAL, and
  // random-key index pages are dirtied again by every batch, so fewer commits
  // mean far less writing.
  const int64_t commit_every = request.commit_every_rows > 0 ? request.commit_every_rows
                               : connection->backend() == store::Backend::kSqlite
                                   ? kSqliteCommitRows
                                   : kPostgresCommitRows;
  std::optional<store::Transaction> transaction;
  int64_t uncommitted = 0;
  bool file_checked = false;
  std::atomic<int64_t> commits{0};  // what the reader thread's look-ups can see
  auto commit = [&] {
    if (!transaction) return;
    if (!file_checked) {
      // Thrown past the rows written so far: they are rolled back and the
      // file is refused whole with this message.
      if (auto problem = check.Problem()) throw std::runtime_error(*problem);
      record.checksum = *check.checksum();
      ImportRepository(*connection).SetChecksum(record.id, record.checksum);
      if (progress) progress->SetTotal(check.rows());
      file_checked = true;
    }
    ImportRepository(*connection).UpdateCounts(record.id, record.counts);
    transaction->Commit();
    transaction.reset();
    uncommitted = 0;
    ++commits;
    processor->Committed();
  };

  // The reader thread reads and prepares the next batches while this thread
  // writes the current one: the two cores share the work.
  BatchPipe pipe;
  std::thread reader_thread([&] {
    try {
      while (true) {
        RowBatch batch;
        batch.rows.reserve(kImportBatchRows);
        while (batch.rows.size() < static_cast<size_t>(kImportBatchRows)) {
          ImportRow row;
          auto next = (*reader)->Next(row.cells);
          if (!next.ok())
            throw std::runtime_error("the file changed while it was imported: " +
                                     next.error().message);
          if (!*next) break;
          row.number = (*reader)->row_number();
          row.columns = *columns;
          for (size_t i = header.size(); i < row.cells.size(); ++i) {
            if (!row.cells[i].empty()) {
              row.Fail("the row has more cells than the header has columns");
              break;
            }
          }
          batch.rows.push_back(std::move(row));
        }
        if (batch.rows.empty()) break;
        batch.commits_seen = commits.load();  // before the look-ups start
        processor->Prepare(batch);
        if (!pipe.Push(std::move(batch))) return;  // the writer stopped
      }
      pipe.Close(std::nullopt);
    } catch (const std::exception& e) {
      pipe.Close(std::string(e.what()));
    }
  });
  struct JoinOnExit {
    BatchPipe& pipe;
    std::thread& thread;
    ~JoinOnExit() {
      pipe.Stop();
      thread.join();
    }
  } join_on_exit{pipe, reader_thread};

  auto undo = [&] {
    transaction.reset();  // rolls back the batches not yet committed
    try {
      restore_indexes();
    } catch (const std::exception&) {
      // Left recorded: the next import or server start rebuilds them.
    }
    (void)report.Close();
  };
  try {
    RowBatch batch;
    while (pipe.Pop(batch)) {
      if (!transaction) transaction.emplace(*connection);
      processor->Write(batch);
      for (auto& row : batch.rows) {
        ++record.counts.read;
        switch (row.outcome) {
          case ImportRow::Outcome::kCreated:
            ++record.counts.created;
            break;
          case ImportRow::Outcome::kUpdated:
            ++record.counts.updated;
            break;
          case ImportRow::Outcome::kUnchanged:
            ++record.counts.unchanged;
            break;
          case ImportRow::Outcome::kFailed:
          case ImportRow::Outcome::kPending: {
            ++record.counts.failed;
            std::vector<std::string> cells = row.cells;
            cells.resize(header.size());
            std::string reasons;
            for (const auto& e : row.errors) reasons += (reasons.empty() ? "" : "; ") + e;
            cells.push_back(reasons.empty() ? "not processed" : reasons);
            report.Row(cells);
            break;
          }
        }
      }
      uncommitted += static_cast<int64_t>(batch.rows.size());
      if (uncommitted >= commit_every) commit();
      if (progress) {
        progress->SetDone(record.counts.read);
        if (progress->CancelRequested()) {
          commit();
          record.state = ImportState::kFailed;
          record.message = "cancelled after " + std::to_string(record.counts.read) + " rows";
          break;
        }
      }
    }
    if (auto error = pipe.error()) throw std::runtime_error(*error);
    commit();
  } catch (const std::exception& e) {
    undo();
    // Before the file was found whole, an error may be one of its problems:
    // then the file is refused and nothing of it was kept.
    if (!file_checked && check.Problem()) {
      if (request.error_report_path.empty()) std::filesystem::remove(report_path);
      record.counts = {};
      return refuse("");
    }
    record.state = ImportState::kFailed;
    record.message = std::string("stopped by an error after ") +
                     std::to_string(record.counts.read) +
                     " rows (the rows committed before are kept): " + e.what();
    record.finished_at = Timestamp::Now();
    auto fresh = database.Acquire();
    FinishImport(*fresh, principal.actor(), record, std::nullopt);
    throw;
  }
  (void)report.Close();
  restore_indexes();

  // 3. The record: counts and the report, for download.
  std::optional<std::string> stored_report;
  if (record.counts.failed > 0) {
    if (std::filesystem::file_size(report_path) <= kMaxStoredReport) {
      std::ifstream in(report_path, std::ios::binary);
      std::stringstream content;
      content << in.rdbuf();
      stored_report = content.str();
      record.has_error_report = true;
    } else {
      record.message =
          "the error report is too large to keep in the database; see the file written";
    }
  }
  if (request.error_report_path.empty() || record.counts.failed == 0)
    std::filesystem::remove(report_path);
  if (record.state == ImportState::kRunning) record.state = ImportState::kCompleted;
  record.finished_at = Timestamp::Now();
  FinishImport(*connection, principal.actor(), record, stored_report);
  return record;
}

std::string ImportJobParameters(const ImportRequest& request, const std::string& mapping_json,
                                bool delete_file, const Principal& principal) {
  boost::json::object parameters{{"kind", ImportKindName(request.kind)},
                                 {"path", request.path},
                                 {"file_name", request.file_name},
                                 {"delete_file", delete_file}};
  if (!mapping_json.empty()) parameters["mapping"] = boost::json::parse(mapping_json);
  if (!request.error_report_path.empty()) parameters["errors"] = request.error_report_path;
  jobs::WritePrincipal(parameters, principal);
  return boost::json::serialize(parameters);
}

void RegisterImportJobs(jobs::JobRunner& runner) {
  runner.Register({kImportJob,
                   [](jobs::JobContext& context) -> Result<std::string> {
                     boost::json::error_code ec;
                     auto parameters = boost::json::parse(context.job().parameters, ec);
                     if (ec || !parameters.is_object())
                       return Error::Invalid("bad import parameters");
                     const auto& p = parameters.as_object();
                     auto text = [&](const char* key) -> std::string {
                       auto* v = p.if_contains(key);
                       return v && v->is_string() ? std::string(v->as_string()) : "";
                     };
                     ImportRequest request;
                     auto kind = ParseImportKind(text("kind"));
                     if (!kind) return Error::Invalid("bad import kind");
                     request.kind = *kind;
                     request.path = text("path");
                     request.file_name = text("file_name");
                     request.error_report_path = text("errors");
                     if (auto* mapping = p.if_contains("mapping")) {
                       SPMIS_ASSIGN_OR_RETURN(request.mapping,
                                              ParseColumnMapping(boost::json::serialize(*mapping)));
                     }
                     auto* remove = p.if_contains("delete_file");
                     bool delete_file = remove && remove->is_bool() && remove->as_bool();
                     Principal principal = Principal::System(context.actor().request_id);
                     principal.name = context.actor().name;
                     if (auto role = text("role"); !role.empty()) {
                       principal.role = ParseRole(role);
                       if (!principal.role) return Error::Invalid("bad import role '" + role + "'");
                     }
                     if (auto* paths = p.if_contains("area_paths"); paths && paths->is_array()) {
                       for (const auto& path : paths->as_array()) {
                         if (path.is_string()) principal.area_paths.emplace_back(path.as_string());
                       }
                     }
                     auto record = RunImport(context.database(), request, principal, &context);
                     if (delete_file) std::filesystem::remove(request.path);
                     if (!record.ok()) return std::move(record).take_error();
                     boost::json::object result{{"import_id", record->id},
                                                {"state", ImportStateName(record->state)},
                                                {"read", record->counts.read},
                                                {"created", record->counts.created},
                                                {"updated", record->counts.updated},
                                                {"unchanged", record->counts.unchanged},
                                                {"failed", record->counts.failed}};
                     return boost::json::serialize(result);
                   },
                   /*resumable=*/true});
}

}  // namespace spmis::importer
