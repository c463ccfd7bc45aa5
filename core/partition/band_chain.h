#pragma once
// Band chain search: all k - 1 boundaries of a partition chosen at once, each
// from the ideals that differ from a prefix of one topological order only in
// a short band after it. For long, narrow graphs (10,000 nodes of layers a
// few nodes wide) where the search over orders leaves stages far apart in
// work: the boundaries must sit where the work balances and the cut is cheap,
// and the band lets each boundary take any subset of the nodes near it.
//
// Candidates. Fix a topological order of the units (group contraction) and a
// band length R (<= 32). At every position p = 0, step, 2 step, .. the
// candidate ideals are prefix(p) ∪ D for every subset D of the band
// order[p .. p+R) closed under the band's own edges (enumerated depth first,
// at most `perBandCap` per position). Each gets work(I) and the cut
// cut(I) = Σ out(u) over u in I with a consumer outside I, and is kept when no
// candidate at the same position has both a smaller hi = work + cut / B and a
// larger lo = work - cut / B (a Pareto front).
//
// Chain. For boundaries I_{j-1} ⊂ I_j the stage between them costs at most
// hi(I_j) - lo(I_{j-1}) (it pays work(I_j) - work(I_{j-1}), receives at most
// the tensors that leave I_{j-1} and sends at most those that leave I_j; the
// first and the last stage are exact). Nesting is guaranteed when the later
// candidate's position is at or past the earlier one's last band node. For a
// threshold T a chain with every stage <= T exists iff, boundary by boundary,
// some candidate is reachable: c is reachable at boundary j when a reachable
// candidate p at j - 1 nests in it with lo(p) >= hi(c) - T (the largest such
// lo is all that matters, a prefix maximum over positions), and the last stage
// W - lo(I_{k-1}) <= T. Bisection on T (40 steps) from the start's
// bottleneck; the chain found is evaluated exactly, so its bottleneck is at
// most the T it was found for.
//
// Orders tried: stage of the current best partition, then depth from the
// sources (ASAP), the longest path to a sink (ALAP), or the graph's own
// topological position; rounds repeat while one improves. Memory limits are
// checked on the result (a partition over the limit is dropped); clusters
// (per-stage devices) are not handled (the start is returned).
//
// Complexity: O(n / step * perBandCap * degree) to enumerate, O(40 k m) for
// the bisection over m kept candidates. Deterministic.
//
// Example: a chain a -> b -> c -> d of works 1, 1, 1, 1 and out 0, k = 2:
// the candidates include prefix(2) = {a, b}, giving stages {a, b} | {c, d}, T = 2.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/graph/topology.h"
#include "core/util/progress.h"

#include <cstdint>

namespace pipecut {

struct BandChainOptions {
    int bandLength = 12; // R, at most 32
    int step = 3;
    int64_t perBandCap = 4096;
    int maxRounds = 6;
};

struct BandChainOutcome {
    Partition partition;
    double bottleneck = 0.0;
    int rounds = 0; // orders that improved the partition
};

// `start` must be feasible; the outcome is never worse than it.
BandChainOutcome bandChainSearch(const Graph &graph, const CostParams &params, const Contraction &units,
    const Partition &start, const StopToken &stop, const Deadline &deadline, const BandChainOptions &options = {});

} // namespace pipecut
