#include "cli/command_support.h"

namespace spmis::cli {

int ReportError(const Error& error) {
  std::cerr << "error: " << error.ToString() << "\n";
  return error.code == ErrorCode::kInternal || error.code == ErrorCode::kUnavailable ? kExitFailed
                                                                                     : kExitRefused;
}

}  // namespace spmis::cli
