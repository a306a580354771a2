// TableReader: a spreadsheet-shaped file read one row at a time, whatever its
// format (CSV or XLSX), so an import never holds a whole file in memory.
// Rows are lists of text cells; row numbers are as a spreadsheet shows them
// (the header is row 1), so error reports point where people look.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace spmis::importer {

struct TableOptions {
  std::string sheet;   // XLSX: the sheet to read (default: the first)
  char delimiter = 0;  // CSV: ',' or ';' (default: guessed from the header line)
};

class TableReader {
 public:
  virtual ~TableReader() = default;
  // The next non-empty row into `cells`; false at the end of the table. An
  // error means the file is malformed (it is then refused whole).
  virtual Result<bool> Next(std::vector<std::string>& cells) = 0;
  // Reads the rest of the table, checking it as Next would, and returns how
  // many non-empty rows it holds (without keeping their cells).
  virtual Result<int64_t> CountRemainingRows();
  // The spreadsheet row number of the row last returned.
  virtual int64_t row_number() const = 0;
  virtual std::string format() const = 0;  // "csv" | "xlsx"
};

// Opens `path` as XLSX when it is a zip file, else as CSV. Refuses files that
// are neither (binary data, not UTF-8).
Result<std::unique_ptr<TableReader>> OpenTable(const std::string& path,
                                               const TableOptions& options);

Result<std::unique_ptr<TableReader>> OpenCsv(const std::string& path, const TableOptions& options);
Result<std::unique_ptr<TableReader>> OpenXlsx(const std::string& path, const TableOptions& options);

}  // namespace spmis::importer
