#include "core/result.h"

namespace spmis {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

std::string Error::ToString() const {
  std::string out = message;
  if (!fields.empty()) {
    out += " (";
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) out += "; ";
      out += fields[i].field + ": " + fields[i].message;
    }
    out += ")";
  }
  return out;
}

}  // namespace spmis
