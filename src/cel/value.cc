#include "cel/value.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "cel/time_util.h"

namespace spmis::cel {

namespace {

// Owns the bytes of a string value made at run time.
struct StringObject : HeapObject {
  explicit StringObject(std::string s) : text(std::move(s)) {}
  std::string text;
};

void AppendQuoted(std::string& out, std::string_view text, bool bytes) {
  out += bytes ? "b\"" : "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || (bytes && c >= 0x7f)) {
          static const char* hex = "0123456789abcdef";
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "double(\"NaN\")";
  if (std::isinf(d)) return d > 0 ? "double(\"Infinity\")" : "double(\"-Infinity\")";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  std::string s(buffer, end);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

std::string_view KindTypeName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNull:
      return "null_type";
    case ValueKind::kBool:
      return "bool";
    case ValueKind::kInt:
      return "int";
    case ValueKind::kUint:
      return "uint";
    case ValueKind::kDouble:
      return "double";
    case ValueKind::kString:
      return "string";
    case ValueKind::kBytes:
      return "bytes";
    case ValueKind::kList:
      return "list";
    case ValueKind::kMap:
      return "map";
    case ValueKind::kRecord:
      return "record";
    case ValueKind::kTimestamp:
      return "google.protobuf.Timestamp";
    case ValueKind::kDuration:
      return "google.protobuf.Duration";
    case ValueKind::kType:
      return "type";
    case ValueKind::kError:
      return "error";
  }
  return "unknown";
}

int RecordType::FieldSlot(std::string_view field) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == field) return static_cast<int>(i);
  }
  return -1;
}

bool RecordObject::HasField(uint32_t, int slot) const {
  return slot >= 0 && static_cast<size_t>(slot) < Type().fields.size();
}

Value Value::String(std::string text) {
  auto object = std::make_shared<StringObject>(std::move(text));
  Value v = BorrowedString(object->text);
  v.owner_ = std::move(object);
  return v;
}

Value Value::Bytes(std::string bytes) {
  Value v = String(std::move(bytes));
  v.kind_ = ValueKind::kBytes;
  return v;
}

Value Value::BorrowedString(std::string_view text) {
  Value v(ValueKind::kString);
  v.data_.ref.ptr = text.data();
  v.data_.ref.a = static_cast<uint32_t>(text.size());
  v.data_.ref.b = 0;
  return v;
}

Value Value::BorrowedBytes(std::string_view bytes) {
  Value v = BorrowedString(bytes);
  v.kind_ = ValueKind::kBytes;
  return v;
}

Value Value::List(std::vector<Value> items) {
  auto count = static_cast<uint32_t>(items.size());
  return OwnedList(std::make_shared<VectorList>(std::move(items)), count);
}

Value Value::BorrowedList(const ListObject* list, uint32_t begin, uint32_t count) {
  Value v(ValueKind::kList);
  v.data_.ref.ptr = list;
  v.data_.ref.a = begin;
  v.data_.ref.b = count;
  return v;
}

Value Value::OwnedList(std::shared_ptr<const ListObject> list, uint32_t count) {
  Value v = BorrowedList(list.get(), 0, count);
  v.owner_ = std::move(list);
  return v;
}

Value Value::Map(std::shared_ptr<const MapObject> map) {
  Value v = BorrowedMap(map.get());
  v.owner_ = std::move(map);
  return v;
}

Value Value::BorrowedMap(const MapObject* map) {
  Value v(ValueKind::kMap);
  v.data_.ref.ptr = map;
  v.data_.ref.a = 0;
  v.data_.ref.b = 0;
  return v;
}

Value Value::Record(const RecordObject* records, uint32_t row) {
  Value v(ValueKind::kRecord);
  v.data_.ref.ptr = records;
  v.data_.ref.a = row;
  v.data_.ref.b = 0;
  return v;
}

Value Value::OwnedRecord(std::shared_ptr<const RecordObject> records, uint32_t row) {
  Value v = Record(records.get(), row);
  v.owner_ = std::move(records);
  return v;
}

Value Value::Type(std::string_view name) {
  Value v = String(std::string(name));
  v.kind_ = ValueKind::kType;
  return v;
}

Value Value::Error(std::string message) {
  auto object = std::make_shared<ErrorObject>(std::move(message));
  Value v(ValueKind::kError);
  v.data_.ref.ptr = object.get();
  v.data_.ref.a = 0;
  v.data_.ref.b = 0;
  v.owner_ = std::move(object);
  return v;
}

Value Value::list_at(uint32_t i) const {
  return static_cast<const ListObject*>(data_.ref.ptr)->Get(data_.ref.a + i);
}

const std::string& Value::error_message() const {
  return static_cast<const ErrorObject*>(data_.ref.ptr)->message;
}

Value Value::Owned() const {
  switch (kind_) {
    case ValueKind::kString:
      return owner_ ? *this : String(std::string(text()));
    case ValueKind::kBytes:
      return owner_ ? *this : Bytes(std::string(text()));
    case ValueKind::kList: {  // an owned list may hold borrowed elements
      std::vector<Value> items;
      items.reserve(list_size());
      for (uint32_t i = 0; i < list_size(); ++i) items.push_back(list_at(i).Owned());
      return List(std::move(items));
    }
    case ValueKind::kMap: {
      auto copy = std::make_shared<HashMapObject>();
      for (uint32_t i = 0; i < map().Size(); ++i) {
        copy->Insert(map().KeyAt(i).Owned(), map().ValueAt(i).Owned());
      }
      return Map(std::move(copy));
    }
    case ValueKind::kRecord: {
      auto copy = std::make_shared<HashMapObject>();
      const RecordType& type = record().Type();
      for (size_t i = 0; i < type.fields.size(); ++i) {
        copy->Insert(String(type.fields[i]),
                     record().Field(record_row(), static_cast<int>(i)).Owned());
      }
      return Map(std::move(copy));
    }
    default:
      return *this;
  }
}

std::string Value::DebugString() const {
  switch (kind_) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return data_.b ? "true" : "false";
    case ValueKind::kInt:
      return std::to_string(data_.i);
    case ValueKind::kUint:
      return std::to_string(data_.u) + "u";
    case ValueKind::kDouble:
      return FormatDouble(data_.d);
    case ValueKind::kString:
    case ValueKind::kBytes: {
      std::string out;
      AppendQuoted(out, text(), kind_ == ValueKind::kBytes);
      return out;
    }
    case ValueKind::kList: {
      std::string out = "[";
      for (uint32_t i = 0; i < list_size(); ++i) {
        if (i > 0) out += ", ";
        out += list_at(i).DebugString();
      }
      return out + "]";
    }
    case ValueKind::kMap: {
      std::string out = "{";
      for (uint32_t i = 0; i < map().Size(); ++i) {
        if (i > 0) out += ", ";
        out += map().KeyAt(i).DebugString() + ": " + map().ValueAt(i).DebugString();
      }
      return out + "}";
    }
    case ValueKind::kRecord: {
      const RecordType& type = record().Type();
      std::string out = type.name + "{";
      for (size_t i = 0; i < type.fields.size(); ++i) {
        if (i > 0) out += ", ";
        out +=
            type.fields[i] + ": " + record().Field(record_row(), static_cast<int>(i)).DebugString();
      }
      return out + "}";
    }
    case ValueKind::kTimestamp:
      return "timestamp(\"" + FormatTimestamp(data_.time) + "\")";
    case ValueKind::kDuration:
      return "duration(\"" + FormatDuration(data_.time) + "\")";
    case ValueKind::kType:
      return std::string(text());
    case ValueKind::kError:
      return "error(" + error_message() + ")";
  }
  return "?";
}

// --- equality and ordering ---------------------------------------------------

namespace {

bool IsNumber(ValueKind k) {
  return k == ValueKind::kInt || k == ValueKind::kUint || k == ValueKind::kDouble;
}

// Compares two numbers of any numeric kinds exactly (no rounding of large
// int64 through double). nullopt when a NaN is involved.
std::optional<int> CompareNumbers(const Value& a, const Value& b) {
  auto sign = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
  ValueKind ka = a.kind(), kb = b.kind();
  if (ka == kb) {
    if (ka == ValueKind::kInt) return sign(a.int_value(), b.int_value());
    if (ka == ValueKind::kUint) return sign(a.uint_value(), b.uint_value());
    if (std::isnan(a.double_value()) || std::isnan(b.double_value())) return std::nullopt;
    return sign(a.double_value(), b.double_value());
  }
  if (ka == ValueKind::kInt && kb == ValueKind::kUint) {
    if (a.int_value() < 0) return -1;
    return sign(static_cast<uint64_t>(a.int_value()), b.uint_value());
  }
  if (ka == ValueKind::kUint && kb == ValueKind::kInt) {
    auto r = CompareNumbers(b, a);
    return r ? std::optional<int>(-*r) : std::nullopt;
  }
  // One side is a double: compare as doubles, as CEL does (so the largest
  // int equals 2^63 as a double).
  auto as_double = [](const Value& v) {
    return v.is(ValueKind::kDouble) ? v.double_value()
           : v.is(ValueKind::kInt)  ? static_cast<double>(v.int_value())
                                    : static_cast<double>(v.uint_value());
  };
  double x = as_double(a), y = as_double(b);
  if (std::isnan(x) || std::isnan(y)) return std::nullopt;
  return sign(x, y);
}

}  // namespace

Value Equals(const Value& a, const Value& b) {
  if (a.IsError()) return a;
  if (b.IsError()) return b;
  ValueKind ka = a.kind(), kb = b.kind();
  if (IsNumber(ka) && IsNumber(kb)) {
    auto c = CompareNumbers(a, b);
    return Value::Bool(c && *c == 0);
  }
  if (ka != kb) return Value::Bool(false);
  switch (ka) {
    case ValueKind::kNull:
      return Value::Bool(true);
    case ValueKind::kBool:
      return Value::Bool(a.bool_value() == b.bool_value());
    case ValueKind::kString:
    case ValueKind::kBytes:
    case ValueKind::kType:
      return Value::Bool(a.text() == b.text());
    case ValueKind::kTimestamp:
    case ValueKind::kDuration:
      return Value::Bool(a.time_value() == b.time_value());
    case ValueKind::kList: {
      if (a.list_size() != b.list_size()) return Value::Bool(false);
      std::optional<Value> error;
      for (uint32_t i = 0; i < a.list_size(); ++i) {
        Value e = Equals(a.list_at(i), b.list_at(i));
        if (e.IsFalse()) return e;
        if (e.IsError() && !error) error = e;
      }
      return error ? *error : Value::Bool(true);
    }
    case ValueKind::kMap: {
      if (a.map().Size() != b.map().Size()) return Value::Bool(false);
      std::optional<Value> error;
      for (uint32_t i = 0; i < a.map().Size(); ++i) {
        const Value* other = b.map().Find(a.map().KeyAt(i));
        if (other == nullptr) return Value::Bool(false);
        Value e = Equals(a.map().ValueAt(i), *other);
        if (e.IsFalse()) return e;
        if (e.IsError() && !error) error = e;
      }
      return error ? *error : Value::Bool(true);
    }
    case ValueKind::kRecord: {
      if (&a.record() == &b.record() && a.record_row() == b.record_row()) return Value::Bool(true);
      const RecordType& type = a.record().Type();
      if (&type != &b.record().Type()) return Value::Bool(false);
      for (size_t i = 0; i < type.fields.size(); ++i) {
        int slot = static_cast<int>(i);
        Value e =
            Equals(a.record().Field(a.record_row(), slot), b.record().Field(b.record_row(), slot));
        if (!e.IsTrue()) return e;
      }
      return Value::Bool(true);
    }
    default:
      return Value::Bool(false);
  }
}

bool EqualsStrict(const Value& a, const Value& b) { return Equals(a, b).IsTrue(); }

std::optional<int> Compare(const Value& a, const Value& b) {
  ValueKind ka = a.kind(), kb = b.kind();
  if (IsNumber(ka) && IsNumber(kb)) return CompareNumbers(a, b);
  if (ka != kb) return std::nullopt;
  auto sign = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
  switch (ka) {
    case ValueKind::kBool:
      return sign(a.bool_value(), b.bool_value());
    case ValueKind::kString:
    case ValueKind::kBytes: {
      int c = a.text().compare(b.text());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case ValueKind::kTimestamp:
    case ValueKind::kDuration:
      return sign(a.time_value(), b.time_value());
    default:
      return std::nullopt;
  }
}

bool IsValidMapKey(const Value& key) {
  switch (key.kind()) {
    case ValueKind::kBool:
    case ValueKind::kInt:
    case ValueKind::kUint:
    case ValueKind::kString:
      return true;
    default:
      return false;
  }
}

uint64_t HashKey(const Value& key) {
  auto mix = [](uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
  };
  switch (key.kind()) {
    case ValueKind::kBool:
      return mix(key.bool_value() ? 0x9e37 : 0x7f4a);
    case ValueKind::kInt:
      return mix(static_cast<uint64_t>(key.int_value()));
    case ValueKind::kUint:
      return mix(key.uint_value());
    case ValueKind::kDouble: {
      double d = key.double_value();
      if (d == std::trunc(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
        return mix(static_cast<uint64_t>(static_cast<int64_t>(d)));
      }
      if (d >= 0 && d == std::trunc(d) && d < 18446744073709551616.0) {
        return mix(static_cast<uint64_t>(d));
      }
      return 0;
    }
    case ValueKind::kString: {
      uint64_t h = 1469598103934665603ULL;  // FNV-1a
      for (unsigned char c : key.text()) h = (h ^ c) * 1099511628211ULL;
      return h;
    }
    default:
      return 0;
  }
}

// --- HashMapObject -----------------------------------------------------------

bool HashMapObject::Insert(Value key, Value value) {
  if (Find(key) != nullptr) return false;
  keys_.push_back(std::move(key));
  values_.push_back(std::move(value));
  if (slots_.size() < keys_.size() * 2) {
    Grow();
  } else {
    size_t mask = slots_.size() - 1;
    size_t i = HashKey(keys_.back()) & mask;
    while (slots_[i] >= 0) i = (i + 1) & mask;
    slots_[i] = static_cast<int32_t>(keys_.size() - 1);
  }
  return true;
}

void HashMapObject::Grow() {
  size_t capacity = 8;
  while (capacity < keys_.size() * 4) capacity *= 2;
  slots_.assign(capacity, -1);
  size_t mask = capacity - 1;
  for (size_t k = 0; k < keys_.size(); ++k) {
    size_t i = HashKey(keys_[k]) & mask;
    while (slots_[i] >= 0) i = (i + 1) & mask;
    slots_[i] = static_cast<int32_t>(k);
  }
}

const Value* HashMapObject::Find(const Value& key) const {
  if (slots_.empty()) return nullptr;
  size_t mask = slots_.size() - 1;
  for (size_t i = HashKey(key) & mask;; i = (i + 1) & mask) {
    int32_t slot = slots_[i];
    if (slot < 0) return nullptr;
    if (EqualsStrict(keys_[slot], key)) return &values_[slot];
  }
}

}  // namespace spmis::cel
