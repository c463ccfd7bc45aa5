#pragma once
// Applying a cluster (docs/model.md §1.7) off the GUI thread: the partition
// is costed under the new parameters (and re-split when the device count
// changes k: balanced-work, weighted by speed; the slice DP when that cut
// breaks a memory limit or a group; auto for 5 s when no cut of the graph's
// order fits), then installed as one undoable
// command (SetCostingCommand). One application at a time: a newer one, a
// cancel or another model drops the running one, with nothing changed.

#include "core/cost/cost_params.h"
#include "core/io/graph_io.h"
#include "core/util/progress.h"
#include "ui/document/document.h"

#include <QObject>
#include <QString>

#include <optional>

namespace pipecut::ui {

class JobRunner;

class ClusterJob : public QObject {
    Q_OBJECT
public:
    ClusterJob(Document *document, JobRunner *jobs, QObject *parent);

    // Costs `params` with `cluster` as the document's cluster state; `what`
    // names the step on the undo stack ("cluster a100x2.json"). The devices'
    // profiles re-cost an ONNX or LLM graph first (core/io/profile_work.h;
    // `origin`: what the graph's load kept, Document::costOrigin()).
    void start(
        const CostParams &params, const ClusterState &cluster, const QString &what, const CostOrigin &origin = {});
    bool cancel(); // false when nothing was running
    void stop() { cancel(); } // another graph
    bool isRunning() const { return m_running; }

signals:
    void started(const QString &what);
    // ok: installed; `resplit`: with a new partition (k changed); `message`
    // says what happened to k and the partition.
    void finished(bool ok, bool resplit, const QString &message);

private:
    Document *m_document;
    JobRunner *m_jobs;
    uint64_t m_generation = 0;
    bool m_running = false;
    std::optional<StopToken> m_stop;
};

} // namespace pipecut::ui
