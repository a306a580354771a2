// LogicPack: the named constants and named rules an agency defines once and
// reuses across programs (a retirement age, a poverty line, a dependency
// ratio). Rules read them as `variables.name`, and in the OpenSPP dialect by
// bare name. A named rule may use the constants and the rules defined before
// it; each is type-checked like any rule.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cel/value.h"

namespace spmis::rules {

struct LogicPack {
  std::vector<std::pair<std::string, cel::Value>> constants;
  std::vector<std::pair<std::string, std::string>> expressions;  // name, CEL
};

}  // namespace spmis::rules
