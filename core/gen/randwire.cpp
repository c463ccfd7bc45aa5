// Randomly wired networks (families "randwire-ws", "randwire-er",
// "randwire-ba"; Xie et al. 2019, the small-computation regime): a stem of two
// strided convolutions, then stages that are each one random graph of the
// paper's model (core/gen/randwire.h) with its published parameters, then the
// classifier. A wired node is one fused block as exporters emit it after
// fusion: the weighted sum of its inputs, ReLU, a 3x3 depthwise and a 1x1
// pointwise convolution, BatchNorm (op "SeparableConv"). Edges go from the
// lower to the higher index; the nodes without inputs read the stage's input
// (with stride 2 and the stage's channel count), the nodes without consumers
// are averaged by the stage's output node ("Mean"). Every activation of a
// stage has the same shape (channels x resolution), so cutting a random
// graph ships many equally large tensors: communication-heavy.
// Stage sizes: all the wired nodes in one graph up to 128, else stages of at
// most 128 (the paper uses 32); resolution halves and channels double over
// the first three stages (28, 14, 7 at 224 x 224 input). Exactly `target` nodes.
#include "core/gen/randwire.h"
#include "core/gen/families.h"

#include <algorithm>
#include <cmath>

namespace pipecut::gen {

namespace {

constexpr int32_t kMaxWired = 128;
constexpr int64_t kStemNodes = 3; // input, conv1, conv2
constexpr int64_t kHeadNodes = 4; // classifierHead

// Costs one fused block reading `inputs` (all of shape `from`) into `to`.
Image separableBlock(Emitter &e, const std::string &scope, std::string_view name, const Image &from, const Image &to,
    const std::vector<int32_t> &inputs)
{
    Image out = to;
    const double elemsIn = double(from.batch) * double(from.channels) * double(to.height) * double(to.width);
    const double aggregate = double(inputs.size()) * from.elements(); // weighted sum
    const double flops = aggregate + from.elements() /* ReLU */ + 2.0 * 9.0 * elemsIn /* depthwise */
        + 2.0 * elemsIn * double(to.channels) /* pointwise */ + 2.0 * out.elements() /* BN */;
    const double params = double(inputs.size()) + 9.0 * double(from.channels)
        + double(from.channels) * double(to.channels) + 4.0 * double(to.channels);
    out.node = e.add("SeparableConv", scope, name, flops, out.bytes(), params * kElementBytes, inputs);
    return out;
}

// One random graph of `n` wired nodes reading `in`; returns its output node.
Image wiredStage(
    Emitter &e, Rng &rng, const WiringModel &model, int64_t stage, int32_t n, const Image &in, const Image &shape)
{
    const std::string scope = scopeIndex("stage_", stage);
    const Wiring wiring = drawWiring(rng, model, n);
    std::vector<std::vector<int32_t>> preds(n);
    std::vector<char> hasSucc(n, 0);
    for (auto [a, b] : wiring) {
        preds[b].push_back(a);
        hasSucc[a] = 1;
    }
    std::vector<int32_t> node(n), inputs;
    for (int32_t v = 0; v < n; ++v) {
        inputs.clear();
        for (int32_t u : preds[v])
            inputs.push_back(node[u]);
        const bool source = inputs.empty();
        if (source)
            inputs.push_back(in.node);
        node[v] = separableBlock(e, scope, scopeIndex("node_", v), source ? in : shape, shape, inputs).node;
    }
    inputs.clear();
    for (int32_t v = 0; v < n; ++v)
        if (!hasSucc[v])
            inputs.push_back(node[v]);
    Image out = shape;
    out.node = e.add("Mean", scope, "output", double(inputs.size()) * shape.elements(), shape.bytes(), 0, inputs);
    return out;
}

} // namespace

void emitRandWire(Emitter &e, Rng &rng, int64_t target, const std::string &kind)
{
    static const int64_t channels[] = { 78, 109, 154 }; // the paper's C
    static const int64_t batches[] = { 8, 16, 32 };
    const WiringModel model = paperModel(kind);
    const int64_t c = rng.pick(channels), batch = rng.pick(batches);
    // Wired nodes plus one output node per stage fill what stem and head leave.
    const int64_t body = std::max<int64_t>(2, target - kStemNodes - kHeadNodes);
    const int64_t stages = (body + kMaxWired) / (kMaxWired + 1);
    const int64_t wired = body - stages;
    Image x = inputImage(e, "input", batch, 3, 224);
    x = conv(e, "stem", "conv1", x, c / 2, 3, 3, 2);
    x = conv(e, "stem", "conv2", x, c, 3, 3, 2);
    for (int64_t s = 0; s < stages; ++s) {
        const int32_t n = static_cast<int32_t>(wired / stages + (s < wired % stages ? 1 : 0));
        Image shape = x;
        shape.channels = c << std::min<int64_t>(s, 2);
        shape.height = shape.width = 28 >> std::min<int64_t>(s, 2);
        x = wiredStage(e, rng, model, s, std::max<int32_t>(1, n), x, shape);
    }
    classifierHead(e, "head", x, 1000);
}

// The random graph models.

Wiring erdosRenyi(Rng &rng, int32_t n, double p)
{
    Wiring w;
    for (int32_t a = 0; a < n; ++a)
        for (int32_t b = a + 1; b < n; ++b)
            if (rng.chance(p))
                w.push_back({ a, b });
    return w;
}

Wiring barabasiAlbert(Rng &rng, int32_t n, int32_t m)
{
    m = std::clamp(m, 1, std::max(1, n - 1));
    Wiring w;
    std::vector<int32_t> ends; // every edge end once: degree-proportional draws
    std::vector<int32_t> chosen;
    for (int32_t v = m; v < n; ++v) {
        chosen.clear();
        while (int32_t(chosen.size()) < m) {
            const int32_t u = ends.empty() ? int32_t(rng.between(0, v - 1))
                                           : ends[size_t(rng.between(0, int64_t(ends.size()) - 1))];
            if (std::find(chosen.begin(), chosen.end(), u) == chosen.end())
                chosen.push_back(u);
        }
        std::sort(chosen.begin(), chosen.end());
        for (int32_t u : chosen) {
            w.push_back({ u, v });
            ends.push_back(u);
            ends.push_back(v);
        }
    }
    return w;
}

Wiring wattsStrogatz(Rng &rng, int32_t n, int32_t k, double p)
{
    k = std::min(k, n - 1) / 2 * 2;
    std::vector<std::vector<char>> linked(size_t(n), std::vector<char>(size_t(n), 0));
    auto link = [&](int32_t a, int32_t b, char on) { linked[a][b] = linked[b][a] = on; };
    std::vector<std::pair<int32_t, int32_t>> edges;
    for (int32_t j = 1; j <= k / 2; ++j)
        for (int32_t i = 0; i < n; ++i) {
            edges.push_back({ i, (i + j) % n });
            link(i, (i + j) % n, 1);
        }
    for (auto &[a, b] : edges) {
        if (!rng.chance(p))
            continue;
        std::vector<int32_t> free;
        for (int32_t u = 0; u < n; ++u)
            if (u != a && !linked[a][u])
                free.push_back(u);
        if (free.empty())
            continue;
        const int32_t u = free[size_t(rng.between(0, int64_t(free.size()) - 1))];
        link(a, b, 0);
        link(a, u, 1);
        b = u;
    }
    Wiring w;
    for (auto [a, b] : edges)
        w.push_back({ std::min(a, b), std::max(a, b) });
    std::sort(w.begin(), w.end());
    return w;
}

WiringModel paperModel(const std::string &kind)
{
    if (kind == "er")
        return { "er", 0, 0.2 };
    if (kind == "ba")
        return { "ba", 5, 0.0 };
    return { "ws", 4, 0.75 };
}

Wiring drawWiring(Rng &rng, const WiringModel &model, int32_t n)
{
    if (model.kind == "er")
        return erdosRenyi(rng, n, model.p);
    if (model.kind == "ba")
        return barabasiAlbert(rng, n, model.k);
    return wattsStrogatz(rng, n, model.k, model.p);
}

} // namespace pipecut::gen
