#pragma once
// Exports of a partition to where it is used: pipeline frameworks, the
// Microsoft dnn-partitioning tools, spreadsheets and Google's Model Explorer.
// docs/exports.md shows an example of each and how to load it.
//
// Every function returns the text of the file (or an error naming what cannot
// be expressed in the target form); none writes files. The partition must be
// valid for the graph (see validatePartition): exports describe, they do not check.
//
// Orders: "the default topological order" is Graph::topologicalOrder() (Kahn,
// smallest node index first), so it is deterministic for a given graph file.
//
// Tiny example (docs/model.md §1.5's graph a->b, a->c, b->d, c->d; stages {a,b} | {c,d}):
//   pytorch:   split_spec {"c": "BEGINNING"}     (c is the first node of stage 2)
//   deepspeed: parts [0, 2, 4] over the order a, b, c, d
//   dnn-partitioning: fpgas [{"load": 8, "nodes": [0, 1]}, {"load": 8, "nodes": [2, 3]}]
//                     (ids are not integers, so node indices)
//   csv:       1,2,5,0,3,0,8,a b
//   model-explorer: results {"a": {"value": 1, "bgColor": ...}, ...}

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/util/result.h"

#include <optional>
#include <string>
#include <string_view>

namespace pipecut {

enum class ExportFormat { PyTorch, DeepSpeed, DnnPartitioning, Csv, ModelExplorer, Vllm, Sglang, Megatron };

const char *exportFormatName(ExportFormat format); // "pytorch", "deepspeed", ...
std::optional<ExportFormat> parseExportFormat(std::string_view name);

// (a) Split points for torch.distributed.pipelining: a JSON object whose
// "split_spec" maps the name of the first node (in the default topological
// order) of every non-empty stage after the first to "BEGINNING", the form
// pipeline(module, mb_args, split_spec={name: SplitPoint.BEGINNING}) takes
// once the strings are mapped to SplitPoint members; "split_points" lists the
// same names in stage order (the list accelerate.prepare_pippy takes). Empty
// stages are dropped: "num_stages" counts the stages PyTorch will build.
std::string exportPyTorchSplitPoints(const Graph &graph, const Partition &partition);

// (b) Layer-index boundaries for chain-structured models (DeepSpeed
// PipelineModule.parts, Megatron layers per stage): "parts" holds k+1 indices
// into "order" (the default topological order); stage s owns the layers
// parts[s] .. parts[s+1]-1. Fails, naming the first out-of-order pair, when the
// partition is not contiguous in that order.
Result<std::string> exportLayerBoundaries(const Graph &graph, const Partition &partition);

// (f) LLM serving frameworks, for a graph read from a Hugging Face config.json
// (core/io/llm_layers.h): the decoder layers per stage, the embedding on the
// first stage and the final norm and LM head on the last, as
//   vllm:     export VLLM_PP_LAYER_PARTITION="l1,...,lk"   (vllm/distributed/utils.py get_pp_indices)
//   sglang:   export SGLANG_PP_LAYER_PARTITION="l1,...,lk"
//   megatron: --pipeline-model-parallel-layout "Et..t|t..t|...|t..tL", plus
//             --decoder-first/last-pipeline-num-layers when the middle stages are even.
// A split the target cannot run is refused with the reason: a stage with no
// decoder layer (vLLM and SGLang), an empty stage (Megatron), a layer split
// between stages, or the embedding or the head away from the first or last stage.
Result<std::string> exportLlmServing(ExportFormat format, const Graph &graph, const Partition &partition);

// How the dnn-partitioning placement numbers nodes (its "nodes" lists hold
// integers). First choice that applies to every node:
enum class PlacementNumbering {
    SourceNumber, // the numbers of the source file (a dnn-partitioning graph's node "id"s)
    IntegerId, // pipecut ids that are all non-negative integers written canonically
    NodeIndex, // otherwise: the node's 0-based position in the graph file
};
const char *placementNumberingName(PlacementNumbering numbering);
PlacementNumbering placementNumbering(const Graph &graph);

// (c) Microsoft dnn-partitioning placement: {"cpus": [{"load": 0, "nodes": []}],
// "fpgas": [{"load": <stage cost>, "nodes": [numbers]}, ...], "maxLoad": <bottleneck>},
// one FPGA per stage (k entries, empty ones included), numbers as placementNumbering().
std::string exportDnnPartitioningPlacement(const Graph &graph, const CostParams &params, const Partition &partition);

// (d) The stage table as CSV (RFC 4180: CRLF line ends, fields with a comma,
// quote or line break are quoted, quotes doubled). Columns: stage (1-based),
// nodes (count), work, comm_in, comm_out, param, cost, node_ids (ids joined by
// single spaces). Numbers are written so that they read back exactly.
std::string exportStageCsv(const Graph &graph, const CostParams &params, const Partition &partition);

// (e) Per-node data for Google's Model Explorer ("Add per-node data" in its
// toolbar loads this JSON): a NodeDataProviderGraphData object,
// {"name": ..., "results": {node id: {"value": v, "bgColor": c}}, ...}.
enum class OverlayMetric {
    Stage, // value = stage (1-based), a distinct colour per stage
    StageCost, // value = f(S) of the node's stage: the bottleneck stage's nodes are hottest
    Work, // value = the node's own work
};
const char *overlayMetricName(OverlayMetric metric); // "stage", "stage-cost", "work"
std::optional<OverlayMetric> parseOverlayMetric(std::string_view name);
std::string exportModelExplorerOverlay(const Graph &graph, const CostParams &params, const Partition &partition,
    OverlayMetric metric = OverlayMetric::Stage);

// A distinct, readable background colour for stage s (0-based) as "#rrggbb":
// hues a golden angle apart, so neighbouring stages never look alike.
std::string overlayStageColour(int stage);

struct ExportOptions {
    OverlayMetric metric = OverlayMetric::Stage;
};

// Dispatch by format (for the CLI and the GUI's export menu).
Result<std::string> exportPartition(ExportFormat format, const Graph &graph, const CostParams &params,
    const Partition &partition, const ExportOptions &options = {});

} // namespace pipecut
