#include "core/io/onnx_reader.h"

namespace pipecut {

// Replaced by the real reader (issue 6); until then ONNX files are refused clearly.
Result<Graph> loadOnnxGraph(const std::string &path, const LoadOptions &)
{
    return makeError(path + ": ONNX import is not available in this build yet");
}

} // namespace pipecut
