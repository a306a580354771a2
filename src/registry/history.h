// HistoryEntry: one recorded change of a registrant. A creation is one entry
// (action "created"); an update is one entry per changed field with its old
// and new value. Together they answer "who changed what, when" for any
// registrant, as registrars and auditors need.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/date.h"
#include "core/registrant_id.h"

namespace spmis::registry {

struct HistoryEntry {
  int64_t id = 0;
  RegistrantKind registrant_kind = RegistrantKind::kIndividual;
  int64_t registrant_id = 0;
  std::string action;  // created | updated | member_added | member_ended
  std::string field;
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
  std::string actor;
  Timestamp changed_at;
};

}  // namespace spmis::registry
