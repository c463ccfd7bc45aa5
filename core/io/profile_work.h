#pragma once
// Device profiles that re-cost a graph per cluster device (docs/model.md §1.7):
// an ONNX model or a Hugging Face config is costed by a device profile (the
// roofline of core/io/onnx_reader.h, the serving costs of
// core/io/hf_config_reader.cpp), so a cluster device naming a profile runs its
// stage with the graph re-costed node by node for that profile: a work column
// built from what the graph's load kept (ONNX: its analysis, onnxGraphFor per
// profile; a config: its text, costed again with that device), one per
// distinct profile, node i of the column being node i of the graph.
//
// Such a device's speed is then 1 unless the cluster gives one (an explicit
// speed still divides the column). This holds for the graphs whose load
// recorded profile times (CostOrigin::Times::Profile); graphs of other
// formats, and graphs whose times a runtime profile replaced (--profile,
// Import Profile: Times::Measured), keep applyCluster's rule: the profile's
// FLOP rate over the reference's sets a missing speed. A device with "costs"
// keeps that column.
//
// Example: an ONNX model loaded for a100-fp16 and the devices
// [{"profile": "a100-fp16"}, {"profile": "l4-fp16"}]: stage 2's work of a
// node is max(FLOPs / 121e12, bytes / 300e9) s (in ms), what
// `--device l4-fp16` gives it, and stage 1's is the graph's own.

#include "core/cost/cluster.h"
#include "core/graph/graph.h"
#include "core/io/graph_io.h"
#include "core/util/progress.h"

namespace pipecut {

// `params` (from applyCluster and applyDeviceWork on `cluster`) with the
// profile columns above; `origin` is what `graph`'s load kept
// (LoadDetails::origin: its options, its ONNX analysis or config text). The
// graph's file is read again only when the origin holds neither. Errors name
// the cluster file and the device (a profile the model cannot be costed for)
// or the graph file (it no longer matches the graph); a stop gives a Stopped
// error.
Result<CostParams> applyProfileWork(const CostParams &params, const Cluster &cluster, const Graph &graph,
    const CostOrigin &origin, const StopToken *stop = nullptr);

} // namespace pipecut
