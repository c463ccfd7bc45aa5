#pragma once
// One function per pipecut-cli subcommand (each in its own cmd_*.cpp).

#include "core/cli/cli.h"

#include <string>
#include <vector>

namespace pipecut::cli {

int runInfo(const std::vector<std::string> &args, CliStreams s);
int runPartition(const std::vector<std::string> &args, CliStreams s);
int runBound(const std::vector<std::string> &args, CliStreams s);
int runEvaluate(const std::vector<std::string> &args, CliStreams s);
int runConvert(const std::vector<std::string> &args, CliStreams s);
int runGenerate(const std::vector<std::string> &args, CliStreams s);
int runExport(const std::vector<std::string> &args, CliStreams s);
int runSweep(const std::vector<std::string> &args, CliStreams s);

} // namespace pipecut::cli
