#include "ui/panels/partition_state.h"

#include "core/cost/estimates.h"
#include "core/cost/evaluate.h"
#include "ui/document/document.h"
#include "ui/format.h"

#include <QObject>

#include <algorithm>
#include <cmath>

namespace pipecut::ui {

namespace {

// The fewest slices of the graph's topological order holding at most `limit`
// parameters each, cut greedily (optimal for slices of one order); the
// partition in `out`. -1 when one node alone holds more.
int greedySlices(const Graph &graph, double limit, std::vector<int32_t> *out)
{
    std::vector<int32_t> stage(size_t(graph.nodeCount()), 0);
    int slices = 1;
    double held = 0.0;
    for (NodeId v : graph.topologicalOrder()) {
        const double p = graph.param(v);
        if (p > limit * (1 + 1e-12))
            return -1;
        if (held + p > limit * (1 + 1e-12)) {
            ++slices;
            held = 0.0;
        }
        held += p;
        stage[size_t(index(v))] = slices - 1;
    }
    if (out)
        *out = std::move(stage);
    return slices;
}

bool valid(const Graph &graph, CostParams params, double limit, std::vector<int32_t> stages, int k)
{
    params.memoryLimit = limit;
    return checkFeasibility(graph, params, Partition(std::move(stages), k), 1).empty();
}

} // namespace

QString fitHint(const Graph &graph, const CostParams &params, int k, const QString &paramUnit)
{
    if (!params.memoryLimit || graph.nodeCount() == 0)
        return {};
    const double limit = *params.memoryLimit;
    double total = 0.0, largest = 0.0;
    NodeId heaviest = nodeId(0);
    for (int32_t v = 0; v < graph.nodeCount(); ++v) {
        total += graph.param(nodeId(v));
        if (graph.param(nodeId(v)) > largest) {
            largest = graph.param(nodeId(v));
            heaviest = nodeId(v);
        }
    }
    QStringList parts;
    std::vector<int32_t> stages;
    const int fewest = greedySlices(graph, limit, &stages);
    if (fewest < 0)
        parts << QObject::tr("node %1 alone holds %2, over the limit: no k fits")
                     .arg(QString::fromStdString(graph.id(heaviest)), formatSize(largest, paramUnit));
    else if (valid(graph, params, limit, stages, fewest))
        parts << QObject::tr("fits into %1 stages (k = %1)").arg(fewest);
    else
        parts << QObject::tr("needs at least %1 stages").arg(int(std::ceil(total / limit - 1e-9)));
    // The memory limit for k stages: the smallest limit whose greedy cut gives
    // at most k slices (bisection between the lower bounds and the total).
    double lo = std::max(largest, total / std::max(1, k)), hi = std::max(total, lo);
    for (int i = 0; i < 60 && hi - lo > 1e-9 * hi; ++i) {
        const double mid = (lo + hi) / 2;
        if (greedySlices(graph, mid, nullptr) <= k)
            hi = mid;
        else
            lo = mid;
    }
    const int slices = greedySlices(graph, hi, &stages);
    if (slices > 0 && slices <= k && valid(graph, params, hi, stages, k))
        parts << QObject::tr("or a memory limit of %1 for k = %2").arg(formatSize(hi, paramUnit)).arg(k);
    else
        parts << QObject::tr("or a memory limit of at least %1 for k = %2")
                     .arg(formatSize(std::max(largest, total / std::max(1, k)), paramUnit))
                     .arg(k);
    return parts.join(QStringLiteral(" "));
}

PartitionState partitionState(const Document &document)
{
    PartitionState state;
    if (!document.hasGraph())
        return state;
    const auto violations = checkFeasibility(document.graph(), document.params(), document.partition(), 1);
    if (!violations.empty()) {
        state.kind = PartitionState::Kind::Infeasible;
        state.text = QObject::tr("infeasible: %1").arg(QString::fromStdString(violations.front().message));
        const QString hint = violations.front().kind == Violation::Kind::OverMemory
            ? fitHint(document.graph(), document.params(), document.k(), document.paramUnit())
            : QString();
        if (!hint.isEmpty())
            state.text += QStringLiteral("; ") + hint;
        return state;
    }
    if (document.provenOptimal()) {
        state.kind = PartitionState::Kind::Optimal;
        state.text = QString::fromStdString(optimalWording(estimateShare(document.graph())));
    } else if (document.bound()) {
        state.kind = PartitionState::Kind::Feasible;
        state.text = QObject::tr("feasible; not proven optimal");
    } else {
        state.kind = PartitionState::Kind::NoBound;
        state.text = QObject::tr("feasible; no bound yet");
    }
    return state;
}

} // namespace pipecut::ui
