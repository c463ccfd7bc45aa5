#pragma once
// Chain bound (docs/model.md §4.14): the boundary-cut bound (boundary_cut.h)
// charges every boundary the cheapest cut anywhere in its window and only
// compares the sum with k T; on long, narrow graphs the cheap cuts lie at a
// few work levels, and a partition cannot put every boundary at one. This
// bound keeps the order of the stages. At threshold T a tensor that crosses at
// most one boundary of any partition with bottleneck <= T (boundary_cut.h step
// 3 with r(u) = 1) is sent by the stage before that boundary and received by
// the stage after it, so with κ(I) the size over B of such tensors leaving I,
//     f(S_j) >= work(I_j) - work(I_{j-1}) + κ(I_{j-1}) + κ(I_j).
// The work axis [0, W] is cut into intervals J_i; κ_i, a lower bound on κ of
// every ideal with work in J_i, is the minimum cut with the forcing of
// boundary_cut.h for that work range (infinite when no ideal has such work).
// A partition with bottleneck <= T then gives intervals i_1 .. i_{k-1} and
// works w_j in J_{i_j} and in window j with w_j - w_{j-1} + κ_{i_{j-1}} +
// κ_{i_j} <= T for every stage (w_0 = 0, w_k = W, κ = 0 at both ends). For a
// fixed interval the largest w_j is best for the stages after it, so
//     G_j = max over i of ( min(b_i, j T, G_{j-1} + T - κ_i) - κ_i ),
// over the i where that minimum is at least max(a_i, W - (k - j) T), with
// G_0 = 0, decides it: none exists when some G_j is empty or G_{k-1} < W - T.
// The test is monotone in T (weights fall, windows widen), so the bound is
// the largest T refuted, by bisection between `proven` and the incumbent.
// Complexity per probe: one maximum flow per interval (kIntervals of them) on
// the classes free in that work range, each after a pass over all classes,
// plus O(k * kIntervals); graphs of more than 50,000 classes are skipped.
// Example: a chain a -> b -> c -> d, work 1 each, out 1, B = 1, k = 2: at
// T = 2.9 the windows force the ideal {a, b} (work 2, κ = 1), and the first
// stage costs 2 + 1 = 3 > 2.9, refuted: the bound reaches 3, the optimum.

#include "core/bounds/boundary_cut.h"

#include <functional>

namespace pipecut::bounds {

// The largest threshold refuted as above, at least `proven` (returned when
// nothing more is refuted or ctx stops).
double chainCutBound(const BoundaryCut &cut, const BoundContext &ctx, double proven);

// The bisection both chain bounds use: the largest t in (proven, hi] with
// refutes(t) found by halving (relative precision 1e-5 of hi), starting just
// above `proven`; each refuted t is reported. Returns `proven` when the first
// probe fails or ctx stops.
double largestRefuted(const BoundContext &ctx, double proven, double hi, const std::function<bool(double)> &refutes);

} // namespace pipecut::bounds
