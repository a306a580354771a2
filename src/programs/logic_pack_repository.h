// LogicPackRepository: the stored Logic Pack (rules::LogicPack), replaced
// whole when configured, read by every program's rules.
#pragma once

#include "core/result.h"
#include "rules/logic_pack.h"
#include "store/database.h"

namespace spmis::programs {

class LogicPackRepository {
 public:
  explicit LogicPackRepository(store::Connection& connection) : db_(connection) {}
  rules::LogicPack Load();
  // Replaces the stored pack (in the caller's transaction).
  void Replace(const rules::LogicPack& pack);

 private:
  store::Connection& db_;
};

// A Logic Pack from JSON: {"constants": {"name": value, ...}, "rules":
// [{"name": ..., "expression": ...}, ...]}; values are numbers, text or
// booleans. Refused with the reason when malformed.
Result<rules::LogicPack> ParseLogicPack(std::string_view json);

}  // namespace spmis::programs
