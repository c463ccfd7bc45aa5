#pragma once
// The pipeline timeline: a Gantt chart of the stages over micro-batches, from
// the current stage costs (docs/model.md §1: stage s takes f(S_s) per
// micro-batch). Micro-batch m enters stage s when stage s-1 has finished it
// and stage s has finished m-1, so the chart shows the fill (until the last
// stage starts), the steady state paced by the bottleneck stage (the others
// idle between micro-batches) and the drain. It follows every edit and
// exports as PNG, SVG or PDF. QCustomPlot stays inside the .cpp.

#include <QString>
#include <QWidget>

#include <span>
#include <vector>

class QCustomPlot;
class QLabel;
class QSpinBox;
class QDockWidget;
class QMainWindow;
class QMenu;

namespace pipecut::ui {

class Document;

struct TimelineSlot {
    int stage = 0;
    int batch = 0;
    double start = 0.0, end = 0.0;
};

struct Timeline {
    std::vector<TimelineSlot> bars; // stage-major: bars[s * batches + m]
    double fillEnd = 0.0; // the last stage starts the first micro-batch
    double drainStart = 0.0; // the first stage finishes the last micro-batch
    double makespan = 0.0;
};

// The schedule of `batches` micro-batches through stages of these costs.
Timeline pipelineTimeline(std::span<const double> stageCosts, int batches);

class TimelineView : public QWidget {
    Q_OBJECT
public:
    explicit TimelineView(Document *document, QWidget *parent = nullptr);

    const Timeline &timeline() const { return m_timeline; }
    int batches() const;
    void setBatches(int batches);
    QString summaryText() const;
    // PNG, SVG or PDF by the suffix; false with a message in *error.
    bool exportPicture(const QString &path, QString *error) const;

    // A dock at the bottom of `window`, listed in `viewMenu`, hidden at first.
    static QDockWidget *addDock(QMainWindow *window, TimelineView *view, QMenu *viewMenu);

private:
    void refresh();

    Document *m_document;
    QCustomPlot *m_plot;
    QSpinBox *m_batches;
    QLabel *m_summary;
    Timeline m_timeline;
    bool m_pending = false; // a refresh is queued
};

} // namespace pipecut::ui
