#include "core/io/export_onnx_stages.h"

#include "core/cost/evaluate.h"
#include "core/io/onnx_internal.h"
#include "core/util/json_writer.h"

#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"

#include <google/protobuf/stubs/logging.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace pipecut {

namespace {

namespace fs = std::filesystem;

constexpr int kModelInput = -1; // producer "stage" of a model input

// Which stage every operator is in, what every tensor is, and what each stage
// reads and writes.
struct StagePlan {
    std::vector<int> nodes; // indices into the source graph's node list, Constant nodes included
    std::vector<std::string> inputs;
    std::vector<std::string> outputs;
    std::vector<std::string> initializers; // dense and sparse
};

struct Plan {
    int k = 0;
    std::vector<int> opStage; // per source node; -1 for a Constant node
    std::unordered_map<std::string, int> producer; // tensor -> 0-based stage, or kModelInput
    std::unordered_map<std::string, int> constantNode; // Constant output -> source node index
    std::unordered_set<std::string> initializers; // dense and sparse
    std::map<std::string, std::set<int>> readers; // tensor -> stages reading it
    std::unordered_set<std::string> modelOutputs;
    std::vector<StagePlan> stages; // k entries; empty ones have no nodes
};

} // namespace

Status checkOnnxStagesSource(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError(path + ": cannot open");
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    const GraphFormat format = detectFormat(head, path);
    if (format != GraphFormat::Onnx)
        return makeError(path + ": onnx-stages needs an ONNX model; this file reads as " + formatName(format));
    return Ok {};
}

namespace {

// The stage of every operator, through the ids the import gave them.
Status assignStages(
    const onnx::GraphProto &g, const Graph &graph, const Partition &partition, const std::string &path, Plan &plan)
{
    const onnxread::NodeIds ids = onnxread::nodeIds(g);
    int32_t operators = 0;
    for (const std::string &id : ids.opIds)
        operators += id.empty() ? 0 : 1;
    if (graph.nodeCount() != static_cast<int32_t>(ids.sourceIds.size()) + operators)
        return makeError(path + ": the graph has " + std::to_string(graph.nodeCount()) + " nodes, the model "
            + std::to_string(ids.sourceIds.size() + size_t(operators))
            + " inputs and operators: the partition is not of this model");
    plan.k = partition.k();
    plan.opStage.assign(g.node_size(), -1);
    for (int i = 0; i < g.node_size(); ++i) {
        if (ids.opIds[i].empty())
            continue;
        const auto v = graph.find(ids.opIds[i]);
        if (!v)
            return makeError(path + ": operator '" + ids.opIds[i]
                + "' of the model is not in the graph: the partition is not of this model");
        plan.opStage[i] = index(partition.stage(*v));
    }
    for (const std::string &t : ids.sourceTensors)
        plan.producer[t] = kModelInput;
    return Ok {};
}

void addUnique(std::vector<std::string> &list, std::unordered_set<std::string> &seen, const std::string &name)
{
    if (seen.insert(name).second)
        list.push_back(name);
}

// Producers, readers and each stage's nodes, inputs, outputs and constants.
void planStages(const onnx::GraphProto &g, Plan &plan)
{
    for (const onnx::TensorProto &t : g.initializer())
        plan.initializers.insert(t.name());
    for (const onnx::SparseTensorProto &t : g.sparse_initializer())
        plan.initializers.insert(t.values().name());
    for (const onnx::ValueInfoProto &v : g.output())
        plan.modelOutputs.insert(v.name());
    std::vector<std::set<std::string>> reads(g.node_size());
    for (int i = 0; i < g.node_size(); ++i) {
        const onnx::NodeProto &node = g.node(i);
        if (onnxread::isConstantNode(node)) {
            if (node.output_size() > 0)
                plan.constantNode[node.output(0)] = i;
            continue;
        }
        onnxread::namesRead(node, reads[i]);
        for (const std::string &o : node.output())
            if (!o.empty())
                plan.producer[o] = plan.opStage[i];
    }
    plan.stages.assign(plan.k, {});
    std::vector<std::unordered_set<std::string>> inputSeen(plan.k), constSeen(plan.k);
    std::vector<std::set<int>> constantNodes(plan.k);
    for (int i = 0; i < g.node_size(); ++i) {
        const int s = plan.opStage[i];
        if (s < 0)
            continue;
        plan.stages[s].nodes.push_back(i);
        for (const std::string &name : reads[i]) {
            if (auto c = plan.constantNode.find(name); c != plan.constantNode.end()) {
                constantNodes[s].insert(c->second);
            } else if (plan.initializers.count(name)) {
                addUnique(plan.stages[s].initializers, constSeen[s], name);
            } else if (auto p = plan.producer.find(name); p != plan.producer.end() && p->second != s) {
                addUnique(plan.stages[s].inputs, inputSeen[s], name);
                plan.readers[name].insert(s);
            }
        }
    }
    for (int s = 0; s < plan.k; ++s) {
        StagePlan &stage = plan.stages[s];
        stage.nodes.insert(stage.nodes.end(), constantNodes[s].begin(), constantNodes[s].end());
        std::sort(stage.nodes.begin(), stage.nodes.end()); // file order, constants before their readers
        for (int i : stage.nodes)
            for (const std::string &o : g.node(i).output())
                if (!o.empty() && plan.opStage[i] >= 0 && (plan.readers.count(o) || plan.modelOutputs.count(o)))
                    stage.outputs.push_back(o);
    }
}

// Types and shapes of the tensors crossing stages: the source's own value_info
// first, then ONNX shape inference on a copy (weights dropped, dims symbolic).
// `bytes` holds each tensor's bytes at the --dim values (negative: unknown).
struct TensorTypes {
    std::unordered_map<std::string, onnx::TypeProto> type;
    std::unordered_map<std::string, onnx::TypeProto> sized; // at the --dim values
    std::unordered_map<std::string, double> bytes;
};

void collectTypes(const onnx::GraphProto &g, std::unordered_map<std::string, onnx::TypeProto> &out)
{
    for (const auto *values : { &g.input(), &g.output(), &g.value_info() })
        for (const onnx::ValueInfoProto &v : *values)
            if (v.has_type() && v.type().has_tensor_type() && v.type().tensor_type().elem_type() != 0)
                out.try_emplace(v.name(), v.type());
}

double typeBytes(const onnx::TypeProto &type)
{
    if (!type.has_tensor_type() || !type.tensor_type().has_shape())
        return -1.0;
    double bytes = onnxcost::elementBytes(type.tensor_type().elem_type());
    for (const auto &d : type.tensor_type().shape().dim()) {
        if (!d.has_dim_value() || d.dim_value() < 0)
            return -1.0;
        bytes *= double(d.dim_value());
    }
    return bytes > 0 ? bytes : -1.0;
}

TensorTypes inferTypes(const onnx::ModelProto &model, const LoadOptions &options, OnnxAnalysis &analysis)
{
    TensorTypes types;
    collectTypes(model.graph(), types.type);
    onnx::ModelProto inferred = model;
    for (onnx::TensorProto &t : *inferred.mutable_graph()->mutable_initializer())
        if (t.data_type() != onnx::TensorProto::STRING && onnxread::tensorOf(t).bytes() > double(1 << 16))
            t.clear_raw_data();
    onnx::ModelProto sized = inferred;
    try {
        google::protobuf::LogSilencer quiet;
        onnx::ShapeInferenceOptions plain(/*check_type=*/false, /*error_mode=*/0, /*data_prop=*/false);
        onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(), plain);
    } catch (const std::exception &) {
        // The source's value_info and the sized pass below are what is left.
    }
    collectTypes(inferred.graph(), types.type);
    onnxread::prepareForCosting(sized, options, analysis);
    for (const onnx::TensorProto &t : model.graph().initializer())
        types.bytes[t.name()] = onnxread::tensorOf(t).bytes();
    for (const onnx::NodeProto &node : model.graph().node())
        for (const onnx::AttributeProto &a : node.attribute())
            if (onnxread::isConstantNode(node) && a.name() == "value" && node.output_size() > 0)
                types.bytes[node.output(0)] = onnxread::tensorOf(a.t()).bytes();
    collectTypes(sized.graph(), types.sized);
    for (const auto &[name, type] : types.sized) {
        types.bytes[name] = typeBytes(type);
        if (!types.type.count(name)) { // element type only: the sized shape holds the --dim values
            onnx::TypeProto elementOnly;
            elementOnly.mutable_tensor_type()->set_elem_type(type.tensor_type().elem_type());
            types.type.emplace(name, elementOnly);
        }
    }
    return types;
}

// Where an external-data location points, relative to the output folder.
std::string relocated(const std::string &location, const fs::path &sourceDir, const fs::path &outDir)
{
    const fs::path target = (sourceDir / location).lexically_normal();
    return target.lexically_relative(outDir).generic_string();
}

struct StageContext {
    const onnx::ModelProto *model = nullptr;
    const Plan *plan = nullptr;
    const TensorTypes *types = nullptr;
    fs::path sourceDir; // absolute
    fs::path outDir; // absolute
    std::set<std::string> externalFiles; // relocated locations
    std::string modelPath;
};

void copyConstant(onnx::TensorProto &t, StageContext &ctx)
{
    if (t.data_location() != onnx::TensorProto::EXTERNAL)
        return;
    for (auto &entry : *t.mutable_external_data())
        if (entry.key() == "location") {
            entry.set_value(relocated(entry.value(), ctx.sourceDir, ctx.outDir));
            ctx.externalFiles.insert(entry.value());
        }
}

// External data of the initializers inside subgraphs (If branches, Loop and Scan bodies) too.
void relocateSubgraphs(onnx::NodeProto &node, StageContext &ctx)
{
    for (onnx::AttributeProto &attribute : *node.mutable_attribute()) {
        std::vector<onnx::GraphProto *> graphs;
        if (attribute.has_g())
            graphs.push_back(attribute.mutable_g());
        for (onnx::GraphProto &g : *attribute.mutable_graphs())
            graphs.push_back(&g);
        for (onnx::GraphProto *g : graphs) {
            for (onnx::TensorProto &t : *g->mutable_initializer())
                copyConstant(t, ctx);
            for (onnx::NodeProto &inner : *g->mutable_node())
                relocateSubgraphs(inner, ctx);
        }
    }
}

Status addValue(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> &list, const std::string &name,
    const StageContext &ctx, int stage)
{
    auto type = ctx.types->type.find(name);
    if (type == ctx.types->type.end())
        return makeError(ctx.modelPath + ": tensor '" + name + "' crosses into or out of stage "
            + std::to_string(stage + 1)
            + " but neither the model's value_info nor ONNX shape inference gives its type");
    onnx::ValueInfoProto *v = list.Add();
    v->set_name(name);
    *v->mutable_type() = type->second;
    return Ok {};
}

Result<onnx::ModelProto> stageModel(int s, StageContext &ctx)
{
    const onnx::ModelProto &src = *ctx.model;
    const onnx::GraphProto &g = src.graph();
    const StagePlan &stage = ctx.plan->stages[s];
    onnx::ModelProto m;
    m.set_ir_version(src.ir_version());
    *m.mutable_opset_import() = src.opset_import();
    m.set_producer_name("pipecut");
    m.set_domain(src.domain());
    m.set_model_version(src.model_version());
    *m.mutable_metadata_props() = src.metadata_props();
    *m.mutable_functions() = src.functions();
    onnx::GraphProto &sg = *m.mutable_graph();
    sg.set_name((g.name().empty() ? std::string("model") : g.name()) + "_stage_" + std::to_string(s + 1));
    for (int i : stage.nodes)
        relocateSubgraphs(*sg.add_node() = g.node(i), ctx);
    const std::unordered_set<std::string> wanted(stage.initializers.begin(), stage.initializers.end());
    for (const onnx::TensorProto &t : g.initializer())
        if (wanted.count(t.name()))
            copyConstant(*sg.add_initializer() = t, ctx);
    for (const onnx::SparseTensorProto &t : g.sparse_initializer())
        if (wanted.count(t.values().name())) {
            onnx::SparseTensorProto *c = sg.add_sparse_initializer();
            *c = t;
            copyConstant(*c->mutable_values(), ctx);
            copyConstant(*c->mutable_indices(), ctx);
        }
    for (const std::string &name : stage.inputs)
        if (Status st = addValue(*sg.mutable_input(), name, ctx, s); !st)
            return st.failure();
    if (src.ir_version() < 4) // before IR 4 every initializer is also a graph input
        for (const onnx::ValueInfoProto &v : g.input())
            if (wanted.count(v.name()))
                *sg.add_input() = v;
    for (const std::string &name : stage.outputs)
        if (Status st = addValue(*sg.mutable_output(), name, ctx, s); !st)
            return st.failure();
    std::unordered_set<std::string> inner;
    for (int i : stage.nodes)
        for (const std::string &o : g.node(i).output())
            inner.insert(o);
    for (const std::string &o : stage.outputs)
        inner.erase(o);
    for (const onnx::ValueInfoProto &v : g.value_info())
        if (inner.count(v.name()))
            *sg.add_value_info() = v;
    return m;
}

std::string stageFile(int s, int k)
{
    const int width = std::max<int>(2, static_cast<int>(std::to_string(k).size()));
    std::string n = std::to_string(s + 1);
    return "stage_" + std::string(static_cast<size_t>(width) - std::min<size_t>(n.size(), width), '0') + n + ".onnx";
}

void writeBytes(JsonWriter &w, const TensorTypes &types, const std::string &name)
{
    w.key("bytes");
    auto b = types.bytes.find(name);
    if (b == types.bytes.end() || b->second < 0)
        w.null();
    else
        w.value(b->second);
}

// The element type as ONNX Runtime's JavaScript API names it ("float32", "int64", ...).
const char *elementTypeName(int32_t elemType)
{
    switch (elemType) {
    case onnx::TensorProto::FLOAT:
        return "float32";
    case onnx::TensorProto::UINT8:
        return "uint8";
    case onnx::TensorProto::INT8:
        return "int8";
    case onnx::TensorProto::UINT16:
        return "uint16";
    case onnx::TensorProto::INT16:
        return "int16";
    case onnx::TensorProto::INT32:
        return "int32";
    case onnx::TensorProto::INT64:
        return "int64";
    case onnx::TensorProto::STRING:
        return "string";
    case onnx::TensorProto::BOOL:
        return "bool";
    case onnx::TensorProto::FLOAT16:
        return "float16";
    case onnx::TensorProto::DOUBLE:
        return "float64";
    case onnx::TensorProto::UINT32:
        return "uint32";
    case onnx::TensorProto::UINT64:
        return "uint64";
    default:
        return "unknown";
    }
}

// A model input: its element type and its shape at the --dim values (null where unknown).
void writeModelInput(JsonWriter &w, const TensorTypes &types, const std::string &name)
{
    w.beginObject().key("name").value(name);
    auto t = types.sized.find(name);
    w.key("type").value(t == types.sized.end() ? "unknown" : elementTypeName(t->second.tensor_type().elem_type()));
    w.key("shape");
    if (t == types.sized.end() || !t->second.tensor_type().has_shape()) {
        w.null();
    } else {
        w.beginArray();
        for (const auto &d : t->second.tensor_type().shape().dim())
            d.has_dim_value() ? w.value(static_cast<long long>(d.dim_value())) : w.null();
        w.endArray();
    }
    writeBytes(w, types, name);
    w.endObject();
}

void writeStageEntry(
    JsonWriter &w, int s, const onnx::GraphProto &g, const Plan &plan, const TensorTypes &types, const StageCost &cost)
{
    const StagePlan &stage = plan.stages[s];
    w.beginObject().key("stage").value(s + 1).key("file").value(stageFile(s, plan.k));
    int operators = 0;
    for (int i : stage.nodes)
        operators += plan.opStage[i] >= 0 ? 1 : 0;
    w.key("operators").value(operators).key("node_names").beginArray();
    for (int i : stage.nodes)
        if (plan.opStage[i] >= 0)
            w.value(g.node(i).name());
    w.endArray().key("produced").beginArray();
    for (int i : stage.nodes)
        if (plan.opStage[i] >= 0)
            for (const std::string &o : g.node(i).output())
                if (!o.empty())
                    w.value(o);
    w.endArray();
    w.key("inputs").beginArray();
    for (const std::string &name : stage.inputs) {
        w.beginObject().key("name").value(name).key("from");
        const int p = plan.producer.at(name);
        if (p == kModelInput)
            w.value("model input");
        else
            w.value(p + 1);
        writeBytes(w, types, name);
        w.endObject();
    }
    w.endArray().key("outputs").beginArray();
    for (const std::string &name : stage.outputs) {
        w.beginObject().key("name").value(name).key("to").beginArray();
        if (auto r = plan.readers.find(name); r != plan.readers.end())
            for (int t : r->second)
                w.value(t + 1);
        w.endArray().key("model_output").value(plan.modelOutputs.count(name) > 0);
        writeBytes(w, types, name);
        w.endObject();
    }
    w.endArray().key("initializers").value(static_cast<int>(stage.initializers.size()));
    w.key("predicted").beginObject();
    w.key("work").value(cost.work).key("comm_in").value(cost.commIn).key("comm_out").value(cost.commOut);
    w.key("param").value(cost.param).key("cost").value(cost.cost).endObject();
    w.endObject();
}

// Constants copied into more than one stage (initializers and Constant nodes).
std::map<std::string, std::vector<int>> sharedConstants(const onnx::GraphProto &g, const Plan &plan)
{
    std::map<std::string, std::vector<int>> stagesOf;
    for (int s = 0; s < plan.k; ++s) {
        for (const std::string &name : plan.stages[s].initializers)
            stagesOf[name].push_back(s + 1);
        for (int i : plan.stages[s].nodes)
            if (plan.opStage[i] < 0)
                stagesOf[g.node(i).output(0)].push_back(s + 1);
    }
    std::erase_if(stagesOf, [](const auto &entry) { return entry.second.size() < 2; });
    return stagesOf;
}

std::string manifest(const Graph &graph, const CostParams &params, const Partition &partition, const StageContext &ctx,
    const OnnxAnalysis &analysis, const std::map<std::string, std::vector<int>> &shared)
{
    const Plan &plan = *ctx.plan;
    const onnx::ModelProto &src = *ctx.model;
    const Evaluation ev = evaluate(graph, params, partition);
    JsonWriter w(true);
    w.beginObject().key("format").value("pipecut-onnx-stages").key("version").value(1);
    w.key("source").value(fs::path(ctx.modelPath).filename().string()).key("graph").value(graph.name());
    w.key("ir_version").value(static_cast<long long>(src.ir_version())).key("opset_import").beginArray();
    for (const auto &o : src.opset_import())
        w.beginObject()
            .key("domain")
            .value(o.domain())
            .key("version")
            .value(static_cast<long long>(o.version()))
            .endObject();
    w.endArray().key("dims").beginObject();
    for (const auto &[name, value] : analysis.symbolicDims) {
        w.key(name);
        value ? w.value(static_cast<long long>(*value)) : w.null();
    }
    w.endObject().key("units").beginObject().key("time").value(graph.units().time);
    w.key("size").value(graph.units().size).endObject();
    w.key("k").value(plan.k).key("bottleneck").value(ev.bottleneck);
    w.key("model_inputs").beginArray();
    for (const onnx::ValueInfoProto &v : src.graph().input())
        if (plan.producer.count(v.name()) && plan.producer.at(v.name()) == kModelInput)
            writeModelInput(w, *ctx.types, v.name());
    w.endArray().key("model_outputs").beginArray();
    for (const onnx::ValueInfoProto &v : src.graph().output())
        w.value(v.name());
    w.endArray().key("skipped_stages").beginArray();
    for (int s = 0; s < plan.k; ++s)
        if (plan.stages[s].nodes.empty())
            w.value(s + 1);
    w.endArray().key("external_data").beginObject().key("kept_external").value(!ctx.externalFiles.empty());
    w.key("files").beginArray();
    for (const std::string &f : ctx.externalFiles)
        w.value(f);
    w.endArray().endObject().key("shared_constants").beginArray();
    for (const auto &[name, stages] : shared) {
        w.beginObject().key("name").value(name);
        writeBytes(w, *ctx.types, name);
        w.key("stages").beginArray();
        for (int s : stages)
            w.value(s);
        w.endArray().endObject();
    }
    w.endArray().key("stages").beginArray();
    for (int s = 0; s < plan.k; ++s)
        if (!plan.stages[s].nodes.empty())
            writeStageEntry(w, s, src.graph(), plan, *ctx.types, ev.stages[s]);
    w.endArray().endObject();
    return w.str() + "\n";
}

Status writeFile(const fs::path &path, const std::string &content)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out)
        return makeError(path.string() + ": write failed (disk full or folder not writable?)");
    return Ok {};
}

Status checkOutputFolder(const fs::path &out, bool force)
{
    std::error_code ec;
    const auto status = fs::status(out, ec);
    if (!fs::exists(status))
        return Ok {};
    if (!fs::is_directory(status))
        return makeError(out.string() + ": exists and is not a folder");
    if (!fs::is_empty(out, ec) && !force)
        return makeError(out.string() + ": the folder exists and is not empty (use --force to replace it)");
    if (ec)
        return makeError(out.string() + ": cannot read the folder: " + ec.message());
    return Ok {};
}

// Moves the finished temporary folder into place (the old folder, if any,
// is removed only once the new one is there).
Status moveIntoPlace(const fs::path &tmp, const fs::path &out)
{
    std::error_code ec;
    fs::path old;
    if (fs::exists(out)) {
        old = out.parent_path() / ("." + out.filename().string() + ".old-" + std::to_string(::getpid()));
        fs::rename(out, old, ec);
        if (ec)
            return makeError(out.string() + ": cannot replace the folder: " + ec.message());
    }
    fs::rename(tmp, out, ec);
    if (ec) {
        if (!old.empty())
            fs::rename(old, out, ec);
        return makeError(out.string() + ": cannot move the stages into place: " + ec.message());
    }
    if (!old.empty())
        fs::remove_all(old, ec);
    return Ok {};
}

} // namespace

Result<OnnxStagesSummary> exportOnnxStages(const std::string &modelPath, const Graph &graph, const CostParams &params,
    const Partition &partition, const OnnxStagesOptions &options, const StopToken &stop, const ProgressFn &progress)
{
    if (Status st = checkOnnxStagesSource(modelPath); !st)
        return st.failure();
    if (options.outDir.empty())
        return makeError(ErrorKind::Usage, "onnx-stages needs an output folder (-o DIR)");
    const fs::path out = fs::absolute(options.outDir).lexically_normal();
    if (Status st = checkOutputFolder(out, options.force); !st)
        return st.failure();
    Result<onnx::ModelProto> model = onnxread::parseModelFile(modelPath, options.load.maxFileBytes);
    if (!model)
        return model.failure();
    Plan plan;
    if (Status st = assignStages(model->graph(), graph, partition, modelPath, plan); !st)
        return st.failure();
    planStages(model->graph(), plan);
    OnnxAnalysis analysis;
    const TensorTypes types = inferTypes(*model, options.load, analysis);

    StageContext ctx { &*model, &plan, &types, fs::absolute(modelPath).parent_path().lexically_normal(), out, {},
        modelPath };
    std::error_code ec;
    fs::create_directories(out.parent_path(), ec);
    const fs::path tmp = out.parent_path() / ("." + out.filename().string() + ".tmp-" + std::to_string(::getpid()));
    fs::remove_all(tmp, ec);
    if (!fs::create_directory(tmp, ec) || ec)
        return makeError(
            tmp.string() + ": cannot create the temporary folder: " + (ec ? ec.message() : std::string("it exists")));
    auto fail = [&](Error e) -> Result<OnnxStagesSummary> {
        std::error_code ignored;
        fs::remove_all(tmp, ignored);
        return e;
    };
    OnnxStagesSummary summary;
    for (int s = 0; s < plan.k; ++s) {
        if (stop.stopRequested())
            return fail(makeError(ErrorKind::Stopped, "stopped before the stages were written"));
        if (progress)
            progress(Progress { .fraction = double(s) / plan.k, .stage = "stage " + std::to_string(s + 1) });
        if (plan.stages[s].nodes.empty()) {
            summary.skipped.push_back(s + 1);
            continue;
        }
        Result<onnx::ModelProto> m = stageModel(s, ctx);
        if (!m)
            return fail(m.failure());
        std::string bytes;
        if (m->ByteSizeLong() > size_t(INT32_MAX) || !m->SerializeToString(&bytes))
            return fail(makeError(modelPath + ": stage " + std::to_string(s + 1)
                + " is over protobuf's 2 GiB limit: save the model's weights as external data"));
        if (Status st = writeFile(tmp / stageFile(s, plan.k), bytes); !st)
            return fail(st.failure());
        summary.written.push_back(s + 1);
    }
    const auto shared = sharedConstants(model->graph(), plan);
    if (Status st = writeFile(tmp / "pipeline.json", manifest(graph, params, partition, ctx, analysis, shared)); !st)
        return fail(st.failure());
    if (Status st = moveIntoPlace(tmp, out); !st)
        return fail(st.failure());
    summary.sharedConstants = static_cast<int>(shared.size());
    summary.externalData = !ctx.externalFiles.empty();
    return summary;
}

} // namespace pipecut
