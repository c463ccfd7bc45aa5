#pragma once
// Device chain bound (docs/model.md §4.12): a DP over the stage positions of a
// cluster, stage j on device j, on a relaxed chain of work levels. It needs no
// solver and charges each stage the tensors it must send or receive.
//
// On the relaxation of §4.12 (work divided by the fastest speed s_max, one
// bandwidth B, the largest; r_j = s_j / s_max) take a partition with
// boundaries I_0 = ∅ ⊆ I_1 ⊆ ... ⊆ I_k = V and X_j the tensors crossing I_j
// (produced in I_j, consumed outside). A tensor of X_{j-1} that is not in X_j
// has every consumer in I_j and one outside I_{j-1}: stage j receives it. A
// tensor of X_j not in X_{j-1} is produced in stage j, which sends it. So
//     f_j(S_j) >= work(S_j) / r_j + (|X_{j-1} \ X_j| + |X_j \ X_{j-1}|) / B.
// A tensor in both passes over stage j, which then holds no ancestor of its
// producer and no descendant of a consumer outside I_j: work(S_j) <= free(u)
// (boundary_cut.h). So with g <= work(S_j), each difference is at least the
// size of the tensors of X_{j-1} (resp. X_j) with free(u) < g, and that is at
// least κ_i(g), the minimum cut of boundary_cut.h over the ideals whose work
// lies in I_{j-1}'s (resp. I_j's) work interval J_i, counting only those
// tensors. κ_i(g) does not depend on T: it is tabulated once for the
// intervals and a few levels of g (rounded down).
// At threshold T, with w_j = work(I_j) in J_{i_j} and in the window
// [W - (r_{j+1} + ... + r_k) T, (r_1 + ... + r_j) T], every stage satisfies
//     w_j - w_{j-1} <= r_j (T - κ_{i_{j-1}}(g) - κ_{i_j}(g)),  g = a_{i_j} - b_{i_{j-1}},
// and for fixed intervals the largest w_j is best for the later stages, so a
// DP over (stage, interval) keeping the largest feasible w_j decides whether
// such a sequence exists; none proves OPT > T. Monotone in T, so the bound is
// the largest T refuted, by bisection. Empty stages are allowed (g <= 0 then
// counts no tensor).
// Complexity: intervals (1,024, fewer on larger graphs) x levels (at most 13)
// maximum flows once (graphs of more than 50,000 classes are skipped), then
// O(k intervals^2) per probe.
// Example: a chain a -> b -> c, work 4 each, tensors of a and b of size 3,
// B = 1, devices of speed 1, 1, 0.5: the slow stage holding c costs 8 + 3
// (it receives b's tensor), and so does any split over the fast devices
// ({a, b} | {c} costs 8 + 3); one stage costs 12: OPT = 11. The bound proves
// 10.98 (the work intervals are 12 / 1,024 wide), where the combinatorial
// bound is 12 / 2.5 = 4.8.

#include "core/bounds/bound_context.h"

namespace pipecut::bounds {

// Needs a cluster (ctx.cluster) in the file's device order; 0 otherwise.
BoundResult deviceChainBound(const BoundContext &ctx);

} // namespace pipecut::bounds
