// CsvWriter: writes RFC 4180 CSV (UTF-8, comma, CRLF, quotes where needed),
// as spreadsheets read it back: the error reports of imports and the demo
// population files.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "core/result.h"

namespace spmis::importer {

class CsvWriter {
 public:
  // Creates (or truncates) the file; `ok()` tells whether it could.
  explicit CsvWriter(const std::string& path);
  bool ok() const { return static_cast<bool>(out_); }
  void Row(const std::vector<std::string>& cells);
  Status Close();

  static std::string Quote(const std::string& cell);

 private:
  std::ofstream out_;
  std::string path_;
};

}  // namespace spmis::importer
