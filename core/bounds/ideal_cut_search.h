#pragma once
// Exact cheapest cut of an ideal whose work lies in a range, over the few
// classes a work interval leaves free (docs/model.md §4.15). The minimum s-t
// cut of boundary_cut.h ignores the work range beyond the forcing, so it may
// be the cut of an ideal far above or below the range; when few classes are
// free (a few tens on the layered 10^4-node graphs) the ideals themselves can
// be searched.
//
// Instance: free classes 0..n-1 with their work and predecessors among the
// free classes; `blocked[c]` when c has a predecessor forced out of the ideal
// (c cannot join), `required[c]` when c has a successor forced into it (c
// cannot stay out); the work already in the ideal (`baseWork`); and the
// weighted tensors: a producer (a free class, or -1 when forced in), the free
// consumers (each has a free producer among its predecessors), whether a
// consumer is forced out, and the capacity. A tensor is paid when its
// producer is in the ideal and some consumer is not.
//
// Search: depth first over a topological order of the free classes, each
// joining (when all its free predecessors have) or staying out; a branch is
// cut when its work exceeds `high`, cannot reach `low` with all the classes
// left, or its paid tensors already reach the best complete value. Returns
// the minimum over ideals with baseWork + work in [low, high] (less a relative
// 1e-9 of all capacities against rounding), infinity when
// there is none, or a negative value when the search visits more than
// `maxVisits` nodes (no answer: the caller keeps its flow bound).
// Complexity: O(visits * degree). Deterministic.
// Example: free a -> b, work 1 each, base 0, range [1, 1], a's tensor of
// capacity 2 read by b: the only ideal is {a}, which pays 2 (the minimum cut
// without the range is 0, the empty ideal).

#include <cstdint>
#include <vector>

namespace pipecut::bounds {

struct IdealCutInstance {
    struct Tensor {
        int32_t producer = -1; // free class, or -1: forced into the ideal
        std::vector<int32_t> consumers; // free ones
        bool consumerForcedOut = false;
        double capacity = 0;
    };
    std::vector<double> work;
    std::vector<std::vector<int32_t>> pred; // free predecessors
    std::vector<uint8_t> blocked, required;
    double baseWork = 0;
    std::vector<Tensor> tensors;
};

double cheapestIdealCut(const IdealCutInstance &instance, double low, double high, int64_t maxVisits);

} // namespace pipecut::bounds
