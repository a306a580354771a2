// Value: one CEL runtime value (null, bool, int, uint, double, string, bytes,
// list, map, record, timestamp, duration, type, or an error).
//
// Scalars live inside the Value: making, copying and dropping one never
// allocates. Strings, lists, maps and records are views (a pointer, plus an
// offset and a count for lists) with an optional owner that keeps the viewed
// object alive. A value that views data of the caller's bindings (a member
// list, a record's field) has no owner and *borrows* it: such a value, and the
// result of an evaluation that returns one, is valid as long as the bindings.
// This is what lets a rule walk a million households without allocating.
//
// Values are immutable and safe to share between threads once made.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#define SPMIS_CEL_INLINE __attribute__((always_inline)) inline

namespace spmis::cel {

enum class ValueKind : uint8_t {
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kList,
  kMap,
  kRecord,
  kTimestamp,
  kDuration,
  kType,
  kError,
};

// The CEL name of a kind's type: "int", "list", "google.protobuf.Timestamp"...
std::string_view KindTypeName(ValueKind kind);

class Value;

// Everything a Value can view that does not fit inside it.
class HeapObject {
 public:
  virtual ~HeapObject() = default;
};

// A list, seen by a Value as the elements [begin, begin + count).
class RecordObject;

class ListObject : public HeapObject {
 public:
  virtual Value Get(uint32_t index) const = 0;  // index already offset by begin

  // Non-null when element i is row i of this record table: the evaluator then
  // makes the element itself, without a virtual call per element.
  const RecordObject* rows_of() const { return rows_of_; }

 protected:
  const RecordObject* rows_of_ = nullptr;
};

// A map with keys of type bool, int, uint or string. Lookups treat numeric keys
// of equal value as the same key (1, 1u and 1.0), as CEL equality does.
class MapObject : public HeapObject {
 public:
  virtual uint32_t Size() const = 0;
  virtual const Value* Find(const Value& key) const = 0;
  virtual Value KeyAt(uint32_t index) const = 0;  // iteration order is insertion order
  virtual Value ValueAt(uint32_t index) const = 0;
};

// The shape of a record type: its name and its fields, in slot order.
struct RecordType {
  std::string name;
  std::vector<std::string> fields;
  int FieldSlot(std::string_view field) const;  // -1 when there is none
};

// A table of records of one type; a Value views one row. Bindings implement it
// over their own storage (one row per household member, say).
class RecordObject : public HeapObject {
 public:
  virtual const RecordType& Type() const = 0;
  virtual Value Field(uint32_t row, int slot) const = 0;
  // Whether the field is set, for has(); defaults to "the slot exists".
  virtual bool HasField(uint32_t row, int slot) const;

  // Non-null for a RecordTable: the evaluator then reads its columns directly.
  const RecordType* table_shape() const { return table_shape_; }

 protected:
  const RecordType* table_shape_ = nullptr;
};

// An evaluation error carried as a value (CEL's errors are values until the end).
struct ErrorObject : HeapObject {
  explicit ErrorObject(std::string text) : message(std::move(text)) {}
  std::string message;
};

// Seconds and nanoseconds, for timestamps (since the Unix epoch) and durations.
// nanos has the sign of seconds (or seconds is 0) and |nanos| < 1e9.
// (No member initializers, so that it can live in Value's union: write
// SecondsNanos{} for zero.)
struct SecondsNanos {
  int64_t seconds;
  int32_t nanos;
  bool operator==(const SecondsNanos&) const = default;
  auto operator<=>(const SecondsNanos&) const = default;
};

class Value {
 public:
  Value() : kind_(ValueKind::kNull) { data_.i = 0; }

  // Copies and moves of scalars and borrowed values are plain copies; only
  // owned values touch their owner's reference count. Always inlined, so that
  // a value made and stored by the evaluator stays in registers.
  SPMIS_CEL_INLINE Value(const Value& other) : kind_(other.kind_), data_(other.data_) {
    if (other.owner_) owner_ = other.owner_;
  }
  SPMIS_CEL_INLINE Value(Value&& other) noexcept : kind_(other.kind_), data_(other.data_) {
    if (other.owner_) owner_ = std::move(other.owner_);
  }
  SPMIS_CEL_INLINE Value& operator=(const Value& other) {
    kind_ = other.kind_;
    data_ = other.data_;
    if (owner_ || other.owner_) owner_ = other.owner_;
    return *this;
  }
  SPMIS_CEL_INLINE Value& operator=(Value&& other) noexcept {
    kind_ = other.kind_;
    data_ = other.data_;
    if (owner_ || other.owner_) owner_ = std::move(other.owner_);
    return *this;
  }
  ~Value() = default;

  // In-place assignment of a scalar or a borrowed view: what the evaluator's
  // hot steps use, so that no temporary Value goes through memory.
  SPMIS_CEL_INLINE void SetBool(bool b) {
    Reset(ValueKind::kBool);
    data_.i = b ? 1 : 0;
  }
  SPMIS_CEL_INLINE void SetInt(int64_t i) {
    Reset(ValueKind::kInt);
    data_.i = i;
  }
  SPMIS_CEL_INLINE void SetDouble(double d) {
    Reset(ValueKind::kDouble);
    data_.d = d;
  }
  SPMIS_CEL_INLINE void SetRecord(const RecordObject* records, uint32_t row) {
    Reset(ValueKind::kRecord);
    data_.ref.ptr = records;
    data_.ref.a = row;
    data_.ref.b = 0;
  }
  SPMIS_CEL_INLINE void SetBorrowedList(const ListObject* list, uint32_t begin, uint32_t count) {
    Reset(ValueKind::kList);
    data_.ref.ptr = list;
    data_.ref.a = begin;
    data_.ref.b = count;
  }
  SPMIS_CEL_INLINE void SetBorrowedString(std::string_view text) {
    Reset(ValueKind::kString);
    data_.ref.ptr = text.data();
    data_.ref.a = static_cast<uint32_t>(text.size());
    data_.ref.b = 0;
  }
  SPMIS_CEL_INLINE void SetNull() {
    Reset(ValueKind::kNull);
    data_.i = 0;
  }

  static Value Null() { return Value(); }
  static Value Bool(bool b) {
    Value v(ValueKind::kBool);
    v.data_.b = b;
    return v;
  }
  static Value Int(int64_t i) {
    Value v(ValueKind::kInt);
    v.data_.i = i;
    return v;
  }
  static Value Uint(uint64_t u) {
    Value v(ValueKind::kUint);
    v.data_.u = u;
    return v;
  }
  static Value Double(double d) {
    Value v(ValueKind::kDouble);
    v.data_.d = d;
    return v;
  }
  static Value Timestamp(SecondsNanos t) {
    Value v(ValueKind::kTimestamp);
    v.data_.time = t;
    return v;
  }
  static Value Duration(SecondsNanos d) {
    Value v(ValueKind::kDuration);
    v.data_.time = d;
    return v;
  }
  // An owned copy of the text.
  static Value String(std::string text);
  static Value Bytes(std::string bytes);
  // A view of text that outlives the value (a binding's storage, a literal).
  static Value BorrowedString(std::string_view text);
  static Value BorrowedBytes(std::string_view bytes);
  static Value List(std::vector<Value> items);
  static Value BorrowedList(const ListObject* list, uint32_t begin, uint32_t count);
  static Value OwnedList(std::shared_ptr<const ListObject> list, uint32_t count);
  static Value Map(std::shared_ptr<const MapObject> map);
  static Value BorrowedMap(const MapObject* map);
  static Value Record(const RecordObject* records, uint32_t row);
  static Value OwnedRecord(std::shared_ptr<const RecordObject> records, uint32_t row);
  // A type value, named by its CEL name ("int", "list", a record type name).
  static Value Type(std::string_view name);
  static Value Error(std::string message);

  ValueKind kind() const { return kind_; }
  bool is(ValueKind k) const { return kind_ == k; }
  bool IsError() const { return kind_ == ValueKind::kError; }
  bool IsTrue() const { return kind_ == ValueKind::kBool && data_.b; }
  bool IsFalse() const { return kind_ == ValueKind::kBool && !data_.b; }

  bool bool_value() const { return data_.b; }
  int64_t int_value() const { return data_.i; }
  uint64_t uint_value() const { return data_.u; }
  double double_value() const { return data_.d; }
  SecondsNanos time_value() const { return data_.time; }
  // String, bytes and type values.
  std::string_view text() const { return {static_cast<const char*>(data_.ref.ptr), data_.ref.a}; }
  // Lists.
  uint32_t list_size() const { return data_.ref.b; }
  Value list_at(uint32_t i) const;
  const ListObject& list() const { return *static_cast<const ListObject*>(data_.ref.ptr); }
  uint32_t list_begin() const { return data_.ref.a; }
  // Maps.
  const MapObject& map() const { return *static_cast<const MapObject*>(data_.ref.ptr); }
  // Records.
  const RecordObject& record() const { return *static_cast<const RecordObject*>(data_.ref.ptr); }
  uint32_t record_row() const { return data_.ref.a; }
  // Errors.
  const std::string& error_message() const;

  // The same value, owning all it refers to (borrowed strings, lists, maps and
  // records are copied; a record becomes a map of its fields), so that it can
  // outlive the bindings it was read from.
  Value Owned() const;

  // A human-readable form in CEL literal syntax: 3, 3u, 3.5, "abc", b"ab",
  // [1, 2], {"a": 1}, timestamp("2009-02-13T23:31:30Z"), duration("3s").
  std::string DebugString() const;

 private:
  explicit Value(ValueKind kind) : kind_(kind) { data_.i = 0; }
  SPMIS_CEL_INLINE void Reset(ValueKind kind) {
    if (owner_) owner_.reset();
    kind_ = kind;
  }

  ValueKind kind_;
  union {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    SecondsNanos time;
    struct {
      const void* ptr;
      uint32_t a;  // string/bytes/type: length; list: begin; record: row
      uint32_t b;  // list: count
    } ref;
  } data_;
  std::shared_ptr<const void> owner_;  // keeps a viewed object alive; null when borrowed
};

// A list held in a vector: what list literals, map() and filter() make.
class VectorList : public ListObject {
 public:
  explicit VectorList(std::vector<Value> items) : items_(std::move(items)) {}
  Value Get(uint32_t index) const override { return items_[index]; }
  const std::vector<Value>& items() const { return items_; }

 private:
  std::vector<Value> items_;
};

// A map kept in insertion order with a hash index: what map literals make.
class HashMapObject : public MapObject {
 public:
  // Fails (returns false) on a repeated key, which CEL refuses.
  bool Insert(Value key, Value value);
  uint32_t Size() const override { return static_cast<uint32_t>(keys_.size()); }
  const Value* Find(const Value& key) const override;
  Value KeyAt(uint32_t index) const override { return keys_[index]; }
  Value ValueAt(uint32_t index) const override { return values_[index]; }

 private:
  std::vector<Value> keys_;
  std::vector<Value> values_;
  std::vector<int32_t> slots_;  // open addressing over keys_, -1 when empty
  void Grow();
};

// CEL equality: numbers compare by value across int, uint and double; values
// of different kinds are unequal; lists and maps compare element-wise.
// An error in an element makes the result that error.
Value Equals(const Value& a, const Value& b);
bool EqualsStrict(const Value& a, const Value& b);  // errors compare unequal

// CEL ordering for <, <=, >, >=: numbers across kinds, strings, bytes, bools,
// timestamps, durations. Returns -1, 0 or 1, or nullopt when the kinds do not
// order (the caller reports no matching overload). NaN orders with nothing.
std::optional<int> Compare(const Value& a, const Value& b);

// The hash of a map key consistent with Equals (1 == 1u == 1.0).
uint64_t HashKey(const Value& key);
bool IsValidMapKey(const Value& key);

}  // namespace spmis::cel
