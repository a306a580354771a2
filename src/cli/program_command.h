// `spmis program ...`, `spmis eligibility ...` and `spmis enrollment ...`:
// programs, their eligibility runs, previews and explanations, and the
// manual enrollment actions, from the command line.
#pragma once

namespace CLI {
class App;
}

namespace spmis::cli {

void AddProgramCommands(CLI::App& app, int& exit_code);

}  // namespace spmis::cli
