#pragma once
// `pipecut-cli report`: the report command, which needs QtGui and so lives
// outside core/. pipecut-cli's main() registers it (core/cli/cli.h,
// registerCliCommand) when the report library is built.

#include "core/cli/cli.h"

#include <string>
#include <vector>

namespace pipecut::report {

// report GRAPH [-p PARTITION.json] [-k K] -o OUT.(png|svg|pdf) [--compare PARTITION2.json] ...
// Creates a QGuiApplication on the offscreen platform when there is none (and
// QT_QPA_PLATFORM is unset), so it runs headless.
int runReportCommand(const std::vector<std::string> &args, CliStreams streams);

// Registers `report`, and the renderer of `sweep merge -o` (ui/report/study.h).
void registerReportCommand();

} // namespace pipecut::report
