#pragma once
// Search that uses a time limit: a large-neighbourhood search on the partition
// itself, and the timed driver that alternates it with restarts of slicegraph
// on every core.
//
// Window re-solve (the neighbourhood). Take w adjacent stages s .. s+w-1 of a
// feasible partition (w = 2 or 3); everything outside stays. The window's
// units may be re-assigned to the w stages in any way whose stage indices do
// not decrease along edges (a chain of ideals of the window's sub-DAG); the
// other stages' costs do not change (an outside stage reads and writes the
// same tensors wherever inside the window their producers or consumers sit),
// so the exact optimum of the window is a depth-first search: units in
// topological order, each taking a stage >= the stages of its window inputs;
// stage costs grow monotonically as units are added (work, the tensors read
// from earlier stages or from lower window stages, the tensors written to
// later ones), so a branch is cut as soon as a partial stage reaches the best
// window maximum. A search that visits more than `maxVisits` nodes stops with
// the best assignment seen (wide windows at small k). A new assignment is
// taken when it lowers the window's stage costs sorted decreasingly
// (leximax), so the bottleneck never rises, the sorted vector of all stage
// costs falls (no cycles) and plateaus of the bottleneck are crossed. Passes
// over all windows (w = 2, then 3) repeat until one changes nothing (at most
// 100).
// Costs are computed on the original graph; units are those of the group
// contraction, so groups stay whole.
//
// Timed search. `threads` workers (0 = all cores) each loop until the
// deadline: a slicegraph run (plain seeds on even rounds, warm-started from
// the best partition so far on odd rounds; the population grows 100, 100,
// 200, 200, 400, ... and the time slice doubles from 4 s), then the window
// re-solve on its result; the best partition over all workers is kept. Every
// result also enters an elite pool (the 8 best distinct partitions, the start
// among them), and every third round of a worker instead relinks the best
// elite with another one (relink.h: a walk each way, refine and the window
// re-solve on the best partition of each walk) and offers its result.
// Not deterministic (the threads race for the deadline); the result is never
// worse than `start`.
//
// Complexity: a window search is O(visits * (degree + w)); a pass is k such
// searches. Reference: Shaw, "Using constraint programming and local search
// methods to solve vehicle routing problems", CP 1998 (large-neighbourhood
// search); Archer et al., arXiv 2311.03703 (slicegraph).
//
// Example (docs/model.md §1.5, k = 3, B = 1): from {a} | {b} | {c, d}
// (costs 3, 6, 8) the window of stages 2 and 3 is re-solved to {c} | {b, d}
// (7 and 7): T drops from 8 to 7.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/graph/topology.h"
#include "core/util/progress.h"

#include <cstdint>
#include <functional>

namespace pipecut {

struct WindowOutcome {
    Partition partition;
    double bottleneck = 0.0;
    int64_t improvements = 0; // windows re-assigned
    int64_t visits = 0; // search nodes over all windows
    int passes = 0;
};

// `start` must be feasible; `maxWidth` is the largest window (2 or 3).
WindowOutcome windowDescent(const Graph &graph, const CostParams &params, const Contraction &units,
    const Partition &start, const StopToken &stop, const Deadline &deadline, int maxWidth = 3,
    int64_t maxVisits = 200'000);

struct TimedSearchOptions {
    uint64_t seed = 1;
    int threads = 0; // 0 = all cores
};

struct TimedSearchOutcome {
    Partition partition;
    double bottleneck = 0.0;
    int rounds = 0; // slicegraph runs over all workers
    int64_t windowImprovements = 0;
    int relinkImprovements = 0; // relinks better than both their elites
};

// Runs until `deadline` (which must have a limit) or a stop.
TimedSearchOutcome timedSearch(const Graph &graph, const CostParams &params, const Contraction &units,
    const Partition &start, const StopToken &stop, const Deadline &deadline, const TimedSearchOptions &options);

} // namespace pipecut
