// XLSX as Excel and LibreOffice write it: a zip (libzip) of XML parts read
// with expat. Shared strings and styles are read first; the chosen sheet is
// then streamed row by row, so memory holds one chunk of the sheet at a time.
// Handles shared, inline and formula strings, booleans, numbers, dates stored
// as serial numbers (by the cell's number format; 1900 and 1904 systems), and
// cells the file skips (empty cells are simply absent).
#include <expat.h>
#include <zip.h>

#include <charconv>
#include <cmath>
#include <deque>
#include <map>
#include <set>

#include "core/date.h"
#include "core/text.h"
#include "importer/table_reader.h"

namespace spmis::importer {
namespace {

struct ZipDeleter {
  void operator()(zip_t* zip) const { zip_discard(zip); }
};
struct ZipFileDeleter {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
struct ParserDeleter {
  void operator()(XML_Parser parser) const { XML_ParserFree(parser); }
};
using ParserPtr = std::unique_ptr<std::remove_pointer_t<XML_Parser>, ParserDeleter>;

std::string_view LocalName(const char* name) {
  std::string_view n(name);
  size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const char* Attribute(const char** attributes, std::string_view wanted) {
  for (int i = 0; attributes[i] != nullptr; i += 2) {
    if (LocalName(attributes[i]) == wanted) return attributes[i + 1];
  }
  return nullptr;
}

// Reads a whole (small) part of the zip through an expat handler.
template <typename Handler>
Status ParsePart(zip_t* zip, const std::string& name, Handler& handler, bool required) {
  std::unique_ptr<zip_file_t, ZipFileDeleter> file(zip_fopen(zip, name.c_str(), 0));
  if (!file) {
    if (!required) return OkStatus();
    return Error::Invalid("the workbook has no " + name + ": is it an XLSX file?");
  }
  ParserPtr parser(XML_ParserCreate("UTF-8"));
  XML_SetUserData(parser.get(), &handler);
  XML_SetElementHandler(
      parser.get(),
      [](void* data, const char* element, const char** attributes) {
        static_cast<Handler*>(data)->Start(LocalName(element), attributes);
      },
      [](void* data, const char* element) {
        static_cast<Handler*>(data)->End(LocalName(element));
      });
  XML_SetCharacterDataHandler(parser.get(), [](void* data, const char* text, int length) {
    static_cast<Handler*>(data)->Text(std::string_view(text, static_cast<size_t>(length)));
  });
  char buffer[65536];
  while (true) {
    zip_int64_t n = zip_fread(file.get(), buffer, sizeof buffer);
    if (n < 0) return Error::Invalid("the workbook is corrupt (" + name + " cannot be read)");
    if (XML_Parse(parser.get(), buffer, static_cast<int>(n), n == 0) == XML_STATUS_ERROR) {
      return Error::Invalid("the workbook is corrupt (" + name + ": " +
                            XML_ErrorString(XML_GetErrorCode(parser.get())) + ")");
    }
    if (n == 0) return OkStatus();
  }
}

struct WorkbookHandler {
  std::vector<std::pair<std::string, std::string>> sheets;  // name, relationship id
  bool date1904 = false;
  void Start(std::string_view element, const char** attributes) {
    if (element == "sheet") {
      const char* name = Attribute(attributes, "name");
      const char* id = Attribute(attributes, "id");
      if (name && id) sheets.emplace_back(name, id);
    } else if (element == "workbookPr") {
      const char* d = Attribute(attributes, "date1904");
      date1904 = d && (std::string_view(d) == "1" || std::string_view(d) == "true");
    }
  }
  void End(std::string_view) {}
  void Text(std::string_view) {}
};

struct RelationshipsHandler {
  std::map<std::string, std::string> targets;
  void Start(std::string_view element, const char** attributes) {
    if (element != "Relationship") return;
    const char* id = Attribute(attributes, "Id");
    const char* target = Attribute(attributes, "Target");
    if (id && target) targets[id] = target;
  }
  void End(std::string_view) {}
  void Text(std::string_view) {}
};

struct SharedStringsHandler {
  std::vector<std::string> strings;
  std::string current;
  bool in_text = false;
  int phonetic = 0;  // <rPh> holds reading aids, not cell text
  void Start(std::string_view element, const char**) {
    if (element == "si") current.clear();
    if (element == "rPh") ++phonetic;
    if (element == "t" && phonetic == 0) in_text = true;
  }
  void End(std::string_view element) {
    if (element == "t") in_text = false;
    if (element == "rPh") --phonetic;
    if (element == "si") strings.push_back(std::move(current));
  }
  void Text(std::string_view text) {
    if (in_text) current += text;
  }
};

bool IsDateFormatCode(std::string code) {
  std::string plain;
  bool quoted = false;
  int bracket = 0;
  for (char c : ToLowerAscii(code)) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '[') ++bracket;
    if (c == ']') --bracket;
    if (bracket == 0 && c != ']') plain += c;
  }
  return plain.find('y') != std::string::npos || plain.find('d') != std::string::npos;
}

struct StylesHandler {
  std::map<int, bool> custom_is_date;  // numFmtId -> date?
  std::vector<int> cell_formats;       // cellXfs index -> numFmtId
  bool in_cell_xfs = false;
  void Start(std::string_view element, const char** attributes) {
    if (element == "numFmt") {
      const char* id = Attribute(attributes, "numFmtId");
      const char* code = Attribute(attributes, "formatCode");
      if (id && code) custom_is_date[std::atoi(id)] = IsDateFormatCode(code);
    } else if (element == "cellXfs") {
      in_cell_xfs = true;
    } else if (element == "xf" && in_cell_xfs) {
      const char* id = Attribute(attributes, "numFmtId");
      cell_formats.push_back(id ? std::atoi(id) : 0);
    }
  }
  void End(std::string_view element) {
    if (element == "cellXfs") in_cell_xfs = false;
  }
  void Text(std::string_view) {}

  bool IsDateStyle(int style) const {
    if (style < 0 || style >= static_cast<int>(cell_formats.size())) return false;
    int id = cell_formats[static_cast<size_t>(style)];
    if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) ||
        (id >= 50 && id <= 58)) {
      return true;  // built-in date and time formats
    }
    auto it = custom_is_date.find(id);
    return it != custom_is_date.end() && it->second;
  }
};

// "BC12" -> 54 (zero-based column), -1 when malformed.
int ColumnIndex(std::string_view reference) {
  int column = 0;
  size_t i = 0;
  while (i < reference.size() && reference[i] >= 'A' && reference[i] <= 'Z') {
    column = column * 26 + (reference[i] - 'A' + 1);
    ++i;
    if (column > 16384) return -1;
  }
  return i == 0 ? -1 : column - 1;
}

std::string SerialToDate(double serial, bool date1904) {
  // Excel's 1900 system counts the non-existent 1900-02-29 (serial 60).
  int64_t days = static_cast<int64_t>(std::floor(serial));
  Date base = date1904 ? *Date::FromYmd(1904, 1, 1) : *Date::FromYmd(1899, 12, 30);
  if (!date1904 && days < 61) base = *Date::FromYmd(1899, 12, 31);
  return base.AddDays(static_cast<int32_t>(days)).ToString();
}

class XlsxReader final : public TableReader {
 public:
  Status Open(const std::string& path, const TableOptions& options) {
    int error = 0;
    zip_.reset(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error));
    if (!zip_) {
      zip_error_t ze;
      zip_error_init_with_code(&ze, error);
      std::string reason = zip_error_strerror(&ze);
      zip_error_fini(&ze);
      return Error::Invalid("the workbook is corrupt or truncated (" + reason + ")");
    }
    WorkbookHandler workbook;
    SPMIS_RETURN_IF_ERROR(ParsePart(zip_.get(), "xl/workbook.xml", workbook, true));
    if (workbook.sheets.empty()) return Error::Invalid("the workbook has no sheets");
    date1904_ = workbook.date1904;
    RelationshipsHandler relationships;
    SPMIS_RETURN_IF_ERROR(ParsePart(zip_.get(), "xl/_rels/workbook.xml.rels", relationships, true));
    std::string relationship;
    if (options.sheet.empty()) {
      relationship = workbook.sheets.front().second;
    } else {
      std::string names;
      for (const auto& [name, id] : workbook.sheets) {
        if (name == options.sheet) relationship = id;
        names += (names.empty() ? "" : ", ") + name;
      }
      if (relationship.empty()) {
        return Error::Invalid("the workbook has no sheet '" + options.sheet +
                              "' (it has: " + names + ")");
      }
    }
    auto target = relationships.targets.find(relationship);
    if (target == relationships.targets.end())
      return Error::Invalid("the workbook is corrupt (sheet part missing)");
    std::string part = target->second;
    part = part.starts_with('/') ? part.substr(1) : "xl/" + part;
    SharedStringsHandler shared;
    SPMIS_RETURN_IF_ERROR(ParsePart(zip_.get(), "xl/sharedStrings.xml", shared, false));
    shared_strings_ = std::move(shared.strings);
    SPMIS_RETURN_IF_ERROR(ParsePart(zip_.get(), "xl/styles.xml", styles_, false));

    sheet_.reset(zip_fopen(zip_.get(), part.c_str(), 0));
    if (!sheet_) return Error::Invalid("the workbook is corrupt (" + part + " is missing)");
    parser_.reset(XML_ParserCreate("UTF-8"));
    XML_SetUserData(parser_.get(), this);
    XML_SetElementHandler(
        parser_.get(),
        [](void* self, const char* element, const char** attributes) {
          static_cast<XlsxReader*>(self)->Start(LocalName(element), attributes);
        },
        [](void* self, const char* element) {
          static_cast<XlsxReader*>(self)->End(LocalName(element));
        });
    XML_SetCharacterDataHandler(parser_.get(), [](void* self, const char* text, int length) {
      static_cast<XlsxReader*>(self)->Text(std::string_view(text, static_cast<size_t>(length)));
    });
    return OkStatus();
  }

  Result<bool> Next(std::vector<std::string>& cells) override {
    while (rows_.empty()) {
      if (!error_.empty()) return Error::Invalid(error_);
      if (done_) return false;
      char buffer[65536];
      zip_int64_t n = zip_fread(sheet_.get(), buffer, sizeof buffer);
      if (n < 0) return Error::Invalid("the workbook is corrupt (the sheet cannot be read)");
      if (XML_Parse(parser_.get(), buffer, static_cast<int>(n), n == 0) == XML_STATUS_ERROR) {
        return Error::Invalid(std::string("the workbook is corrupt (sheet: ") +
                              XML_ErrorString(XML_GetErrorCode(parser_.get())) + ")");
      }
      if (n == 0) done_ = true;
    }
    cells = std::move(rows_.front().first);
    row_number_ = rows_.front().second;
    rows_.pop_front();
    return true;
  }

  int64_t row_number() const override { return row_number_; }
  std::string format() const override { return "xlsx"; }

 private:
  void Start(std::string_view element, const char** attributes) {
    if (element == "row") {
      const char* r = Attribute(attributes, "r");
      current_row_number_ = r ? std::atoll(r) : current_row_number_ + 1;
      row_.clear();
      next_column_ = 0;
    } else if (element == "c") {
      const char* ref = Attribute(attributes, "r");
      column_ = ref ? ColumnIndex(ref) : next_column_;
      if (column_ < 0) error_ = "the workbook is corrupt (bad cell reference)";
      const char* type = Attribute(attributes, "t");
      cell_type_ = type ? type : "n";
      const char* style = Attribute(attributes, "s");
      cell_style_ = style ? std::atoi(style) : -1;
      value_.clear();
      in_cell_ = true;
    } else if (in_cell_ && (element == "v" || element == "t")) {
      in_value_ = true;
    } else if (element == "rPh") {
      ++phonetic_;
    }
  }

  void End(std::string_view element) {
    if (element == "v" || element == "t") {
      in_value_ = false;
    } else if (element == "rPh") {
      --phonetic_;
    } else if (element == "c") {
      in_cell_ = false;
      if (column_ < 0) return;
      if (static_cast<size_t>(column_) >= row_.size())
        row_.resize(static_cast<size_t>(column_) + 1);
      row_[static_cast<size_t>(column_)] = CellText();
      next_column_ = column_ + 1;
    } else if (element == "row") {
      bool blank = true;
      for (const auto& cell : row_) {
        if (!Trim(cell).empty()) blank = false;
      }
      if (!blank) rows_.emplace_back(std::move(row_), current_row_number_);
      row_.clear();
    }
  }

  void Text(std::string_view text) {
    if (in_value_ && phonetic_ == 0) value_ += text;
  }

  std::string CellText() {
    if (cell_type_ == "s") {
      auto index = ParseInt64(value_);
      if (!index || *index < 0 || static_cast<size_t>(*index) >= shared_strings_.size()) {
        error_ = "the workbook is corrupt (a cell names a missing shared string)";
        return {};
      }
      return shared_strings_[static_cast<size_t>(*index)];
    }
    if (cell_type_ == "b") return value_ == "1" ? "true" : "false";
    if (cell_type_ == "inlineStr" || cell_type_ == "str" || cell_type_ == "e") return value_;
    // A number: a date when its format says so, else its text as stored.
    if (!value_.empty() && styles_.IsDateStyle(cell_style_)) {
      if (auto serial = ParseDouble(value_)) return SerialToDate(*serial, date1904_);
    }
    if (value_.find_first_of("eE") != std::string::npos) {
      // 1.2345678E+7 from some writers: print whole numbers in full.
      if (auto number = ParseDouble(value_);
          number && std::floor(*number) == *number && std::fabs(*number) < 1e15) {
        return std::to_string(static_cast<int64_t>(*number));
      }
    }
    return value_;
  }

  std::unique_ptr<zip_t, ZipDeleter> zip_;
  std::unique_ptr<zip_file_t, ZipFileDeleter> sheet_;
  ParserPtr parser_;
  std::vector<std::string> shared_strings_;
  StylesHandler styles_;
  bool date1904_ = false;
  std::deque<std::pair<std::vector<std::string>, int64_t>> rows_;
  std::vector<std::string> row_;
  int64_t current_row_number_ = 0;
  int64_t row_number_ = 0;
  int column_ = 0;
  int next_column_ = 0;
  std::string cell_type_;
  int cell_style_ = -1;
  std::string value_;
  bool in_cell_ = false;
  bool in_value_ = false;
  int phonetic_ = 0;
  std::string error_;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<TableReader>> OpenXlsx(const std::string& path,
                                              const TableOptions& options) {
  auto reader = std::make_unique<XlsxReader>();
  SPMIS_RETURN_IF_ERROR(reader->Open(path, options));
  return std::unique_ptr<TableReader>(std::move(reader));
}

}  // namespace spmis::importer
