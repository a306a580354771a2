#include "cel/record_table.h"

#include <algorithm>
#include <stdexcept>

namespace spmis::cel {

RecordTable::RecordTable(std::shared_ptr<const RecordType> type, std::vector<ColumnKind> kinds)
    : type_(std::move(type)) {
  table_shape_ = type_.get();
  if (kinds.size() != type_->fields.size()) {
    throw std::invalid_argument("a record table needs one column kind per field of " + type_->name);
  }
  columns_.resize(kinds.size());
  for (size_t i = 0; i < kinds.size(); ++i) columns_[i].kind = kinds[i];
}

void RecordTable::Reserve(uint32_t rows) { reserve_ = rows; }

uint32_t RecordTable::AddRow() { return rows_++; }

// A column takes memory only once a row sets it: a table with many fields of
// which a rule reads two costs two columns.
RecordTable::Column& RecordTable::Materialise(uint32_t row, int slot) {
  Column& c = columns_[static_cast<size_t>(slot)];
  if (row < c.set.size()) return c;
  // Grown by half at a time, not a row at a time: tables are filled row by
  // row, and rows past the last one added are simply not set.
  const size_t rows = std::max<size_t>({rows_, reserve_, c.set.size() + c.set.size() / 2 + 64});
  c.set.resize(rows, 0);
  switch (c.kind) {
    case ColumnKind::kInt:
    case ColumnKind::kBool:
    case ColumnKind::kRows:
      c.ints.resize(rows, 0);
      break;
    case ColumnKind::kDouble:
      c.doubles.resize(rows, 0);
      break;
    case ColumnKind::kString:
      c.strings.resize(rows);
      break;
    case ColumnKind::kValue:
      c.values.resize(rows);
      break;
  }
  return c;
}

void RecordTable::CopyRow(const RecordTable& from, uint32_t from_row, uint32_t to_row) {
  // Each value is read before the destination column may grow, so `from`
  // may be this very table.
  for (size_t i = 0; i < from.columns_.size() && i < columns_.size(); ++i) {
    const Column& source = from.columns_[i];
    if (from_row >= source.set.size() || !source.set[from_row]) continue;
    int slot = static_cast<int>(i);
    switch (source.kind) {
      case ColumnKind::kInt:
      case ColumnKind::kBool: {
        int64_t v = source.ints[from_row];
        Materialise(to_row, slot).ints[to_row] = v;
        break;
      }
      case ColumnKind::kDouble: {
        double v = source.doubles[from_row];
        Materialise(to_row, slot).doubles[to_row] = v;
        break;
      }
      case ColumnKind::kString: {
        std::string v = source.strings[from_row];
        Materialise(to_row, slot).strings[to_row] = std::move(v);
        break;
      }
      case ColumnKind::kValue: {
        Value v = source.values[from_row];
        Materialise(to_row, slot).values[to_row] = std::move(v);
        break;
      }
      case ColumnKind::kRows: {
        int64_t v = source.ints[from_row];
        const RecordTable* table = source.children.table();
        Column& c = Materialise(to_row, slot);
        c.ints[to_row] = v;
        c.children.set_table(table);
        break;
      }
    }
    MarkSet(to_row, slot);
  }
}

void RecordTable::MarkSet(uint32_t row, int slot) {
  columns_[static_cast<size_t>(slot)].set[row] = 1;
}

void RecordTable::SetInt(uint32_t row, int slot, int64_t value) {
  Materialise(row, slot).ints[row] = value;
  MarkSet(row, slot);
}

void RecordTable::SetDouble(uint32_t row, int slot, double value) {
  Materialise(row, slot).doubles[row] = value;
  MarkSet(row, slot);
}

void RecordTable::SetBool(uint32_t row, int slot, bool value) {
  Materialise(row, slot).ints[row] = value ? 1 : 0;
  MarkSet(row, slot);
}

void RecordTable::SetString(uint32_t row, int slot, std::string value) {
  Materialise(row, slot).strings[row] = std::move(value);
  MarkSet(row, slot);
}

void RecordTable::SetValue(uint32_t row, int slot, Value value) {
  Materialise(row, slot).values[row] = std::move(value);
  MarkSet(row, slot);
}

void RecordTable::SetRows(uint32_t row, int slot, const RecordTable* rows, uint32_t begin,
                          uint32_t count) {
  Column& c = Materialise(row, slot);
  c.children.set_table(rows);
  c.ints[row] = static_cast<int64_t>((uint64_t{begin} << 32) | count);
  MarkSet(row, slot);
}

bool RecordTable::HasField(uint32_t row, int slot) const {
  if (slot < 0 || static_cast<size_t>(slot) >= columns_.size()) return false;
  const Column& c = columns_[static_cast<size_t>(slot)];
  return row < c.set.size() && c.set[row] != 0;
}

}  // namespace spmis::cel
