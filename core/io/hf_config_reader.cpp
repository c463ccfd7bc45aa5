// Reads a Hugging Face transformers config.json (docs/formats.md, "Hugging Face
// config.json") into the layer chain of a decoder-only language model, costed
// for a serving workload on a device profile (docs/model.md §8):
//
//   model.embed_tokens -> model.layers.0.self_attn -> model.layers.0.mlp -> ...
//                      -> model.norm -> lm_head
//
// The two nodes of a layer share the group "model.layers.i" and the final norm
// and the LM head share "lm_head", so every stage boundary falls between layers.
// Work is the roofline time of one step in ms, out the activation handed on in
// bytes, param the bytes a stage must hold (weights, plus the KV cache of an
// attention node, plus the logits of the LM head).
//
// Complexity: O(num_hidden_layers). Deterministic.
// Example: a llama config with hidden_size 64, 2 layers gives 7 nodes in a chain
// (see tests/io/tst_hf_config.cpp for its hand-computed costs).
#include "core/cost/device_profile.h"
#include "core/io/json_support.h"
#include "core/io/readers.h"
#include "core/util/limits.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace pipecut {

std::optional<double> llmDtypeBytes(std::string_view name)
{
    static constexpr std::array<std::pair<std::string_view, double>, 10> kTypes = { {
        { "fp32", 4 },
        { "float32", 4 },
        { "fp16", 2 },
        { "float16", 2 },
        { "bf16", 2 },
        { "bfloat16", 2 },
        { "fp8", 1 },
        { "float8", 1 },
        { "int8", 1 },
        { "int4", 0.5 },
    } };
    for (const auto &[n, bytes] : kTypes)
        if (n == name)
            return bytes;
    return std::nullopt;
}

namespace io {

namespace {

// Parameters beyond this are refused as absurd (the largest published models
// have about 2e12).
constexpr double kMaxParameters = 1e13;
constexpr int64_t kMaxDimension = int64_t(1) << 31;

class Fields {
public:
    Fields(simdjson::dom::object object, std::string name, std::string type)
        : m_object(object)
        , m_name(std::move(name))
        , m_type(std::move(type))
    {
    }

    // An absent or null field is nothing; anything else must be a positive whole number.
    Result<std::optional<int64_t>> optional(const char *key, bool zeroAllowed = false) const
    {
        simdjson::dom::element e;
        if (m_object[key].get(e) != simdjson::SUCCESS || e.is_null())
            return std::optional<int64_t> {};
        const std::optional<int64_t> v = jsonInteger(e);
        if (!v || *v < 0 || (*v == 0 && !zeroAllowed) || *v > kMaxDimension)
            return makeError(m_name + ": field '" + key + "' must be a " + (zeroAllowed ? "non-negative" : "positive")
                + " whole number below 2^31");
        return v;
    }
    Result<int64_t> required(const char *key) const
    {
        auto v = optional(key);
        if (!v)
            return v.failure();
        if (!*v)
            return makeError(m_name + ": field '" + key + "' is missing (model_type '" + m_type + "' needs it)");
        return **v;
    }
    Result<int64_t> orDefault(const char *key, int64_t fallback, bool zeroAllowed = false) const
    {
        auto v = optional(key, zeroAllowed);
        if (!v)
            return v.failure();
        return v->value_or(fallback);
    }
    bool flag(const char *key, bool fallback) const
    {
        bool b = fallback;
        if (m_object[key].get(b) != simdjson::SUCCESS)
            return fallback;
        return b;
    }
    std::string text(const char *key) const
    {
        std::string_view s;
        return m_object[key].get(s) == simdjson::SUCCESS ? std::string(s) : std::string();
    }
    const std::string &name() const { return m_name; }

private:
    simdjson::dom::object m_object;
    std::string m_name;
    std::string m_type;
};

// What the config says, in the names of docs/model.md §8.
struct Arch {
    std::string type;
    int64_t hidden = 0, layers = 0, heads = 0, kvHeads = 0, headDim = 0, vocab = 0, inter = 0;
    bool tie = false, qkvBias = false, mlpBias = false;
    std::string torchDtype;
    int64_t window = 0; // sliding window (0: none)
    bool alternateWindow = false; // gemma2: only even layers slide
    int normsPerPart = 1;
    int64_t experts = 0, topk = 0, moeInter = 0, shared = 0, firstDense = 0, moeFreq = 1;
    bool mla = false;
    int64_t qLora = 0, kvLora = 0, nope = 0, rope = 0, vHead = 0;
};

const std::array<const char *, 7> kModelTypes
    = { "llama", "mistral", "qwen2", "mixtral", "gemma2", "deepseek_v3", "deepseek_v2" };

Status readAttention(const Fields &f, Arch &a)
{
    auto heads = f.required("num_attention_heads");
    if (!heads)
        return heads.failure();
    a.heads = *heads;
    auto kv = f.orDefault("num_key_value_heads", a.heads);
    if (!kv)
        return kv.failure();
    a.kvHeads = *kv;
    if (a.kvHeads > a.heads || a.heads % a.kvHeads != 0)
        return makeError(f.name() + ": field 'num_key_value_heads' (" + std::to_string(a.kvHeads)
            + ") must divide 'num_attention_heads' (" + std::to_string(a.heads) + ")");
    auto headDim = f.optional("head_dim");
    if (!headDim)
        return headDim.failure();
    if (!*headDim && a.hidden % a.heads != 0)
        return makeError(f.name() + ": field 'head_dim' is missing and 'hidden_size' (" + std::to_string(a.hidden)
            + ") is not a multiple of 'num_attention_heads' (" + std::to_string(a.heads) + ")");
    a.headDim = headDim->value_or(a.hidden / a.heads);
    if (a.type == "deepseek_v3" || a.type == "deepseek_v2") {
        a.mla = true;
        auto q = f.optional("q_lora_rank");
        auto kvr = f.required("kv_lora_rank");
        auto nope = f.required("qk_nope_head_dim");
        auto rope = f.required("qk_rope_head_dim");
        auto v = f.required("v_head_dim");
        if (!q)
            return q.failure();
        for (const Result<int64_t> *r : { &kvr, &nope, &rope, &v })
            if (!*r)
                return r->failure();
        a.qLora = q->value_or(0);
        a.kvLora = *kvr;
        a.nope = *nope;
        a.rope = *rope;
        a.vHead = *v;
    }
    return Ok {};
}

Status readExperts(const Fields &f, Arch &a)
{
    if (a.type == "mixtral") {
        auto e = f.required("num_local_experts");
        auto k = f.required("num_experts_per_tok");
        if (!e || !k)
            return (!e ? e : k).failure();
        a.experts = *e;
        a.topk = *k;
        a.moeInter = a.inter;
    } else if (a.mla) {
        auto e = f.required("n_routed_experts");
        auto k = f.required("num_experts_per_tok");
        auto m = f.required("moe_intermediate_size");
        auto s = f.orDefault("n_shared_experts", 0, true);
        auto d = f.orDefault("first_k_dense_replace", 0, true);
        auto freq = f.orDefault("moe_layer_freq", 1);
        for (const Result<int64_t> *r : { &e, &k, &m, &s, &d, &freq })
            if (!*r)
                return r->failure();
        a.experts = *e;
        a.topk = *k;
        a.moeInter = *m;
        a.shared = *s;
        a.firstDense = *d;
        a.moeFreq = *freq;
        if (a.firstDense > a.layers)
            return makeError(f.name() + ": field 'first_k_dense_replace' (" + std::to_string(a.firstDense)
                + ") exceeds 'num_hidden_layers' (" + std::to_string(a.layers) + ")");
    }
    if (a.experts > 0 && a.topk > a.experts)
        return makeError(f.name() + ": field 'num_experts_per_tok' (" + std::to_string(a.topk)
            + ") exceeds the number of experts (" + std::to_string(a.experts) + ")");
    return Ok {};
}

Status readWindow(const Fields &f, Arch &a)
{
    auto w = f.optional("sliding_window");
    if (!w)
        return w.failure();
    if (a.type == "gemma2") {
        a.window = w->value_or(4096);
        a.alternateWindow = true;
    } else if (a.type == "mistral" || a.type == "mixtral") {
        a.window = w->value_or(0);
    }
    return Ok {};
}

Result<Arch> readArch(simdjson::dom::object object, const std::string &name)
{
    std::string_view type;
    if (object["model_type"].get(type) != simdjson::SUCCESS)
        return makeError(name + ": field 'model_type' must be a string");
    if (std::find(kModelTypes.begin(), kModelTypes.end(), type) == kModelTypes.end()) {
        std::string known;
        for (const char *t : kModelTypes)
            known += (known.empty() ? "" : ", ") + std::string(t);
        return makeError(
            name + ": field 'model_type' is '" + std::string(type) + "', not one pipecut reads (" + known + ")");
    }
    Arch a;
    a.type = std::string(type);
    const Fields f(object, name, a.type);
    auto hidden = f.required("hidden_size");
    auto layers = f.required("num_hidden_layers");
    auto vocab = f.required("vocab_size");
    auto inter = f.required("intermediate_size");
    for (const Result<int64_t> *r : { &hidden, &layers, &vocab, &inter })
        if (!*r)
            return r->failure();
    a.hidden = *hidden;
    a.layers = *layers;
    a.vocab = *vocab;
    a.inter = *inter;
    if (a.layers > 100000)
        return makeError(name + ": field 'num_hidden_layers' is " + std::to_string(a.layers) + ", over 100000");
    a.tie = f.flag("tie_word_embeddings", a.type == "gemma2");
    a.qkvBias = a.type == "qwen2" || f.flag("attention_bias", false);
    a.mlpBias = f.flag("mlp_bias", false);
    a.normsPerPart = a.type == "gemma2" ? 2 : 1;
    a.torchDtype = f.text("torch_dtype");
    if (a.torchDtype.empty())
        a.torchDtype = f.text("dtype");
    for (auto *step : { readAttention, readExperts, readWindow })
        if (Status s = step(f, a); !s)
            return s.failure();
    return a;
}

// One node's figures before the workload is applied (element counts).
struct PartShape {
    double params = 0; // held
    double active = 0; // used by each token (FLOPs = 2 x active per token)
    double kvPerToken = 0; // KV cache elements per context token
    double pairFlops = 0; // attention FLOPs per (query, context token) pair
    int64_t window = 0; // 0: the whole context
    // MoE: routed experts and the size of one, read only when touched.
    double experts = 0, topk = 0, expertParams = 0;
};

PartShape attentionShape(const Arch &a, int64_t layer)
{
    PartShape p;
    const double h = double(a.hidden);
    if (a.mla) {
        const double qk = double(a.nope + a.rope);
        const double q = a.qLora > 0 ? h * a.qLora + a.qLora + double(a.qLora) * a.heads * qk : h * a.heads * qk;
        p.params = q + h * double(a.kvLora + a.rope) + double(a.kvLora)
            + double(a.kvLora) * a.heads * double(a.nope + a.vHead) + double(a.heads) * a.vHead * h + h;
        p.kvPerToken = double(a.kvLora + a.rope);
        p.pairFlops = 2.0 * a.heads * double(a.kvLora + a.rope) + 2.0 * a.heads * double(a.kvLora);
    } else {
        const double q = double(a.heads) * a.headDim, kv = double(a.kvHeads) * a.headDim;
        p.params = 2 * h * q + 2 * h * kv + (a.qkvBias ? q + 2 * kv : 0) + a.normsPerPart * h;
        p.kvPerToken = 2 * kv;
        p.pairFlops = 4 * q;
    }
    p.active = p.params;
    if (a.window > 0 && (!a.alternateWindow || layer % 2 == 0))
        p.window = a.window;
    return p;
}

bool isMoeLayer(const Arch &a, int64_t layer)
{
    if (a.experts == 0)
        return false;
    return layer >= a.firstDense && (layer % a.moeFreq) == 0;
}

PartShape mlpShape(const Arch &a, int64_t layer)
{
    PartShape p;
    const double h = double(a.hidden);
    if (isMoeLayer(a, layer)) {
        p.expertParams = 3 * h * a.moeInter;
        p.experts = double(a.experts);
        p.topk = double(a.topk);
        const double router = h * a.experts + (a.mla ? double(a.experts) : 0.0);
        const double shared = 3 * h * double(a.shared * a.moeInter);
        const double fixed = router + shared + a.normsPerPart * h;
        p.params = fixed + p.experts * p.expertParams;
        p.active = fixed + p.topk * p.expertParams;
        return p;
    }
    p.params = 3 * h * a.inter + (a.mlpBias ? 2.0 * a.inter + h : 0) + a.normsPerPart * h;
    p.active = p.params;
    return p;
}

// Sum over the P prompt tokens of the context each attends to, min(i, W).
double causalPairs(double prompt, double window)
{
    if (window <= 0 || prompt <= window)
        return prompt * (prompt + 1) / 2;
    return window * (window + 1) / 2 + (prompt - window) * window;
}

struct Costing {
    const Arch &arch;
    const LlmWorkload &load;
    const DeviceProfile &device;
    double w = 2, kvb = 2; // bytes per element
    double tokens = 1; // tokens through the layers per step
    double handOff = 0; // bytes between stages

    double ms(double flops, double bytes) const
    {
        return 1000.0 * std::max(flops / device.flopsPerSecond, bytes / device.memoryBytesPerSecond);
    }

    NodeSpec node(const PartShape &p, std::string id, std::string op, std::string scope) const
    {
        const bool decode = load.kind == LlmWorkload::Kind::Decode;
        const double batch = double(load.batch), context = double(load.context);
        const double held = p.window > 0 ? std::min(context, double(p.window)) : context;
        double pairs = decode ? batch * held : batch * causalPairs(double(load.promptTokens()), double(p.window));
        double read = p.params;
        if (p.experts > 0) // experts touched by `tokens` tokens routed uniformly
            read = p.params - p.experts * p.expertParams
                + p.experts * (1 - std::pow(1 - p.topk / p.experts, tokens)) * p.expertParams;
        const double kvTraffic = (decode ? batch * held : batch * double(load.promptTokens())) * p.kvPerToken * kvb;
        NodeSpec spec;
        spec.id = std::move(id);
        spec.op = std::move(op);
        spec.scope = spec.group = std::move(scope);
        spec.work = ms(2 * p.active * tokens + p.pairFlops * pairs, read * w + kvTraffic);
        spec.out = handOff;
        spec.param = p.params * w + batch * held * p.kvPerToken * kvb;
        return spec;
    }
};

// The widest per-token intermediate of any layer, in elements.
double widestIntermediate(const Arch &a)
{
    double widest = a.mla ? double(a.heads) * double(a.nope + a.rope) + double(a.kvLora + a.rope)
                          : double(a.heads + 2 * a.kvHeads) * double(a.headDim);
    widest = std::max(widest, 2.0 * a.inter);
    if (a.experts > 0)
        widest = std::max(widest, 2.0 * double(a.moeInter) * double(a.topk + a.shared));
    return widest;
}

Status checkSize(const Arch &a, const std::string &name)
{
    double total = double(a.vocab) * a.hidden * (a.tie ? 1 : 2) + a.hidden;
    for (int64_t i = 0; i < a.layers; ++i)
        total += attentionShape(a, i).params + mlpShape(a, i).params;
    if (!(total <= kMaxParameters))
        return makeError(name
            + ": the fields 'hidden_size', 'intermediate_size', 'num_hidden_layers' and "
              "'vocab_size' give "
            + formatNumber(total) + " parameters, over the limit of 1e13");
    return Ok {};
}

Result<Costing> workloadCosting(
    const Arch &a, const LoadOptions &options, const DeviceProfile &device, const std::string &name)
{
    const LlmWorkload &load = options.llm;
    Costing c { a, load, device };
    const std::string dtype = load.dtype.empty() ? a.torchDtype : load.dtype;
    if (dtype.empty()) {
        c.w = 2;
    } else if (auto b = llmDtypeBytes(dtype)) {
        c.w = *b;
    } else {
        return makeError(name + ": " + (load.dtype.empty() ? "field 'torch_dtype'" : std::string("--dtype")) + " is '"
            + dtype + "', not one of float32, float16, bfloat16, fp8, int8, int4");
    }
    c.kvb = c.w;
    if (!load.kvDtype.empty()) {
        auto b = llmDtypeBytes(load.kvDtype);
        if (!b)
            return makeError(ErrorKind::Usage, "--kv-dtype '" + load.kvDtype + "' is not one of fp32, fp16, bf16, fp8");
        c.kvb = *b;
    }
    if (load.batch < 1 || load.context < 1 || load.prompt < 0 || load.promptTokens() > load.context)
        return makeError(ErrorKind::Usage, "the workload needs --batch >= 1, --context >= 1 and --prompt <= --context");
    const bool decode = load.kind == LlmWorkload::Kind::Decode;
    c.tokens = decode ? double(load.batch) : double(load.batch) * double(load.promptTokens());
    c.handOff = c.tokens * double(a.hidden) * c.w;
    return c;
}

void addNodes(GraphBuilder &builder, const Arch &a, const Costing &c)
{
    const double h = double(a.hidden), v = double(a.vocab);
    const double batch = double(c.load.batch);
    NodeSpec embed;
    embed.id = "model.embed_tokens";
    embed.op = "embedding";
    embed.scope = "model.embed_tokens";
    embed.work = c.ms(0, c.tokens * h * c.w); // gathers one row per token
    embed.out = c.handOff;
    embed.param = v * h * c.w;
    builder.addNode(std::move(embed));
    for (int64_t i = 0; i < a.layers; ++i) {
        const std::string layer = "model.layers." + std::to_string(i);
        builder.addNode(c.node(attentionShape(a, i), layer + ".self_attn", a.mla ? "mla" : "attention", layer));
        builder.addNode(c.node(mlpShape(a, i), layer + ".mlp", isMoeLayer(a, i) ? "moe" : "mlp", layer));
    }
    NodeSpec norm;
    norm.id = "model.norm";
    norm.op = "norm";
    norm.scope = norm.group = "lm_head";
    norm.work = c.ms(4 * c.tokens * h, (2 * c.tokens * h + h) * c.w);
    norm.out = batch * h * c.w; // only the last token of each sequence reaches the head
    norm.param = h * c.w;
    builder.addNode(std::move(norm));
    NodeSpec head;
    head.id = "lm_head";
    head.op = "lm_head";
    head.scope = head.group = "lm_head";
    head.work = c.ms(2 * v * h * batch, v * h * c.w);
    head.out = batch * v * 4; // fp32 logits
    head.param = v * h * c.w + batch * v * 4;
    builder.addNode(std::move(head));
    for (int32_t i = 1; i < builder.nodeCount(); ++i)
        builder.addEdge(i - 1, i);
}

void addNotes(GraphBuilder &builder, const Arch &a, const Costing &c, double workspace)
{
    const LlmWorkload &load = c.load;
    const bool decode = load.kind == LlmWorkload::Kind::Decode;
    builder.addNote(std::string(decode ? "decode" : "prefill") + " step of batch " + std::to_string(load.batch)
        + ", context " + std::to_string(load.context)
        + (decode ? std::string() : ", prompt " + std::to_string(load.promptTokens())) + "; weights "
        + formatNumber(c.w) + " bytes, KV cache " + formatNumber(c.kvb) + " bytes per element (docs/model.md §8)");
    builder.addNote("work = 1000 x max(FLOPs / " + formatNumber(c.device.flopsPerSecond) + " FLOP/s, bytes / "
        + formatNumber(c.device.memoryBytesPerSecond) + " B/s) ms per step on device '" + c.device.name
        + "'; bandwidth = link " + formatNumber(c.device.linkBytesPerSecond) + " B/s");
    if (c.device.memoryBytes > 0)
        builder.addNote("memory limit = the device's " + formatBytes(c.device.memoryBytes) + " less "
            + formatBytes(workspace) + " of activation workspace");
    if (a.tie)
        builder.addNote("tie_word_embeddings: the LM head's stage holds its own copy of the embedding matrix");
    if (a.experts > 0)
        builder.addNote(
            "MoE decode reads the experts that " + formatNumber(c.tokens) + " tokens touch when routed uniformly");
}

} // namespace

Result<Graph> readHfConfig(std::string_view content, const std::string &name, const LoadOptions &options)
{
    simdjson::dom::parser parser;
    auto root = parseJson(parser, content, name);
    if (!root)
        return root.failure();
    simdjson::dom::object object;
    if (root->get(object))
        return makeError(name + ": a config.json must be a JSON object");
    auto arch = readArch(object, name);
    if (!arch)
        return arch.failure();
    if (Status s = checkSize(*arch, name); !s)
        return s.failure();
    const std::string deviceName = options.device.empty() ? "a100-80g" : options.device;
    auto device = findDeviceProfile(deviceName);
    if (!device)
        return makeError(name + ": " + device.error());
    auto costing = workloadCosting(*arch, options, *device, name);
    if (!costing)
        return costing.failure();
    const double workspace = costing->tokens * costing->w * (2.0 * arch->hidden + widestIntermediate(*arch));
    GraphBuilder builder(name);
    builder.setFormat("hf-config");
    builder.setUnits({ "ms", "bytes" });
    builder.setBandwidth(device->linkBytesPerSecond / 1000.0);
    if (device->memoryBytes > 0) {
        if (workspace >= device->memoryBytes)
            return makeError(ErrorKind::Infeasible,
                name + ": the activations of " + formatNumber(costing->tokens) + " tokens need "
                    + formatBytes(workspace) + ", more than the device's " + formatBytes(device->memoryBytes)
                    + ": no split fits (lower --batch or --prompt)");
        builder.setMemoryLimit(device->memoryBytes - workspace);
    }
    builder.reserve(size_t(2 * arch->layers + 3), size_t(2 * arch->layers + 2));
    addNodes(builder, *arch, *costing);
    addNotes(builder, *arch, *costing, workspace);
    builder.setSuggestedK(4);
    return builder.build();
}

} // namespace io
} // namespace pipecut
