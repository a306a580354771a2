#include "importer/csv_writer.h"

namespace spmis::importer {

CsvWriter::CsvWriter(const std::string& path)
    : out_(path, std::ios::binary | std::ios::trunc), path_(path) {}

std::string CsvWriter::Quote(const std::string& cell) {
  if (cell.find_first_of(",\"\r\n;") == std::string::npos && !cell.starts_with(' ') &&
      !cell.ends_with(' ')) {
    return cell;
  }
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

void CsvWriter::Row(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) line += ',';
    line += Quote(cells[i]);
  }
  line += "\r\n";
  out_ << line;
}

Status CsvWriter::Close() {
  out_.close();
  if (!out_) return Error::Internal("cannot write " + path_);
  return OkStatus();
}

}  // namespace spmis::importer
