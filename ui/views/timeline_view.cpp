#include "ui/views/timeline_view.h"

#include "ui/atomic_image.h"
#include "ui/document/document.h"
#include "ui/format.h"
#include "ui/stage_palette.h"

#include <QDockWidget>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <numeric>

namespace pipecut::ui {

Timeline pipelineTimeline(std::span<const double> stageCosts, int batches)
{
    Timeline t;
    const int k = int(stageCosts.size());
    if (k == 0 || batches <= 0)
        return t;
    t.bars.resize(size_t(k) * size_t(batches));
    for (int s = 0; s < k; ++s)
        for (int m = 0; m < batches; ++m) {
            double start = 0.0;
            if (s > 0)
                start = t.bars[size_t(s - 1) * batches + m].end;
            if (m > 0)
                start = std::max(start, t.bars[size_t(s) * batches + m - 1].end);
            t.bars[size_t(s) * batches + m] = { s, m, start, start + stageCosts[size_t(s)] };
        }
    t.fillEnd = t.bars[size_t(k - 1) * batches].start;
    t.drainStart = t.bars[size_t(batches - 1)].end;
    t.makespan = t.bars.back().end;
    return t;
}

TimelineView::TimelineView(Document *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
{
    setObjectName("timelineView");
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Micro-batches")));
    m_batches = new QSpinBox;
    m_batches->setRange(1, 256);
    m_batches->setValue(8);
    bar->addWidget(m_batches);
    m_summary = new QLabel;
    m_summary->setObjectName("timelineSummary");
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bar->addWidget(m_summary, 1);
    auto *exportButton = new QPushButton(tr("Export\u2026"));
    bar->addWidget(exportButton);
    layout->addLayout(bar);
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(160);
    m_plot->yAxis->setRangeReversed(true);
    m_plot->yAxis->setLabel(tr("stage"));
    m_plot->xAxis->setLabel(tr("time"));
    layout->addWidget(m_plot, 1);
    connect(m_batches, &QSpinBox::valueChanged, this, &TimelineView::refresh);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path
            = QFileDialog::getSaveFileName(this, tr("Export Timeline"), QString(), tr("Pictures (*.png *.svg *.pdf)"));
        QString error;
        if (!path.isEmpty() && !exportPicture(path, &error))
            QMessageBox::warning(this, tr("Export failed"), error);
    });
    // Edits arrive in bursts (a drag): one refresh per turn of the event loop.
    connect(document, &Document::changed, this, [this](const DocumentChange &c) {
        if (m_pending || !isVisible()
            || !(c.has(DocumentChange::Graph) || c.has(DocumentChange::Partition) || c.has(DocumentChange::Params)))
            return;
        m_pending = true;
        QTimer::singleShot(0, this, &TimelineView::refresh);
    });
}

int TimelineView::batches() const
{
    return m_batches->value();
}

void TimelineView::setBatches(int batches)
{
    m_batches->setValue(batches);
    refresh();
}

QString TimelineView::summaryText() const
{
    return m_summary->text();
}

void TimelineView::refresh()
{
    m_pending = false;
    m_plot->clearItems();
    if (!m_document->hasGraph()) {
        m_timeline = {};
        m_summary->clear();
        m_plot->replot();
        return;
    }
    const auto &eval = m_document->evaluator();
    const int k = eval.k();
    std::vector<double> costs(static_cast<size_t>(k));
    for (int s = 0; s < k; ++s)
        costs[size_t(s)] = eval.stage(stageId(s)).cost;
    m_timeline = pipelineTimeline(costs, batches());
    const int bottleneck = eval.bottleneckStage();
    for (const TimelineSlot &slot : m_timeline.bars) {
        auto *rect = new QCPItemRect(m_plot);
        rect->topLeft->setCoords(slot.start, slot.stage + 0.6);
        rect->bottomRight->setCoords(slot.end, slot.stage + 1.4);
        rect->setBrush(stageColor(slot.stage));
        rect->setPen(QPen(slot.stage == bottleneck ? QColor(0xB2, 0x18, 0x2B) : QColor(60, 60, 60),
            slot.stage == bottleneck ? 1.6 : 0.6));
    }
    const QString unit = m_document->timeUnit();
    auto mark = [&](double x, const QString &text, Qt::Alignment side) {
        auto *line = new QCPItemStraightLine(m_plot);
        line->point1->setCoords(x, 0);
        line->point2->setCoords(x, 1);
        line->setPen(QPen(QColor(90, 90, 90), 1, Qt::DashLine));
        auto *label = new QCPItemText(m_plot);
        label->position->setCoords(x, -0.45);
        label->setText(text);
        label->setPositionAlignment(side | Qt::AlignTop);
    };
    mark(m_timeline.fillEnd, tr("fill ends "), Qt::AlignRight);
    mark(m_timeline.drainStart, tr(" drain starts"), Qt::AlignLeft);
    m_plot->xAxis->setRange(0, std::max(m_timeline.makespan, 1e-12) * 1.02);
    m_plot->yAxis->setRange(-0.5, k + 0.8); // room above for the marks' labels
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int s = 0; s < k; s += std::max(1, k / 16))
        ticker->addTick(s + 1, QString::number(s + 1));
    m_plot->yAxis->setTicker(ticker);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    const double sum = std::accumulate(costs.begin(), costs.end(), 0.0);
    m_summary->setText(tr("latency of one micro-batch %1; %2 micro-batches take %3 (steady state: one every %4, "
                          "set by stage %5)")
                           .arg(formatCost(sum, unit))
                           .arg(batches())
                           .arg(formatCost(m_timeline.makespan, unit), formatCost(eval.bottleneck(), unit))
                           .arg(bottleneck + 1));
}

bool TimelineView::exportPicture(const QString &path, QString *error) const
{
    const int w = std::max(m_plot->width(), 800), h = std::max(m_plot->height(), 320);
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("svg") || suffix == QLatin1String("pdf"))
        return saveVectorAtomically(
            path, QSizeF(w, h), tr("pipecut pipeline timeline"), m_summary->text(),
            [&](QPaintDevice &device) {
                QCPPainter painter;
                if (!painter.begin(&device))
                    return false;
                painter.setMode(QCPPainter::pmVectorized);
                m_plot->toPainter(&painter, w, h);
                return painter.end();
            },
            error);
    if (!saveImageAtomically(m_plot->toPixmap(w, h, 2.0), path)) {
        *error = tr("cannot write %1 (unknown image format or unwritable place)").arg(path);
        return false;
    }
    return true;
}

QDockWidget *TimelineView::addDock(QMainWindow *window, TimelineView *view, QMenu *viewMenu)
{
    auto *dock = new QDockWidget(tr("Pipeline Timeline"), window);
    dock->setObjectName("timelineDock");
    dock->setWidget(view);
    window->addDockWidget(Qt::BottomDockWidgetArea, dock);
    viewMenu->addAction(dock->toggleViewAction());
    dock->hide();
    // Hidden, it skips edits: shown, it draws the partition of the moment.
    connect(dock, &QDockWidget::visibilityChanged, view, [view](bool visible) {
        if (visible)
            view->refresh();
    });
    return dock;
}

} // namespace pipecut::ui
