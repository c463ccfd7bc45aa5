#include "core/io/onnx_reader.h"

#include "core/io/onnx_internal.h"
#include "core/io/onnx_shape_values.h"

#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/stubs/logging.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <queue>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace pipecut {

using onnxread::formatBytes;
using onnxread::tensorOf;

std::string onnxread::formatBytes(double bytes)
{
    const char *unit[] = { "bytes", "KB", "MB", "GB", "TB" };
    int u = 0;
    while (bytes >= 1000.0 && u < 4) {
        bytes /= 1000.0;
        ++u;
    }
    return formatNumber(std::round(bytes * 100.0) / 100.0) + " " + unit[u];
}

namespace fs = std::filesystem;

// --- reading the protobuf --------------------------------------------------

namespace {

// CodedInputStream's default: deeper messages fail to parse, which the
// reader then reports as such rather than as corrupt data.
constexpr int kProtobufRecursionLimit = 100;

// Whether the file parses when only the recursion limit is raised (used after
// a failed parse; the raised limit still keeps the parser's stack small).
bool nestedTooDeep(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    onnx::ModelProto model;
    google::protobuf::LogSilencer quiet;
    google::protobuf::io::FileInputStream raw(fd);
    raw.SetCloseOnDelete(true);
    google::protobuf::io::CodedInputStream coded(&raw);
    coded.SetTotalBytesLimit(INT_MAX);
    coded.SetRecursionLimit(8 * kProtobufRecursionLimit);
    return model.ParseFromCodedStream(&coded) && coded.ConsumedEntireMessage();
}

} // namespace

Result<onnx::ModelProto> onnxread::parseModelFile(const std::string &path, int64_t maxBytes)
{
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        return makeError(path + ": cannot open: no such file");
    if (fs::is_directory(status))
        return makeError(path + ": cannot open: is a directory");
    const auto size = static_cast<int64_t>(fs::file_size(path, ec));
    if (ec)
        return makeError(path + ": cannot read: " + ec.message());
    if (size > maxBytes)
        return makeError(ErrorKind::LimitExceeded,
            path + ": file is " + formatBytes(double(size)) + ", over the limit of " + formatBytes(double(maxBytes)),
            ResourceLimit::FileSize);
    // Protobuf cannot parse one message over 2 GiB; ONNX stores such weights as
    // external data, which this reader never needs to open.
    if (size > INT_MAX)
        return makeError(path + ": file is " + formatBytes(double(size))
            + "; protobuf cannot parse a message over 2 GiB: save the weights as external data "
              "(onnx.save_model(..., save_as_external_data=True))");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(path + ": cannot open: " + std::strerror(errno));
    onnx::ModelProto model;
    bool parsed = false;
    {
        google::protobuf::LogSilencer quiet; // core/ never prints
        google::protobuf::io::FileInputStream raw(fd);
        raw.SetCloseOnDelete(true);
        google::protobuf::io::CodedInputStream coded(&raw);
        coded.SetTotalBytesLimit(INT_MAX);
        parsed = model.ParseFromCodedStream(&coded) && coded.ConsumedEntireMessage();
    }
    if (!parsed) {
        if (nestedTooDeep(path))
            return makeError(path + ": the ONNX model nests deeper than protobuf's recursion limit of "
                + std::to_string(kProtobufRecursionLimit)
                + " messages (subgraphs of If, Loop or Scan nested too deep)");
        return makeError(path
            + ": not a valid ONNX model: the protobuf data does not parse "
              "(the file is truncated, corrupt or not ONNX)");
    }
    if (model.ir_version() <= 0)
        return makeError(path + ": not an ONNX model: no IR version (is this an ONNX file?)");
    if (!model.has_graph() || model.graph().node_size() == 0)
        return makeError(path + ": the ONNX model has no graph nodes");
    return model;
}

namespace {

// Every node of `nodes` (a graph's or a function's) and of their subgraphs, depth first.
template <class Nodes, class Visit> void forEachNode(const Nodes &nodes, const Visit &visit)
{
    for (const onnx::NodeProto &node : nodes) {
        visit(node);
        for (const onnx::AttributeProto &attribute : node.attribute()) {
            if (attribute.has_g())
                forEachNode(attribute.g().node(), visit);
            for (const onnx::GraphProto &g : attribute.graphs())
                forEachNode(g.node(), visit);
        }
    }
}

// A negative dimension in a weight's or a value's declared shape, named; empty when none.
std::string negativeDimension(const onnx::GraphProto &graph)
{
    std::string found;
    const auto check = [&](const onnx::GraphProto &g) {
        for (const onnx::TensorProto &t : g.initializer())
            for (const int64_t d : t.dims())
                if (d < 0 && found.empty())
                    found = "initializer '" + t.name() + "' has dimension " + std::to_string(d);
        for (const auto *values : { &g.input(), &g.output(), &g.value_info() })
            for (const onnx::ValueInfoProto &v : *values)
                if (v.type().has_tensor_type() && v.type().tensor_type().has_shape())
                    for (const auto &d : v.type().tensor_type().shape().dim())
                        if (d.has_dim_value() && d.dim_value() < 0 && found.empty())
                            found = "value '" + v.name() + "' has dimension " + std::to_string(d.dim_value());
    };
    check(graph);
    forEachNode(graph.node(), [&](const onnx::NodeProto &node) {
        for (const onnx::AttributeProto &attribute : node.attribute()) {
            if (attribute.has_g())
                check(attribute.g());
            for (const onnx::GraphProto &g : attribute.graphs())
                check(g);
        }
    });
    return found;
}

// A model-local function that calls itself, directly or through others (ONNX
// forbids it; shape inference would recurse until the stack overflows): the
// cycle as "f -> g -> f", empty when none. Iterative, O(functions + calls).
std::string functionCycle(const onnx::ModelProto &model)
{
    std::map<std::pair<std::string, std::string>, int> index;
    for (int i = 0; i < model.functions_size(); ++i)
        index.emplace(std::make_pair(model.functions(i).domain(), model.functions(i).name()), i);
    std::vector<std::vector<int>> calls(index.size() ? model.functions_size() : 0);
    for (int i = 0; i < static_cast<int>(calls.size()); ++i)
        forEachNode(model.functions(i).node(), [&](const onnx::NodeProto &n) {
            const auto it = index.find({ n.domain(), n.op_type() });
            if (it != index.end())
                calls[i].push_back(it->second);
        });
    std::vector<char> state(calls.size(), 0); // 0 new, 1 on the path, 2 done
    std::vector<std::pair<int, size_t>> path;
    for (int root = 0; root < static_cast<int>(calls.size()); ++root) {
        if (state[root])
            continue;
        path.push_back({ root, 0 });
        state[root] = 1;
        while (!path.empty()) {
            auto &[f, next] = path.back();
            if (next == calls[f].size()) {
                state[f] = 2;
                path.pop_back();
                continue;
            }
            const int callee = calls[f][next++];
            if (state[callee] == 1) {
                std::string cycle = model.functions(callee).name();
                size_t from = 0;
                while (path[from].first != callee)
                    ++from;
                for (size_t i = from + 1; i < path.size(); ++i)
                    cycle += " -> " + model.functions(path[i].first).name();
                return cycle + " -> " + model.functions(callee).name();
            }
            if (state[callee] == 0) {
                state[callee] = 1;
                path.push_back({ callee, 0 });
            }
        }
    }
    return {};
}

// What ONNX forbids and later stages would trust: recursive local functions,
// negative dimensions.
Status checkModelStructure(const onnx::ModelProto &model, const std::string &path)
{
    if (const std::string cycle = functionCycle(model); !cycle.empty())
        return makeError(path + ": the model's local functions call themselves (" + cycle
            + "); ONNX functions must not be recursive");
    if (const std::string negative = negativeDimension(model.graph()); !negative.empty())
        return makeError(path + ": " + negative + "; dimensions must be >= 0");
    return Ok {};
}

} // namespace

Result<int64_t> onnxread::checkOpset(const onnx::ModelProto &model, const std::string &path)
{
    std::optional<int64_t> opset;
    for (const onnx::OperatorSetIdProto &o : model.opset_import())
        if (o.domain().empty() || o.domain() == "ai.onnx")
            opset = o.version();
    const auto &ranges = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
    const auto range = ranges.at(onnx::ONNX_DOMAIN);
    if (!opset)
        return makeError(path + ": the model declares no opset for the ONNX domain (opset_import)");
    if (*opset < range.first || *opset > range.second)
        return makeError(path + ": the model uses opset " + std::to_string(*opset)
            + " of the ONNX domain; this build's ONNX library knows opsets " + std::to_string(range.first) + " to "
            + std::to_string(range.second) + " (convert the model with onnx.version_converter)");
    return *opset;
}

namespace {

// Substitutes user values (--dim) into symbolic dimensions before shape
// inference, and records every symbol seen on the graph's inputs.
void applyDims(onnx::GraphProto &g, const std::map<std::string, int64_t> &dims,
    std::map<std::string, std::optional<int64_t>> &seen, std::map<std::string, std::vector<std::string>> &uses)
{
    auto apply = [&](onnx::ValueInfoProto &v, bool record) {
        if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape())
            return;
        int axis = 0;
        for (auto &d : *v.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim()) {
            const int thisAxis = axis++;
            if (d.has_dim_value())
                continue;
            // An anonymous dynamic dimension of a graph input is named INPUT:AXIS.
            if (!d.has_dim_param() && !record)
                continue;
            const std::string symbol = d.has_dim_param() ? d.dim_param() : v.name() + ":" + std::to_string(thisAxis);
            auto it = dims.find(symbol);
            if (record) {
                seen[symbol] = it != dims.end() ? std::optional<int64_t>(it->second) : std::nullopt;
                uses[symbol].push_back(v.name() + " axis " + std::to_string(thisAxis));
            }
            if (it != dims.end())
                d.set_dim_value(it->second);
        }
    };
    std::unordered_set<std::string> initializers;
    for (const onnx::TensorProto &t : g.initializer())
        initializers.insert(t.name());
    for (auto &v : *g.mutable_input())
        apply(v, !initializers.count(v.name()));
    for (auto &v : *g.mutable_output())
        apply(v, false);
    for (auto &v : *g.mutable_value_info())
        apply(v, false);
}

} // namespace

namespace {

// libonnx's shape inference functions trust the schema: a node lacking a
// required attribute (a Scan without num_scan_inputs, found by fuzz_onnx) makes
// them dereference null. Every node, in subgraphs too, is verified against its
// schema first; Verify throws (onnx::ValidationError) on the first violation.
// The schema of a node at the model's opset for its domain; null when unknown.
const onnx::OpSchema *schemaOf(const onnx::NodeProto &node, const std::map<std::string, int> &opsets)
{
    const std::string domain = node.domain() == "ai.onnx" ? std::string() : node.domain();
    const auto opset = opsets.find(domain);
    return opset == opsets.end() ? nullptr : onnx::OpSchemaRegistry::Schema(node.op_type(), opset->second, domain);
}

void verifyNodes(const onnx::GraphProto &graph, const std::map<std::string, int> &opsets)
{
    for (const onnx::NodeProto &node : graph.node()) {
        if (const onnx::OpSchema *schema = schemaOf(node, opsets))
            schema->Verify(node);
        for (const onnx::AttributeProto &attribute : node.attribute()) {
            if (attribute.has_g())
                verifyNodes(attribute.g(), opsets);
            for (const onnx::GraphProto &g : attribute.graphs())
                verifyNodes(g, opsets);
        }
    }
}

std::map<std::string, int> opsetsOf(const onnx::ModelProto &model)
{
    std::map<std::string, int> opsets;
    for (const auto &o : model.opset_import())
        opsets[o.domain() == "ai.onnx" ? std::string() : o.domain()] = static_cast<int>(o.version());
    return opsets;
}

// libonnx 1.12's partial data propagation (Shape and Size, feeding Reshape
// targets) dereferences the type of its input when it has none: the output of
// an operator the registry does not know, or a name nothing defines (found by
// fuzz_onnx). It runs only when, after a first inference pass without it, every
// input of every node with a data propagation function has a type. Returns the
// first such input without one, or an empty string.
std::string firstUntypedPropagationInput(
    const onnx::GraphProto &graph, const std::map<std::string, int> &opsets, std::unordered_set<std::string> typed)
{
    for (const auto *values : { &graph.input(), &graph.value_info(), &graph.output() })
        for (const onnx::ValueInfoProto &v : *values)
            if (v.has_type())
                typed.insert(v.name());
    for (const onnx::TensorProto &t : graph.initializer())
        typed.insert(t.name());
    for (const onnx::NodeProto &node : graph.node()) {
        if (const onnx::OpSchema *schema = schemaOf(node, opsets); schema && schema->has_data_propagation_function())
            for (const std::string &input : node.input())
                if (!input.empty() && !typed.count(input))
                    return input;
        for (const onnx::AttributeProto &attribute : node.attribute()) {
            std::string found = attribute.has_g() ? firstUntypedPropagationInput(attribute.g(), opsets, typed) : "";
            for (int i = 0; found.empty() && i < attribute.graphs_size(); ++i)
                found = firstUntypedPropagationInput(attribute.graphs(i), opsets, typed);
            if (!found.empty())
                return found;
        }
    }
    return {};
}

// Weights are not needed past their dims: drop large payloads before shape
// inference copies anything (small ones stay for data propagation).
void dropLargePayloads(onnx::GraphProto &mg)
{
    for (onnx::TensorProto &t : *mg.mutable_initializer()) {
        if (t.data_type() != onnx::TensorProto::STRING && tensorOf(t).bytes() > double(1 << 16)) {
            t.clear_raw_data();
            t.clear_float_data();
            t.clear_double_data();
            t.clear_int32_data();
            t.clear_int64_data();
            t.clear_uint64_data();
        }
    }
}

// Rounds of value folding and inference: each round can resolve one more level
// of nested If outputs (Silero VAD needs about 10); a round that resolves
// nothing new ends them.
constexpr int kMaxInferenceRounds = 32;

// ONNX shape inference, with data propagation when it is safe, then rounds of
// Reshape targets resolved from computed values; what stops it becomes a note
// of the load report.
void inferShapes(onnx::ModelProto &model, OnnxAnalysis &a)
{
    onnx::ShapeInferenceOptions inference(/*check_type=*/false, /*error_mode=*/0, /*data_prop=*/false);
    bool inferred = true;
    try {
        google::protobuf::LogSilencer quiet;
        const std::map<std::string, int> opsets = opsetsOf(model);
        verifyNodes(model.graph(), opsets);
        onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), inference);
        if (const std::string untyped = firstUntypedPropagationInput(model.graph(), opsets, {}); untyped.empty()) {
            inference.enable_data_propagation = true;
            onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), inference);
        } else {
            a.notes.push_back("ONNX data propagation skipped: value '" + untyped
                + "' has no type (an unknown operator's output or an undefined name)");
        }
    } catch (const std::exception &e) {
        inferred = false;
        a.notes.push_back(std::string("ONNX shape inference stopped (") + e.what()
            + "); shapes come from the file's value_info where it has them");
    }
    // Shapes computed at run time: resolve them and infer again (each round can
    // unlock the next block's arithmetic).
    for (int round = 0; inferred && round < kMaxInferenceRounds; ++round) {
        onnx::GraphProto before = model.graph();
        if (onnxcost::propagateShapeValues(*model.mutable_graph(), a.opset) == 0)
            break;
        try {
            google::protobuf::LogSilencer quiet;
            onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), inference);
        } catch (const std::exception &) {
            *model.mutable_graph() = std::move(before); // keep the last consistent shapes
            break;
        }
    }
}

} // namespace

// --dim names the model does not have are refused (a usage error, exit 2),
// listing the ones it has.
Status checkDimNames(const std::string &path, const std::map<std::string, int64_t> &dims,
    const std::map<std::string, std::optional<int64_t>> &symbolicDims)
{
    for (const auto &[name, value] : dims) {
        if (symbolicDims.count(name))
            continue;
        std::string known;
        for (const auto &[symbol, uses] : symbolicDims)
            known += (known.empty() ? "" : ", ") + symbol;
        return makeError(ErrorKind::Usage,
            path + ": --dim " + name + ": the model has no symbolic dimension '" + name + "'; "
                + (known.empty() ? std::string("it has none (every input dimension is fixed)")
                                 : "its symbolic dimensions: " + known));
    }
    return Ok {};
}

std::string symbolicDimsNote(const OnnxAnalysis &a)
{
    std::string note = "symbolic dimensions (set with --dim NAME=VALUE):";
    bool first = true;
    for (const auto &[symbol, value] : a.symbolicDims) {
        note += std::string(first ? " " : "; ") + symbol + " = "
            + (value ? std::to_string(*value) : std::to_string(kUnknownDim) + " (unset)") + " at ";
        first = false;
        auto uses = a.symbolicDimUses.find(symbol);
        for (size_t i = 0; uses != a.symbolicDimUses.end() && i < uses->second.size(); ++i)
            note += (i ? ", " : "") + uses->second[i];
    }
    return note;
}

void onnxread::prepareForCosting(onnx::ModelProto &model, const LoadOptions &options, OnnxAnalysis &a)
{
    onnx::GraphProto &mg = *model.mutable_graph();
    dropLargePayloads(mg);
    applyDims(mg, options.dims, a.symbolicDims, a.symbolicDimUses);
    if (!a.symbolicDims.empty())
        a.notes.push_back(symbolicDimsNote(a));
    inferShapes(model, a);
}

Result<OnnxAnalysis> analyzeOnnxModel(const std::string &path, const LoadOptions &options)
{
    Result<onnx::ModelProto> parsed = onnxread::parseModelFile(path, options.maxFileBytes);
    if (!parsed)
        return parsed.failure();
    onnx::ModelProto &model = *parsed;
    Result<int64_t> opset = onnxread::checkOpset(model, path);
    if (!opset)
        return opset.failure();
    if (Status st = checkModelStructure(model, path); !st)
        return st.failure();
    if (model.graph().node_size() > options.maxNodes)
        return makeError(ErrorKind::LimitExceeded,
            path + ": the model has " + std::to_string(model.graph().node_size()) + " nodes, over the limit of "
                + std::to_string(options.maxNodes),
            ResourceLimit::Nodes);

    OnnxAnalysis a;
    a.path = path;
    a.opset = *opset;
    a.name = model.graph().name().empty() ? fs::path(path).stem().string() : model.graph().name();
    onnxread::prepareForCosting(model, options, a);
    return onnxread::costModelGraph(model.graph(), path, options, std::move(a));
}

Result<Graph> loadOnnxGraph(const std::string &path, const LoadOptions &options,
    std::map<std::string, std::optional<int64_t>> *symbolicDims,
    std::map<std::string, std::vector<std::string>> *dimUses, std::vector<NodeDetail> *nodes,
    std::shared_ptr<const OnnxAnalysis> *kept)
{
    Result<DeviceProfile> device
        = options.device.empty() ? Result<DeviceProfile>(defaultDeviceProfile()) : findDeviceProfile(options.device);
    if (!device)
        return makeError(path + ": " + device.error());
    Result<OnnxAnalysis> analysis = analyzeOnnxModel(path, options);
    if (!analysis)
        return analysis.failure();
    if (symbolicDims)
        *symbolicDims = analysis->symbolicDims;
    if (dimUses)
        *dimUses = analysis->symbolicDimUses;
    if (nodes) {
        nodes->clear();
        nodes->reserve(analysis->nodes.size());
        for (OnnxNodeCost &n : analysis->nodes)
            nodes->push_back({ n.op, n.flops, n.bytesMoved, std::move(n.inputs), std::move(n.outputs),
                std::move(n.estimateReason) });
    }
    Result<Graph> graph = onnxGraphFor(*analysis, *device);
    if (kept && graph)
        *kept = std::make_shared<const OnnxAnalysis>(std::move(analysis).value());
    return graph;
}

} // namespace pipecut
