#include "ui/jobs/cluster_job.h"

#include "core/cost/evaluate.h"
#include "core/io/profile_work.h"
#include "core/partition/partitioner.h"
#include "ui/document/commands.h"
#include "ui/jobs/job_runner.h"

#include <memory>

namespace pipecut::ui {

namespace {

// What the thread hands back: the evaluator, the re-split method (empty
// when the partition was kept) and the first limit the partition breaks.
struct Prepared {
    CostParams params; // with the devices' profile columns (core/io/profile_work.h)
    std::unique_ptr<IncrementalEvaluator> evaluator;
    QString resplit;
    QString violation;
};

Result<std::shared_ptr<Prepared>> prepare(const Graph &graph, const CostParams &given, const ClusterState &cluster,
    const CostOrigin &origin, Partition partition, const StopToken &stop)
{
    auto out = std::make_shared<Prepared>();
    if (cluster.cluster) { // re-costs ONNX and LLM graphs per device profile (seconds on a large model)
        auto recosted = applyProfileWork(given, *cluster.cluster, graph, origin, &stop);
        if (!recosted)
            return recosted.failure();
        out->params = std::move(recosted).value();
    } else {
        out->params = given;
    }
    const CostParams &params = out->params;
    const int k = params.hasDevices() ? static_cast<int>(params.devices.size()) : partition.k();
    if (k != partition.k()) {
        // balanced-work (instant) first; the slice DP over the same order
        // when its greedy cut breaks a memory limit or a group; auto, for a
        // few seconds, when no cut of that order fits.
        PartitionOptions options;
        options.k = k;
        std::string refused;
        for (const char *method : { "balanced-work", "slice", "auto" }) {
            options.method = method;
            options.timeLimit = options.method == "auto" ? 5.0 : 0.0;
            auto split = runPartitioner(graph, params, options, stop);
            if (split) {
                partition = std::move(split->partition);
                out->resplit = QString::fromLatin1(method);
                break;
            }
            if (split.errorKind() == ErrorKind::Stopped)
                return split.failure();
            refused += (refused.empty() ? "" : "; ") + split.error();
        }
        if (out->resplit.isEmpty())
            return makeError(ErrorKind::Infeasible, "no partition into " + std::to_string(k) + " stages: " + refused);
    }
    if (stop.stopRequested())
        return makeError(ErrorKind::Stopped, "stopped");
    const auto violations = checkFeasibility(graph, params, partition, 1);
    if (!violations.empty())
        out->violation = QString::fromStdString(violations.front().message);
    out->evaluator = std::make_unique<IncrementalEvaluator>(graph, params, std::move(partition));
    return out;
}

} // namespace

ClusterJob::ClusterJob(Document *document, JobRunner *jobs, QObject *parent)
    : QObject(parent)
    , m_document(document)
    , m_jobs(jobs)
{
}

bool ClusterJob::cancel()
{
    if (!m_running)
        return false;
    ++m_generation;
    m_running = false;
    if (m_stop)
        m_stop->requestStop();
    m_stop.reset();
    emit finished(false, false, tr("applying the cluster cancelled; the costs are unchanged"));
    return true;
}

void ClusterJob::start(
    const CostParams &params, const ClusterState &cluster, const QString &what, const CostOrigin &origin)
{
    if (!m_document->hasGraph())
        return;
    if (m_running)
        cancel();
    const uint64_t generation = ++m_generation;
    const auto graph = m_document->sharedGraph();
    const int kBefore = m_document->k();
    const Partition before = m_document->partition();
    m_running = true;
    emit started(what);
    m_stop = m_jobs->start<Result<std::shared_ptr<Prepared>>>(
        this,
        [graph, params, cluster, origin, partition = before](
            const StopToken &stop) { return prepare(*graph, params, cluster, origin, partition, stop); },
        [this, graph, cluster, what, generation, kBefore, before](Result<std::shared_ptr<Prepared>> prepared) {
            if (generation != m_generation)
                return; // cancelled, or a newer application replaced it
            m_running = false;
            m_stop.reset();
            if (graph != m_document->sharedGraph() || before != m_document->partition()) {
                emit finished(false, false, tr("the partition changed while the cluster was applied; nothing changed"));
                return;
            }
            if (!prepared) {
                emit finished(false, false, QString::fromStdString(prepared.error()));
                return;
            }
            Prepared &p = **prepared;
            const int k = p.evaluator->k();
            m_document->undoStack()->push(
                new SetCostingCommand(m_document, Costing { p.params, cluster, graph, std::move(p.evaluator) }, what));
            QString message = p.resplit.isEmpty()
                ? tr("%1 applied to the partition of %2 stages").arg(what).arg(k)
                : tr("%1 has %2 devices: k changed from %3 to %2 and the partition was re-split by %4 "
                     "(Run for a better one; Undo restores the %3-stage partition)")
                      .arg(what)
                      .arg(k)
                      .arg(kBefore)
                      .arg(p.resplit);
            if (!p.violation.isEmpty())
                message += tr("; the partition breaks a limit (%1): Run to find a valid one").arg(p.violation);
            emit finished(true, !p.resplit.isEmpty(), message);
        });
}

} // namespace pipecut::ui
