#include "importer/import_repository.h"

namespace spmis::importer {
namespace {

constexpr const char* kSelect =
    "SELECT id, kind, file_name, checksum, format, state, rows_read, rows_created, rows_updated, "
    "rows_unchanged, rows_failed, message, error_report IS NOT NULL, job_id, created_by, "
    "started_at, finished_at FROM imports ";

ImportRecord Read(store::Statement& row) {
  ImportRecord r;
  r.id = row.Int(0);
  r.kind = ParseImportKind(row.Text(1)).value_or(ImportKind::kIndividuals);
  r.file_name = row.Text(2);
  r.checksum = row.Text(3);
  r.format = row.OptionalText(4).value_or("");
  std::string_view state = row.Text(5);
  r.state = state == "completed" ? ImportState::kCompleted
            : state == "refused" ? ImportState::kRefused
            : state == "failed"  ? ImportState::kFailed
                                 : ImportState::kRunning;
  r.counts = {row.Int(6), row.Int(7), row.Int(8), row.Int(9), row.Int(10)};
  r.message = row.OptionalText(11);
  r.has_error_report = row.Bool(12);
  r.job_id = row.OptionalInt(13);
  r.created_by = row.Text(14);
  r.started_at = row.TimestampAt(15);
  r.finished_at = row.OptionalTimestamp(16);
  return r;
}

}  // namespace

const char* ImportStateName(ImportState state) {
  switch (state) {
    case ImportState::kRunning:
      return "running";
    case ImportState::kCompleted:
      return "completed";
    case ImportState::kRefused:
      return "refused";
    case ImportState::kFailed:
      return "failed";
  }
  return "failed";
}

void ImportRepository::Insert(ImportRecord& record) {
  auto insert = db_.Prepare(
      "INSERT INTO imports (kind, file_name, checksum, format, state, job_id, created_by, "
      "started_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id");
  insert->Bind(1, ImportKindName(record.kind))
      .Bind(2, record.file_name)
      .Bind(3, record.checksum)
      .Bind(4, record.format)
      .Bind(5, ImportStateName(record.state))
      .Bind(6, record.job_id)
      .Bind(7, record.created_by)
      .Bind(8, record.started_at);
  insert->Step();
  record.id = insert->Int(0);
}

void ImportRepository::UpdateCounts(int64_t id, const ImportCounts& c) {
  auto update = db_.Prepare(
      "UPDATE imports SET rows_read = $1, rows_created = $2, rows_updated = $3, "
      "rows_unchanged = $4, rows_failed = $5 WHERE id = $6");
  update->Bind(1, c.read)
      .Bind(2, c.created)
      .Bind(3, c.updated)
      .Bind(4, c.unchanged)
      .Bind(5, c.failed)
      .Bind(6, id);
  update->Execute();
}

void ImportRepository::Finish(const ImportRecord& r,
                              const std::optional<std::string>& error_report) {
  auto update = db_.Prepare(
      "UPDATE imports SET state = $1, format = $2, rows_read = $3, rows_created = $4, "
      "rows_updated = $5, rows_unchanged = $6, rows_failed = $7, message = $8, error_report = $9, "
      "finished_at = $10, checksum = $12 WHERE id = $11");
  update->Bind(1, ImportStateName(r.state))
      .Bind(2, r.format)
      .Bind(3, r.counts.read)
      .Bind(4, r.counts.created)
      .Bind(5, r.counts.updated)
      .Bind(6, r.counts.unchanged)
      .Bind(7, r.counts.failed)
      .Bind(8, r.message)
      .Bind(9, error_report)
      .Bind(10, r.finished_at)
      .Bind(11, r.id)
      .Bind(12, r.checksum);
  update->Execute();
}

void ImportRepository::SetChecksum(int64_t id, const std::string& checksum) {
  auto update = db_.Prepare("UPDATE imports SET checksum = $1 WHERE id = $2");
  update->Bind(1, checksum).Bind(2, id);
  update->Execute();
}

std::optional<ImportRecord> ImportRepository::Find(int64_t id) {
  auto query = db_.Prepare(std::string(kSelect) + "WHERE id = $1");
  query->Bind(1, id);
  if (!query->Step()) return std::nullopt;
  return Read(*query);
}

std::vector<ImportRecord> ImportRepository::List(int limit, int64_t before_id) {
  auto query = db_.Prepare(std::string(kSelect) + "WHERE id < $1 ORDER BY id DESC LIMIT $2");
  query->Bind(1, before_id).Bind(2, limit);
  std::vector<ImportRecord> records;
  while (query->Step()) records.push_back(Read(*query));
  return records;
}

int64_t ImportRepository::Count() {
  auto query = db_.Prepare("SELECT COUNT(*) FROM imports");
  query->Step();
  return query->Int(0);
}

std::optional<std::string> ImportRepository::ErrorReport(int64_t id) {
  auto query = db_.Prepare("SELECT error_report FROM imports WHERE id = $1");
  query->Bind(1, id);
  if (!query->Step()) return std::nullopt;
  return query->OptionalText(0);
}

bool ImportRepository::OtherImportRunning(std::optional<int64_t> own_job) {
  auto query = db_.Prepare(
      "SELECT COUNT(*) FROM jobs WHERE kind = 'import' AND state = 'running' AND id <> $1");
  query->Bind(1, own_job.value_or(0));
  query->Step();
  return query->Int(0) > 0;
}

int64_t ImportRepository::CountRows(const std::string& table) {
  auto query = db_.Prepare("SELECT COUNT(*) FROM " + table);
  query->Step();
  return query->Int(0);
}

std::vector<CurrentMembership> ImportRepository::CurrentMemberships(
    const std::vector<int64_t>& group_ids) {
  std::vector<CurrentMembership> found;
  if (group_ids.empty()) return found;
  auto read = [&](store::Statement& q) {
    while (q.Step()) {
      found.push_back({q.Int(0), q.Int(1), q.Int(2), std::string(q.Text(3)), q.OptionalInt(4)});
    }
  };
  constexpr const char* kCurrent =
      "SELECT id, group_id, individual_id, role, import_id FROM group_memberships "
      "WHERE end_date IS NULL AND group_id ";
  if (db_.backend() == store::Backend::kPostgres) {
    std::string array = "{";
    for (size_t i = 0; i < group_ids.size(); ++i)
      array += (i ? "," : "") + std::to_string(group_ids[i]);
    array += "}";
    auto query = db_.Prepare(std::string(kCurrent) + "= ANY($1::bigint[])");
    query->Bind(1, array);
    read(*query);
    return found;
  }
  auto query = db_.Prepare(std::string(kCurrent) + "= $1");
  for (int64_t id : group_ids) {
    query->Reset();
    query->Bind(1, id);
    read(*query);
  }
  return found;
}

}  // namespace spmis::importer
