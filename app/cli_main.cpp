// pipecut-cli: the headless twin of the explorer. All logic lives in
// core/cli so that tests can drive it without spawning processes.
#include "core/cli/cli.h"
#ifdef PIPECUT_HAVE_REPORT
#include "ui/report/report_command.h"
#endif

#include <cstdio>
#include <iostream>

int main(int argc, char **argv)
{
#ifdef PIPECUT_HAVE_REPORT
    pipecut::report::registerReportCommand();
#endif
    pipecut::installInterruptHandlers();
    std::vector<std::string> args(argv + 1, argv + argc);
    pipecut::CliStreams streams { std::cout, std::cerr };
    return pipecut::runCli(args, streams);
}
