#pragma once
// The exact MIP of docs/model.md §4.3, solved by CBC. Per class c (group closure) and stage
// boundary b = 1..k-1 a binary z_cb = "c is in stages 1..b" (prefix form: the
// ideals I_1 subset ... subset I_{k-1}; z_c0 = 0, z_ck = 1); stage b is the
// block I_b \ I_{b-1}, whose cost f_b is built as in every relaxation (one read
// and one write variable per tensor and stage). Minimise T >= f_b for all b.
// Empty stages last (a continuous "used_b" per stage: used_b <= |S_b|,
// |S_{b+1}| <= n used_{b+1}, used_{b+1} <= used_b), on models of at most 2000
// class-stage pairs (the dense rows slow large LPs several times). Valid cuts: kT >= W,
// T >= the heaviest class and T >= the best bound already known (the anchor
// bound, when the caller computed it). Groups share their variables; the memory
// limit is one row per stage. Warm-started with the best known partition
// (empty stages moved last). At the time limit CBC's best possible value is a
// valid lower bound and its incumbent a valid partition.
// Complexity: (k - 1) x classes binaries, O(k (n + m)) rows; branch and cut.
// Deterministic (CBC single-threaded) unless the time limit cuts it.
// Reference: docs/model.md §4.3; Archer et al., arXiv 2311.03703.
// Example: the graph of docs/model.md §1.5, k = 3: optimum 7 ({a} | {c} | {b, d}), proven.

#include "core/cost/partition.h"
#include "core/mip/block_model.h"

#include <functional>
#include <optional>

namespace pipecut::mip {

// Relative tolerance under which a bound and an incumbent count as equal.
inline constexpr double kOptimalityTolerance = 1e-6;

// The instance and what the caller already knows. The callbacks are asked at
// the moment they matter: stopped() between model blocks, solveOptions() for
// the time left just before CBC starts.
struct ExactMipInput {
    const Graph &graph;
    const CostParams &params;
    int k;
    const NodeClasses &classes;
    double combinatorial = 0.0; // the combinatorial bound: the model's scale
    double known = 0.0; // best proven bound so far (graph units)
    const Partition *incumbent = nullptr; // warm start, when known
    std::function<bool()> stopped;
    std::function<SolveOptions()> solveOptions;
    // CBC's incumbent and bound, in graph units.
    std::function<void(double incumbent, double bound)> progress;
};

struct ExactMipOutcome {
    bool stopped = false; // stopped while building: proves nothing
    bool infeasible = false; // no partition into k stages fits the memory limit (proven)
    double lowerBound = 0.0;
    std::optional<Partition> partition; // CBC's incumbent, when valid
    double upperBound = 0.0; // its bottleneck
    bool optimal = false;
};

ExactMipOutcome solveExactMip(const ExactMipInput &in);

} // namespace pipecut::mip
