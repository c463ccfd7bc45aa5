#pragma once
// Light-stage chain bound (docs/model.md §4.15): the chain bound (chain_cut.h)
// for thresholds where a stage may hold little work. The chain bound needs
// every stage to hold at least m = W - (k - 1) T of work, so it proves
// nothing at or above W / (k - 1), and near it m is small and few tensors
// count. Here a stage is *light* when its work is below
//     μ_L = (W - (k - 1 - L) T) / (L + 1),
// and a partition with bottleneck <= T has at most L light stages (L + 1 of
// them would leave more than (k - 1 - L) T to the other k - 1 - L). A tensor
// whose free work F(u) (boundary_cut.h) is below μ_L has no heavy stage
// strictly between its producer's and its last consumer's stage, so a heavy
// stage S_j sends every such tensor leaving I_j and receives every such
// tensor leaving I_{j-1}: with κ as in chain_cut.h over these tensors,
//     f(S_j) >= work(S_j) + κ(I_{j-1}) + κ(I_j)      (S_j heavy),
//     work(S_j) < μ_L                                (S_j light).
// κ_i bounds κ(I) over the ideals with work in J_i (8,192 intervals): the
// minimum cut of chain_cut.h, or the exact minimum over those ideals when at
// most 256 classes are free and a search of 5,000 nodes settles it
// (ideal_cut_search.h); computed on every core, once per set of counted
// tensors. When a chain fits, the intervals it passes through whose search
// ran out are searched again with ten times the visits (up to 5,000,000) and
// the chain recomputed, until none fits (T refuted) or the chain found uses
// settled intervals only: a sparse DAG's flow cut often lies outside J_i,
// and only the search sees the range. R_{j,l}[i] is the largest w_j
// in J_i and in window j reachable with l light stages among 1..j; only
// G_{j,l} = max_i (R_{j,l}[i] - κ_i) (before a heavy stage) and
// H_{j,l} = max_i R_{j,l}[i] (before a light one) matter to the next
// boundary, so a probe is O(k L N) after the N maximum flows. T is refuted
// when, for some L with μ_L > 0, no chain reaches the last stage. L = 0 is
// chain_cut.h's test; L = 1 and 2 reach past W / (k - 1), up to W / (k - 3).
// Each refuted T proves OPT > T on its own; the bound is the largest found
// by bisection from `proven` to the incumbent.
// Example: a chain a -> b -> c -> d -> e -> f, work 1 each, out 1, B = 1,
// k = 3: at T = 3.9 > W / 2 the chain bound proves nothing; here μ_1 = 1.05,
// so a light stage holds at most one class, and wherever it sits the heavy
// stages pay a cut of 1 on each inner side and cannot hold the other five
// classes: refuted, and the bound reaches 4, the optimum.

#include "core/bounds/boundary_cut.h"

namespace pipecut::bounds {

// Visits of the exact interval search: every interval starts with
// `firstVisits`; one on a chain that fits but whose search ran out is
// searched again with ten times its budget, up to `maxVisits`.
struct LightChainSearch {
    int64_t firstVisits = 5'000;
    int64_t maxVisits = 5'000'000;
};

// The largest threshold refuted as above, at least `proven` (returned when
// nothing more is refuted or ctx stops).
double lightChainBound(const BoundaryCut &cut, const BoundContext &ctx, double proven, LightChainSearch budget = {});

} // namespace pipecut::bounds
