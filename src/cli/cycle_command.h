// `spmis cycle ...`: a program's cycles, their entitlements and approvals,
// from the command line. Acting users are named with --user; submitting,
// approving and rejecting need one (maker-checker holds here too).
#pragma once

namespace CLI {
class App;
}

namespace spmis::cli {

void AddCycleCommands(CLI::App& app, int& exit_code);

}  // namespace spmis::cli
