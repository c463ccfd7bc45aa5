#pragma once
// ONNX import (SPEC 3): operators become nodes costed by FLOP and byte rules
// under a device profile; initializers and Constants fold into consumers.

#include "core/graph/graph.h"
#include "core/io/graph_io.h"

namespace pipecut {

Result<Graph> loadOnnxGraph(const std::string &path, const LoadOptions &options);

} // namespace pipecut
