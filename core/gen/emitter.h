#pragma once
// The node sink shared by the generator families, with the cost model that
// turns FLOPs and bytes into milliseconds.
//
// Cost model (documented in the graph's notes): a reference accelerator with
// 100 TFLOP/s and 1.5 TB/s of memory bandwidth; an operator takes
// max(FLOPs / rate, bytes touched / memory bandwidth) + 3 us of launch
// overhead, times a seeded jitter of +-8% (profiling noise). Tensors are fp16
// (2 bytes per element); `out` is the bytes of the node's output, `param` the
// bytes of its weights. The stage link is 50 GB/s (5e7 bytes per ms).
//
// An Emitter either stores nodes or only counts them: families run their
// construction in counting mode to choose a repeat count that fits the target
// size, then once for real.

#include "core/graph/graph.h"
#include "core/util/result.h"
#include "core/util/rng.h"

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pipecut::gen {

inline constexpr double kFlopsPerMs = 1e11; // 100 TFLOP/s
inline constexpr double kMemoryBytesPerMs = 1.5e9; // 1.5 TB/s
inline constexpr double kLaunchMs = 0.003;
inline constexpr double kLinkBytesPerMs = 5e7; // 50 GB/s
inline constexpr double kElementBytes = 2; // fp16

class Emitter {
public:
    // rng == nullptr: counting mode (nothing stored, no costs drawn).
    // Nodes go straight into a GraphBuilder named `name` (no second copy).
    explicit Emitter(Rng *rng, const std::string &name = {}, int64_t reserveNodes = 0);

    bool counting() const { return m_rng == nullptr; }
    int64_t count() const { return m_count; }

    // Adds a node with id scope + "/" + name (names are unique per scope by
    // construction) and edges from every input >= 0. `flops` and the bytes
    // touched (inputs' outputs + own output + params) give the work.
    int32_t add(std::string_view op, const std::string &scope, std::string_view name, double flops, double outBytes,
        double paramBytes, std::initializer_list<int32_t> inputs);
    // The same with any number of inputs (Concat, random DAGs).
    int32_t add(std::string_view op, const std::string &scope, std::string_view name, double flops, double outBytes,
        double paramBytes, std::span<const int32_t> inputs);
    // Output bytes of a node (0 in counting mode).
    double out(int32_t node) const { return counting() || node < 0 ? 0.0 : m_out[node]; }

    Result<Graph> build(const std::vector<std::string> &notes);

private:
    int32_t store(std::string_view op, const std::string &scope, std::string id, double flops, double outBytes,
        double paramBytes, std::span<const int32_t> inputs);
    Rng *m_rng;
    int64_t m_count = 0;
    GraphBuilder m_builder;
    std::vector<double> m_out;
};

// The description of the cost model, for the graph's notes.
std::string costModelNote();

} // namespace pipecut::gen
