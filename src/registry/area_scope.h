// The refusal a service gives when a principal limited to areas would place a
// registrant outside them. Reading outside the areas is "not found" instead,
// so that nothing is learnt about registrants out of reach.
#pragma once

#include <string>

#include "core/result.h"

namespace spmis::registry {

inline Error OutsideAreas(std::string message) {
  return Error{
      ErrorCode::kPermissionDenied, std::move(message), {{"area_code", "outside your areas"}}};
}

}  // namespace spmis::registry
