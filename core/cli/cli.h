#pragma once
// pipecut-cli (docs/model.md §7) as a library: the app's main() only forwards argv and
// the standard streams, so tests run every subcommand in-process.
//
// Exit status: 0 success; 2 bad usage; 3 bad input, no valid partition, or over
// a resource limit (one line "error: ..." on stderr naming the file and the
// place); 1 any other failure. The table from error kind to status is
// cli::exitStatus() (core/cli/command.h).

#include <functional>
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

// SIGINT and SIGTERM: the first requests a stop through interruptToken()
// (partition, bound and report then finish within a second with what they
// have, write their outputs and exit 1 saying they were stopped); a second
// one ends the process at once (the default action is restored by the first).
void installInterruptHandlers();
class StopToken;
const StopToken &interruptToken();
// The signal that requested the stop, 0 when none.
int interruptSignal();

// Commands that need more than core/ (`report` draws with QtGui) are supplied
// by the executable: pipecut-cli's main() registers them before runCli() when
// they are built. Without a registration runCli() says the command is not
// available in this build (exit 1), so the core-only build stays honest.
using CliCommand = std::function<int(const std::vector<std::string> &, CliStreams)>;
void registerCliCommand(const std::string &name, CliCommand run);

} // namespace pipecut
