#include "importer/row_processor.h"

#include "core/text.h"

namespace spmis::importer {

std::unique_ptr<RowProcessor> MakeAreaRowProcessor(store::Connection&, int64_t, const Principal&);
std::unique_ptr<RowProcessor> MakeIndividualRowProcessor(store::Connection&, store::Connection&,
                                                         int64_t, const Principal&);
std::unique_ptr<RowProcessor> MakeGroupRowProcessor(store::Connection&, store::Connection&, int64_t,
                                                    const Principal&);
std::unique_ptr<RowProcessor> MakeMembershipRowProcessor(store::Connection&, store::Connection&,
                                                         int64_t, const Principal&);

std::optional<std::string> ImportRow::Value(int index) const {
  for (size_t i = 0; i < columns.size() && i < cells.size(); ++i) {
    if (columns[i] != index) continue;
    std::string_view value = Trim(cells[i]);
    if (value.empty()) return std::nullopt;
    return std::string(value);
  }
  return std::nullopt;
}

std::unique_ptr<RowProcessor> MakeRowProcessor(ImportKind kind, store::Connection& connection,
                                               store::Connection& lookups, int64_t import_id,
                                               const Principal& principal) {
  switch (kind) {
    case ImportKind::kAreas:
      return MakeAreaRowProcessor(connection, import_id, principal);
    case ImportKind::kIndividuals:
      return MakeIndividualRowProcessor(connection, lookups, import_id, principal);
    case ImportKind::kGroups:
      return MakeGroupRowProcessor(connection, lookups, import_id, principal);
    case ImportKind::kMemberships:
      return MakeMembershipRowProcessor(connection, lookups, import_id, principal);
  }
  return nullptr;
}

}  // namespace spmis::importer
