#pragma once
// The background lower bound of the document's partition (k and cost
// parameters): one bound at a time, started again when k or the parameters
// changed while it ran. A bound replaced by a newer request still records
// what it proved for its own key.

#include "core/util/progress.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace pipecut::ui {

class Document;
class JobRunner;

class BoundJob : public QObject {
    Q_OBJECT
public:
    // `timeLimit` gives the time limit (seconds) of the next bound.
    BoundJob(Document *document, JobRunner *jobs, std::function<double()> timeLimit, QObject *parent);

    void request(); // unless the document has its bound, or it is being computed
    void recompute(); // forgets the document's bound (the time limit may have been raised)
    void cancel(); // keeps what it proved, does not start again
    void stop(); // another graph: the result will not be used
    bool isRunning() const { return m_running; }

signals:
    void failed(const QString &message);
    void infeasible(const QString &reason);
    void finished();

private:
    Document *m_document;
    JobRunner *m_jobs;
    std::function<double()> m_timeLimit;
    int m_generation = 0;
    bool m_running = false;
    bool m_cancelled = false;
    std::optional<StopToken> m_stop;
    QString m_keyRunning;
};

} // namespace pipecut::ui
