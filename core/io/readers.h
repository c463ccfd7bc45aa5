#pragma once
#include "core/util/json_writer.h"
// Internal to core/io: one reader per format, dispatched by graph_io.cpp.
// Each takes the whole file content and the name used in messages, and builds
// the graph through GraphBuilder so that validation (cycles, duplicates, costs)
// is the same for every format.

#include "core/graph/graph.h"
#include "core/io/graph_io.h"

#include <string>
#include <string_view>

namespace pipecut::io {

Result<Graph> readPipecutJson(std::string_view content, const std::string &name, const LoadOptions &options);
// pipecut JSON without the fast pass: a DOM read that names every problem's place
// (readPipecutJson falls back to it; exposed so tests can compare the two).
Result<Graph> readPipecutJsonChecked(std::string_view content, const std::string &name, const LoadOptions &options);
Result<Graph> readDnnPartitioning(std::string_view content, const std::string &name, const LoadOptions &options);
Result<Graph> readPipeDream(std::string_view content, const std::string &name, const LoadOptions &options);
Result<Graph> readPiper(std::string_view content, const std::string &name, const LoadOptions &options);
Result<Graph> readHfConfig(std::string_view content, const std::string &name, const LoadOptions &options);
Result<Graph> readDot(std::string_view content, const std::string &name, const LoadOptions &options);

// The limits of LoadOptions, checked as soon as the counts are known.
Status checkCounts(const std::string &name, int64_t nodes, int64_t edges, const LoadOptions &options);

// "line 3, column 7" for a byte offset (1-based line and column).
std::string lineColumn(std::string_view content, size_t offset);

// JSON text pieces shared with the CLI's writer (core/util/json_writer.h).
using pipecut::appendJsonString;
using pipecut::exactNumber;

} // namespace pipecut::io
