// `spmis payment ...`: payment details, batches, payment files and
// reconciliation from the command line, attributed to --user when given.
#pragma once

namespace CLI {
class App;
}

namespace spmis::cli {

void AddPaymentCommands(CLI::App& app, int& exit_code);

}  // namespace spmis::cli
