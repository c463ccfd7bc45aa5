#include "core/cli/cli.h"

#include "core/cli/commands.h"

#include <functional>
#include <map>

namespace pipecut {

namespace cli {
// One function per subcommand, each in its own file (cmd_*.cpp).
using Command = std::function<int(const std::vector<std::string> &, CliStreams)>;
} // namespace cli

namespace {

struct Entry {
    const char *name;
    const char *summary;
    cli::Command run;
};

const std::vector<Entry> &commands()
{
    static const std::vector<Entry> table = {
        {"info", "sizes, totals and width of a graph", cli::runInfo},
        {"partition", "cut a graph into k pipeline stages", cli::runPartition},
        {"bound", "a proven lower bound on the best bottleneck", cli::runBound},
        {"evaluate", "stage costs of a partition, or what it violates", cli::runEvaluate},
        {"export", "write a partition for a pipeline framework or viewer", cli::runExport},
        {"convert", "write a graph as pipecut JSON or DOT", cli::runConvert},
        {"generate", "synthetic model-shaped graphs for scale tests", cli::runGenerate},
    };
    return table;
}

void printUsage(std::ostream &os)
{
    os << "usage: pipecut-cli COMMAND [options]\n\n"
          "Cut a DNN operator graph into pipeline stages minimising the bottleneck stage time,\n"
          "including communication, and prove lower bounds on it.\n\ncommands:\n";
    for (const Entry &e : commands())
        os << "  " << e.name << std::string(12 - std::string(e.name).size(), ' ') << e.summary << "\n";
    os << "\n'pipecut-cli COMMAND --help' describes a command. --version prints the version.\n";
}

} // namespace

int runCli(const std::vector<std::string> &args, CliStreams s)
{
    if (args.empty()) {
        printUsage(s.err);
        return kExitUsage;
    }
    const std::string &cmd = args.front();
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        printUsage(s.out);
        return kExitOk;
    }
    if (cmd == "--version") {
        s.out << "pipecut-cli " << PIPECUT_VERSION << "\n";
        return kExitOk;
    }
    for (const Entry &e : commands())
        if (cmd == e.name)
            return e.run(std::vector<std::string>(args.begin() + 1, args.end()), s);
    s.err << "error: unknown command '" << cmd << "' (see pipecut-cli --help)\n";
    return kExitUsage;
}

} // namespace pipecut
