#include "ui/solve_results.h"

#include "core/cost/estimates.h"

#include "ui/document/commands.h"
#include "ui/document/document.h"
#include "ui/jobs/solve_job.h"
#include "ui/panels/inspector.h"
#include "ui/panels/solve_panel.h"

namespace pipecut::ui {

SolveResults::SolveResults(Document *document, SolvePanel *panel, QObject *parent)
    : QObject(parent)
    , m_document(document)
    , m_panel(panel)
{
}

void SolveResults::adopt(const PartitionResult &r, const SolveRun &run, bool cancelled)
{
    const double before = m_document->bottleneck();
    const bool better = r.partition.k() != m_document->k() || r.bottleneck < before - 1e-12;
    const QString method = QString::fromStdString(r.method);
    if (run.firstPartition) {
        m_document->applyPartition(r.partition);
        m_document->recordPoint(tr("%1 (k=%2)").arg(method).arg(run.k));
    } else if (m_panel->compareFirst()) {
        m_panel->showComparison(comparisonHtml(*m_document, r.partition, method));
        m_pending = Pending { r.partition, method };
    } else if (!cancelled || better) {
        m_document->undoStack()->push(
            new SetPartitionCommand(m_document, r.partition, tr("apply %1 (k=%2)").arg(method).arg(run.k)));
    }
    if (r.optimal)
        m_document->setBound(run.k, run.params, r.bottleneck, method, r.seconds);
    else if (r.lowerBound > 0)
        m_document->setBound(run.k, run.params, r.lowerBound, method, r.seconds);
    emit noted(solveSummary(r, m_document->timeUnit(), run.firstPartition, before, cancelled,
        QString::fromStdString(optimalWording(estimateShare(m_document->graph())))));
}

void SolveResults::applyPending()
{
    if (!m_pending)
        return;
    const Pending pending = std::move(*m_pending);
    discardPending();
    m_document->undoStack()->push(new SetPartitionCommand(
        m_document, pending.partition, tr("apply %1 (k=%2)").arg(pending.method).arg(pending.partition.k())));
    emit applied();
}

void SolveResults::discardPending()
{
    m_pending.reset();
    m_panel->showComparison(QString());
}

} // namespace pipecut::ui
