// RecordTable: records of one type held column by column, the compact form in
// which bindings hand a million households to a rule. A field is read by slot
// without allocating; a list-of-records field (a household's members) is a
// view of a row range of another table.
//
// Fill a table first, then evaluate against it; reading is safe from many
// threads at once, writing is not.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cel/value.h"

namespace spmis::cel {

enum class ColumnKind : uint8_t { kInt, kDouble, kBool, kString, kValue, kRows };

class RecordTable final : public RecordObject {
 public:
  // kinds[i] is the kind of type->fields[i].
  RecordTable(std::shared_ptr<const RecordType> type, std::vector<ColumnKind> kinds);

  const RecordType& Type() const override { return *type_; }
  Value Field(uint32_t row, int slot) const override {
    Value v;
    FieldInto(v, row, slot);
    return v;
  }
  // The same, written in place, for the evaluator's fast path.
  SPMIS_CEL_INLINE void FieldInto(Value& out, uint32_t row, int slot) const;
  bool HasField(uint32_t row, int slot) const override;

  uint32_t size() const { return rows_; }
  // Appends a row whose fields are all unset (null, has() false).
  uint32_t AddRow();
  // A hint: the rows to make room for in each column that gets set.
  void Reserve(uint32_t rows);

  void SetInt(uint32_t row, int slot, int64_t value);
  void SetDouble(uint32_t row, int slot, double value);
  void SetBool(uint32_t row, int slot, bool value);
  void SetString(uint32_t row, int slot, std::string value);
  void SetValue(uint32_t row, int slot, Value value);
  // The field is the list of rows [begin, begin + count) of `rows` (set the
  // same table for every row of a column).
  void SetRows(uint32_t row, int slot, const RecordTable* rows, uint32_t begin, uint32_t count);

  // Copies the fields set in `from`'s row `from_row` (a table of the same
  // type) into row `to_row`.
  void CopyRow(const RecordTable& from, uint32_t from_row, uint32_t to_row);

  // The value of `row` as a record, borrowing this table.
  Value Row(uint32_t row) const { return Value::Record(this, row); }

 private:
  // The rows of a child table, as a list a Value can view.
  class RowList : public ListObject {
   public:
    void set_table(const RecordTable* table) {
      table_ = table;
      rows_of_ = table;
    }
    Value Get(uint32_t index) const override { return table_->Row(index); }
    const RecordTable* table() const { return table_; }

   private:
    const RecordTable* table_ = nullptr;
  };

  struct Column {
    ColumnKind kind;
    std::vector<int64_t> ints;  // kInt; kRows: begin << 32 | count
    std::vector<double> doubles;
    std::vector<std::string> strings;
    std::vector<Value> values;
    std::vector<uint8_t> set;
    RowList children;
  };

  void MarkSet(uint32_t row, int slot);
  Column& Materialise(uint32_t row, int slot);

  std::shared_ptr<const RecordType> type_;
  std::vector<Column> columns_;
  uint32_t rows_ = 0;
  uint32_t reserve_ = 0;
};

SPMIS_CEL_INLINE void RecordTable::FieldInto(Value& out, uint32_t row, int slot) const {
  const Column& c = columns_[static_cast<size_t>(slot)];
  if (row >= c.set.size() || !c.set[row]) {
    out.SetNull();
    return;
  }
  switch (c.kind) {
    case ColumnKind::kInt:
      out.SetInt(c.ints[row]);
      return;
    case ColumnKind::kDouble:
      out.SetDouble(c.doubles[row]);
      return;
    case ColumnKind::kBool:
      out.SetBool(c.ints[row] != 0);
      return;
    case ColumnKind::kString:
      out.SetBorrowedString(c.strings[row]);
      return;
    case ColumnKind::kValue:
      out = c.values[row];
      return;
    case ColumnKind::kRows: {
      auto packed = static_cast<uint64_t>(c.ints[row]);
      out.SetBorrowedList(&c.children, static_cast<uint32_t>(packed >> 32),
                          static_cast<uint32_t>(packed & 0xffffffffu));
      return;
    }
  }
}

}  // namespace spmis::cel
