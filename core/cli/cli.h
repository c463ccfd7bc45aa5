#pragma once
// pipecut-cli (SPEC 5) as a library: the app's main() only forwards argv and
// the standard streams, so tests run every subcommand in-process.
//
// Exit status: 0 success; 2 bad usage; 3 bad input (one line "error: ..." on
// stderr naming the file and the place); 1 any other failure.

#include <ostream>
#include <string>
#include <vector>

namespace pipecut {

struct CliStreams {
    std::ostream &out;
    std::ostream &err;
};

enum ExitCode : int { kExitOk = 0, kExitFailure = 1, kExitUsage = 2, kExitBadInput = 3 };

int runCli(const std::vector<std::string> &args, CliStreams streams);

} // namespace pipecut
