// Inception-v3-style networks (Szegedy et al., "Rethinking the Inception
// architecture", 2016): a convolution stem, then groups of modules at 35x35,
// 17x17 and 8x8 (for a 299 input) separated by grid reductions. Each module
// runs parallel branches (1x1; 1x1 then 5x5 or factorised 1x7/7x1; double
// 3x3; pooling then 1x1), with splits inside the last group's branches, and
// concatenates them. BatchNormalization is folded into the convolutions as in
// exported inference graphs. The repeat count scales the 3:4:2 module pattern.
#include "core/gen/families.h"

#include <array>

namespace pipecut::gen {

namespace {

struct InceptionShape {
    std::array<int64_t, 3> modules { 3, 4, 2 }; // per group, times the repeat count
    bool fullStem = true;
    int64_t batch = 8, resolution = 299, classes = 1000;
};

class InceptionBuilder {
public:
    explicit InceptionBuilder(Emitter &e)
        : m_e(e)
    {
    }

    Image convRelu(const std::string &scope, int index, const Image &in, int64_t channels, int64_t kh, int64_t kw,
        int64_t stride = 1)
    {
        const Image x = conv(m_e, scope, scopeIndex("conv", index), in, channels, kh, kw, stride);
        return pointwise(m_e, "Relu", scope, scopeIndex("relu", index), x, 1);
    }

    // A chain of convolutions: {channels, kh, kw} each, stride 1 unless last and `stride`.
    Image chain(
        const std::string &scope, Image x, std::initializer_list<std::array<int64_t, 3>> convs, int64_t lastStride = 1)
    {
        int i = 1;
        for (const auto &c : convs) {
            x = convRelu(scope, i, x, c[0], c[1], c[2], i == int(convs.size()) ? lastStride : 1);
            ++i;
        }
        return x;
    }

    Image poolBranch(const std::string &scope, const Image &in, int64_t channels)
    {
        const Image p = pool(m_e, "AveragePool", scope, "avgpool", in, 3, 1);
        return convRelu(scope, 1, p, channels, 1, 1);
    }

    // 1x3 and 3x1 in parallel on the same input, concatenated.
    Image split(const std::string &scope, const Image &in, int64_t channels)
    {
        const Image a = convRelu(scope + "/1x3", 1, in, channels, 1, 3);
        const Image b = convRelu(scope + "/3x1", 1, in, channels, 3, 1);
        return concat(m_e, scope, "concat", { a, b });
    }

    Image moduleA(const std::string &s, const Image &in, int64_t poolChannels)
    {
        return concat(m_e, s, "concat",
            { chain(s + "/branch1x1", in, { { 64, 1, 1 } }),
                chain(s + "/branch5x5", in, { { 48, 1, 1 }, { 64, 5, 5 } }),
                chain(s + "/branch3x3dbl", in, { { 64, 1, 1 }, { 96, 3, 3 }, { 96, 3, 3 } }),
                poolBranch(s + "/branch_pool", in, poolChannels) });
    }

    Image reductionA(const std::string &s, const Image &in)
    {
        return concat(m_e, s, "concat",
            { chain(s + "/branch3x3", in, { { 384, 3, 3 } }, 2),
                chain(s + "/branch3x3dbl", in, { { 64, 1, 1 }, { 96, 3, 3 }, { 96, 3, 3 } }, 2),
                pool(m_e, "MaxPool", s + "/branch_pool", "maxpool", in, 3, 2) });
    }

    Image moduleB(const std::string &s, const Image &in, int64_t c7)
    {
        return concat(m_e, s, "concat",
            { chain(s + "/branch1x1", in, { { 192, 1, 1 } }),
                chain(s + "/branch7x7", in, { { c7, 1, 1 }, { c7, 1, 7 }, { 192, 7, 1 } }),
                chain(
                    s + "/branch7x7dbl", in, { { c7, 1, 1 }, { c7, 7, 1 }, { c7, 1, 7 }, { c7, 7, 1 }, { 192, 1, 7 } }),
                poolBranch(s + "/branch_pool", in, 192) });
    }

    Image reductionB(const std::string &s, const Image &in)
    {
        return concat(m_e, s, "concat",
            { chain(s + "/branch3x3", in, { { 192, 1, 1 }, { 320, 3, 3 } }, 2),
                chain(s + "/branch7x7x3", in, { { 192, 1, 1 }, { 192, 1, 7 }, { 192, 7, 1 }, { 192, 3, 3 } }, 2),
                pool(m_e, "MaxPool", s + "/branch_pool", "maxpool", in, 3, 2) });
    }

    Image moduleC(const std::string &s, const Image &in)
    {
        const Image b3 = chain(s + "/branch3x3", in, { { 384, 1, 1 } });
        const Image bd = chain(s + "/branch3x3dbl", in, { { 448, 1, 1 }, { 384, 3, 3 } });
        return concat(m_e, s, "concat",
            { chain(s + "/branch1x1", in, { { 320, 1, 1 } }), split(s + "/branch3x3/split", b3, 384),
                split(s + "/branch3x3dbl/split", bd, 384), poolBranch(s + "/branch_pool", in, 192) });
    }

    // `extra` more modules in the first group.
    void build(const InceptionShape &shape, int64_t repeats, int64_t extra, int64_t pad)
    {
        Image x = inputImage(m_e, "input", shape.batch, 3, shape.resolution);
        if (shape.fullStem) {
            x = chain("stem", x, { { 32, 3, 3 } }, 2);
            x = chain("stem/block_1", x, { { 32, 3, 3 }, { 64, 3, 3 } });
            x = pool(m_e, "MaxPool", "stem", "maxpool1", x, 3, 2);
            x = chain("stem/block_2", x, { { 80, 1, 1 }, { 192, 3, 3 } });
            x = pool(m_e, "MaxPool", "stem", "maxpool2", x, 3, 2);
        } else {
            x = chain("stem", x, { { 64, 3, 3 } }, 2);
            x = pool(m_e, "MaxPool", "stem", "maxpool1", x, 3, 2);
        }
        const std::array<int64_t, 3> counts { shape.modules[0] * repeats + extra, shape.modules[1] * repeats,
            shape.modules[2] * repeats };
        for (int64_t i = 0; i < counts[0]; ++i)
            x = moduleA(scopeIndex("inception_a_", i), x, i == 0 ? 32 : 64);
        if (counts[1] > 0) {
            x = reductionA("reduction_a", x);
            static const int64_t c7s[] = { 128, 160, 160, 192 };
            for (int64_t i = 0; i < counts[1]; ++i)
                x = moduleB(scopeIndex("inception_b_", i), x, c7s[std::min<int64_t>(i, 3)]);
        }
        if (counts[2] > 0) {
            x = reductionB("reduction_b", x);
            for (int64_t i = 0; i < counts[2]; ++i)
                x = moduleC(scopeIndex("inception_c_", i), x);
        }
        classifierHead(m_e, "head", imageNeck(m_e, x, pad), shape.classes);
    }

private:
    Emitter &m_e;
};

} // namespace

void emitInception(Emitter &e, Rng &rng, int64_t target)
{
    static const int64_t batches[] = { 1, 8, 32 };
    static const int64_t resolutions[] = { 299, 299, 342 };
    InceptionShape shape;
    shape.batch = rng.pick(batches);
    shape.resolution = rng.pick(resolutions);
    std::vector<Construction> candidates;
    for (auto [modules, fullStem] : { std::pair { std::array<int64_t, 3> { 3, 4, 2 }, true },
             std::pair { std::array<int64_t, 3> { 1, 1, 1 }, true },
             std::pair { std::array<int64_t, 3> { 1, 0, 0 }, false },
             std::pair { std::array<int64_t, 3> { 0, 0, 0 }, false } }) {
        InceptionShape s = shape;
        s.modules = modules;
        s.fullStem = fullStem;
        candidates.push_back([s](Emitter &out, int64_t repeats, int64_t extra, int64_t pad) {
            InceptionBuilder(out).build(s, repeats, extra, pad);
        });
    }
    emitFitted(e, candidates, target);
}

} // namespace pipecut::gen
