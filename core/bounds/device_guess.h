#pragma once
// Device-aware position guess (docs/model.md §4.12): §4.6 on a cluster, with
// stage b on device b. For a position b: minimise T such that a block
// S = I' \ I costs f_b(S) <= T on device b, the prefix I satisfies
//     work(I) + min_{j<b}(s_j / B_out_j) writes(I) [+ min s_j overflow] <= (s_1 + ... + s_{b-1}) T
// and the suffix V \ I' likewise with reads, B_in and the speeds after b
// (block_model.h, spanCostOn). Stage j costs f_j(S_j) <= T, so s_j T >=
// work(S_j) + s_j out(S_j) / B_out_j [+ s_j ov_j]; summed over the stages
// before b, whose union is I and which write every tensor leaving I at least
// once, this is the prefix row; so stage b of an optimal partition satisfies
// position b's rows with T = OPT, and the maximum over b of the minima is a
// lower bound. With identical devices of speed 1 it is §4.6.
// Complexity: one CBC solve per position, as guess.h. Used by "best" (and the
// "guess" method) when the cluster has two or more classes of devices.
// Example: a -> b, work 4 each, a tensor of size 4, B = 1, devices of speed
// 1 then 0.5: at position 2, S empty leaves the prefix all the work (8 <= T),
// S = {b} costs 12 on the slow device, so T >= 8, the optimum, where the
// combinatorial bound is 8 / 1.5 = 5.33.

#include "core/bounds/bound_context.h"

namespace pipecut::bounds {

BoundResult deviceGuessBound(const BoundContext &ctx);

} // namespace pipecut::bounds
