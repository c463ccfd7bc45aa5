#pragma once
// ideal-dp: the exact optimum of MTPP (docs/model.md §1) by dynamic programming over the
// ideals (down-closed sets) of the group-contracted DAG (docs/model.md §3.3).
//
// Problem: a partition is a chain of ideals 0 = I_0 <= I_1 <= ... <= I_k = V,
// stage b being the block I_b \ I_{b-1}. With dp[b][I] the smallest bottleneck
// covering I with at most b stages,
//     dp[b][I] = min over ideals J <= I of max(dp[b-1][J], f(I \ J)),
// and the answer is dp[k][V]. Costs f are computed on the ORIGINAL graph (the
// contraction only defines the units and the ideals).
//
// Algorithm. (1) Enumerate every ideal once (a candidate-list DFS: each ideal
// is its parent plus one ready unit), storing parent, Zobrist hash, work,
// param and outgoing tensors; refuse past `cap` ideals, so memory stays bounded
// (~(12 k + 64) bytes per ideal). (2) Take an incumbent U from slicegraph 10x10
// + refine. (3) Process ideals J by size; from J with dp[k-1][J] < U enumerate
// extensions I = J + S by adding ready units one at a time, pruning as soon as
// work(S) + in(S)/B (which only grows as S grows) reaches U or param(S) exceeds
// M; block costs are maintained incrementally (per added unit, O(degree)), and
// I is found by its hash. The last stage is always V \ J, costed in O(1) from
// J's stored sums. U tightens whenever a complete chain beats it. The result is
// a proven optimum (the incumbent itself when nothing beats it).
//
// Complexity: O(N * (n' + deg)) for the enumeration (N ideals), then
// O(sum over processed J of |extensions with cost < U| * (deg + k)); in the
// worst case O(N^2 (deg + k)), in practice far less because blocks are bounded
// by U. Memory O(N k).
//
// Deterministic: yes (the incumbent comes from a seeded slicegraph).
// Reference: Tarnawski, Phanishayee, Devanur, Mahajan, Nina Paravecino,
// "Efficient algorithms for device placement of DNN graph operators",
// NeurIPS 2020 (msr-fiddle/dnn-partitioning); docs/model.md §3.3.
//
// Example (docs/model.md §1.5, k = 3): the ideals of a->b, a->c, {b,c}->d are {}, {a},
// {a,b}, {a,c}, {a,b,c}, V; the chain {a} < {a,c} < V gives blocks {a}, {c},
// {b, d} costing 3, 7, 7: T = 7, proven optimal.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/graph/topology.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <cstdint>
#include <string_view>

namespace pipecut {

// Default refusal threshold: about 2.5 GB of DP tables at k = 64.
inline constexpr int64_t kDefaultIdealCap = 3'000'000;

// Counts the ideals of `dag` (a DAG without groups), stopping at cap + 1, or
// (stopped) at a stop request or the deadline. O(count * (1 + degree)).
struct IdealCount {
    int64_t count = 0;
    bool exceeded = false; // more than cap
    bool stopped = false;
};
IdealCount countIdeals(
    const Graph &dag, int64_t cap, const StopToken *stop = nullptr, const Deadline *deadline = nullptr);

struct IdealDpOutcome {
    Partition partition;
    double bottleneck = 0.0;
    bool optimal = false; // false only when stopped early (then: the incumbent)
    int64_t ideals = 0;
    int64_t pairs = 0; // blocks costed
};

// `incumbent`: a feasible partition to prune with (may be empty: no pruning).
// Refuses when the tables would exceed `memoryBudget` bytes (0: the default of
// core/util/limits.h).
Result<IdealDpOutcome> solveIdealDp(const Graph &graph, const CostParams &params, const Contraction &units, int k,
    int64_t cap, const Partition *incumbent, const StopToken &stop, const Deadline &deadline, int64_t memoryBudget = 0);

// Bytes ideal-dp needs for `ideals` ideals at k stages over `units` units:
// the per-ideal sums, the hash index and the dp and argmin tables.
double idealDpBytes(int64_t ideals, int k, int32_t units);

} // namespace pipecut
