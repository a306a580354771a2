#include "cel/record_table.h"

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

void RecordTable::Reserve(uint32_t rows) {
  for (Column& c : columns_) {
    c.set.reserve(rows);
    switch (c.kind) {
      case ColumnKind::kInt:
      case ColumnKind::kBool:
      case ColumnKind::kRows:
        c.ints.reserve(rows);
        break;
      case ColumnKind::kDouble:
        c.doubles.reserve(rows);
        break;
      case ColumnKind::kString:
        c.strings.reserve(rows);
        break;
      case ColumnKind::kValue:
        c.values.reserve(rows);
        break;
    }
  }
}

uint32_t RecordTable::AddRow() {
  for (Column& c : columns_) {
    c.set.push_back(0);
    switch (c.kind) {
      case ColumnKind::kInt:
      case ColumnKind::kBool:
      case ColumnKind::kRows:
        c.ints.push_back(0);
        break;
      case ColumnKind::kDouble:
        c.doubles.push_back(0);
        break;
      case ColumnKind::kString:
        c.strings.emplace_back();
        break;
      case ColumnKind::kValue:
        c.values.emplace_back();
        break;
    }
  }
  return rows_++;
}

void RecordTable::MarkSet(uint32_t row, int slot) {
  columns_[static_cast<size_t>(slot)].set[row] = 1;
}

void RecordTable::SetInt(uint32_t row, int slot, int64_t value) {
  columns_[static_cast<size_t>(slot)].ints[row] = value;
  MarkSet(row, slot);
}

void RecordTable::SetDouble(uint32_t row, int slot, double value) {
  columns_[static_cast<size_t>(slot)].doubles[row] = value;
  MarkSet(row, slot);
}

void RecordTable::SetBool(uint32_t row, int slot, bool value) {
  columns_[static_cast<size_t>(slot)].ints[row] = value ? 1 : 0;
  MarkSet(row, slot);
}

void RecordTable::SetString(uint32_t row, int slot, std::string value) {
  columns_[static_cast<size_t>(slot)].strings[row] = std::move(value);
  MarkSet(row, slot);
}

void RecordTable::SetValue(uint32_t row, int slot, Value value) {
  columns_[static_cast<size_t>(slot)].values[row] = std::move(value);
  MarkSet(row, slot);
}

void RecordTable::SetRows(uint32_t row, int slot, const RecordTable* rows, uint32_t begin,
                          uint32_t count) {
  Column& c = columns_[static_cast<size_t>(slot)];
  c.children.set_table(rows);
  c.ints[row] = static_cast<int64_t>((uint64_t{begin} << 32) | count);
  MarkSet(row, slot);
}

bool RecordTable::HasField(uint32_t row, int slot) const {
  return slot >= 0 && static_cast<size_t>(slot) < columns_.size() &&
         columns_[static_cast<size_t>(slot)].set[row] != 0;
}

}  // namespace spmis::cel
