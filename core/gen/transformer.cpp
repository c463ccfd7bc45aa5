// Transformer stacks at operator granularity (pre-LayerNorm blocks as exported
// from PyTorch to ONNX with fused heads): per block LayerNorm, Q/K/V MatMuls,
// head Reshapes, K Transpose, score MatMul, scale Div, (causal mask Add),
// Softmax, context MatMul, head merge, output projection, residual Add; then
// LayerNorm, MLP up MatMul, Gelu, down MatMul, residual Add. Encoder-decoder
// models add cross-attention whose K/V read the encoder output (long edges).
// Mixture-of-experts models (family "moe", after Switch/GShard/Mixtral) replace
// every MLP by a router (MatMul, Softmax, TopK) that dispatches each token to
// top-k of E experts: per expert a token Gather, up MatMul, Gelu and down
// MatMul over its share of the rows, then one combine that reads all E outputs.
// E parallel chains per layer make these graphs as wide as E.
// Costs from FLOPs and bytes (core/gen/emitter.h).
#include "core/gen/families.h"

namespace pipecut::gen {

namespace {

struct TransformerShape {
    int64_t hidden = 768, heads = 12, seq = 512, batch = 8, vocab = 32000;
    bool encoderDecoder = false;
    int64_t experts = 0, topK = 2; // experts > 0: mixture-of-experts MLPs
};

// Token activations [batch * seq, width].
struct Tokens {
    int32_t node = -1;
    double rows = 0;
    double width = 0;
    double bytes() const { return rows * width * kElementBytes; }
};

class TransformerBuilder {
public:
    TransformerBuilder(Emitter &e, const TransformerShape &s)
        : m_e(e)
        , m_s(s)
        , m_rows(double(s.batch) * double(s.seq))
    {
    }

    Tokens embeddings(const std::string &scope)
    {
        const int32_t ids = m_e.add("Input", scope, "input_ids", 0, m_rows * 8, 0, {});
        const double d = double(m_s.hidden);
        Tokens t { -1, m_rows, d };
        const int32_t tok = m_e.add(
            "Gather", scope, "token_embedding", m_rows * d, t.bytes(), double(m_s.vocab) * d * kElementBytes, { ids });
        t.node = m_e.add(
            "Add", scope, "position_add", m_rows * d, t.bytes(), double(m_s.seq) * d * kElementBytes, { tok });
        return t;
    }

    Tokens layerNorm(const std::string &scope, std::string_view name, const Tokens &x)
    {
        Tokens y = x;
        y.node = m_e.add("LayerNormalization", scope, name, 8 * x.rows * x.width, x.bytes(),
            2 * x.width * kElementBytes, { x.node });
        return y;
    }

    Tokens linear(const std::string &scope, std::string_view name, const Tokens &x, double outWidth)
    {
        Tokens y { -1, x.rows, outWidth };
        y.node = m_e.add("MatMul", scope, name, 2 * x.rows * x.width * outWidth, y.bytes(),
            (x.width + 1) * outWidth * kElementBytes, { x.node });
        return y;
    }

    Tokens same(std::string_view op, const std::string &scope, std::string_view name, const Tokens &x,
        double flopsPerElement, int32_t other = -1)
    {
        Tokens y = x;
        y.node = m_e.add(op, scope, name, flopsPerElement * x.rows * x.width, x.bytes(), 0, { x.node, other });
        return y;
    }

    // Multi-head attention; keys and values come from `memory` (self: memory == x).
    Tokens attention(const std::string &scope, const Tokens &x, const Tokens *memory, bool causal)
    {
        const double d = double(m_s.hidden);
        const Tokens ln = layerNorm(scope, "layer_norm", x);
        const Tokens &kvIn = memory ? *memory : ln;
        const Tokens q = same("Reshape", scope, "q_heads", linear(scope, "q_proj", ln, d), 0);
        const Tokens k = same("Reshape", scope, "k_heads", linear(scope, "k_proj", kvIn, d), 0);
        const Tokens v = same("Reshape", scope, "v_heads", linear(scope, "v_proj", kvIn, d), 0);
        const Tokens kt = same("Transpose", scope, "k_transpose", k, 0);
        // Scores: batch * heads * seq * seq elements.
        const double seq = double(m_s.seq);
        Tokens scores { -1, m_rows, double(m_s.heads) * seq };
        scores.node = m_e.add("MatMul", scope, "scores", 2 * m_rows * seq * d, scores.bytes(), 0, { q.node, kt.node });
        scores = same("Div", scope, "scale", scores, 1);
        if (causal)
            scores = same("Add", scope, "causal_mask", scores, 1);
        const Tokens probs = same("Softmax", scope, "softmax", scores, 5);
        Tokens context { -1, m_rows, d };
        context.node
            = m_e.add("MatMul", scope, "context", 2 * m_rows * seq * d, context.bytes(), 0, { probs.node, v.node });
        const Tokens merged = same("Reshape", scope, "merge_heads", context, 0);
        const Tokens proj = linear(scope, "out_proj", merged, d);
        return same("Add", scope, "residual", proj, 1, x.node);
    }

    Tokens mlp(const std::string &scope, const Tokens &x)
    {
        const double d = double(m_s.hidden);
        const Tokens ln = layerNorm(scope, "layer_norm", x);
        const Tokens up = linear(scope, "fc_in", ln, 4 * d);
        const Tokens act = same("Gelu", scope, "gelu", up, 8);
        const Tokens down = linear(scope, "fc_out", act, d);
        return same("Add", scope, "residual", down, 1, x.node);
    }

    // Router, E experts over their share of the tokens, weighted combine.
    Tokens moe(const std::string &scope, const Tokens &x)
    {
        const double d = double(m_s.hidden);
        const double experts = double(m_s.experts);
        const Tokens ln = layerNorm(scope, "layer_norm", x);
        const Tokens logits = linear(scope, "router", ln, experts);
        const Tokens gates = same("Softmax", scope, "router_softmax", logits, 5);
        Tokens topk { -1, x.rows, double(m_s.topK) };
        topk.node = m_e.add("TopK", scope, "router_topk", x.rows * experts, 2 * topk.bytes(), 0, { gates.node });
        std::vector<int32_t> outputs { topk.node, x.node };
        const double share = x.rows * double(m_s.topK) / experts; // tokens per expert (balanced routing)
        for (int64_t i = 0; i < m_s.experts; ++i) {
            const std::string expert = scope + scopeIndex("/expert_", i);
            Tokens in { -1, share, d };
            in.node = m_e.add("Gather", expert, "dispatch", share * d, in.bytes(), 0, { ln.node, topk.node });
            const Tokens up = linear(expert, "fc_in", in, 4 * d);
            const Tokens act = same("Gelu", expert, "gelu", up, 8);
            outputs.push_back(linear(expert, "fc_out", act, d).node);
        }
        Tokens y = x;
        y.node = m_e.add("ScatterND", scope, "combine", x.rows * d * double(m_s.topK + 1), x.bytes(), 0, outputs);
        return y;
    }

    Tokens neck(Tokens x, int64_t count)
    {
        const std::string scope = "neck";
        for (int64_t i = 0; i < count; ++i)
            x = i % 2 == 0 ? linear(scope, scopeIndex("dense_", i), x, x.width)
                           : same("Gelu", scope, scopeIndex("gelu_", i), x, 8);
        return x;
    }

    void head(const Tokens &x)
    {
        const std::string scope = "head";
        const Tokens ln = layerNorm(scope, "final_layer_norm", x);
        const Tokens logits = linear(scope, "lm_head", ln, double(m_s.vocab));
        same("Softmax", scope, "softmax", logits, 5);
    }

    // Encoder-decoder models take `extra` more encoder layers.
    void build(int64_t layers, int64_t extra, int64_t pad)
    {
        Tokens x = embeddings(m_s.encoderDecoder ? "encoder/embeddings" : "embeddings");
        const std::string stack = m_s.encoderDecoder ? "encoder/" : "";
        const int64_t encoderLayers = layers + (m_s.encoderDecoder ? extra : 0);
        for (int64_t l = 0; l < encoderLayers; ++l) {
            const std::string layer = stack + scopeIndex("layer_", l);
            x = attention(layer + "/attention", x, nullptr, false);
            x = m_s.experts > 0 ? moe(layer + "/moe", x) : mlp(layer + "/mlp", x);
        }
        if (m_s.encoderDecoder) {
            const Tokens memory = layerNorm("encoder/final", "layer_norm", x);
            x = embeddings("decoder/embeddings");
            for (int64_t l = 0; l < layers; ++l) {
                const std::string layer = scopeIndex("decoder/layer_", l);
                x = attention(layer + "/self_attention", x, nullptr, true);
                x = attention(layer + "/cross_attention", x, &memory, false);
                x = m_s.experts > 0 ? moe(layer + "/moe", x) : mlp(layer + "/mlp", x);
            }
        }
        head(neck(x, pad));
    }

private:
    Emitter &m_e;
    const TransformerShape &m_s;
    double m_rows;
};

} // namespace

static void emitTransformerFamily(Emitter &e, Rng &rng, int64_t target, bool mixtureOfExperts)
{
    static const int64_t hiddens[] = { 512, 768, 1024, 1280, 2048, 4096 };
    static const int64_t seqs[] = { 128, 256, 512, 1024, 2048 };
    static const int64_t batches[] = { 1, 4, 8, 16 };
    static const int64_t vocabs[] = { 32000, 50257, 32128 };
    TransformerShape shape;
    shape.hidden = rng.pick(hiddens);
    shape.heads = shape.hidden / 64;
    shape.seq = rng.pick(seqs);
    shape.batch = rng.pick(batches);
    shape.vocab = rng.pick(vocabs);
    shape.encoderDecoder = rng.chance(0.3);
    if (mixtureOfExperts) {
        static const int64_t expertCounts[] = { 8, 16, 32 };
        shape.experts = rng.pick(expertCounts);
        shape.topK = rng.chance(0.5) ? 1 : 2;
    }
    TransformerShape encoderOnly = shape;
    encoderOnly.encoderDecoder = false;
    auto construction = [](const TransformerShape &s) -> Construction {
        return [s](Emitter &out, int64_t layers, int64_t extra, int64_t pad) {
            TransformerBuilder(out, s).build(layers, extra, pad);
        };
    };
    emitFitted(e, { construction(shape), construction(encoderOnly) }, target);
}

void emitTransformer(Emitter &e, Rng &rng, int64_t target)
{
    emitTransformerFamily(e, rng, target, false);
}

void emitMoe(Emitter &e, Rng &rng, int64_t target)
{
    emitTransformerFamily(e, rng, target, true);
}

} // namespace pipecut::gen
