#include "ui/jobs/layout_job.h"

#include "ui/document/document.h"
#include "ui/jobs/job_runner.h"
#include "ui/report/report.h"
#include "ui/views/graph_view.h"
#include "ui/views/scope_collapse.h"
#include "ui/window_settings.h"

#include <algorithm>

namespace pipecut::ui {

namespace {
// Graphs larger than this open drawn as the report draws them.
constexpr int kAutoCollapseNodes = 4000;
// Collapse all: the deepest scope level that draws at most this many boxes.
constexpr int kCollapsedElements = 1500;
} // namespace

LayoutJob::LayoutJob(Document *document, GraphView *view, JobRunner *jobs, QObject *parent)
    : QObject(parent)
    , m_document(document)
    , m_view(view)
    , m_jobs(jobs)
{
    connect(m_view, &GraphView::pictureReady, this, [this] {
        m_running = false;
        emit status(m_doneText, QString());
        emit finished();
    });
}

void LayoutJob::setCollapsed(std::set<std::string> scopes)
{
    if (scopes == m_collapsed && !drawsBoxes())
        return;
    m_collapsed = std::move(scopes);
    m_boxes.reset();
    m_followPartition = false;
    start();
}

void LayoutJob::expand(const std::string &label)
{
    if (!m_document->hasGraph())
        return;
    if (m_boxes) {
        DrawingBoxes boxes = *m_boxes;
        if (openBoxes(m_document->graph(), boxes, m_collapsed, label)) {
            m_boxes = std::make_shared<const DrawingBoxes>(std::move(boxes));
            m_followPartition = false; // the user shapes the drawing now
            start();
            return;
        }
    }
    m_collapsed = expandScope(m_document->graph(), std::move(m_collapsed), label);
    m_followPartition = false;
    start();
}

void LayoutJob::collapse(const std::string &prefix)
{
    m_collapsed = collapseScope(std::move(m_collapsed), prefix);
    m_followPartition = false;
    start();
}

void LayoutJob::partitionReplaced()
{
    if (!m_followPartition)
        return;
    m_boxes.reset();
    start();
}

bool LayoutJob::collapseAll()
{
    const int depth = collapseDepthFor(m_document->graph(), kCollapsedElements);
    if (depth == 0)
        return false;
    m_collapsed.clear(); // setCollapsed() lays out again even if the scopes are the same
    setCollapsed(scopesAtDepth(m_document->graph(), depth));
    return true;
}

void LayoutJob::collapseForLargeGraph(const Graph &graph)
{
    m_collapsed.clear();
    m_boxes.reset();
    m_followPartition = graph.nodeCount() > kAutoCollapseNodes;
}

void LayoutJob::setLeftToRight(bool leftToRight)
{
    const auto direction = leftToRight ? LayoutDirection::LeftToRight : LayoutDirection::TopToBottom;
    if (direction == m_options.direction)
        return;
    m_options.direction = direction;
    WindowSettings::saveLeftToRight(leftToRight);
    start();
}

void LayoutJob::start()
{
    if (!m_document->hasGraph())
        return;
    const LayoutOptions options = m_options;
    const std::set<std::string> collapsed = m_collapsed;
    auto boxes = m_boxes;
    std::optional<Partition> cut; // the partition to cut boxes for
    if (!boxes && m_followPartition)
        cut = m_document->partition();
    if (m_stop)
        m_stop->requestStop();
    const int generation = ++m_generation;
    const auto graph = m_document->sharedGraph();
    m_running = true;
    emit status(tr("laying out %L1 nodes\u2026").arg(graph->nodeCount()), QString());
    m_view->clearPicture(tr("Laying out\u2026"));
    struct Drawing {
        std::shared_ptr<const ScopeView> collapsed;
        Layout layout;
        std::shared_ptr<const DrawingBoxes> boxes;
    };
    const QSizeF room = m_view->viewport()->size();
    m_stop = m_jobs->start<Drawing>(
        this,
        [graph, options, collapsed, boxes, cut, room](const StopToken &stop) {
            // The report's rule: at most maxBoxes boxes, halved (down to an
            // eighth) while the drawing fitted to the view is too small to label
            // (with room for scroll bars and docks that open later).
            const int most = report::ReportOptions {}.maxBoxes;
            for (int count = most;; count /= 2) {
                auto drawn = boxes;
                if (cut)
                    drawn = std::make_shared<const DrawingBoxes>(reportBoxes(*graph, *cut, count));
                auto view = std::make_shared<ScopeView>(collapseByScope(*graph, collapsed, drawn.get()));
                Layout layout = computeLayout(view->layoutGraph, options, stop);
                const double fit
                    = std::min(room.width() / (layout.width + 80.0), room.height() / (layout.height + 80.0));
                if (!cut || fit >= 1.3 * report::kLabelScale || count / 2 < most / 8 || stop.stopRequested())
                    return Drawing { std::move(view), std::move(layout), std::move(drawn) };
            }
        },
        [this, generation, graph, options](Drawing drawing) {
            if (generation != m_generation || graph != m_document->sharedGraph())
                return; // a newer layout or another graph replaced this one
            if (drawing.boxes && !drawing.boxes->boxOf.empty())
                m_boxes = std::move(drawing.boxes);
            const Layout &layout = drawing.layout;
            const int32_t groups = drawing.collapsed->groupCount();
            QString info
                = tr("%1 layout %2 s").arg(QString::fromStdString(layout.engine)).arg(layout.seconds, 0, 'f', 2);
            if (groups > 0)
                info += tr(", %n scope(s) collapsed", nullptr, groups);
            QString toolTip;
            if (!layout.notes.empty()) {
                toolTip = QString::fromStdString(layout.notes.front());
                info += tr(" (%1)").arg(toolTip);
            }
            m_doneText = info;
            emit status(tr("drawing %L1 items\u2026").arg(layout.centres.size()), toolTip);
            // The view makes its items a slice at a time: the layout is done
            // (finished) when it says the picture is complete.
            m_view->showLayout(layout, options, std::move(drawing.collapsed));
        });
}

} // namespace pipecut::ui
