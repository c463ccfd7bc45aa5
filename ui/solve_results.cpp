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

void SolveResults::record(const std::vector<HistoryPoint> &trail, const QString &what)
{
    for (const HistoryPoint &point : trail)
        m_document->addHistory(point.bottleneck, point.lowerBound, point.what);
    m_document->recordPoint(what);
}

void SolveResults::adopt(const PartitionResult &r, const SolveRun &run, bool cancelled)
{
    const double before = m_document->bottleneck();
    const QString method = QString::fromStdString(r.method);
    const QString summary = solveSummary(r, m_document->timeUnit(), run.firstPartition, before, cancelled,
        QString::fromStdString(optimalWording(estimateShare(m_document->graph()))));
    const QString what = tr("%1 (k=%2)").arg(method).arg(run.k);
    if (run.firstPartition) {
        m_document->applyPartition(r.partition);
        record(run.trail, what);
        emit noted(summary);
        emit applied();
    } else if (m_panel->compareFirst() || cancelled) {
        QString html = comparisonHtml(*m_document, r.partition, method);
        if (cancelled)
            html = tr("<p><b>Stopped early:</b> the best partition found so far.</p>") + html;
        m_panel->showComparison(html);
        m_pending = Pending { r.partition, method, summary, run.trail };
        emit noted(tr("%1 %2: its result waits in the Solve panel (Apply or Discard)")
                       .arg(method, cancelled ? tr("stopped") : tr("finished")));
    } else {
        m_document->undoStack()->push(new SetPartitionCommand(m_document, r.partition, tr("apply %1").arg(what)));
        record(run.trail, what);
        emit noted(summary);
        emit applied();
    }
    if (r.optimal)
        m_document->setBound(run.k, run.params, r.bottleneck, method, r.seconds);
    else if (r.lowerBound > 0)
        m_document->setBound(run.k, run.params, r.lowerBound, method, r.seconds);
}

void SolveResults::applyPending()
{
    if (!m_pending)
        return;
    const Pending pending = std::move(*m_pending);
    dropPending();
    const QString what = tr("%1 (k=%2)").arg(pending.method).arg(pending.partition.k());
    m_document->undoStack()->push(new SetPartitionCommand(m_document, pending.partition, tr("apply %1").arg(what)));
    record(pending.trail, what);
    emit noted(pending.summary);
    emit applied();
}

void SolveResults::discardPending()
{
    if (!m_pending)
        return;
    dropPending();
    emit noted(tr("result discarded; the partition is unchanged"));
}

void SolveResults::dropPending()
{
    m_pending.reset();
    m_panel->showComparison(QString());
}

} // namespace pipecut::ui
