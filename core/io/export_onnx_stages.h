#pragma once
// Export of a partition of an ONNX model as one runnable ONNX model per stage
// plus a manifest, pipeline.json (format in docs/exports.md, "onnx-stages").
//
// Problem: given the source model and a valid partition of the graph pipecut
// read from it (core/io/onnx_reader.h: one graph node per operator and per
// graph input), write stage_NN.onnx for every non-empty stage so that running
// the stages in order, each fed the tensors named in pipeline.json, computes
// what the whole model computes.
// Rules:
// - a stage model keeps the source's IR version, opset imports, local functions
//   and metadata; its nodes are the stage's operators in file order (so the
//   source's topological order), a node with subgraphs (If, Loop, Scan) whole;
// - the initializers and Constant nodes a stage reads (in subgraphs too) are
//   copied into it; one read by several stages is copied into each and listed
//   as shared; external data stays external, its location rewritten relative
//   to the output folder;
// - graph inputs: every tensor a stage reads that another stage or the model's
//   input provides (outer-scope names read by subgraphs included); graph
//   outputs: every tensor it produces that a later stage or the model's output
//   needs. Their types and shapes are the source's value_info, else ONNX shape
//   inference on the source (symbolic dimensions stay symbolic);
// - stages without operators are skipped and listed; a partition that breaks
//   the order is refused by validatePartition (naming the edge) before this runs.
// Writing: everything goes into a temporary folder beside the output folder,
// which is renamed into place at the end; on any failure nothing is left. An
// output folder that exists and is not empty is replaced only with `force`.
// Complexity: O(model size x stages) (constants are copied per stage).
// Deterministic: the same model, partition and dims give the same bytes.
// Reference: ONNX IR spec (onnx.proto: graphs, value_info, external data).
// Example: x -> Conv(W) -> Relu -> y with stages {x, Conv} | {Relu}:
//   stage_01.onnx: input x, initializer W, node Conv, output conv_out;
//   stage_02.onnx: input conv_out, node Relu, output y.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/io/graph_io.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <string>
#include <vector>

namespace pipecut {

struct OnnxStagesOptions {
    std::string outDir;
    bool force = false; // replace an output folder that is not empty
    LoadOptions load; // the --dim values (bytes in the manifest) and the file limits
};

struct OnnxStagesSummary {
    std::vector<int> written; // 1-based stages written
    std::vector<int> skipped; // 1-based empty stages
    int sharedConstants = 0; // constants copied into more than one stage
    bool externalData = false; // the stages reference external data files
};

// Refuses a source that is not an ONNX model (by its content, as loading detects formats).
Status checkOnnxStagesSource(const std::string &path);

// `graph` must be the graph read from `modelPath` (with the same dims) and
// `partition` valid for it. Errors (bad input, exit 3): the source is not
// ONNX, the graph does not match the model, the folder is not empty without
// force, a tensor crossing stages has no known type, writing fails.
Result<OnnxStagesSummary> exportOnnxStages(const std::string &modelPath, const Graph &graph, const CostParams &params,
    const Partition &partition, const OnnxStagesOptions &options, const StopToken &stop = {},
    const ProgressFn &progress = {});

} // namespace pipecut
