#pragma once
// Relaxed chain proof (docs/model.md §3.13): a lower bound on MTPP, and often
// a proof of optimality, for wide graphs whose ideals are far too many for
// ideal-dp and ideal-bb but whose stage boundaries sit in narrow work windows
// (stacked cells such as PipeDream's NASNet-A at k = 4 to 16).
//
// Problem: given the incumbent's bottleneck U, find the least T <= U such
// that some sequence of ideals I_1, .., I_{k-1} (each in its work window
// [W - (k - j) U, j U], nesting NOT required) keeps every stage's cost
// bound <= T. The bound of stage j is exact for nested chains:
//     f(S_j) = hi_j(I_j) - lo_{j-1}(I_{j-1}) + coupling_j(sig(I_{j-1}), sig(I_j))
// where hi/lo add/subtract the tensors that cannot cross both boundaries of a
// pair (they are sent exactly by the stage before their boundary and received
// exactly by the stage after it), and the few tensors that could cross both
// are costed exactly from the membership of their producer and consumers
// (the signature). The least such T* is a lower bound on the optimum (the
// relaxation admits every nested chain). When the chain achieving T* is
// nested, it is a partition of cost T*: proven optimal.
//
// Algorithm: per boundary, every ideal of its window is enumerated by a
// depth-first search over the window's free units (forced in when their
// descendants outweigh the later stages, out when their ancestors outweigh
// the earlier ones), keeping per signature only the Pareto front of
// (hi small, lo large). Feasibility of T is then a sweep over boundaries:
// G_j[s] = largest lo among signature s's points with
// hi <= max_{s'} (G_{j-1}[s'] - coupling(s', s)) + T; bisection gives T*.
// The chain is rebuilt backwards preferring nested ideals and evaluated
// exactly (evaluate()).
//
// Limits: refuses (LimitExceeded) on clusters, past kMaxUnits units, when
// W - (k - 1) U <= 0, past 62 signature units at a boundary, or past
// `maxSteps` search steps; Stopped on the stop token or the deadline
// (polled every 16,384 steps). Memory limits are dropped in the relaxation
// (the chain is checked against them).
// Complexity: O(steps x degree) to enumerate, O(60 k s^2) for the bisection
// over s signatures per boundary. Deterministic.
// Example: a chain a -> b -> c -> d of works 1 and out 0, k = 2, U = 2: the
// window of I_1 is [2, 2], holding {a, b} only, so T* = 2 with {a, b} | {c, d}.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/graph/topology.h"
#include "core/partition/methods.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <cstdint>
#include <optional>

namespace pipecut {

struct RelaxedChainOptions {
    int64_t maxSteps = 4'000'000'000; // depth-first search steps over all windows
};

struct RelaxedChainOutcome {
    double bound = 0.0; // T*: no valid partition costs less (up to a relative 1e-9)
    std::optional<Partition> partition; // the chain achieving T*, when nested and valid
    double bottleneck = 0.0; // its exact cost (evaluate())
    bool optimal = false; // partition present and bottleneck <= bound (1 + 2e-9)
    int64_t steps = 0; // search steps
    int64_t leaves = 0; // ideals enumerated in the windows
    int64_t frontPoints = 0; // kept on the Pareto fronts
    int32_t units = 0; // after mergeFreeUnits
};

// `upper` is the bottleneck of a known valid partition into k stages.
Result<RelaxedChainOutcome> relaxedChainSearch(const Graph &graph, const CostParams &params, const Contraction &units,
    int k, double upper, const StopToken &stop, const Deadline &deadline, const RelaxedChainOptions &options = {});

// For auto: runs the search from `start` (valid, cost `startCost`) within
// `seconds`; the proven-optimal result (named `method`) or nothing, with the
// reason in `note`.
std::optional<PartitionResult> proveWithRelaxedChain(const MethodContext &ctx, const Contraction &units,
    const Partition &start, double startCost, double seconds, const std::string &method, std::string &note);

} // namespace pipecut
