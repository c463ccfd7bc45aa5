#pragma once
// Device-indexed cover bound (docs/model.md §4.12): the cover bound of
// cover.h for a cluster of unequal devices (§1.7).
//
// Group the k devices into classes d of identical devices (speed, memory and
// links), m_d devices each. Fix a threshold T and call a block S admissible
// for class d when f_d(S) <= T and S fits M_d, where f_d is a relaxed cost:
// work(S) / s_d + (in(S) + outw(S)) / max(B_in_d, B_out_d) [+ overflow], at
// most the exact cost of S on any device of class d. A partition with
// bottleneck <= T uses, per class d, at most m_d stages, each a block
// admissible for d, and its stages cover every class once.
// Proof at T, for any duals pi >= 0 on the classes: if
// delta_d >= max { pi(S) : S admissible for d } per device class and
//     sum(pi) > sum_d m_d max(0, delta_d),
// no partition has bottleneck <= T (the stages of one would give
// sum(pi) = sum over stages of pi(S_j) <= sum_d m_d max(0, delta_d)).
// The duals come from the restricted master LP
//     min t  s.t.  sum_{(S,d) : S holds c} y_{S,d} >= 1 per class c,
//                  sum_S y_{S,d} <= m_d t per device class d,  y >= 0,
// (mu_d the duals of the second rows); columns of class d are priced by a
// CoverSolver on class d's instance (the graph's work divided by s_d) with the
// duals pi / mu_d, so that a block is worth adding when pi(S) > mu_d, and
// delta_d is its exact pricing (the anchored cut bound, else CBC's bound).
// With one device class this is the cover bound of cover.h (t = z* / k); a
// homogeneous cluster runs that one instead (bound.cpp), so that its numbers
// are exactly those without devices.
// Complexity: a CoverSolver per device class (refused past 5,000 classes);
// per round a master LP with sum of columns over the classes.
// Example: chain a -> b -> c -> d, work 1 each, no tensors, k = 2 devices of
// speed 1 and 0.5, T < 3: a fast block holds at most 2 nodes, a slow one 1, so
// with pi = 1 per node delta = (2, 1) and 4 > 2 + 1: OPT >= 3 (it is 3:
// {a, b, c} | {d}), where W / (s_1 + s_2) = 2.67.

#include "core/bounds/bound_context.h"

namespace pipecut::bounds {

// The number of classes of identical devices (0 without devices).
int deviceClassCount(const CostParams &params);

// Probes between ctx.known and ctx.upper (nothing without a finite upper
// bound, with fewer than two device classes, or past 5,000 classes).
BoundResult deviceCoverBound(const BoundContext &ctx);

} // namespace pipecut::bounds
