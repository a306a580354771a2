// Runs the `spmis` binary (or any program) from tests: to completion with its
// output captured, or in the background to be killed at a chosen moment.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace spmis::testing {

struct ProcessResult {
  int exit_code = -1;  // -signal when killed by a signal
  std::string out;
  std::string err;
};

// Extra environment entries are "NAME=value".
ProcessResult RunProcess(const std::vector<std::string>& args,
                         const std::vector<std::string>& extra_env = {});

// A background process whose stderr goes to a file; killed with SIGKILL on
// destruction if still running.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& args, const std::string& stderr_path);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  void Kill(int signal);
  int Wait();  // exit code, or -signal
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

// The spmis binary built with the tests.
std::string SpmisBinary();

}  // namespace spmis::testing
