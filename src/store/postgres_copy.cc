#include "store/postgres_copy.h"

#include <bit>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "store/database.h"
#include "store/postgres_binary.h"

namespace spmis::store {
namespace {

using namespace pg_binary;  // type oids and epoch

constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // followed by a zero byte

}  // namespace

CopyRowEncoder::CopyRowEncoder(std::vector<std::string> column_names,
                               std::vector<uint32_t> type_oids)
    : names_(std::move(column_names)) {
  for (uint32_t oid : type_oids) {
    switch (oid) {
      case kInt8Oid:
        kinds_.push_back(Kind::kInt8);
        break;
      case kInt4Oid:
        kinds_.push_back(Kind::kInt4);
        break;
      case kInt2Oid:
        kinds_.push_back(Kind::kInt2);
        break;
      case kBoolOid:
        kinds_.push_back(Kind::kBool);
        break;
      case kFloat8Oid:
        kinds_.push_back(Kind::kFloat8);
        break;
      case kTextOid:
      case kVarcharOid:
      case kBpcharOid:
      case kJsonOid:
        kinds_.push_back(Kind::kText);
        break;
      case kJsonbOid:
        kinds_.push_back(Kind::kJsonb);
        break;
      case kDateOid:
        kinds_.push_back(Kind::kDate);
        break;
      case kTimestampOid:
      case kTimestamptzOid:
        kinds_.push_back(Kind::kTimestamp);
        break;
      default:
        binary_ = false;  // a type this encoder does not write: the text format
        kinds_.push_back(Kind::kText);
    }
  }
  if (type_oids.size() != names_.size()) binary_ = false;
  if (binary_) {
    buffer_.append(kSignature, sizeof kSignature);  // with its terminating zero byte
    BigEndian<int32_t>(0);                          // flags
    BigEndian<int32_t>(0);                          // header extension length
  }
}

std::string CopyRowEncoder::CopyStatement(std::string_view table) const {
  std::string sql = "COPY " + std::string(table) + " (";
  for (size_t i = 0; i < names_.size(); ++i) {
    if (i) sql += ", ";
    sql += names_[i];
  }
  sql += ") FROM STDIN";
  if (binary_) sql += " (FORMAT binary)";
  return sql;
}

template <typename T>
void CopyRowEncoder::BigEndian(T value) {
  using Unsigned = std::make_unsigned_t<T>;
  auto bits = static_cast<Unsigned>(value);
  char bytes[sizeof(T)];
  for (size_t i = 0; i < sizeof(T); ++i) {
    bytes[sizeof(T) - 1 - i] = static_cast<char>(bits & 0xFF);
    bits = static_cast<Unsigned>(bits >> 8);
  }
  buffer_.append(bytes, sizeof(T));
}

void CopyRowEncoder::Field(const void* data, size_t size) {
  BigEndian<int32_t>(static_cast<int32_t>(size));
  buffer_.append(static_cast<const char*>(data), size);
}

CopyRowEncoder::Kind CopyRowEncoder::NextColumn() {
  if (column_ >= kinds_.size())
    throw DatabaseError(DatabaseError::Kind::kOther, "bulk row has the wrong number of values");
  if (!row_open_) {
    row_open_ = true;
    if (binary_) BigEndian<int16_t>(static_cast<int16_t>(kinds_.size()));
  } else if (!binary_) {
    buffer_ += '\t';
  }
  return kinds_[column_++];
}

void CopyRowEncoder::Refuse(std::string_view what) const {
  throw DatabaseError(DatabaseError::Kind::kOther, "bulk load: column " + names_[column_ - 1] +
                                                       " cannot take " + std::string(what));
}

void CopyRowEncoder::TextField(std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        buffer_ += "\\\\";
        break;
      case '\t':
        buffer_ += "\\t";
        break;
      case '\n':
        buffer_ += "\\n";
        break;
      case '\r':
        buffer_ += "\\r";
        break;
      default:
        buffer_ += c;
    }
  }
}

void CopyRowEncoder::AddNull() {
  NextColumn();
  if (binary_) {
    BigEndian<int32_t>(-1);
  } else {
    buffer_ += "\\N";
  }
}

void CopyRowEncoder::AddText(std::string_view value) {
  Kind kind = NextColumn();
  if (!binary_) return TextField(value);
  switch (kind) {
    case Kind::kText:
      return Field(value.data(), value.size());
    case Kind::kJsonb: {
      BigEndian<int32_t>(static_cast<int32_t>(value.size() + 1));
      buffer_ += '\1';  // jsonb's binary form: a version byte, then the JSON text
      buffer_.append(value);
      return;
    }
    case Kind::kDate: {
      auto date = Date::Parse(value);
      if (!date) Refuse("'" + std::string(value) + "' (not a date)");
      --column_;
      return AddDate(*date);
    }
    case Kind::kTimestamp: {
      auto at = Timestamp::Parse(value);
      if (!at) Refuse("'" + std::string(value) + "' (not a timestamp)");
      --column_;
      return AddTimestamp(*at);
    }
    case Kind::kBool:
      if (value == "1" || value == "t" || value == "true") {
        --column_;
        return AddInt(1);
      }
      if (value == "0" || value == "f" || value == "false") {
        --column_;
        return AddInt(0);
      }
      Refuse("'" + std::string(value) + "' (not a boolean)");
    case Kind::kInt8:
    case Kind::kInt4:
    case Kind::kInt2: {
      int64_t number = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (error != std::errc() || end != value.data() + value.size())
        Refuse("'" + std::string(value) + "' (not an integer)");
      --column_;
      return AddInt(number);
    }
    case Kind::kFloat8: {
      double number = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (error != std::errc() || end != value.data() + value.size())
        Refuse("'" + std::string(value) + "' (not a number)");
      --column_;
      return AddDouble(number);
    }
  }
}

void CopyRowEncoder::AddInt(int64_t value) {
  Kind kind = NextColumn();
  if (!binary_) {
    char text[24];
    auto end = std::to_chars(text, text + sizeof text, value).ptr;
    buffer_.append(text, static_cast<size_t>(end - text));
    return;
  }
  switch (kind) {
    case Kind::kInt8:
      BigEndian<int32_t>(8);
      return BigEndian<int64_t>(value);
    case Kind::kInt4:
      if (value < INT32_MIN || value > INT32_MAX) Refuse(std::to_string(value) + " (too large)");
      BigEndian<int32_t>(4);
      return BigEndian<int32_t>(static_cast<int32_t>(value));
    case Kind::kInt2:
      if (value < INT16_MIN || value > INT16_MAX) Refuse(std::to_string(value) + " (too large)");
      BigEndian<int32_t>(2);
      return BigEndian<int16_t>(static_cast<int16_t>(value));
    case Kind::kBool: {
      char flag = value != 0 ? 1 : 0;
      return Field(&flag, 1);
    }
    case Kind::kFloat8:
      --column_;
      return AddDouble(static_cast<double>(value));
    case Kind::kText:
    case Kind::kJsonb: {
      --column_;
      return AddText(std::to_string(value));
    }
    case Kind::kDate:
    case Kind::kTimestamp:
      Refuse("the number " + std::to_string(value));
  }
}

void CopyRowEncoder::AddDouble(double value) {
  Kind kind = NextColumn();
  if (!binary_ || kind == Kind::kText || kind == Kind::kJsonb) {
    char text[32];
    int length = std::snprintf(text, sizeof text, "%.17g", value);
    if (!binary_) {
      buffer_.append(text, static_cast<size_t>(length));
      return;
    }
    --column_;
    return AddText(std::string_view(text, static_cast<size_t>(length)));
  }
  if (kind != Kind::kFloat8) Refuse("the decimal number " + std::to_string(value));
  BigEndian<int32_t>(8);
  BigEndian<uint64_t>(std::bit_cast<uint64_t>(value));
}

void CopyRowEncoder::AddDate(Date value) {
  if (!binary_) return AddText(value.ToString());
  Kind kind = NextColumn();
  if (kind == Kind::kText) {
    --column_;
    return AddText(value.ToString());
  }
  if (kind != Kind::kDate) Refuse("the date " + value.ToString());
  BigEndian<int32_t>(4);
  BigEndian<int32_t>(value.days_since_epoch() - kEpochDays);
}

void CopyRowEncoder::AddTimestamp(Timestamp value) {
  if (!binary_) return AddText(value.ToString());
  Kind kind = NextColumn();
  if (kind == Kind::kText) {
    --column_;
    return AddText(value.ToString());
  }
  if (kind != Kind::kTimestamp) Refuse("the timestamp " + value.ToString());
  BigEndian<int32_t>(8);
  BigEndian<int64_t>(value.micros_since_epoch() - kEpochMicros);
}

bool CopyRowEncoder::EndRow() {
  if (column_ != kinds_.size()) return false;
  if (!binary_) buffer_ += '\n';
  column_ = 0;
  row_open_ = false;
  return true;
}

void CopyRowEncoder::AppendTrailer() {
  if (binary_) BigEndian<int16_t>(-1);
}

}  // namespace spmis::store
