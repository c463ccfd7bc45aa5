#pragma once
// Bottleneck relaxation (docs/model.md §4.5): the heaviest-work stage of any partition is
// a block S = I' \ I between nested ideals with work(S) >= W / k (and it fits
// the memory limit), so T >= min { f(S) : such a block }. One MIP with two
// binaries per class. Complexity: one CBC solve. Deterministic (CBC
// single-threaded) unless the time limit cuts it.
// With a cluster of two or more device classes (one work per node): some
// stage j holds work >= s_j W / (s_1 + ... + s_k), so T >= the minimum over
// the device classes d of min { f_d(S) : work(S) >= s_d W / Σ s, S fits M_d },
// one MIP per class (docs/model.md §4.12); any other cluster runs on the
// relaxation of §4.12.
// Reference: docs/model.md §4.5. Example: the graph of §1.5, k = 2 (W / k = 5): the cheapest
// block with work >= 5 is {a, b} or {c, d} at cost 8, the optimum.

#include "core/bounds/bound_context.h"

namespace pipecut::bounds {

BoundResult bottleneckBound(const BoundContext &ctx);

} // namespace pipecut::bounds
