#include "ui/jobs/bound_job.h"

#include "core/bounds/bound.h"
#include "ui/document/document.h"
#include "ui/jobs/job_runner.h"

namespace pipecut::ui {

BoundJob::BoundJob(Document *document, JobRunner *jobs, std::function<double()> timeLimit, QObject *parent)
    : QObject(parent)
    , m_document(document)
    , m_jobs(jobs)
    , m_timeLimit(std::move(timeLimit))
{
}

void BoundJob::stop()
{
    if (m_stop)
        m_stop->requestStop();
}

void BoundJob::recompute()
{
    stop();
    m_running = false;
    m_document->forgetBound(); // with the (possibly raised) time limit
    request();
}

void BoundJob::cancel()
{
    if (m_stop && m_running) {
        m_cancelled = true; // keep what it proved, do not start it again
        m_stop->requestStop();
    }
}

void BoundJob::request()
{
    if (!m_document->hasGraph() || m_document->bound())
        return;
    const int k = m_document->k();
    const CostParams params = m_document->params();
    const QString key = Document::boundKey(k, params);
    if (m_running && m_keyRunning == key)
        return;
    stop();
    const auto graph = m_document->sharedGraph();
    BoundOptions options;
    options.k = k;
    options.method = "best";
    options.timeLimit = m_timeLimit();
    options.incumbent = m_document->partition();
    m_running = true;
    m_cancelled = false;
    m_keyRunning = key;
    m_document->setBoundRunning(true);
    const int generation = ++m_generation;
    m_stop = m_jobs->start<Result<BoundResult>>(
        this, [graph, params, options](const StopToken &stop) { return runBound(*graph, params, options, stop); },
        [this, graph, k, params, generation](Result<BoundResult> result) {
            if (graph != m_document->sharedGraph())
                return;
            // A bound replaced by a newer request still proved something for
            // its own key; only the current one speaks for the window.
            const bool current = generation == m_generation;
            if (current) {
                m_running = false;
                m_document->setBoundRunning(false);
            }
            if (!result.ok()) {
                if (current)
                    emit failed(tr("lower bound: %1").arg(QString::fromStdString(result.error())));
            } else if (result->infeasible) {
                if (current)
                    emit infeasible(QString::fromStdString(result->reason));
            } else {
                m_document->setBound(
                    k, params, result->lowerBound, QString::fromStdString(result->provenBy), result->seconds);
            }
            if (!current)
                return;
            emit finished();
            if (!m_cancelled)
                request(); // k may have changed meanwhile
        });
}

} // namespace pipecut::ui
