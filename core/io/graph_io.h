#pragma once
// Reading and writing graphs and partitions (docs/model.md §5 and §6).
//
// Formats are detected by content first (the extension only breaks ties), so a
// Microsoft dnn-partitioning file named model.json is not mistaken for pipecut
// JSON. Every error names the file and the place (line, or node/edge index).

#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/util/result.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pipecut {

enum class GraphFormat { Auto, PipecutJson, DnnPartitioning, PipeDream, Piper, Dot, Onnx, HfConfig };

const char *formatName(GraphFormat format); // "pipecut-json", "dnn-partitioning", ...
std::optional<GraphFormat> parseFormatName(std::string_view name);

// The serving workload that sets the costs of a Hugging Face config.json
// (docs/model.md §8): one decode step of `batch` sequences over `context` tokens
// of KV cache, or the prefill of `prompt` tokens per sequence.
struct LlmWorkload {
    enum class Kind { Decode, Prefill };
    Kind kind = Kind::Decode;
    int64_t batch = 1;
    int64_t context = 4096;
    int64_t prompt = 0; // prefill tokens per sequence; 0: the context
    std::string dtype; // weights and activations: fp32, fp16, bf16, fp8, int8, int4; empty: torch_dtype
    std::string kvDtype; // the KV cache; empty: dtype

    int64_t promptTokens() const { return prompt > 0 ? prompt : context; }
};
// "fp16" -> 2 bytes per element; nothing when unknown.
std::optional<double> llmDtypeBytes(std::string_view name);

struct LoadOptions {
    GraphFormat format = GraphFormat::Auto;
    // Resource limits, stated in the error when exceeded.
    int64_t maxNodes = 5'000'000;
    int64_t maxEdges = 50'000'000;
    int64_t maxFileBytes = int64_t(4) << 30; // 4 GiB (ONNX weights are never read whole)
    // ONNX and PipeDream: which device profile turns FLOPs/bytes into time
    // (empty: the reader's documented default), and values for symbolic dims.
    std::string device;
    std::map<std::string, int64_t> dims;
    // Hugging Face config.json: the serving workload (the device is `device`).
    LlmWorkload llm;
};

// Detects the format from the first bytes of the file (and its name as a tie-break).
GraphFormat detectFormat(std::string_view head, std::string_view path);

// One tensor a node reads or writes, as the ONNX reader resolved it.
struct TensorDetail {
    std::string name;
    std::vector<int64_t> dims;
    double bytes = 0.0;
    bool rankKnown = true; // false: the rank was guessed (the dims are the guess)
    bool estimated = false; // some dimension or the rank is a guess
    bool constant = false; // an initializer or Constant output (a weight)
};

// What the ONNX reader knows of one graph node besides its costs: FLOPs, bytes
// moved, the shapes read and written, and why its cost is an estimate (empty
// when it is not).
struct NodeDetail {
    std::string op; // the ONNX op type ("Input" for graph inputs)
    double flops = 0.0;
    double bytesMoved = 0.0;
    std::vector<TensorDetail> inputs, outputs;
    std::string estimateReason;
};

struct OnnxAnalysis; // core/io/onnx_reader.h

// Where a graph's node times come from, recorded by the load and by what
// replaces them, and what re-costs the same graph for another device profile
// without reading its file again (core/io/profile_work.h): the options it
// was loaded with and, for a graph a device profile costed, what the profile
// was applied to (an ONNX model's analysis, a Hugging Face config's text).
// Without either, re-costing reads the file again.
struct CostOrigin {
    enum class Times {
        File, // the file's own (profile JSON, PipeDream, DOT, pipecut JSON)
        Profile, // a device profile's estimates (ONNX roofline, Hugging Face config)
        Measured, // a runtime profile's, replacing the estimates (--profile, Import Profile)
    };
    LoadOptions options;
    std::shared_ptr<const OnnxAnalysis> onnx; // node shapes moved out to LoadDetails::nodes
    std::shared_ptr<const std::string> config; // a Hugging Face config.json
    Times times = Times::File;
};

// What a load finds besides the graph: an ONNX model's symbolic dimensions with the
// values used (OnnxAnalysis::symbolicDims) and its nodes' details (in graph
// node order), empty for the other formats; and how its costs were made.
struct LoadDetails {
    std::map<std::string, std::optional<int64_t>> symbolicDims;
    std::map<std::string, std::vector<std::string>> symbolicDimUses; // "INPUT axis N" per dimension
    std::vector<NodeDetail> nodes;
    CostOrigin origin;
};

Result<Graph> loadGraph(const std::string &path, const LoadOptions &options = {}, LoadDetails *details = nullptr);
// Parse from memory; `name` is used in messages in place of a file name.
Result<Graph> parseGraph(std::string_view content, const std::string &name, const LoadOptions &options = {});

// pipecut JSON (docs/model.md §5), round-trips every field the model holds.
std::string graphToJson(const Graph &graph);
// Graphviz DOT with work/out/param/group/op/scope attributes; with a partition,
// nodes are filled with their stage colour and carry a `stage` attribute.
std::string graphToDot(const Graph &graph, const Partition *partition = nullptr);

// Partition JSON (docs/model.md §6). Reading checks every node is named exactly once.
// With a cluster, `devices` names the device of each stage ("devices", §6).
std::string partitionToJson(
    const Graph &graph, const Partition &partition, const std::vector<std::string> &devices = {});
Result<Partition> parsePartition(std::string_view content, const std::string &name, const Graph &graph);
Result<Partition> loadPartition(const std::string &path, const Graph &graph);
// The "devices" of a pipecut partition file (empty when it has none).
Result<std::vector<std::string>> partitionDevices(std::string_view content, const std::string &name);
Result<std::vector<std::string>> loadPartitionDevices(const std::string &path);

// Writes atomically (temporary file + rename) so a crash never leaves half a file.
// A symbolic link is written through (the file it names is replaced, the link
// stays); a target that is not a regular file (a device, a pipe) is refused.
Status writeFileAtomically(const std::string &path, std::string_view content);
// The file writeFileAtomically(path) would replace: `path`, or what its link
// names; an error for a dangling link or a target that is not a regular file.
Result<std::string> outputTarget(const std::string &path);
// Whether two paths name the same file (existing or not).
bool sameFile(const std::string &a, const std::string &b);
Result<std::string> readFile(const std::string &path, int64_t maxBytes = int64_t(4) << 30);

} // namespace pipecut
