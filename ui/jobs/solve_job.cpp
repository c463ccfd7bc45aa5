#include "ui/jobs/solve_job.h"

#include "ui/document/document.h"
#include "ui/format.h"
#include "ui/jobs/job_runner.h"

#include <QPointer>

#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>

namespace pipecut::ui {

Result<PartitionOptions> solveOptions(
    int k, const QString &method, double timeLimit, uint64_t seed, const QString &budget)
{
    PartitionOptions options;
    options.k = k;
    options.method = method.toStdString();
    options.timeLimit = timeLimit;
    options.seed = seed;
    if (!budget.isEmpty()) {
        auto parsed = parseBudget(budget.toStdString());
        if (!parsed.ok())
            return parsed.failure();
        options.population = parsed->first;
        options.generations = parsed->second;
    }
    return options;
}

QString solveSummary(const PartitionResult &r, const QString &timeUnit, bool firstPartition, double before,
    bool cancelled, const QString &optimalWording)
{
    QString message = QObject::tr("%1: T = %2 in %3 s%4")
                          .arg(QString::fromStdString(r.method), formatCost(r.bottleneck, timeUnit))
                          .arg(r.seconds, 0, 'f', 2)
                          .arg(r.optimal ? QStringLiteral(", ")
                                      + (optimalWording.isEmpty() ? QObject::tr("proven optimal") : optimalWording)
                                         : QString());
    if (!firstPartition)
        message += QObject::tr(" (was %1)").arg(formatCost(before));
    if (cancelled)
        message += QObject::tr(" \u2014 stopped early");
    for (const std::string &note : r.notes)
        message += QStringLiteral("; ") + QString::fromStdString(note);
    return message;
}

SolveJob::SolveJob(Document *document, JobRunner *jobs, QObject *parent)
    : QObject(parent)
    , m_document(document)
    , m_jobs(jobs)
{
}

bool SolveJob::cancel()
{
    if (!m_stop || !m_running)
        return false;
    m_stop->requestStop();
    return true;
}

void SolveJob::stop()
{
    if (m_stop)
        m_stop->requestStop();
}

void SolveJob::report(const Progress &p)
{
    if (!m_running)
        return;
    QString text = QString::fromStdString(p.stage);
    if (std::isfinite(p.incumbent)) {
        text += tr(" T=%1").arg(formatCost(p.incumbent));
        if (p.incumbent < m_lastIncumbent - 1e-12) {
            m_lastIncumbent = p.incumbent;
            const BoundInfo *b = m_document->bound();
            m_trail.push_back({ p.incumbent, std::max(p.bound, b ? b->lowerBound : 0.0), tr("solver incumbent") });
        }
    }
    emit progressed(p.fraction, text);
}

ProgressFn SolveJob::throttledProgress()
{
    // Progress comes from solver threads: keep the latest report, post at most ~10 per second.
    struct Throttle {
        std::mutex mutex;
        std::chrono::steady_clock::time_point last {};
    };
    auto throttle = std::make_shared<Throttle>();
    QPointer<SolveJob> self(this);
    return [self, throttle](const Progress &p) {
        {
            std::lock_guard lock(throttle->mutex);
            const auto now = std::chrono::steady_clock::now();
            if (now - throttle->last < std::chrono::milliseconds(100))
                return;
            throttle->last = now;
        }
        QMetaObject::invokeMethod(
            self.data(),
            [self, p] {
                if (self)
                    self->report(p);
            },
            Qt::QueuedConnection);
    };
}

bool SolveJob::start(const PartitionOptions &options, bool firstPartition)
{
    if (m_running || !m_document->hasGraph())
        return false;
    const auto graph = m_document->sharedGraph();
    const SolveRun run { options.k, m_document->params(), firstPartition };
    m_running = true;
    m_lastIncumbent = std::numeric_limits<double>::infinity();
    m_trail.clear();
    m_stop = m_jobs->start<Result<PartitionResult>>(
        this,
        [graph, params = run.params, options, progress = throttledProgress()](
            const StopToken &stop) { return runPartitioner(*graph, params, options, stop, progress); },
        [this, graph, run](Result<PartitionResult> result) {
            m_running = false;
            emit stopped();
            if (graph != m_document->sharedGraph())
                return;
            const bool cancelled = m_stop && m_stop->stopRequested();
            if (!result.ok())
                emit failed(QString::fromStdString(result.error()), cancelled);
            else {
                SolveRun done = run;
                done.trail = std::move(m_trail);
                emit succeeded(*result, done, cancelled);
            }
        });
    return true;
}

} // namespace pipecut::ui
