#pragma once
// Laying the document's graph out off the GUI thread, with scopes collapsed,
// and handing the result to the graph view. It keeps what the drawing shows
// (direction, collapsed scopes): changing it lays the graph out again. Only
// the newest layout of the current graph reaches the view; the job is done
// when the view says its picture is complete.

#include "core/layout/layout.h"
#include "core/util/progress.h"
#include "ui/views/scope_collapse.h"

#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <set>
#include <string>

namespace pipecut {
class Graph;
}

namespace pipecut::ui {

class Document;
class GraphView;
class JobRunner;

class LayoutJob : public QObject {
    Q_OBJECT
public:
    LayoutJob(Document *document, GraphView *view, JobRunner *jobs, QObject *parent);

    void start();
    bool isRunning() const { return m_running; }

    // The collapsed scope prefixes (ui/views/scope_collapse.h).
    const std::set<std::string> &collapsed() const { return m_collapsed; }
    // Setting them, or collapsing all, leaves the report's boxes (below).
    void setCollapsed(std::set<std::string> scopes);
    bool collapseAll(); // the deepest depth that keeps the drawing readable; false without scopes
    // Large graphs are drawn as the report draws them: in at most about 50
    // boxes of one stage each (ui/views/scope_collapse.h, DrawingBoxes), cut
    // again for each new partition until the user expands or collapses.
    void collapseForLargeGraph(const Graph &graph); // a graph about to be opened; no layout yet
    void partitionReplaced(); // boxes that follow the partition are cut again
    bool drawsBoxes() const { return m_boxes || m_followPartition; }
    // Expanding a box or a scope group, collapsing a scope (boxes stay).
    void expand(const std::string &label);
    void collapse(const std::string &prefix);
    void setLeftToRight(bool leftToRight); // remembered in the settings

signals:
    // What the status bar says about the layout; `toolTip` is empty when unchanged.
    void status(const QString &text, const QString &toolTip);
    void finished(); // the view shows the whole picture

private:
    Document *m_document;
    LayoutOptions m_options;
    std::set<std::string> m_collapsed;
    std::shared_ptr<const DrawingBoxes> m_boxes; // null: none, or to be cut from the partition
    bool m_followPartition = false;
    GraphView *m_view;
    JobRunner *m_jobs;
    int m_generation = 0;
    bool m_running = false;
    std::optional<StopToken> m_stop;
    QString m_doneText; // the status of the layout being drawn
};

} // namespace pipecut::ui
