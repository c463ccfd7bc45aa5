#pragma once
// Partitioning the document's graph off the GUI thread (runPartitioner), with
// its progress posted to the GUI thread at most ten times a second and every
// better incumbent kept with the run (its trail), for the document's history
// once the result is applied.

#include "core/cost/cost_params.h"
#include "core/partition/partitioner.h"
#include "core/util/progress.h"
#include "core/util/result.h"
#include "ui/document/document.h"

#include <QObject>
#include <QString>

#include <optional>
#include <vector>

namespace pipecut::ui {

class Document;
class JobRunner;

// What a run was asked, handed back with its result.
struct SolveRun {
    int k = 0;
    CostParams params;
    bool firstPartition = false; // the partition of a model just opened (applied as is)
    std::vector<HistoryPoint> trail; // the better incumbents found, in order (set at the end)
};

// The options of a run from what the window shows; an error for an invalid budget.
Result<PartitionOptions> solveOptions(
    int k, const QString &method, double timeLimit, uint64_t seed, const QString &budget);
// The status-bar line of a finished run; `before` is the bottleneck it replaces.
QString solveSummary(const PartitionResult &result, const QString &timeUnit, bool firstPartition, double before,
    bool cancelled, const QString &optimalWording = QString());

class SolveJob : public QObject {
    Q_OBJECT
public:
    SolveJob(Document *document, JobRunner *jobs, QObject *parent);

    // False when a run is going on or there is no graph.
    bool start(const PartitionOptions &options, bool firstPartition);
    bool cancel(); // true when a running job was asked to stop
    void stop(); // another graph: the result will not be used
    bool isRunning() const { return m_running; }

signals:
    // `fraction` in [0, 1], or negative when unknown.
    void progressed(double fraction, const QString &text);
    void stopped(); // every run ends with this, before its outcome
    void failed(const QString &message, bool cancelled);
    void succeeded(const pipecut::PartitionResult &result, const pipecut::ui::SolveRun &run, bool cancelled);

private:
    void report(const Progress &progress); // on the GUI thread
    ProgressFn throttledProgress();

    Document *m_document;
    JobRunner *m_jobs;
    bool m_running = false;
    std::optional<StopToken> m_stop;
    double m_lastIncumbent = 0;
    std::vector<HistoryPoint> m_trail;
};

} // namespace pipecut::ui
