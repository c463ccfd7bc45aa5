#pragma once
// Bottleneck relaxation (docs/model.md §4.5): the heaviest-work stage of any partition is
// a block S = I' \ I between nested ideals with work(S) >= W / k (and it fits
// the memory limit), so T >= min { f(S) : such a block }. One MIP with two
// binaries per class. Complexity: one CBC solve. Deterministic (CBC
// single-threaded) unless the time limit cuts it.
// Reference: docs/model.md §4.5. Example: the graph of §1.5, k = 2 (W / k = 5): the cheapest
// block with work >= 5 is {a, b} or {c, d} at cost 8, the optimum.

#include "core/bounds/bound_context.h"

namespace pipecut::bounds {

BoundResult bottleneckBound(const BoundContext &ctx);

} // namespace pipecut::bounds
