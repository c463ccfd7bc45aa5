#include "ui/panels/metrics_panel.h"
#include "core/cost/estimates.h"
#include "core/cost/summary.h"
#include "ui/atomic_image.h"
#include "ui/panels/partition_state.h"

#include "ui/format.h"

#include <QAction>
#include <QClipboard>
#include <QFileInfo>
#include <QFormLayout>
#include <QGuiApplication>
#include <QPainter>
#include <QStringList>
#include <QStyle>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace pipecut::ui {

// A figure that changes with every edit, drawn as one line of plain text in
// a box whose size does not depend on it: a new value repaints the box and
// nothing else, where a QLabel has every layout up to the main window
// recomputed (each asks its children for their sizes) on every edit.
// Right-click copies the value; a value too long for the box is elided and
// shown whole in the tooltip.
class FigureLabel : public QWidget {
public:
    FigureLabel()
    {
        setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
        setContextMenuPolicy(Qt::ActionsContextMenu);
        auto *copy = new QAction(tr("Copy"), this);
        connect(copy, &QAction::triggered, this, [this] { QGuiApplication::clipboard()->setText(m_text); });
        addAction(copy);
    }
    const QString &text() const { return m_text; }
    void setText(const QString &text)
    {
        if (text == m_text)
            return;
        m_text = text;
        updateToolTip();
        update();
    }
    // Bold in `color` (an invalid colour: plain), without changing the font:
    // a new font would have the layouts measure the widget again.
    void setHighlight(const QColor &color)
    {
        if (color == m_highlight)
            return;
        m_highlight = color;
        update();
    }
    QSize sizeHint() const override
    {
        return { fontMetrics().horizontalAdvance(QStringLiteral("000.000 ms")), fontMetrics().height() };
    }
    QSize minimumSizeHint() const override
    {
        return { fontMetrics().horizontalAdvance(QStringLiteral("0.0\u2026")), fontMetrics().height() };
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        QPalette palette = this->palette();
        if (m_highlight.isValid()) {
            QFont bold = font();
            bold.setBold(true);
            painter.setFont(bold);
            palette.setColor(QPalette::WindowText, m_highlight);
        }
        style()->drawItemText(&painter, rect(), Qt::AlignLeft | Qt::AlignVCenter, palette, isEnabled(),
            painter.fontMetrics().elidedText(m_text, Qt::ElideRight, width()), QPalette::WindowText);
    }
    void resizeEvent(QResizeEvent *event) override
    {
        QWidget::resizeEvent(event);
        updateToolTip();
    }

private:
    void updateToolTip() { setToolTip(fontMetrics().horizontalAdvance(m_text) > width() ? m_text : QString()); }
    QString m_text;
    QColor m_highlight;
};

namespace {
// Paul Tol "bright": blue, cyan, yellow, purple; red for the bound.
const QColor kWork(0x44, 0x77, 0xAA);
const QColor kCommIn(0x66, 0xCC, 0xEE);
const QColor kCommOut(0xCC, 0xBB, 0x44);
const QColor kOverflow(0xAA, 0x33, 0x77);
const QColor kBound(0xEE, 0x66, 0x77);

FigureLabel *valueLabel(const char *name)
{
    auto *label = new FigureLabel;
    label->setObjectName(QString::fromLatin1(name));
    label->setText(QStringLiteral("\u2014"));
    return label;
}

QCPBars *addBars(QCustomPlot *plot, const QString &name, const QColor &color)
{
    auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(name);
    bars->setBrush(color);
    bars->setPen(QPen(color.darker(140), 0.8));
    bars->setWidth(0.7);
    // Upright rectangles gain nothing from antialiasing but its cost, paid
    // at every edit's replot.
    bars->setAntialiased(false);
    bars->setAntialiasedFill(false);
    return bars;
}

void styleAxes(QCustomPlot *plot)
{
    // A replot marks the chart for the next paint with the rest of the
    // window instead of painting (and flushing the window) there and then:
    // an edit replots both charts.
    plot->setPlottingHint(QCP::phImmediateRefresh, false);
    QFont small = plot->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    for (QCPAxis *axis : { plot->xAxis, plot->yAxis }) {
        axis->setTickLabelFont(small);
        axis->setLabelFont(small);
        axis->grid()->setPen(QPen(QColor(225, 225, 225), 0));
        axis->setBasePen(QPen(QColor(150, 150, 150), 0));
        axis->setTickPen(QPen(QColor(150, 150, 150), 0));
        axis->setSubTickPen(Qt::NoPen);
    }
    plot->legend->setFont(small);
    plot->legend->setBrush(QColor(255, 255, 255, 200));
    plot->legend->setBorderPen(QPen(QColor(200, 200, 200)));
    plot->legend->setRowSpacing(-3);
}

// A point of the history as a stamped picture: QCustomPlot strokes and fills
// an antialiased ellipse per ssDisc point, the costliest part of the history
// replot every edit asks for. The picture is that same disc (size 5 under
// the graph's pen), drawn once.
QCPScatterStyle discStyle(const QColor &color, double penWidth)
{
    constexpr double kSize = 5;
    const int side = int(std::ceil(kSize + penWidth)) + 2;
    QPixmap disc(side, side);
    disc.fill(Qt::transparent);
    QPainter painter(&disc);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(color, penWidth));
    painter.setBrush(color);
    painter.drawEllipse(QPointF(side / 2.0, side / 2.0), kSize / 2, kSize / 2);
    painter.end();
    return QCPScatterStyle(disc);
}

// One row of legend entries under the plot, so it never hides a bar.
void moveLegendBelow(QCustomPlot *plot)
{
    plot->legend->setVisible(true);
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setBrush(Qt::NoBrush);
    plot->axisRect()->insetLayout()->take(plot->legend);
    plot->plotLayout()->addElement(plot->plotLayout()->rowCount(), 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(plot->plotLayout()->rowCount() - 1, 0.001);
    plot->legend->setMargins(QMargins(4, 0, 4, 2));
}
} // namespace

MetricsPanel::MetricsPanel(Document *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
{
    // Opaque: a changed figure repaints its own box, not the dock around it too.
    setAutoFillBackground(true);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignLeft);
    m_bottleneck = valueLabel("bottleneckValue");
    m_lowerBound = valueLabel("lowerBoundValue");
    m_provenBy = valueLabel("provenByValue");
    m_gap = valueLabel("gapValue");
    m_throughput = valueLabel("throughputValue");
    m_latency = valueLabel("latencyValue");
    m_fill = valueLabel("fillValue");
    m_status = valueLabel("statusValue");
    m_costs = valueLabel("costsValue");
    QFont big = m_bottleneck->font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    big.setBold(true);
    m_bottleneck->setFont(big);
    m_lowerBound->setFont(big);
    form->addRow(tr("Bottleneck T"), m_bottleneck);
    form->addRow(tr("Lower bound LB"), m_lowerBound);
    form->addRow(tr("  proven by"), m_provenBy);
    form->addRow(tr("Gap (T\u2212LB)/T"), m_gap);
    form->addRow(tr("Throughput 1/T"), m_throughput);
    form->addRow(tr("Latency k\u00B7T"), m_latency);
    form->addRow(tr("Fill latency \u03A3f"), m_fill);
    form->addRow(tr("Status"), m_status);
    form->addRow(tr("Node costs"), m_costs);
    layout->addLayout(form);

    m_stageChart = new QCustomPlot(this);
    m_stageChart->setObjectName("stageChart");
    m_stageChart->setMinimumHeight(220);
    styleAxes(m_stageChart);
    QCPBars *work = addBars(m_stageChart, tr("work"), kWork);
    QCPBars *in = addBars(m_stageChart, tr("comm in"), kCommIn);
    QCPBars *out = addBars(m_stageChart, tr("comm out"), kCommOut);
    QCPBars *overflow = addBars(m_stageChart, tr("overflow"), kOverflow);
    in->moveAbove(work);
    out->moveAbove(in);
    overflow->moveAbove(out);
    moveLegendBelow(m_stageChart);
    m_stageChart->xAxis->setLabel(tr("stage"));
    m_stageChart->plotLayout()->insertRow(0);
    m_stageChart->plotLayout()->addElement(
        0, 0, new QCPTextElement(m_stageChart, tr("Cost per stage"), QFont(font().family(), -1, QFont::Bold)));
    connect(m_stageChart, &QCustomPlot::plottableClick, this,
        [this](QCPAbstractPlottable *, int dataIndex, QMouseEvent *) { emit stageClicked(dataIndex); });
    layout->addWidget(m_stageChart, 3);

    m_history = new QCustomPlot(this);
    m_history->setObjectName("historyChart");
    m_history->setMinimumHeight(160);
    styleAxes(m_history);
    // LB first so that T is drawn over it when they meet (proven optimal).
    QCPGraph *lb = m_history->addGraph();
    lb->setName(tr("lower bound LB"));
    lb->setPen(QPen(kBound, 3.5, Qt::DashLine));
    lb->setLineStyle(QCPGraph::lsStepLeft);
    // Steps are upright and level lines, sharp without antialiasing, which
    // would cost more than the rest of the chart once the session is long.
    lb->setAntialiased(false);
    QCPGraph *t = m_history->addGraph();
    t->setName(tr("bottleneck T"));
    t->setPen(QPen(kWork, 2));
    t->setLineStyle(QCPGraph::lsStepLeft);
    t->setAntialiased(false);
    // Level and upright segments need no joins: drawn one by one they cost a
    // fraction of stroking the polyline, whose hundreds of points (two per
    // edit) would make a long session's every edit slower.
    m_history->setPlottingHint(QCP::phFastPolylines, true);
    t->setScatterStyle(discStyle(kWork, 2));
    moveLegendBelow(m_history);
    QSharedPointer<QCPAxisTickerFixed> steps(new QCPAxisTickerFixed);
    steps->setTickStep(1);
    steps->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_history->xAxis->setTicker(steps);
    m_history->xAxis->setLabel(tr("edits and solver steps"));
    m_history->plotLayout()->insertRow(0);
    m_history->plotLayout()->addElement(
        0, 0, new QCPTextElement(m_history, tr("History"), QFont(font().family(), -1, QFont::Bold)));
    layout->addWidget(m_history, 2);

    connect(document, &Document::changed, this, [this](const DocumentChange &c) {
        if (c.has(DocumentChange::History))
            refreshHistory();
        if (c.has(DocumentChange::Graph) || c.has(DocumentChange::Params))
            refreshCosts();
        if (c.flags & ~unsigned(DocumentChange::History)) {
            refreshFigures();
            refreshStageChart();
        }
    });
    refreshFigures();
}

QString MetricsPanel::statusText() const
{
    return m_status->text();
}

QString MetricsPanel::bottleneckText() const
{
    return m_bottleneck->text();
}
QString MetricsPanel::lowerBoundText() const
{
    return m_lowerBound->text();
}
QString MetricsPanel::gapText() const
{
    return m_gap->text();
}

QString MetricsPanel::costsText() const
{
    return m_costs->text();
}

void MetricsPanel::refreshCosts()
{
    if (!m_document->hasGraph()) {
        m_costs->setText(QStringLiteral("\u2014"));
        m_costs->setHighlight(QColor());
        return;
    }
    const EstimateShare e = estimateShare(m_document->graph());
    QStringList parts;
    if (e.measured > 0)
        parts << tr("%1 measured").arg(e.measured);
    if (e.nodes > 0)
        parts << tr("%1 estimated (%2 of the work)").arg(e.nodes).arg(QString::fromStdString(formatShare(e.share)));
    m_costs->setText(parts.isEmpty() ? tr("from the model (none estimated)") : parts.join(QStringLiteral(", ")));
    m_costs->setHighlight(e.qualifies() ? QColor(0xB2, 0x18, 0x2B) : QColor());
}

void MetricsPanel::refreshFigures()
{
    const QString none = QStringLiteral("\u2014");
    if (!m_document->hasGraph()) {
        for (FigureLabel *l :
            { m_bottleneck, m_lowerBound, m_provenBy, m_gap, m_throughput, m_latency, m_fill, m_status })
            l->setText(none);
        return;
    }
    const QString unit = m_document->timeUnit();
    const double t = m_document->bottleneck();
    const BoundInfo *b = m_document->bound();
    const Summary sum = summarize(m_document->evaluator().stages(), t, b ? b->lowerBound : 0.0);
    m_bottleneck->setText(formatCost(t, unit));
    m_fill->setText(formatCost(sum.fillLatency, unit));
    m_latency->setText(formatCost(sum.latency, unit));
    m_throughput->setText(t <= 0 ? none : formatRate(sum.throughput, unit));
    if (b) {
        m_lowerBound->setText(formatCost(b->lowerBound, unit));
        m_provenBy->setText(tr("%1 in %2 s").arg(b->provenBy).arg(b->seconds, 0, 'f', 2));
        m_gap->setText(QStringLiteral("%1 %").arg(sum.gap * 100, 0, 'f', 2));
    } else {
        m_lowerBound->setText(none);
        m_provenBy->setText(none);
        m_gap->setText(none);
    }
    // Plain text (in green and bold when optimal): a rich-text label lays out
    // a whole text document each time its text changes.
    const PartitionState state = partitionState(*m_document);
    QString status = state.text;
    if (m_document->boundRunning())
        status += tr(" \u2014 bound running\u2026");
    m_status->setText(status);
    m_status->setHighlight(state.kind == PartitionState::Kind::Optimal ? QColor(0x11, 0x77, 0x33)
            : state.kind == PartitionState::Kind::Infeasible           ? QColor(0xB2, 0x18, 0x2B)
                                                                       : QColor());
}

void MetricsPanel::refreshStageChart()
{
    QVector<double> keys, work, in, out, overflow;
    double top = 0.0;
    int bottleneck = -1;
    double lb = 0.0;
    if (m_document->hasGraph()) {
        const auto &eval = m_document->evaluator();
        const CostParams &p = m_document->params();
        for (int s = 0; s < eval.k(); ++s) {
            const StageCost &c = eval.stage(stageId(s));
            keys << s + 1;
            work << c.work;
            in << c.commIn / p.bandwidth;
            out << c.commOut / p.bandwidth;
            overflow << std::max(0.0, c.cost - c.work - (c.commIn + c.commOut) / p.bandwidth);
            top = std::max(top, c.cost);
        }
        bottleneck = eval.bottleneckStage();
        if (const BoundInfo *b = m_document->bound())
            lb = b->lowerBound;
    }
    for (int i = 0; i < 4; ++i) {
        auto *bars = static_cast<QCPBars *>(m_stageChart->plottable(i));
        bars->setData(keys, i == 0 ? work : i == 1 ? in : i == 2 ? out : overflow, true);
    }
    const bool anyOverflow
        = std::any_of(overflow.begin(), overflow.end(), [top](double v) { return v > 1e-9 * std::max(1.0, top); });
    m_stageChart->plottable(3)->removeFromLegend();
    if (anyOverflow)
        m_stageChart->plottable(3)->addToLegend();
    m_stageChart->clearItems();
    m_lbDrawn = lb;
    if (bottleneck >= 0) {
        // The bottleneck stage: a band behind its bar.
        auto *band = new QCPItemRect(m_stageChart);
        band->setLayer(QStringLiteral("grid"));
        band->topLeft->setCoords(bottleneck + 1 - 0.48, top * 1.12);
        band->bottomRight->setCoords(bottleneck + 1 + 0.48, 0);
        band->setBrush(QColor(0xEE, 0x66, 0x77, 45));
        band->setPen(QPen(QColor(0xEE, 0x66, 0x77, 140), 1, Qt::DotLine));
        band->setAntialiased(false);
        auto *tag = new QCPItemText(m_stageChart);
        tag->position->setCoords(bottleneck + 1, top * 1.06);
        tag->setText(tr("bottleneck"));
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 0.8);
        tag->setFont(f);
        tag->setColor(QColor(0x99, 0x22, 0x33));
    }
    if (lb > 0) {
        auto *line = new QCPItemStraightLine(m_stageChart);
        line->point1->setCoords(0, lb);
        line->point2->setCoords(1, lb);
        line->setPen(QPen(kBound, 1.6, Qt::DashLine));
        auto *label = new QCPItemText(m_stageChart);
        label->position->setType(QCPItemPosition::ptAxisRectRatio);
        label->position->setAxes(m_stageChart->xAxis, m_stageChart->yAxis);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        label->position->setTypeY(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(0.01, lb);
        label->setText(tr("LB"));
        label->setColor(kBound.darker(130));
    }
    m_stageChart->xAxis->setRange(0.4, std::max<double>(keys.size(), 1) + 0.6);
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(keys.size() > 20 ? 5 : 1);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_stageChart->xAxis->setTicker(ticker);
    m_stageChart->yAxis->setRange(0, std::max(top, lb) * 1.22 + 1e-12);
    m_stageChart->yAxis->setLabel(m_document->hasGraph() ? m_document->timeUnit() : QString());
    m_stageChart->replot(QCustomPlot::rpQueuedReplot);
}

void MetricsPanel::refreshHistory()
{
    const auto &points = m_document->history();
    QVector<double> x, t, lbX, lb;
    double hi = 0.0, lo = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < points.size(); ++i) {
        x << double(i);
        t << points[i].bottleneck;
        hi = std::max(hi, points[i].bottleneck);
        lo = std::min(lo, points[i].bottleneck);
        if (points[i].lowerBound > 0) {
            // A step line: a point that repeats both neighbours draws nothing
            // (the last one stays, for the line to reach the end).
            if (lb.size() >= 2 && lb[lb.size() - 1] == points[i].lowerBound && lb[lb.size() - 2] == points[i].lowerBound
                && lbX.back() == double(i - 1)) {
                lbX.back() = double(i);
                continue;
            }
            lbX << double(i);
            lb << points[i].lowerBound;
            lo = std::min(lo, points[i].lowerBound);
            hi = std::max(hi, points[i].lowerBound);
        }
    }
    m_history->graph(1)->setData(x, t, true);
    // A disc per point while they are told apart; past about 60 points they
    // merge into a line anyway, and drawing hundreds of them each edit costs.
    m_history->graph(1)->setScatterSkip(int(points.size() / 60));
    m_history->graph(0)->setData(lbX, lb, true);
    if (!points.empty()) {
        const double pad = std::max((hi - lo) * 0.1, hi * 0.02 + 1e-12);
        m_history->yAxis->setRange(std::max(0.0, lo - pad), hi + pad);
        m_history->xAxis->setRange(-0.5, std::max<double>(points.size(), 2) - 0.5);
    }
    m_history->replot(QCustomPlot::rpQueuedReplot);
}

std::vector<double> MetricsPanel::chartStageTotals() const
{
    std::vector<double> totals;
    auto *work = static_cast<QCPBars *>(m_stageChart->plottable(0));
    for (int i = 0; i < work->data()->size(); ++i) {
        double sum = 0.0;
        for (int p = 0; p < 4; ++p)
            sum += static_cast<QCPBars *>(m_stageChart->plottable(p))->data()->at(i)->value;
        totals.push_back(sum);
    }
    return totals;
}

double MetricsPanel::chartLowerBound() const
{
    return m_lbDrawn;
}

int MetricsPanel::historyPoints() const
{
    return m_history->graph(1)->data()->size();
}

bool MetricsPanel::exportCharts(const QString &path, QString *error) const
{
    // Both charts, one above the other, in one image.
    const int w = std::max(m_stageChart->width(), 480);
    const int h1 = std::max(m_stageChart->height(), 300), h2 = std::max(m_history->height(), 220);
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool ok = false;
    QString why;
    if (suffix == QLatin1String("pdf")) {
        // As QCustomPlot::savePdf draws it, but into memory (atomic_image.h).
        ok = saveVectorAtomically(
            path, QSizeF(w, h1), tr("pipecut stage costs"), QString(),
            [&](QPaintDevice &device) {
                QCPPainter painter;
                if (!painter.begin(&device))
                    return false;
                painter.setMode(QCPPainter::pmVectorized);
                m_stageChart->toPainter(&painter, w, h1);
                return painter.end();
            },
            &why);
    } else {
        QPixmap a = m_stageChart->toPixmap(w, h1, 2.0), b = m_history->toPixmap(w, h2, 2.0);
        QPixmap both(a.width(), a.height() + b.height());
        both.fill(Qt::white);
        QPainter p(&both);
        p.drawPixmap(0, 0, a);
        p.drawPixmap(0, a.height(), b);
        p.end();
        ok = saveImageAtomically(both, path);
    }
    if (!ok)
        *error = why.isEmpty() ? tr("cannot write %1").arg(path) : why;
    return ok;
}

} // namespace pipecut::ui
