#include "core/cli/cli.h"

#include "core/cli/command.h"
#include "core/cli/commands.h"

#include <functional>
#include <map>

namespace pipecut {

namespace {

struct Entry {
    const char *name;
    const char *summary;
    CliCommand run;
};

const std::vector<Entry> &commands()
{
    static const std::vector<Entry> table = {
        { "info", "sizes, totals and width of a graph", cli::runInfo },
        { "partition", "cut a graph into k pipeline stages", cli::runPartition },
        { "bound", "a proven lower bound on the best bottleneck", cli::runBound },
        { "evaluate", "stage costs of a partition, or what it violates", cli::runEvaluate },
        { "export", "write a partition for a pipeline framework or viewer", cli::runExport },
        { "convert", "write a graph as pipecut JSON or DOT", cli::runConvert },
        { "generate", "synthetic model-shaped graphs for scale tests", cli::runGenerate },
        { "sweep", "plan, run in shards and merge many models x k x methods", cli::runSweep },
        { "report", "render a partition's report as PNG, SVG or PDF", nullptr }, // registered by the app
    };
    return table;
}

std::map<std::string, CliCommand> &registeredCommands()
{
    static std::map<std::string, CliCommand> registered;
    return registered;
}

void printUsage(std::ostream &os)
{
    os << "usage: pipecut-cli COMMAND [options]\n\n"
          "Cut a DNN operator graph into pipeline stages minimising the bottleneck stage time,\n"
          "including communication, and prove lower bounds on it.\n\ncommands:\n";
    for (const Entry &e : commands())
        os << "  " << e.name << std::string(12 - std::string(e.name).size(), ' ') << e.summary << "\n";
    os << "\n'pipecut-cli COMMAND --help' describes a command. --version prints the version.\n\n"
       << cli::exitStatusHelp();
}

} // namespace

void registerCliCommand(const std::string &name, CliCommand run)
{
    registeredCommands()[name] = std::move(run);
}

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
    for (const Entry &e : commands()) {
        if (cmd != e.name)
            continue;
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        if (e.run)
            return e.run(rest, s);
        const auto it = registeredCommands().find(cmd);
        if (it != registeredCommands().end() && it->second)
            return it->second(rest, s);
        return cli::reportError(s,
            makeError(ErrorKind::Internal,
                "'" + cmd
                    + "' is not available in this build of pipecut-cli (it needs "
                      "the Qt GUI libraries; configure with -DPIPECUT_BUILD_UI=ON)"));
    }
    return cli::reportError(s, cli::usageError("unknown command '" + cmd + "' (see pipecut-cli --help)"));
}

} // namespace pipecut
