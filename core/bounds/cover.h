#pragma once
// Cover bound (configuration LP over blocks, by column generation).
//
// Problem: prove that no partition has bottleneck <= T. Call a block
// S = I' \ I between nested ideals (a convex set of classes, block_model.h)
// admissible when f(S) <= T and it fits the memory limit. The stages of a
// partition with bottleneck <= T cover the classes with at most k admissible
// blocks, so if the covering LP
//     z*(T) = min sum_S y_S  s.t.  sum_{S holds c} y_S >= 1 per class c,  y >= 0
// exceeds k, every partition costs more than T. The bound is the largest T so
// proven, by bisection between the best proven bound and the best partition.
// Unlike the MIP relaxations, every block here is integral: it pays for each
// tensor crossing its boundary, which is what communication-heavy graphs need.
// Proof without solving the LP: for any duals pi >= 0, if
// delta >= max { pi(S) : S admissible } and delta > 0, then pi/delta is dual
// feasible and z*(T) >= sum(pi) / delta (Farley's bound). delta comes from
// the exact pricing: first the anchored cut bound (cut_pricing.h: per first
// class of a block, a Lagrangian relaxation solved by minimum cuts, refined
// by branch and bound), and when it settles nothing within its node budget,
// CBC's best possible value of the pricing MIP (block_model.h with
// f(S) <= T; never its incumbent), deflated as every CBC bound is
// (cbc_solve.h); the claim needs sum(pi)/delta > k (1 + 1e-6). The covering
// form (>= rather than an exact cover) keeps the duals non-negative and
// stable; it is a relaxation of the exact cover, so the proof stands.
// Columns come from admissible segments of topological orders (the graph's,
// the incumbent's, seeded random and dual-guided Kahn orders; an incremental
// sweep each), improved by a local search (add any class, drop a first or
// last one, keeping S convex and admissible), and, when those find nothing,
// from the exact pricing: the cut bound's search returns every admissible
// block it meets worth more than 1 (up to 80 a round), the MIP one. The
// restricted master is Clp with one artificial column of cost 2k + 1 per
// class; its value bounds the LP from above, so a master at or below k ends
// a probe (no proof at T, nor at any larger T).
// Complexity: per probe, rounds of (master LP + sweeps O(orders * n * (n + m))
// + local searches), then the cut pricing (windows once per threshold: per
// anchor a minimum cut per candidate class; then per anchor up to 500 search
// nodes of a few max flows on its window) and, when that settles nothing, a
// CBC MIP with 2 binaries per class; refused past 5,000 classes (bitsets of
// classes^2 / 8 bytes). On random-300-s1 at k = 16 the cut pricing settles
// in seconds probes the MIP alone does not settle in 400 s
// (docs/benchmarks.md#bench_cover). The MIP runs on CBC's threads (one per core, at most four, for
// models of at most 5,000 columns), so which admissible block it returns,
// and from there the path of the column generation, depends on their
// timing: the bound is valid on every path but not deterministic (it is,
// for a given incumbent, on one core and within the time limit; the sweeps,
// local searches and cut pricing are deterministic).
// Reference: Gilmore and Gomory (1961), column generation for cutting stock;
// Farley (1990), "A note on bounding a class of linear programming problems,
// including cutting stock problems", Operations Research 38(5).
// Example: a chain a -> b -> c, work 1 each, no communication, k = 2, T = 1.5:
// admissible blocks are {a}, {b}, {c}; each class needs weight 1, so
// z* = 3 > 2 and no partition has bottleneck <= 1.5 (the optimum is 2).

#include "core/bounds/bound_context.h"

#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace pipecut::bounds {

struct CoverProbe {
    double threshold = 0;
    // Proven lower bound on z*(threshold) (infinity: no exact cover exists).
    double lowerZ = 0;
    double masterValue = std::numeric_limits<double>::infinity(); // last restricted master value
    bool proven = false; // lowerZ > k: every partition costs more than threshold
    bool settled = false; // proven, or the master fell to k (no proof at this or any larger threshold)
    int columns = 0, rounds = 0, pricingMips = 0, cutPricings = 0;
};

class CoverSolver {
public:
    explicit CoverSolver(const BoundContext &ctx);
    ~CoverSolver();

    // Decides "z*(threshold) > k" within ctx's limits. Columns found are kept
    // for later probes (admissible at every larger threshold).
    CoverProbe probe(double threshold, const BoundContext &ctx);

    // The pricing alone, for a master LP kept elsewhere (device_cover.h):
    // blocks are worth adding when pi(S) > 1, and are returned as class lists.
    // New admissible blocks found by the sweeps and local searches.
    std::vector<std::vector<int32_t>> priceHeuristic(
        double threshold, const std::vector<double> &pi, int round, const BoundContext &ctx);
    // An upper bound on max pi(S) over admissible blocks (infinity: none
    // proven; -infinity: no admissible block), by the cut pricing and, when it
    // settles nothing and finds no block, CBC's pricing MIP with the cutoff
    // `target`; admissible blocks met are appended to *found.
    double priceExact(double threshold, const std::vector<double> &pi, double target, const BoundContext &ctx,
        std::vector<std::vector<int32_t>> *found);
    // The known blocks admissible at `threshold`.
    std::vector<std::vector<int32_t>> admissibleBlocks(double threshold) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Probes between ctx.known and ctx.upper (nothing without a finite upper bound).
BoundResult coverBound(const BoundContext &ctx);

// The probe schedule of coverBound: step up from ctx.known by an eighth of the
// gap to ctx.upper while `proves` succeeds, then bisect; the bound (provenBy
// `name`) is the largest threshold proven. Each probe gets a share of the time left.
BoundResult bisectThresholds(
    const BoundContext &ctx, const std::string &name, const std::function<bool(double, const BoundContext &)> &proves);

} // namespace pipecut::bounds
