#include "core/cli/cli.h"

#include "core/cli/command.h"
#include "core/cli/commands.h"

#include "core/util/progress.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <functional>
#include <map>
#include <new>

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

namespace {

std::atomic<int> g_interruptSignal { 0 };

extern "C" void onInterrupt(int signal)
{
    // Async-signal-safe only: atomics and sigaction.
    g_interruptSignal.store(signal);
    interruptToken().requestStop();
    struct sigaction defaults { };
    defaults.sa_handler = SIG_DFL;
    sigemptyset(&defaults.sa_mask);
    sigaction(SIGINT, &defaults, nullptr);
    sigaction(SIGTERM, &defaults, nullptr);
}

} // namespace

const StopToken &interruptToken()
{
    static const StopToken token;
    return token;
}

int interruptSignal()
{
    return g_interruptSignal.load();
}

void installInterruptHandlers()
{
    (void)interruptToken(); // created before any signal can arrive
    struct sigaction action { };
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

void registerCliCommand(const std::string &name, CliCommand run)
{
    registeredCommands()[name] = std::move(run);
}

namespace {

int runCommand(const std::vector<std::string> &args, CliStreams s);

} // namespace

int runCli(const std::vector<std::string> &args, CliStreams s)
{
    int status = kExitOk;
    try {
        cli::currentActivity().clear();
        status = runCommand(args, s);
    } catch (const std::bad_alloc &) {
        const std::string &activity = cli::currentActivity();
        status = cli::reportError(s,
            makeError(ErrorKind::Internal,
                "out of memory" + (activity.empty() ? std::string() : " while " + activity)
                    + " (std::bad_alloc); --max-file-size, --max-nodes, --max-edges and --memory-budget refuse "
                      "what is too large before it is read"));
    }
    // Output lost to a full disk or a closed pipe is a failure, not a success.
    s.out.flush();
    if (s.out.fail() && status == kExitOk)
        status = cli::reportError(s,
            makeError(ErrorKind::Internal,
                "standard output: write failed" + std::string(errno ? std::string(": ") + std::strerror(errno) : "")));
    return status;
}

namespace {

int runCommand(const std::vector<std::string> &args, CliStreams s)
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

} // namespace

} // namespace pipecut
