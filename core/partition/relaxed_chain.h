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
// Algorithm: per boundary, the window's ideals are enumerated by a dynamic
// programme over its free units in topological order (a unit joins when its
// free predecessors have). States that agree on what their completions can
// see (the membership of decided units an undecided one still reads, which
// open tensors already cross, the signature so far) are merged, keeping only
// the Pareto front of (hi small, lo large); a state is dropped when hi passes
// j U' or lo plus the work that may still join cannot reach W - (k - j) U'.
// The signature holds a bit per free producer and per consumer of a tensor
// that may skip a stage, or for a tensor with many consumers a count of its
// consumers in, which decides its cost for nested ideals just as well. Past
// the signature budget the lightest such tensors are left out (costed 0 at
// that stage: still a lower bound). Rounds follow while the chain found is a
// cheaper partition, pays a left-out tensor (taken first from then on), or
// the budget can grow (16 bits, then 40); later rounds use one width (the
// incumbent's, or the last one when the incumbent improved by under 0.1 %),
// and a window whose inputs did not change keeps its fronts. Windows are
// enumerated on `threads` threads.
// Feasibility of T is then a sweep over boundaries:
// G_j[s] = largest lo among signature s's points with
// hi <= max_{s'} (G_{j-1}[s'] - coupling(s', s)) + T, with signatures grouped
// by the bits each coupling reads; bisection gives T*.
// The chain is rebuilt backwards preferring nested ideals and evaluated
// exactly (evaluate()).
//
// Limits: refuses (LimitExceeded) on clusters, past kMaxUnits units, when
// W - (k - 1) U <= 0, past 16 million pairs of signature classes, when the
// kept states of one window pass its share of the memory budget, or past
// `maxSteps` state transitions; Stopped on the stop token or the deadline
// (polled every 256 keys). A stop or refusal after some width was decided
// returns the bound so far (widths proven infeasible, earlier rounds). Memory
// limits are dropped in the relaxation (the chain is checked against them).
// Complexity: O(states x (degree + key words)) to enumerate, O(60 k c^2) for
// the bisection over c signature classes per boundary. Deterministic.
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
#include <functional>
#include <optional>
#include <string>

namespace pipecut {

struct RelaxedChainOptions {
    int64_t maxSteps = 4'000'000'000; // state transitions over all windows
    // Signature bits per boundary (at most 62): the heaviest tensors that may
    // skip a stage are costed exactly within it, the others left out.
    int signatureBits = 16;
    // Each later round adds 24 bits to the budget, up to this (at most 62).
    int maxSignatureBits = 40;
    // For a bound: once the relaxation is feasible at a width, up to 4 more
    // widths between the bound and it (each infeasible one raises the bound).
    bool tightenBound = false;
    // The DP states kept for one window must fit (0: core/util/limits.h).
    int64_t memoryBudget = 0;
    // Windows enumerated at once (each with its share of the memory budget).
    int threads = 1;
    // Called with a line per window width tried (benchmarks).
    std::function<void(const std::string &)> trace;
    // Rounds solved at most: each after a cheaper chain, a promoted tensor or
    // with a larger signature budget (docs/model.md §3.13 step 7); 1 solves
    // the first only.
    int maxRounds = 8;
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
    int64_t dropped = 0; // (pair, tensor) couplings left out of the signatures
    int64_t promoted = 0; // left-out tensors a chain paid, costed exactly first in the rounds after
};

// `upper` is the bottleneck of a known valid partition into k stages.
Result<RelaxedChainOutcome> relaxedChainSearch(const Graph &graph, const CostParams &params, const Contraction &units,
    int k, double upper, const StopToken &stop, const Deadline &deadline, const RelaxedChainOptions &options = {});

// For auto: runs the search from `start` (valid, cost `startCost`) within
// `seconds`; the proven-optimal result (named `method`) or nothing, with the
// reason in `note`. A cheaper nested chain replaces `start` either way.
std::optional<PartitionResult> proveWithRelaxedChain(const MethodContext &ctx, const Contraction &units,
    Partition &start, double &startCost, double seconds, const std::string &method, std::string &note);

} // namespace pipecut
