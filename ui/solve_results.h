#pragma once
// What the window does with a finished run (Solve panel, "what to do with a
// result"): the first partition of a model is applied as is; otherwise the
// result is applied as one undoable command, or, with "Compare before
// applying" and for a cancelled run (its best so far), proposed next to the
// current partition until applied or discarded. Only an applied result
// reaches the history and the status bar. A bound the run proved is
// recorded for its k and parameters.

#include "core/cost/partition.h"
#include "ui/document/document.h"

#include <QObject>
#include <QString>

#include <optional>
#include <vector>

namespace pipecut {
struct PartitionResult;
}

namespace pipecut::ui {

class Document;
class SolvePanel;
struct SolveRun;

class SolveResults : public QObject {
    Q_OBJECT
public:
    SolveResults(Document *document, SolvePanel *panel, QObject *parent);

    void adopt(const PartitionResult &result, const SolveRun &run, bool cancelled);
    bool hasPending() const { return m_pending.has_value(); }
    const Partition *pendingPartition() const { return m_pending ? &m_pending->partition : nullptr; }
    QString pendingMethod() const { return m_pending ? m_pending->method : QString(); }
    void applyPending();
    void discardPending(); // says so in the status bar
    void dropPending(); // quietly (another model)

signals:
    void noted(const QString &text); // the summary of a run
    void applied(); // a result became the document's partition

private:
    Document *m_document;
    SolvePanel *m_panel;
    struct Pending {
        Partition partition;
        QString method;
        QString summary; // the status-bar line once applied
        std::vector<HistoryPoint> trail;
    };
    void record(const std::vector<HistoryPoint> &trail, const QString &what);
    std::optional<Pending> m_pending;
};

} // namespace pipecut::ui
