#pragma once
// Position-guess relaxation (docs/model.md §4.6). For a position b in 1..k: minimise T
// such that a block S = I' \ I costs <= T, the prefix I fits in (b - 1) T (its
// work plus one write per tensor leaving it; param <= (b - 1) M) and the
// suffix V \ I' fits in (k - b) T (its work plus one read per tensor entering
// it). Stage b of an optimal partition is such a block, so each position's
// minimum is a lower bound and the bound is their maximum. For k <= 3 some
// position is exact (k = 2, b = 1: stage 1 and the suffix are the two stages).
// Anchored variant: for a class a, min over b of the problem with a in S is
// also a bound (a sits in some stage); it combines both relaxations.
// Positions that cannot raise the best bound are skipped in effect: T's lower
// bound is the best bound, and a solve stops as soon as it meets it (and an
// anchor is dropped as soon as one of its positions does).
// Complexity: one CBC solve per position (per anchor). Deterministic unless
// the time limit cuts it. Reference: docs/model.md §4.6.
// Example: the graph of docs/model.md §1.5, k = 2, b = 1: stage 1 = I', suffix cost = work +
// reads; the minimum is 8, the optimum.

#include "core/bounds/bound_context.h"

#include <vector>

namespace pipecut::bounds {

BoundResult guessBound(const BoundContext &ctx);

// Anchored position guesses for the given classes (strongest candidates
// first); returns the best bound proven (at least ctx.known).
BoundResult anchoredGuessBound(const BoundContext &ctx, const std::vector<int32_t> &anchors);

} // namespace pipecut::bounds
