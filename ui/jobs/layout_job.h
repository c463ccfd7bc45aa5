#pragma once
// Laying the document's graph out off the GUI thread, with scopes collapsed,
// and handing the result to the graph view. Only the newest layout of the
// current graph reaches the view; the job is done when the view says its
// picture is complete.

#include "core/layout/layout.h"
#include "core/util/progress.h"

#include <QObject>
#include <QString>

#include <optional>
#include <set>
#include <string>

namespace pipecut::ui {

class Document;
class GraphView;
class JobRunner;

class LayoutJob : public QObject {
    Q_OBJECT
public:
    LayoutJob(Document *document, GraphView *view, JobRunner *jobs, QObject *parent);

    void start(const LayoutOptions &options, const std::set<std::string> &collapsed);
    bool isRunning() const { return m_running; }

signals:
    // What the status bar says about the layout; `toolTip` is empty when unchanged.
    void status(const QString &text, const QString &toolTip);
    void finished(); // the view shows the whole picture

private:
    Document *m_document;
    GraphView *m_view;
    JobRunner *m_jobs;
    int m_generation = 0;
    bool m_running = false;
    std::optional<StopToken> m_stop;
    QString m_doneText; // the status of the layout being drawn
};

} // namespace pipecut::ui
