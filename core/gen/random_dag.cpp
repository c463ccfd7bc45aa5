// Random layered DAGs with model-like costs: layers of random width; every
// node reads at least one node of the previous layer and every node of the
// previous layer is read (so only the last layer has sinks), plus up to two
// more inputs from the previous two layers and now and then a skip from up
// to 16 layers back. Operators and sizes are drawn from a
// small menu (MatMul, Conv, Add, Relu, LayerNorm, Softmax, Concat) over a
// fixed token count. Exactly `target` nodes.
#include "core/gen/families.h"

#include <algorithm>

namespace pipecut::gen {

void emitRandom(Emitter &e, Rng &rng, int64_t target)
{
    static const int64_t widths[] = { 256, 512, 1024, 2048, 4096 };
    static const int64_t tokenCounts[] = { 512, 2048, 8192 };
    const int64_t maxWidth = rng.between(2, 24);
    const double tokens = double(rng.pick(tokenCounts));
    struct Op {
        const char *name;
        double flopsPerElement; // element-wise ops
        bool weights; // MatMul / Conv: flops from the weight matrix
    };
    static const Op ops[] = { { "MatMul", 0, true }, { "Conv", 0, true }, { "Add", 1, false }, { "Relu", 1, false },
        { "LayerNormalization", 8, false }, { "Softmax", 5, false }, { "Concat", 0, false } };

    std::vector<int64_t> layerStart { 0 };
    std::vector<int32_t> inputs, previous;
    int64_t layer = 0;
    while (e.count() < target) {
        // Few inputs, as in real models; then layers of 1..maxWidth nodes.
        const int64_t width = std::min<int64_t>(rng.between(1, layer == 0 ? 2 : maxWidth), target - e.count());
        const int64_t begin = layerStart.back();
        const int64_t prevBegin = layerStart.size() >= 2 ? layerStart[layerStart.size() - 2] : 0;
        const std::string scope = scopeIndex("block_", layer / 16) + scopeIndex("/layer_", layer);
        // Every node of the previous layer gets a consumer here (shuffled,
        // dealt round-robin), so only the last layer has sinks, as in models.
        previous.clear();
        for (int64_t v = prevBegin; v < begin && layer > 0; ++v)
            previous.push_back(static_cast<int32_t>(v));
        for (size_t i = previous.size(); i > 1; --i)
            std::swap(previous[i - 1], previous[rng.between(0, int64_t(i) - 1)]);
        for (int64_t j = 0; j < width; ++j) {
            inputs.clear();
            for (size_t i = size_t(j); i < previous.size(); i += size_t(width))
                inputs.push_back(previous[i]);
            auto addInput = [&](int64_t from, int64_t to) { // a node in [from, to)
                if (to <= from)
                    return;
                const int32_t v = static_cast<int32_t>(rng.between(from, to - 1));
                if (std::find(inputs.begin(), inputs.end(), v) == inputs.end())
                    inputs.push_back(v);
            };
            if (layer > 0) {
                if (inputs.empty())
                    addInput(prevBegin, begin);
                const int64_t extra = rng.between(0, 2);
                for (int64_t x = 0; x < extra; ++x)
                    addInput(layerStart[layerStart.size() >= 3 ? layerStart.size() - 3 : 0], begin);
                if (rng.chance(0.05)) {
                    const size_t back = std::min<size_t>(layerStart.size() - 1, 16);
                    addInput(layerStart[layerStart.size() - 1 - back], begin);
                }
            }
            const Op &op = layer == 0 ? Op { "Input", 0, false } : rng.pick(ops);
            const double outWidth = double(rng.pick(widths));
            const double outBytes = tokens * outWidth * kElementBytes;
            double flops = op.flopsPerElement * tokens * outWidth, param = 0;
            if (op.weights) {
                const double inWidth = double(rng.pick(widths));
                flops = 2 * tokens * inWidth * outWidth;
                param = (inWidth + 1) * outWidth * kElementBytes;
            }
            e.add(op.name, scope, scopeIndex("n", j), flops, outBytes, param, inputs);
        }
        layerStart.push_back(begin + width);
        ++layer;
    }
}

} // namespace pipecut::gen
