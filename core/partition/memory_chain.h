#pragma once
// Memory-only feasibility of k stages (docs/model.md §3.10): is there a chain
// of ideals ∅ ⊆ I_1 ⊆ ... ⊆ I_{k-1} ⊆ V of the group-contracted graph whose
// stages each hold at most M of parameters? Exact for the memory limit and the
// groups (work and communication play no part), so "none" proves that no
// valid partition exists, which a search over costed chains (ideal-bb) can
// only show by visiting every chain.
//
// With P the total parameters, boundary j's parameters lie in the window
// [P - (k - j) M, j M] (the stages before it hold at most j M, those after it
// at most (k - j) M). Every ideal with parameters at most (k - 1) M is
// enumerated depth first over a topological order (a unit joins only after
// its inputs; a branch stops when the parameters pass (k - 1) M), and sorted
// into the windows it lies in. Then, boundary by boundary, an ideal of window
// j is reachable when a reachable ideal of window j - 1 lies inside it
// (bitset test) with at most M of parameters between them; the last stage
// fits by window k - 1. The answer is Unknown past `maxSteps` search nodes,
// `maxPairs` subset tests or 128 MiB of stored ideals, on a stop, and at once
// on graphs of more than 8,192 units. Windows and differences get a 1e-9
// relative slack on the permissive side.
//
// Complexity: O(steps) to enumerate, O(Σ_j |R_{j-1}| |C_j| n / 64) for the
// chain. Example: a chain a -> b -> c, params 2, 1, 2, M = 2, k = 2: the
// windows [3, 2] hold no ideal: Infeasible (k = 3: {a} ⊆ {a, b}, Feasible).

#include "core/graph/graph.h"

#include <cstdint>
#include <functional>

namespace pipecut {

enum class MemoryChain { Infeasible, Feasible, Unknown };

MemoryChain memoryChainCheck(const Graph &units, int k, double memoryLimit, const std::function<bool()> &shouldStop,
    int64_t maxSteps = 50'000'000, int64_t maxPairs = 300'000'000);

} // namespace pipecut
