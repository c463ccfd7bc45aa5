#include "core/gen/emitter.h"

#include <algorithm>

namespace pipecut::gen {

Emitter::Emitter(Rng *rng, const std::string &name, int64_t reserveNodes)
    : m_rng(rng)
    , m_builder("generated " + name)
{
    if (!counting()) {
        m_builder.setName(name);
        m_builder.reserve(static_cast<size_t>(reserveNodes), static_cast<size_t>(reserveNodes) * 6 / 5);
        m_out.reserve(static_cast<size_t>(reserveNodes));
    }
}

int32_t Emitter::add(std::string_view op, const std::string &scope, std::string_view name, double flops,
    double outBytes, double paramBytes, std::initializer_list<int32_t> inputs)
{
    return add(op, scope, name, flops, outBytes, paramBytes, std::span(inputs.begin(), inputs.size()));
}

int32_t Emitter::add(std::string_view op, const std::string &scope, std::string_view name, double flops,
    double outBytes, double paramBytes, std::span<const int32_t> inputs)
{
    if (counting())
        return static_cast<int32_t>(m_count++);
    std::string id;
    id.reserve(scope.size() + 1 + name.size());
    id.append(scope).append("/").append(name);
    return store(op, scope, std::move(id), flops, outBytes, paramBytes, inputs);
}

int32_t Emitter::store(std::string_view op, const std::string &scope, std::string id, double flops, double outBytes,
    double paramBytes, std::span<const int32_t> inputs)
{
    const int32_t self = static_cast<int32_t>(m_count++);
    double bytes = outBytes + paramBytes;
    for (int32_t in : inputs)
        if (in >= 0) {
            bytes += m_out[in];
            m_builder.addEdge(in, self);
        }
    double work = 0;
    if (op != "Input")
        work = (std::max(flops / kFlopsPerMs, bytes / kMemoryBytesPerMs) + kLaunchMs) * m_rng->uniform(0.92, 1.08);
    NodeSpec spec;
    spec.id = std::move(id);
    spec.op = std::string(op);
    spec.scope = scope;
    spec.work = work;
    spec.out = outBytes;
    spec.param = paramBytes;
    m_builder.addNode(std::move(spec));
    m_out.push_back(outBytes);
    return self;
}

Result<Graph> Emitter::build(const std::vector<std::string> &notes)
{
    m_builder.setFormat("generated");
    m_builder.setBandwidth(kLinkBytesPerMs);
    m_builder.setUnits(Units { "ms", "bytes" });
    for (const std::string &note : notes)
        m_builder.addNote(note);
    m_out = {};
    return m_builder.build();
}

std::string costModelNote()
{
    return "synthetic costs: work = max(FLOPs at 100 TFLOP/s, bytes at 1.5 TB/s) + 3 us, +-8% seeded "
           "jitter; fp16 tensors; out and param in bytes; bandwidth 5e7 bytes/ms (50 GB/s)";
}

} // namespace pipecut::gen
