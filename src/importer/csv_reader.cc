// CSV through libcsv: UTF-8 with or without a byte-order mark, comma or
// semicolon, quoted fields with embedded delimiters, quotes and newlines.
// Strict mode: a stray quote or an unterminated quoted field at the end (a
// truncated file) is an error, never a silently shortened row.
#include <csv.h>

#include <cstdio>
#include <deque>
#include <fstream>

#include "core/text.h"
#include "importer/table_reader.h"

namespace spmis::importer {
namespace {

constexpr size_t kChunk = 1 << 20;

class CsvReader final : public TableReader {
 public:
  CsvReader() { csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL); }
  ~CsvReader() override { csv_free(&parser_); }
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  Status Open(const std::string& path, char delimiter) {
    file_.open(path, std::ios::binary);
    if (!file_) return Error::Invalid("cannot read the file");
    if (!Fill()) return Error::Invalid("the file is empty");
    if (buffer_.starts_with("\xEF\xBB\xBF")) buffer_.erase(0, 3);
    if (buffer_.find('\0') != std::string::npos) {
      return Error::Invalid("this is not a CSV text file (it holds binary data)");
    }
    if (delimiter == 0) delimiter = GuessDelimiter();
    csv_set_delim(&parser_, static_cast<unsigned char>(delimiter));
    return OkStatus();
  }

  Result<bool> Next(std::vector<std::string>& cells) override {
    SPMIS_ASSIGN_OR_RETURN(bool more, Parse([&] { return !rows_.empty(); }));
    if (!more) return false;
    cells = std::move(rows_.front().cells);
    row_number_ = rows_.front().number;
    rows_.pop_front();
    return true;
  }

  // The same parse and checks, counting rows instead of keeping their cells.
  Result<int64_t> CountRemainingRows() override {
    int64_t rows = static_cast<int64_t>(rows_.size());
    rows_.clear();
    counting_ = true;
    SPMIS_ASSIGN_OR_RETURN(bool more, Parse([] { return false; }));
    (void)more;
    return rows + counted_;
  }

  int64_t row_number() const override { return row_number_; }
  std::string format() const override { return "csv"; }

 private:
  struct PendingRow {
    std::vector<std::string> cells;
    int64_t number;
  };

  // Parses until `ready()` or the end of the file; false at the end.
  template <typename Ready>
  Result<bool> Parse(Ready ready) {
    while (!ready()) {
      if (!error_.empty()) return Error::Invalid(error_);
      if (finished_) return false;
      if (buffer_.empty() && !Fill()) {
        if (csv_fini(&parser_, OnField, OnRow, this) != 0) {
          return Error::Invalid("the file ends inside a quoted field (row " +
                                std::to_string(row_ + 1) + "): is it truncated?");
        }
        finished_ = true;
        continue;
      }
      if (buffer_.find('\0') != std::string::npos) {
        return Error::Invalid("this is not a CSV text file (it holds binary data)");
      }
      size_t parsed = csv_parse(&parser_, buffer_.data(), buffer_.size(), OnField, OnRow, this);
      if (parsed != buffer_.size()) {
        return Error::Invalid("malformed CSV near row " + std::to_string(row_ + 1) + ": " +
                              csv_strerror(csv_error(&parser_)) +
                              " (a quote inside a field must be doubled)");
      }
      buffer_.clear();
    }
    return true;
  }

  bool Fill() {
    buffer_.resize(kChunk);
    file_.read(buffer_.data(), static_cast<std::streamsize>(kChunk));
    buffer_.resize(static_cast<size_t>(file_.gcount()));
    return !buffer_.empty();
  }

  // The header line decides: more semicolons than commas outside quotes means ';'.
  char GuessDelimiter() const {
    size_t commas = 0, semicolons = 0;
    bool quoted = false;
    for (char c : buffer_) {
      if (c == '"') quoted = !quoted;
      if (quoted) continue;
      if (c == '\n') break;
      if (c == ',') ++commas;
      if (c == ';') ++semicolons;
    }
    return semicolons > commas ? ';' : ',';
  }

  static void OnField(void* data, size_t length, void* self_ptr) {
    auto* self = static_cast<CsvReader*>(self_ptr);
    std::string_view field(static_cast<const char*>(data), data ? length : 0);
    if (self->error_.empty() && !IsValidUtf8(field)) {
      self->error_ = "row " + std::to_string(self->row_ + 1) +
                     " is not UTF-8 text: save the file as CSV UTF-8";
    }
    if (self->counting_) {
      self->row_blank_ = self->row_blank_ && Trim(field).empty();
    } else {
      self->current_.emplace_back(field);
    }
  }

  static void OnRow(int, void* self_ptr) {
    auto* self = static_cast<CsvReader*>(self_ptr);
    ++self->row_;
    if (self->counting_) {
      if (!self->row_blank_) ++self->counted_;
      self->row_blank_ = true;
      return;
    }
    bool blank = true;
    for (const auto& cell : self->current_) {
      if (!Trim(cell).empty()) blank = false;
    }
    if (!blank) self->rows_.push_back({std::move(self->current_), self->row_});
    self->current_.clear();
  }

  csv_parser parser_{};
  std::ifstream file_;
  std::string buffer_;
  std::vector<std::string> current_;
  std::deque<PendingRow> rows_;
  std::string error_;
  int64_t row_ = 0;
  int64_t row_number_ = 0;
  bool finished_ = false;
  bool counting_ = false;  // CountRemainingRows: cells are checked, not kept
  bool row_blank_ = true;
  int64_t counted_ = 0;
};

}  // namespace

Result<int64_t> TableReader::CountRemainingRows() {
  std::vector<std::string> cells;
  int64_t rows = 0;
  while (true) {
    SPMIS_ASSIGN_OR_RETURN(bool more, Next(cells));
    if (!more) return rows;
    ++rows;
  }
}

Result<std::unique_ptr<TableReader>> OpenCsv(const std::string& path, const TableOptions& options) {
  if (options.delimiter != 0 && options.delimiter != ',' && options.delimiter != ';' &&
      options.delimiter != '\t') {
    return Error::Invalid("the delimiter must be ',', ';' or a tab");
  }
  auto reader = std::make_unique<CsvReader>();
  SPMIS_RETURN_IF_ERROR(reader->Open(path, options.delimiter));
  return std::unique_ptr<TableReader>(std::move(reader));
}

Result<std::unique_ptr<TableReader>> OpenTable(const std::string& path,
                                               const TableOptions& options) {
  std::ifstream probe(path, std::ios::binary);
  if (!probe) return Error::Invalid("cannot read '" + path + "'");
  char magic[4] = {};
  probe.read(magic, 4);
  if (probe.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
    return OpenXlsx(path, options);
  }
  bool named_xlsx = path.size() > 5 && ToLowerAscii(path.substr(path.size() - 5)) == ".xlsx";
  if (named_xlsx)
    return Error::Invalid("the file is named .xlsx but is not an XLSX workbook (a zip)");
  return OpenCsv(path, options);
}

}  // namespace spmis::importer
