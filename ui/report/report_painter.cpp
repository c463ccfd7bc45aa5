#include "ui/report/report_painter.h"
#include "ui/report/report_style.h"

#include "core/cost/summary.h"
#include "core/util/quantity.h"
#include "ui/stage_palette.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace pipecut::report {

namespace {

// Page geometry in report units.
constexpr double kMargin = 40;
constexpr double kColumn = kDrawingWidth; // width of one partition's column
constexpr double kColumnGap = 48;
constexpr double kLine = 20;
constexpr double kHeading = 28;
constexpr double kSectionGap = 18;
constexpr double kCards = 66;
constexpr double kRow = 20;
constexpr double kChart = 300;
constexpr double kSwatch = 92; // width of one legend entry
constexpr int kMaxTableRows = 100; // more stages are in the JSON sidecar
constexpr int kMaxLegend = 64;

const QColor kBoundColor(0xC0, 0x39, 0x2B);

// Numbers and quantities as the window and the CLI print them (core/util/quantity.h).
QString qnum(double x)
{
    return q(quantity::number(x));
}

// One table row: a stage, or a run of at least three stages that are empty in
// every partition shown (one row "6\u201364" instead of 59 rows of zeros).
struct StageRow {
    int first = 0, last = 0;
};

std::vector<StageRow> stageRows(const ReportData &d)
{
    auto empty = [&](int b) {
        return std::all_of(
            d.sides.begin(), d.sides.end(), [b](const ReportSide &s) { return s.evaluation.stages[b].nodes == 0; });
    };
    std::vector<StageRow> rows;
    for (int b = 0; b < d.k;) {
        int e = b;
        while (empty(b) && e + 1 < d.k && empty(e + 1))
            ++e;
        if (e - b + 1 >= 3) {
            rows.push_back({ b, e });
            b = e + 1;
        } else {
            rows.push_back({ b, b });
            ++b;
        }
    }
    return rows;
}

QString rowLabel(const StageRow &r)
{
    return r.first == r.last ? QString::number(r.first + 1)
                             : QStringLiteral("%1\u2013%2").arg(r.first + 1).arg(r.last + 1);
}

struct Geometry {
    int columns = 1;
    double graphScale = 1;
    double graphHeight = 0;
    int legendRows = 0;
    std::vector<StageRow> rows; // drawn table rows (at most kMaxTableRows)
    int hiddenRows = 0; // rows past kMaxTableRows
    double headerHeight = 0;
    double columnHeight = 0;
    double diffHeight = 0;
    double width = 0, height = 0;

    explicit Geometry(const ReportData &d)
    {
        columns = static_cast<int>(d.sides.size());
        graphScale = drawingScale(d.layout);
        graphHeight = std::max(d.layout.height, 1.0) * graphScale;
        const int perRow = static_cast<int>(kColumn / kSwatch);
        legendRows = (std::min(d.k, kMaxLegend) + perRow - 1) / perRow;
        rows = stageRows(d);
        if (static_cast<int>(rows.size()) > kMaxTableRows) {
            hiddenRows = static_cast<int>(rows.size()) - kMaxTableRows;
            rows.resize(kMaxTableRows);
        }
        headerHeight = 40 + 3 * kLine + kSectionGap;
        const double table
            = kHeading + kRow + (static_cast<double>(rows.size()) + (hiddenRows > 0 ? 1 : 0)) * kRow + kSectionGap;
        columnHeight = (columns > 1 ? kHeading : 0) + kCards + kSectionGap + kHeading + graphHeight + 8 + kLine
            + legendRows * kLine + kSectionGap + table + kHeading + kChart + kSectionGap;
        diffHeight = columns > 1 ? table + kLine + kSectionGap : 0;
        width = 2 * kMargin + columns * kColumn + (columns - 1) * kColumnGap;
        height = kMargin + headerHeight + columnHeight + diffHeight + kLine + kMargin;
    }
};

class ReportPainter {
public:
    ReportPainter(QPainter &p, const ReportData &d)
        : m_p(p)
        , m_d(d)
        , m_g(d)
        , m_family(p.font().family())
    {
    }

    void paint()
    {
        m_p.fillRect(QRectF(0, 0, m_g.width, m_g.height), Qt::white);
        double y = kMargin;
        header(y);
        y += m_g.headerHeight;
        double yMax = 0;
        for (const ReportSide &s : m_d.sides)
            for (const StageCost &c : s.evaluation.stages)
                yMax = std::max(yMax, c.cost);
        yMax = niceCeiling(std::max(yMax, m_d.lowerBound) * 1.08);
        for (size_t i = 0; i < m_d.sides.size(); ++i)
            column(kMargin + static_cast<double>(i) * (kColumn + kColumnGap), y, m_d.sides[i], yMax);
        y += m_g.columnHeight;
        if (m_d.isComparison())
            differences(y);
        y += m_g.diffHeight;
        setFont(11);
        m_p.setPen(kMuted);
        text(QRectF(kMargin, y, m_g.width - 2 * kMargin, kLine), Qt::AlignLeft | Qt::AlignVCenter,
            QStringLiteral("pipecut %1 \u00b7 %2 \u00b7 drawing: %3, %4 layout")
                .arg(q(m_d.version), q(m_d.date), q(m_d.drawing.how), q(m_d.layout.engine)));
    }

private:
    void setFont(double pixels, bool bold = false) { setReportFont(m_p, m_family, pixels, bold); }
    void text(const QRectF &r, int flags, const QString &s, Qt::TextElideMode elide = Qt::ElideRight)
    {
        elidedText(m_p, r, flags, s, elide);
    }

    QString unitTime() const { return q(m_d.units.time); }
    QString unitSize() const { return q(m_d.units.size); }
    QString timeQ(double v) const { return q(quantity::time(v, m_d.units.time)); }
    QString sizeQ(double v) const { return q(quantity::size(v, m_d.units.size)); }
    QString paramQ(double v) const { return q(quantity::size(v, m_d.units.paramUnit())); }

    void header(double y)
    {
        const double w = m_g.width - 2 * kMargin;
        setFont(26, true);
        m_p.setPen(kInk);
        text(QRectF(kMargin, y, w, 40), Qt::AlignLeft | Qt::AlignVCenter,
            (m_d.isComparison() ? QStringLiteral("pipecut comparison: %1") : QStringLiteral("pipecut report: %1"))
                .arg(q(m_d.modelName.empty() ? m_d.fileName : m_d.modelName)));
        y += 40;
        setFont(13);
        QString line = QStringLiteral("%1 \u00b7 %2 nodes, %3 edges \u00b7 total work %4 \u00b7 total output %5 "
                                      "\u00b7 total parameters %6")
                           .arg(q(m_d.fileName), q(quantity::count(m_d.nodes)), q(quantity::count(m_d.edges)),
                               timeQ(m_d.totalWork), sizeQ(m_d.totalOut), paramQ(m_d.totalParam));
        if (m_d.estimates.nodes > 0)
            line += QStringLiteral(" \u00b7 %1 estimated nodes (%2 of the work)")
                        .arg(q(quantity::count(m_d.estimates.nodes)), q(formatShare(m_d.estimates.share)));
        if (m_d.estimates.measured > 0)
            line += QStringLiteral(" \u00b7 %1 nodes measured").arg(q(quantity::count(m_d.estimates.measured)));
        text(QRectF(kMargin, y, w, kLine), Qt::AlignLeft | Qt::AlignVCenter, line);
        y += kLine;
        const CostParams &cp = m_d.params;
        const auto bandwidth = [&](double b) { return q(quantity::bandwidth(b, m_d.units.size, m_d.units.time)); };
        line
            = QStringLiteral("cost parameters: k = %1 \u00b7 bandwidth %2 \u00b7 memory limit %3")
                  .arg(m_d.k)
                  .arg(bandwidth(cp.bandwidth),
                      cp.memoryLimit ? paramQ(*cp.memoryLimit) + QStringLiteral(" per stage") : QStringLiteral("none"));
        if (cp.overflow)
            line += QStringLiteral(" \u00b7 parameter overflow: fast memory %1, slow bandwidth %2")
                        .arg(paramQ(cp.fastMemory), bandwidth(cp.slowBandwidth));
        text(QRectF(kMargin, y, w, kLine), Qt::AlignLeft | Qt::AlignVCenter, line);
        y += kLine;
        if (cp.devices.size() == static_cast<size_t>(m_d.k)) { // a cluster: each stage's device
            line = QStringLiteral("devices by stage:");
            for (size_t b = 0; b < cp.devices.size(); ++b) {
                const StageDevice &dev = cp.devices[b];
                line += QStringLiteral(" %1 %2 (speed %3, memory %4, links %5 / %6)%7")
                            .arg(b + 1)
                            .arg(q(dev.name), qnum(dev.speed),
                                dev.memoryLimit ? paramQ(*dev.memoryLimit) : QStringLiteral("none"),
                                bandwidth(dev.bandwidthIn), bandwidth(dev.bandwidthOut),
                                b + 1 < cp.devices.size() ? QStringLiteral(" \u00b7") : QString());
            }
            text(QRectF(kMargin, y, w, kLine), Qt::AlignLeft | Qt::AlignVCenter, line);
            y += kLine;
        }
        line = QStringLiteral("lower bound on any partition into %1 stages: %2, proven by %3%4")
                   .arg(m_d.k)
                   .arg(timeQ(m_d.lowerBound), q(m_d.provenBy),
                       m_d.boundOptimal
                           ? (m_d.estimates.qualifies() ? QStringLiteral(" (the optimum for these costs, %1 of "
                                                                         "the work estimated)")
                                                              .arg(q(formatShare(m_d.estimates.share)))
                                                        : QStringLiteral(" (the optimum)"))
                           : QString());
        text(QRectF(kMargin, y, w, kLine), Qt::AlignLeft | Qt::AlignVCenter, line);
    }

    void heading(double x, double y, double w, const QString &s)
    {
        setFont(16, true);
        m_p.setPen(kInk);
        text(QRectF(x, y, w, kHeading - 6), Qt::AlignLeft | Qt::AlignBottom, s);
        m_p.setPen(QPen(kRule, 1));
        m_p.drawLine(QPointF(x, y + kHeading - 3), QPointF(x + w, y + kHeading - 3));
    }

    void column(double x, double y, const ReportSide &side, double yMax)
    {
        if (m_d.isComparison()) {
            setFont(18, true);
            m_p.setPen(kInk);
            const QChar letter(QLatin1Char(&side == m_d.sides.data() ? 'A' : 'B'));
            text(QRectF(x, y, kColumn, kHeading), Qt::AlignLeft | Qt::AlignVCenter,
                QString(letter) + QStringLiteral(": ") + q(side.label));
            y += kHeading;
        }
        cards(x, y, side);
        y += kCards + kSectionGap;
        heading(x, y, kColumn, QStringLiteral("Graph, coloured by stage"));
        y += kHeading;
        graph(x, y, side);
        y += m_g.graphHeight + 8;
        setFont(11);
        m_p.setPen(kMuted);
        text(QRectF(x, y, kColumn, kLine), Qt::AlignLeft | Qt::AlignVCenter, q(m_d.drawing.how));
        y += kLine;
        legend(x, y);
        y += m_g.legendRows * kLine + kSectionGap;
        heading(x, y, kColumn, QStringLiteral("Stages (bottleneck marked *)"));
        y += kHeading;
        y = stageTable(x, y, side) + kSectionGap;
        heading(x, y, kColumn, QStringLiteral("Stage costs against the lower bound"));
        y += kHeading;
        chart(QRectF(x, y, kColumn, kChart), side, yMax);
    }

    void cards(double x, double y, const ReportSide &side)
    {
        const Evaluation &ev = side.evaluation;
        const Summary sum = summarize(ev, m_d.k, m_d.lowerBound);
        const double T = sum.bottleneck;
        const double gap = sum.gap;
        struct Card {
            QString title, value, detail;
        };
        const Card cards[] = {
            { QStringLiteral("bottleneck T"), timeQ(T), QStringLiteral("stage %1").arg(ev.bottleneckStage + 1) },
            { QStringLiteral("lower bound"), timeQ(m_d.lowerBound), QStringLiteral("proven by ") + q(m_d.provenBy) },
            { QStringLiteral("gap (T \u2212 LB) / T"), qnum(100 * gap) + QStringLiteral(" %"),
                gap <= 1e-9 ? q(optimalWording(m_d.estimates)) : QStringLiteral("at most this far from optimal") },
            { QStringLiteral("throughput 1 / T"), q(quantity::rate(sum.throughput, m_d.units.time)),
                QStringLiteral("requests") },
            { QStringLiteral("latency k \u00b7 T"), timeQ(sum.latency),
                QStringLiteral("sum of stage costs %1").arg(timeQ(sum.fillLatency)) },
        };
        const int n = static_cast<int>(std::size(cards));
        const double gapX = 12, w = (kColumn - (n - 1) * gapX) / n;
        for (int i = 0; i < n; ++i) {
            const QRectF r(x + i * (w + gapX), y, w, kCards);
            m_p.setPen(QPen(kRule, 1));
            m_p.setBrush(QColor(0xF6, 0xF6, 0xF6));
            m_p.drawRoundedRect(r, 6, 6);
            m_p.setPen(kMuted);
            setFont(11);
            text(r.adjusted(10, 6, -10, 0).adjusted(0, 0, 0, -(kCards - 22)), Qt::AlignLeft | Qt::AlignVCenter,
                cards[i].title);
            for (double px = 18; px >= 11; px -= 1) { // the largest size that fits
                setFont(px, true);
                if (QFontMetricsF(m_p.font()).horizontalAdvance(cards[i].value) <= w - 20)
                    break;
            }
            m_p.setPen(i == 2 && gap > 0.05 ? kBoundColor : kInk);
            text(QRectF(r.left() + 10, r.top() + 22, w - 20, 24), Qt::AlignLeft | Qt::AlignVCenter, cards[i].value);
            setFont(11);
            m_p.setPen(kMuted);
            text(QRectF(r.left() + 10, r.top() + 46, w - 20, 16), Qt::AlignLeft | Qt::AlignVCenter, cards[i].detail);
        }
        m_p.setBrush(Qt::NoBrush);
    }

    void graph(double x0, double y0, const ReportSide &side)
    {
        const int sideIndex = static_cast<int>(&side - m_d.sides.data());
        const std::vector<int32_t> &stage = m_d.drawing.stages[sideIndex];
        const double s = m_g.graphScale;
        // Centre the drawing in the column.
        const double x = x0 + (kColumn - m_d.layout.width * s) / 2, y = y0;
        const Graph &g = m_d.drawing.graph;
        const double bw = kBoxWidth * s, bh = kBoxHeight * s;
        const bool across = m_d.direction == LayoutDirection::LeftToRight;
        const QPointF exit = across ? QPointF(bw / 2, 0) : QPointF(0, bh / 2); // where edges leave a box
        auto centre = [&](NodeId v) {
            const LayoutPoint &c = m_d.layout.centres[index(v)];
            return QPointF(x + c.x * s, y + c.y * s);
        };
        // Edges first; those that cross stages (communication) darker.
        for (const auto &[u, v] : g.edges()) {
            const bool cross = stage[index(u)] != stage[index(v)];
            m_p.setPen(QPen(cross ? QColor(0x44, 0x44, 0x44) : QColor(0xBB, 0xBB, 0xBB), cross ? 1.4 : 0.8));
            m_p.drawLine(centre(u) + exit, centre(v) - exit);
        }
        const bool labels = s >= kLabelScale - 1e-9;
        for (int32_t b = 0; b < g.nodeCount(); ++b) {
            const QPointF c = centre(nodeId(b));
            const QRectF r(c.x() - bw / 2, c.y() - bh / 2, bw, bh);
            const int st = stage[b];
            m_p.setPen(QPen(ui::stageColor(st).darker(150), 1));
            m_p.setBrush(ui::stageColor(st));
            m_p.drawRoundedRect(r, 4 * s, 4 * s);
            if (!labels)
                continue;
            m_p.setPen(ui::stageTextColor(st));
            const int size = m_d.drawing.sizes[b];
            if (size > 1) {
                // Scope paths keep their deepest part; ranges ("a ... b", "first id ...") both ends.
                setFont(14 * s, true);
                text(r.adjusted(4 * s, 2 * s, -4 * s, -bh / 2), Qt::AlignHCenter | Qt::AlignBottom,
                    q(m_d.drawing.labels[b]),
                    m_d.drawing.scopeDepth > 0 && !m_d.drawing.mergedScopes ? Qt::ElideLeft : Qt::ElideMiddle);
                setFont(12 * s);
                text(r.adjusted(4 * s, bh / 2, -4 * s, -2 * s), Qt::AlignHCenter | Qt::AlignTop,
                    QStringLiteral("%1 ops \u00b7 stage %2").arg(size).arg(st + 1));
            } else {
                setFont(14 * s);
                text(r.adjusted(4 * s, 0, -4 * s, 0), Qt::AlignCenter, q(m_d.drawing.labels[b]), Qt::ElideMiddle);
            }
        }
        m_p.setBrush(Qt::NoBrush);
    }

    void legend(double x, double y)
    {
        const int perRow = static_cast<int>(kColumn / kSwatch);
        setFont(11);
        for (int b = 0; b < std::min(m_d.k, kMaxLegend); ++b) {
            const double sx = x + (b % perRow) * kSwatch, sy = y + (b / perRow) * kLine;
            m_p.setPen(QPen(ui::stageColor(b).darker(150), 1));
            m_p.setBrush(ui::stageColor(b));
            m_p.drawRect(QRectF(sx, sy + 4, 14, 12));
            m_p.setPen(kInk);
            const bool last = b == kMaxLegend - 1 && m_d.k > kMaxLegend;
            text(QRectF(sx + 18, sy, kSwatch - 20, kLine), Qt::AlignLeft | Qt::AlignVCenter,
                last ? QStringLiteral("\u2026 %1").arg(m_d.k) : QStringLiteral("stage %1").arg(b + 1));
        }
        m_p.setBrush(Qt::NoBrush);
    }

    // A table with right-aligned numeric columns; returns the y below it.
    double table(double x, double y, const QStringList &head, const std::vector<double> &widths,
        const std::vector<QStringList> &rows, const std::vector<bool> &bold, const QString &more)
    {
        setFont(12, true);
        m_p.setPen(kInk);
        double cx = x;
        for (int c = 0; c < head.size(); ++c) {
            text(QRectF(cx, y, widths[c] - 8, kRow), Qt::AlignRight | Qt::AlignVCenter, head[c]);
            cx += widths[c];
        }
        y += kRow;
        m_p.setPen(QPen(kRule, 1));
        m_p.drawLine(QPointF(x, y), QPointF(cx, y));
        for (size_t r = 0; r < rows.size(); ++r) {
            if (r % 2 == 1)
                m_p.fillRect(QRectF(x, y, cx - x, kRow), QColor(0xF4, 0xF4, 0xF4));
            setFont(12, bold[r]);
            m_p.setPen(kInk);
            double rx = x;
            for (int c = 0; c < rows[r].size(); ++c) {
                text(QRectF(rx, y, widths[c] - 8, kRow), Qt::AlignRight | Qt::AlignVCenter, rows[r][c]);
                rx += widths[c];
            }
            y += kRow;
        }
        if (!more.isEmpty()) {
            setFont(11);
            m_p.setPen(kMuted);
            text(QRectF(x, y, kColumn, kRow), Qt::AlignLeft | Qt::AlignVCenter, more);
            y += kRow;
        }
        return y;
    }

    QString moreRows() const
    {
        return m_g.hiddenRows > 0
            ? QStringLiteral("\u2026 %1 more rows (every stage is in the JSON sidecar, --data)").arg(m_g.hiddenRows)
            : QString();
    }

    double stageTable(double x, double y, const ReportSide &side)
    {
        const Evaluation &ev = side.evaluation;
        const QStringList head = { QStringLiteral("stage"), QStringLiteral("nodes"),
            QStringLiteral("work (%1)").arg(unitTime()), QStringLiteral("comm in"), QStringLiteral("comm out"),
            QStringLiteral("param"), QStringLiteral("cost (%1)").arg(unitTime()) };
        std::vector<QStringList> rows;
        std::vector<bool> bold;
        for (const StageRow &r : m_g.rows) {
            const StageCost &c = ev.stages[r.first]; // a range is all zeros
            const bool isBottleneck = r.first == ev.bottleneckStage;
            rows.push_back(
                { rowLabel(r) + (isBottleneck ? QStringLiteral("*") : QStringLiteral(" ")), QString::number(c.nodes),
                    qnum(c.work), sizeQ(c.commIn), sizeQ(c.commOut), paramQ(c.param), qnum(c.cost) });
            bold.push_back(isBottleneck);
        }
        const std::vector<double> widths = { 90, 110, 180, 180, 180, 180, 180 };
        const double below = table(x, y, head, widths, rows, bold, moreRows());
        // Colour chips before the stage numbers.
        for (size_t i = 0; i < m_g.rows.size(); ++i) {
            if (m_g.rows[i].first != m_g.rows[i].last)
                continue;
            const int b = m_g.rows[i].first;
            m_p.setPen(QPen(ui::stageColor(b).darker(150), 1));
            m_p.setBrush(ui::stageColor(b));
            m_p.drawRect(QRectF(x + 4, y + kRow * static_cast<double>(i + 1) + 5, 12, 10));
        }
        m_p.setBrush(Qt::NoBrush);
        return below;
    }

    static double niceStep(double range, int ticks)
    {
        const double raw = range / ticks;
        const double mag = std::pow(10.0, std::floor(std::log10(raw)));
        for (double m : { 1.0, 2.0, 2.5, 5.0, 10.0 })
            if (raw <= m * mag)
                return m * mag;
        return 10 * mag;
    }

    static double niceCeiling(double v)
    {
        if (v <= 0)
            return 1;
        const double step = niceStep(v, 5);
        return std::ceil(v / step) * step;
    }

    void chart(const QRectF &area, const ReportSide &side, double yMax)
    {
        const Evaluation &ev = side.evaluation;
        const QRectF plot = area.adjusted(70, 10, -10, -56);
        auto yOf = [&](double v) { return plot.bottom() - v / yMax * plot.height(); };
        // Axis and grid.
        const double step = niceStep(yMax, 5);
        setFont(11);
        for (double t = 0; t <= yMax * (1 + 1e-9); t += step) {
            m_p.setPen(QPen(QColor(0xE4, 0xE4, 0xE4), 1));
            m_p.drawLine(QPointF(plot.left(), yOf(t)), QPointF(plot.right(), yOf(t)));
            m_p.setPen(kMuted);
            text(QRectF(area.left(), yOf(t) - 8, 64, 16), Qt::AlignRight | Qt::AlignVCenter, qnum(t));
        }
        m_p.save();
        m_p.translate(area.left() + 8, plot.center().y());
        m_p.rotate(-90);
        text(QRectF(-plot.height() / 2, -8, plot.height(), 16), Qt::AlignCenter,
            QStringLiteral("stage cost (%1)").arg(unitTime()));
        m_p.restore();
        m_p.setPen(QPen(kInk, 1));
        m_p.drawLine(plot.bottomLeft(), plot.bottomRight());
        // Bars: work, communication ((in + out) / B), overflow.
        const int k = m_d.k;
        const double slot = plot.width() / k, barW = std::max(slot * 0.7, 0.5);
        const int labelEvery = std::max(1, static_cast<int>(std::ceil(28.0 / slot)));
        for (int b = 0; b < k; ++b) {
            const StageCost &c = ev.stages[b];
            const double comm = (c.commIn + c.commOut) / m_d.params.bandwidth;
            const double over = std::max(0.0, c.cost - c.work - comm);
            const double bx = plot.left() + b * slot + (slot - barW) / 2;
            double base = 0;
            const QColor colors[] = { ui::stageColor(b), ui::stageColor(b).darker(140), QColor(0x99, 0x99, 0x99) };
            const double parts[] = { c.work, comm, over };
            for (int i = 0; i < 3; ++i) {
                if (parts[i] <= 0)
                    continue;
                m_p.fillRect(QRectF(QPointF(bx, yOf(base + parts[i])), QPointF(bx + barW, yOf(base))), colors[i]);
                base += parts[i];
            }
            if (b == ev.bottleneckStage) {
                m_p.setPen(QPen(kInk, 2));
                m_p.drawRect(QRectF(QPointF(bx, yOf(c.cost)), QPointF(bx + barW, yOf(0))));
            }
            m_p.setPen(kMuted);
            if (b % labelEvery == 0)
                text(QRectF(plot.left() + b * slot - 20 + slot / 2, plot.bottom() + 2, 40, 16), Qt::AlignCenter,
                    QString::number(b + 1));
            if (k <= 16 && c.cost > 0) {
                m_p.setPen(kInk);
                text(
                    QRectF(bx - 20, yOf(c.cost) - 17, barW + 40, 16), Qt::AlignHCenter | Qt::AlignBottom, qnum(c.cost));
            }
        }
        // The lower bound line.
        QPen dashed(kBoundColor, 2, Qt::DashLine);
        m_p.setPen(dashed);
        m_p.drawLine(QPointF(plot.left(), yOf(m_d.lowerBound)), QPointF(plot.right(), yOf(m_d.lowerBound)));
        // Legend.
        setFont(11);
        m_p.setPen(kMuted);
        text(QRectF(plot.left(), plot.bottom() + 18, plot.width(), 16), Qt::AlignHCenter | Qt::AlignVCenter,
            QStringLiteral("stage"));
        double lx = plot.left();
        const double ly = plot.bottom() + 38;
        auto key = [&](const QColor &color, const QString &label, bool line) {
            if (line) {
                m_p.setPen(dashed);
                m_p.drawLine(QPointF(lx, ly + 8), QPointF(lx + 22, ly + 8));
            } else {
                m_p.fillRect(QRectF(lx, ly + 3, 14, 10), color);
            }
            m_p.setPen(kInk);
            const double w = QFontMetricsF(m_p.font()).horizontalAdvance(label);
            m_p.drawText(QPointF(lx + 28, ly + 12), label);
            lx += 28 + w + 24;
        };
        key(ui::stageColor(0), QStringLiteral("work"), false);
        key(ui::stageColor(0).darker(140), QStringLiteral("communication (in + out) / bandwidth"), false);
        if (m_d.params.overflow)
            key(QColor(0x99, 0x99, 0x99), QStringLiteral("parameter overflow"), false);
        key(kBoundColor, QStringLiteral("lower bound %1 (%2)").arg(qnum(m_d.lowerBound), q(m_d.provenBy)), true);
        m_p.setPen(QPen(kInk, 2));
        m_p.drawRect(QRectF(lx, ly + 3, 14, 10));
        m_p.drawText(QPointF(lx + 20, ly + 12), QStringLiteral("bottleneck stage"));
    }

    void differences(double y)
    {
        const ReportSide &a = m_d.sides[0], &b = m_d.sides[1];
        const double x = kMargin, w = m_g.width - 2 * kMargin;
        heading(x, y, w,
            QStringLiteral("Differences per stage, \u0394 = B \u2212 A (A: %1, B: %2)").arg(q(a.label), q(b.label)));
        y += kHeading;
        const QStringList head = { QStringLiteral("stage"), QStringLiteral("nodes A"), QStringLiteral("nodes B"),
            QStringLiteral("\u0394 nodes"), QStringLiteral("cost A"), QStringLiteral("cost B"),
            QStringLiteral("\u0394 cost"), QStringLiteral("\u0394 work"), QStringLiteral("\u0394 comm in"),
            QStringLiteral("\u0394 comm out") };
        std::vector<QStringList> rows;
        std::vector<bool> bold;
        auto signedNum = [](double v) { return (v > 0 ? QStringLiteral("+") : QString()) + qnum(v); };
        auto signedSize = [this](double v) { return (v > 0 ? QStringLiteral("+") : QString()) + sizeQ(v); };
        for (const StageRow &r : m_g.rows) {
            const int s = r.first;
            const StageCost &ca = a.evaluation.stages[s], &cb = b.evaluation.stages[s];
            rows.push_back({ rowLabel(r), QString::number(ca.nodes), QString::number(cb.nodes),
                signedNum(cb.nodes - ca.nodes), qnum(ca.cost), qnum(cb.cost), signedNum(cb.cost - ca.cost),
                signedNum(cb.work - ca.work), signedSize(cb.commIn - ca.commIn), signedSize(cb.commOut - ca.commOut) });
            bold.push_back(s == a.evaluation.bottleneckStage || s == b.evaluation.bottleneckStage);
        }
        const std::vector<double> widths = { 80, 120, 120, 110, 200, 200, 200, 200, 200, 200 };
        y = table(x, y, head, widths, rows, bold, moreRows());
        int moved = 0;
        for (int32_t v = 0; v < a.partition.nodeCount(); ++v)
            moved += a.partition.stages()[v] != b.partition.stages()[v];
        const double ta = a.evaluation.bottleneck, tb = b.evaluation.bottleneck;
        setFont(13, true);
        m_p.setPen(kInk);
        text(QRectF(x, y, w, kLine), Qt::AlignLeft | Qt::AlignVCenter,
            QStringLiteral("bottleneck A %1 %2, B %3 %2: \u0394 %4 %2 (%5 %); %6 of %7 nodes are in a different stage")
                .arg(qnum(ta), unitTime(), qnum(tb), signedNum(tb - ta),
                    ta > 0 ? signedNum(100 * (tb - ta) / ta) : QStringLiteral("-"))
                .arg(moved)
                .arg(m_d.nodes));
    }

    QPainter &m_p;
    const ReportData &m_d;
    Geometry m_g;
    QString m_family;
};

} // namespace

QSizeF reportPageSize(const ReportData &data)
{
    const Geometry g(data);
    return { g.width, g.height };
}

void paintReport(QPainter &painter, const ReportData &data)
{
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    ReportPainter(painter, data).paint();
}

} // namespace pipecut::report
