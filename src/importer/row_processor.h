// RowProcessor: validates and writes the rows of one import kind, a batch at
// a time, inside the importer's transaction. Each row ends created, updated,
// unchanged or failed; a failed row carries every reason, for the error
// report. Rows are matched to what the registry already holds (by external ID
// or national ID, by code for areas), so importing a file twice creates
// nothing twice.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.h"
#include "core/principal.h"
#include "core/registrant_id.h"
#include "core/result.h"
#include "importer/import_kind.h"
#include "store/database.h"

namespace spmis::importer {

struct ImportRow {
  enum class Outcome { kPending, kCreated, kUpdated, kUnchanged, kFailed };

  int64_t number = 0;              // the spreadsheet row number
  std::vector<std::string> cells;  // as read, for the error report
  std::vector<int> columns;        // field index of each cell (-1: ignored)
  std::vector<std::string> errors;
  Outcome outcome = Outcome::kPending;

  // The trimmed cell of field `index`; nullopt when no column holds the
  // field or the cell is empty (an empty cell never erases a stored value).
  std::optional<std::string> Value(int index) const;
  void Fail(std::string reason) {
    errors.push_back(std::move(reason));
    outcome = Outcome::kFailed;
  }
  // A service's refusal: one reason per field it names, else its message.
  void Fail(const Error& error) {
    if (error.fields.empty()) Fail(error.message);
    for (const auto& f : error.fields) Fail(f.field + ": " + f.message);
  }
  bool failed() const { return outcome == Outcome::kFailed; }
};

// A batch of rows on its way through the importer's two stages.
struct RowBatch {
  std::vector<ImportRow> rows;
  std::shared_ptr<void> prepared;  // what Prepare made of the rows, for Write
  // How many commits the import had made when Prepare looked the batch's
  // keys up (what those look-ups could see; see RecentKeys).
  int64_t commits_seen = 0;
};

class RowProcessor {
 public:
  virtual ~RowProcessor() = default;
  // The fields columns may fill, including declared custom fields.
  virtual const std::vector<std::string>& fields() const = 0;
  // Groups of fields of which at least one must have a column.
  virtual std::vector<std::vector<std::string>> required() const = 0;
  // Secondary indexes this kind of import never reads, which a large import
  // may suspend (drop, then rebuild at the end), and the table whose size
  // decides whether it is worth it.
  virtual std::vector<std::string> suspendable_indexes() const { return {}; }
  virtual std::string table() const { return {}; }
  // The tables this kind of import writes new rows into, whose foreign keys a
  // large import leaves unchecked: it resolves every reference itself.
  virtual std::vector<std::string> written_tables() const { return {}; }
  // Stage 1: the checks of each row's own fields, and the look-ups of the
  // keys it names on the look-up connection, which sees what is committed.
  // The importer runs it on its reader thread while the previous batch is
  // written. Batches are prepared and written in file order, one preparer at
  // a time.
  virtual void Prepare(RowBatch& batch) { (void)batch; }
  // Stage 2, in the importer's transaction: match against the registry
  // (what this import wrote since the look-ups ran included) and write.
  virtual void Write(RowBatch& batch) = 0;
  // The importer committed what Write wrote so far.
  virtual void Committed() {}
};

// Prepare's usual shape: one candidate per row, made by `parse`, kept with
// the batch for Write, which reads them back with PreparedCandidates.
template <typename Candidate, typename Parse>
void PrepareCandidates(RowBatch& batch, Parse parse) {
  auto candidates = std::make_shared<std::vector<Candidate>>();
  candidates->reserve(batch.rows.size());
  for (auto& row : batch.rows) candidates->push_back(parse(row));
  batch.prepared = std::move(candidates);
}
template <typename Candidate>
std::vector<Candidate>& PreparedCandidates(RowBatch& batch) {
  return *std::static_pointer_cast<std::vector<Candidate>>(batch.prepared);
}

// `connection` writes, in the importer's transaction; `lookups` is another
// connection to the same database, for Prepare's look-ups.
std::unique_ptr<RowProcessor> MakeRowProcessor(ImportKind kind, store::Connection& connection,
                                               store::Connection& lookups, int64_t import_id,
                                               const Principal& principal);

}  // namespace spmis::importer
