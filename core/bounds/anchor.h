#pragma once
// Anchor relaxation (docs/model.md §4.4): every node v lies in some stage, and every stage
// is a block S = I' \ I between nested ideals, so
//     T >= max over v of  min { f(S) : v in S, S a block fitting the memory limit }.
// Each inner problem is a MIP with 2 binaries per class (x: in I', y: in I).
// Anchors are taken in decreasing order of the cheapest block known to hold
// them (at first the class itself; every block a solve finds lowers the value
// of all its members), and the run stops once that value is <= the best bound:
// those anchors cannot raise it, so nothing is lost. A solve stops as soon as
// it finds a block no dearer than the best bound, for the same reason.
// Independent of k: computed once per graph and cost parameters (cached by
// runBound). Complexity: one CBC solve per anchor that can still raise the
// bound; in practice a few dozen per graph.
// Deterministic (CBC single-threaded) unless the time limit cuts it.
// With a cluster of two or more device classes (BoundContext::cluster, one
// work per node) the inner minimum is also taken over the devices: f_j(S) on
// device j, S fitting M_j, one model per device class no other dominates
// (docs/model.md §4.12); any other cluster runs on the relaxation of §4.12.
// Reference: docs/model.md §4.4; Archer et al., arXiv 2311.03703 (MIP lower bounds).
// Example: a(1, out 10) -> b(1): {a} writes 10 and {b} reads 10, but {a, b}
// costs 2, so the anchor bound is 2 although both singletons cost 11.

#include "core/bounds/bound_context.h"

#include <utility>
#include <vector>

namespace pipecut::bounds {

struct AnchorOutcome {
    BoundResult result;
    bool complete = false; // every anchor that could raise the bound was settled
    // (proven lower bound on the cheapest block holding the class, class), per
    // solved anchor, strongest first.
    std::vector<std::pair<double, int32_t>> anchors;
};

AnchorOutcome anchorBound(const BoundContext &ctx);

} // namespace pipecut::bounds
