// ProgramRepository: the SQL of programs and their rule versions.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "programs/program.h"
#include "store/database.h"

namespace spmis::programs {

class ProgramRepository {
 public:
  explicit ProgramRepository(store::Connection& connection) : db_(connection) {}

  // Inserts the program and its rules as version 1; sets ids and versions.
  void Insert(Program& program);
  // Writes the program's fields if its version is still `expected_version`
  // (false when someone changed it meanwhile); a new rules version is added
  // when `new_rules` is set.
  bool Update(Program& program, int64_t expected_version, bool new_rules);
  std::optional<Program> FindByCode(std::string_view code);
  std::optional<Program> FindById(int64_t id);
  std::optional<ProgramRules> Rules(int64_t program_id, int version);
  std::vector<Program> List();

 private:
  void InsertRules(int64_t program_id, const ProgramRules& rules);
  store::Connection& db_;
};

}  // namespace spmis::programs
