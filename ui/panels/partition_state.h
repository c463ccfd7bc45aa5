#pragma once
// What the window says about the current partition, in one place so that the
// metrics panel and the status bar always say the same: proven optimal (for
// these costs), feasible with or without a bound, or infeasible with the
// reason and what would fit (the fewest stages, or the memory limit needed).

#include "core/cost/cost_params.h"
#include "core/graph/graph.h"

#include <QString>

namespace pipecut::ui {

class Document;

struct PartitionState {
    enum class Kind { Infeasible, NoBound, Feasible, Optimal };
    Kind kind = Kind::NoBound;
    QString text; // e.g. "infeasible: stage 1 holds ...; fits into 9 stages"
};

PartitionState partitionState(const Document &document);

// What would fit when the memory limit rules out every partition into k
// stages: the fewest stages of a valid partition cut along a topological
// order, and the memory limit at which one into k stages exists. Both are
// checked partitions (or say "at least" when only a bound is known).
QString fitHint(const Graph &graph, const CostParams &params, int k, const QString &paramUnit);

} // namespace pipecut::ui
