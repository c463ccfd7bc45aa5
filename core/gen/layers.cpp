// Layers shared by the generator families (cost formulas per operator) and
// the size fitting.
#include "core/gen/families.h"

#include <algorithm>
#include <map>

namespace pipecut::gen {

namespace {

int64_t dryRunSize(const Construction &build, int64_t repeats, int64_t extra)
{
    Emitter counter(nullptr);
    build(counter, repeats, extra, 0);
    return counter.count();
}

// The largest x >= lowest with size(x) <= target, for size affine in x
// (the loop only guards that assumption); size(lowest) <= target.
template <typename Size> int64_t largestFitting(Size size, int64_t lowest, int64_t target)
{
    const int64_t base = size(lowest);
    const int64_t step = size(lowest + 1) - base;
    if (step <= 0)
        return lowest;
    int64_t x = lowest + (target - base) / step;
    while (x > lowest && size(x) > target)
        --x;
    return x;
}

} // namespace

void emitFitted(Emitter &e, const std::vector<Construction> &candidates, int64_t target, int64_t minRepeats)
{
    for (const Construction &build : candidates) {
        // Dry runs are as long as the real one: remember their sizes.
        std::map<std::pair<int64_t, int64_t>, int64_t> sizes;
        auto size = [&](int64_t repeats, int64_t extra) {
            auto [it, inserted] = sizes.try_emplace({ repeats, extra }, 0);
            if (inserted)
                it->second = dryRunSize(build, repeats, extra);
            return it->second;
        };
        if (size(1, 0) > target)
            continue;
        const int64_t repeats = largestFitting([&](int64_t r) { return size(r, 0); }, 1, target);
        const int64_t extra = largestFitting([&](int64_t x) { return size(repeats, x); }, 0, target);
        build(e, repeats, extra, target - size(repeats, extra));
        return;
    }
    const Construction &smallest = candidates.back();
    smallest(e, minRepeats, 0, std::max<int64_t>(0, target - dryRunSize(smallest, minRepeats, 0)));
}

std::string scopeIndex(std::string_view prefix, int64_t index)
{
    std::string s(prefix);
    s += std::to_string(index);
    return s;
}

Image inputImage(Emitter &e, const std::string &scope, int64_t batch, int64_t channels, int64_t size)
{
    Image img { -1, batch, channels, size, size };
    img.node = e.add("Input", scope, "image", 0, img.bytes(), 0, {});
    return img;
}

Image conv(Emitter &e, const std::string &scope, std::string_view name, const Image &in, int64_t outChannels,
    int64_t kh, int64_t kw, int64_t stride, std::string_view op)
{
    Image out = in;
    out.channels = outChannels;
    if (op == "ConvTranspose") {
        out.height = in.height * stride;
        out.width = in.width * stride;
    } else {
        out.height = (in.height + stride - 1) / stride;
        out.width = (in.width + stride - 1) / stride;
    }
    const double weights = double(outChannels) * double(in.channels) * double(kh) * double(kw);
    const double flops = 2.0 * double(out.batch) * double(out.height) * double(out.width) * weights;
    out.node = e.add(op, scope, name, flops, out.bytes(), (weights + double(outChannels)) * kElementBytes, { in.node });
    return out;
}

Image pointwise(Emitter &e, std::string_view op, const std::string &scope, std::string_view name, const Image &in,
    double flopsPerElement, double paramsPerChannel)
{
    Image out = in;
    out.node = e.add(op, scope, name, flopsPerElement * in.elements(), in.bytes(),
        paramsPerChannel * double(in.channels) * kElementBytes, { in.node });
    return out;
}

Image pool(Emitter &e, std::string_view op, const std::string &scope, std::string_view name, const Image &in,
    int64_t kernel, int64_t stride)
{
    Image out = in;
    out.height = (in.height + stride - 1) / stride;
    out.width = (in.width + stride - 1) / stride;
    out.node = e.add(op, scope, name, out.elements() * double(kernel * kernel), out.bytes(), 0, { in.node });
    return out;
}

Image add(Emitter &e, const std::string &scope, std::string_view name, const Image &a, const Image &b)
{
    Image out = a;
    out.node = e.add("Add", scope, name, a.elements(), a.bytes(), 0, { a.node, b.node });
    return out;
}

Image concat(Emitter &e, const std::string &scope, std::string_view name, const std::vector<Image> &parts)
{
    Image out = parts.front();
    out.channels = 0;
    std::vector<int32_t> inputs;
    inputs.reserve(parts.size());
    for (const Image &p : parts) {
        out.channels += p.channels;
        inputs.push_back(p.node);
    }
    out.node = e.add("Concat", scope, name, 0, out.bytes(), 0, inputs);
    return out;
}

int32_t classifierHead(Emitter &e, const std::string &scope, const Image &in, int64_t classes)
{
    const Image pooled = pool(e, "GlobalAveragePool", scope, "avgpool", in, in.height, in.height);
    const double features = double(in.channels) * double(pooled.height) * double(pooled.width);
    const double batch = double(in.batch);
    const int32_t flat = e.add("Flatten", scope, "flatten", 0, batch * features * kElementBytes, 0, { pooled.node });
    const double logits = batch * double(classes) * kElementBytes;
    const int32_t fc = e.add("Gemm", scope, "fc", 2.0 * batch * features * double(classes), logits,
        (features + 1) * double(classes) * kElementBytes, { flat });
    return e.add("Softmax", scope, "softmax", 5.0 * batch * double(classes), logits, 0, { fc });
}

Image imageNeck(Emitter &e, Image in, int64_t count)
{
    const std::string scope = "neck";
    for (int64_t i = 0; i < count; ++i) {
        const std::string name = scopeIndex(i % 2 == 0 ? "conv_" : "relu_", i);
        in = i % 2 == 0 ? conv(e, scope, name, in, in.channels, 1, 1, 1) : pointwise(e, "Relu", scope, name, in, 1);
    }
    return in;
}

} // namespace pipecut::gen
