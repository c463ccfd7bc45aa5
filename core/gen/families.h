#pragma once
// Internal to core/gen: the generator families and the layers they share.
// Each family draws its shape (dimensions, depth pattern) from the Rng, picks
// the repeat count whose size fits the target (counting dry runs), pads the
// small remainder with a "neck" chain before the head, and emits for real.

#include "core/gen/emitter.h"
#include "core/util/rng.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pipecut::gen {

void emitTransformer(Emitter &e, Rng &rng, int64_t target);
void emitMoe(Emitter &e, Rng &rng, int64_t target);
void emitCnn(Emitter &e, Rng &rng, int64_t target);
void emitUnet(Emitter &e, Rng &rng, int64_t target);
void emitInception(Emitter &e, Rng &rng, int64_t target);
void emitRandom(Emitter &e, Rng &rng, int64_t target);
void emitRandWire(Emitter &e, Rng &rng, int64_t target, const std::string &kind); // "ws", "er", "ba"
void emitNasnet(Emitter &e, Rng &rng, int64_t target);
void emitFpn(Emitter &e, Rng &rng, int64_t target);

// One construction of a family: `repeats` scales the whole block pattern,
// `extra` adds single blocks in one place (finer steps), `pad` neck nodes.
using Construction = std::function<void(Emitter &, int64_t repeats, int64_t extra, int64_t pad)>;

// Emits the first of `candidates` (largest shapes first) that fits `target`
// with some repeats >= 1: the largest such repeat count, then the most extra
// blocks that still fit, padded to exactly `target` nodes. When none fits,
// the last candidate at repeats = minRepeats (which may overshoot).
void emitFitted(Emitter &e, const std::vector<Construction> &candidates, int64_t target, int64_t minRepeats = 0);

// An image-like activation (NCHW) and the node that produces it.
struct Image {
    int32_t node = -1;
    int64_t batch = 1, channels = 1, height = 1, width = 1;
    double elements() const { return double(batch) * double(channels) * double(height) * double(width); }
    double bytes() const { return elements() * kElementBytes; }
};

Image inputImage(Emitter &e, const std::string &scope, int64_t batch, int64_t channels, int64_t size);
// Convolution (with bias); `op` lets callers name ConvTranspose.
Image conv(Emitter &e, const std::string &scope, std::string_view name, const Image &in, int64_t outChannels,
    int64_t kh, int64_t kw, int64_t stride, std::string_view op = "Conv");
// Same-shape operator costing flopsPerElement per output element, with
// optional per-channel parameters (norms).
Image pointwise(Emitter &e, std::string_view op, const std::string &scope, std::string_view name, const Image &in,
    double flopsPerElement, double paramsPerChannel = 0);
Image pool(Emitter &e, std::string_view op, const std::string &scope, std::string_view name, const Image &in,
    int64_t kernel, int64_t stride);
Image add(Emitter &e, const std::string &scope, std::string_view name, const Image &a, const Image &b);
Image concat(Emitter &e, const std::string &scope, std::string_view name, const std::vector<Image> &parts);
// GlobalAveragePool, Flatten, Gemm to `classes`, Softmax.
int32_t classifierHead(Emitter &e, const std::string &scope, const Image &in, int64_t classes);
// `count` nodes alternating Conv 1x1 and Relu on `in` (scope "neck").
Image imageNeck(Emitter &e, Image in, int64_t count);

std::string scopeIndex(std::string_view prefix, int64_t index); // "layer_" + 3

} // namespace pipecut::gen
