#pragma once
// Combinatorial lower bound (docs/model.md §4.1): T >= max(W / k, heaviest class), where a
// class is a node or a group closed under paths between its members (they
// must share a stage). With the overflow term, W gains max(0, P - kF) / B_s
// and a class its own overflow, since sum_b max(0, p_b - F) >= max(0, P - kF).
// Complexity O(n + m) given the classes. Deterministic.
// Reference: Archer et al., arXiv 2311.03703, section 3 (the "standard" bound).
// Example: the graph of docs/model.md §1.5 (work 2, 3, 4, 1), k = 2: max(10 / 2, 4) = 5.

#include "core/bounds/bound_context.h"

namespace pipecut::bounds {

BoundResult combinatorialBound(const BoundContext &ctx);

} // namespace pipecut::bounds
