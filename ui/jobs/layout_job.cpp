#include "ui/jobs/layout_job.h"

#include "ui/document/document.h"
#include "ui/jobs/job_runner.h"
#include "ui/views/graph_view.h"
#include "ui/views/scope_collapse.h"
#include "ui/window_settings.h"

namespace pipecut::ui {

namespace {
// Graphs larger than this open collapsed by scope (when they have scopes), at
// the deepest level that draws at most kCollapsedElements boxes.
constexpr int kAutoCollapseNodes = 4000;
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
    if (scopes == m_collapsed)
        return;
    m_collapsed = std::move(scopes);
    start();
}

bool LayoutJob::collapseAll()
{
    const int depth = collapseDepthFor(m_document->graph(), kCollapsedElements);
    if (depth == 0)
        return false;
    setCollapsed(scopesAtDepth(m_document->graph(), depth));
    return true;
}

void LayoutJob::collapseForLargeGraph(const Graph &graph)
{
    m_collapsed.clear();
    if (graph.nodeCount() > kAutoCollapseNodes)
        if (const int depth = collapseDepthFor(graph, kCollapsedElements); depth > 0)
            m_collapsed = scopesAtDepth(graph, depth);
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
    };
    m_stop = m_jobs->start<Drawing>(
        this,
        [graph, options, collapsed](const StopToken &stop) {
            auto view = std::make_shared<ScopeView>(collapseByScope(*graph, collapsed));
            Layout layout = computeLayout(view->layoutGraph, options, stop);
            return Drawing { std::move(view), std::move(layout) };
        },
        [this, generation, graph, options](Drawing drawing) {
            if (generation != m_generation || graph != m_document->sharedGraph())
                return; // a newer layout or another graph replaced this one
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
