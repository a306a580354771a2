#include "store/query_builder.h"

namespace spmis::store {

void QueryBuilder::BindTo(Statement& statement) const {
  for (size_t i = 0; i < values_.size(); ++i) {
    int index = static_cast<int>(i + 1);
    const Param& p = values_[i];
    switch (p.kind) {
      case Param::kInt:
        statement.BindInt(index, p.int_value);
        break;
      case Param::kDouble:
        statement.BindDouble(index, p.double_value);
        break;
      case Param::kText:
        statement.BindText(index, p.text);
        break;
    }
  }
}

}  // namespace spmis::store
