#include "cli/commands.h"

int main(int argc, char** argv) { return spmis::cli::Main(argc, argv); }
