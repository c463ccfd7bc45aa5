// The sweep study (`pipecut-cli sweep merge -o`, core/cli/sweep_study.h) drawn
// in the report's style: header, the per-k table, the gap per k as box plots
// with every instance as a dot, run times, the worst cases, failed and missing
// tasks. The page height follows from the row counts alone.
#include "ui/report/study.h"

#include "ui/report/report.h"
#include "ui/report/report_painter.h"
#include "ui/report/report_style.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace pipecut::report {

namespace {

using cli::sweep::Study;
using Cells = std::vector<std::vector<std::string>>;

constexpr double kMargin = 40;
constexpr double kLine = 20;
constexpr double kHeading = 28;
constexpr double kSectionGap = 18;
constexpr double kRow = 20;
constexpr double kGapRow = 30;
constexpr double kAxis = 30;
constexpr double kMinWidth = 1400;
constexpr double kModelColumn = 520;
constexpr size_t kListed = 20;

const QColor kBox(0x4C, 0x78, 0xA8);
const QColor kBad(0xC0, 0x39, 0x2B);

std::vector<double> columnWidths(const Cells &cells, double first)
{
    std::vector<double> widths;
    for (size_t c = 0; c < cells.front().size(); ++c) {
        size_t chars = 0;
        for (const auto &row : cells)
            chars = std::max(chars, c < row.size() ? row[c].size() : 0);
        widths.push_back(c == 0 ? first : std::max(90.0, 8.0 * static_cast<double>(chars) + 16));
    }
    return widths;
}

double tableWidth(const Cells &cells, double first)
{
    const auto w = columnWidths(cells, first);
    double sum = 0;
    for (double x : w)
        sum += x;
    return sum;
}

size_t listedProblems(const Study &s)
{
    return std::min(s.failed.size(), kListed) + std::min(s.missing.size(), kListed);
}

QSizeF studyPageSize(const Study &s)
{
    const double width = std::max({ kMinWidth, tableWidth(cli::sweep::studyTableCells(s), 60) + 2 * kMargin,
        tableWidth(cli::sweep::worstTableCells(s), kModelColumn) + 2 * kMargin });
    double h = kMargin + 40 + 4 * kLine + kSectionGap;
    h += kHeading + kRow * static_cast<double>(s.rows.size() + 1) + kLine + kSectionGap;
    h += kHeading + kGapRow * static_cast<double>(s.rows.size()) + kAxis + kSectionGap;
    h += kHeading + kRow * static_cast<double>(s.times.size() + 1) + kSectionGap;
    h += kHeading + kRow * static_cast<double>(s.worst.size() + 1) + kSectionGap;
    if (listedProblems(s) > 0)
        h += kHeading + kRow * static_cast<double>(listedProblems(s)) + kSectionGap;
    return { width, h + kMargin };
}

class StudyPainter {
public:
    StudyPainter(QPainter &painter, const Study &study, QSizeF page)
        : m_p(painter)
        , m_s(study)
        , m_width(page.width() - 2 * kMargin)
        , m_family(painter.font().family())
    {
    }

    void paint(const std::string &date)
    {
        double y = header(kMargin, date) + kSectionGap;
        heading(y, QStringLiteral("Per k: geometric means over the instances (one model at one k)"));
        y = table(y + kHeading, cli::sweep::studyTableCells(m_s), 60);
        setFont(11);
        m_p.setPen(kMuted);
        text(QRectF(kMargin, y, m_width, kLine), Qt::AlignLeft | Qt::AlignVCenter,
            QStringLiteral("UB: the best partition any method found; best LB: the highest bound any task proved; "
                           "optimum: where best LB = UB; counts of instances in brackets"));
        y += kLine + kSectionGap;
        heading(y,
            QStringLiteral("Gap (UB \u2212 best LB) / UB per k: box from quartile to quartile, median, range, "
                           "every instance a dot"));
        y = gapPlot(y + kHeading) + kSectionGap;
        heading(y, QStringLiteral("Run times per method and k (seconds of wall time per task)"));
        y = table(y + kHeading, cli::sweep::timeTableCells(m_s), 200) + kSectionGap;
        heading(y,
            m_s.worst.empty() ? QStringLiteral("Worst cases by gap: none, every best partition is proven optimal")
                              : QStringLiteral("Worst cases by gap (models under %1)")
                                    .arg(m_s.modelRoot.empty() ? QStringLiteral(".") : q(m_s.modelRoot)));
        y += kHeading;
        if (!m_s.worst.empty())
            y = table(y, cli::sweep::worstTableCells(m_s), kModelColumn);
        else
            y += kRow;
        y += kSectionGap;
        if (listedProblems(m_s) > 0) {
            heading(y, QStringLiteral("Failed and missing tasks (all of them are in --data)"));
            y += kHeading;
            setFont(12);
            m_p.setPen(kBad);
            for (const auto *list : { &m_s.failed, &m_s.missing })
                for (size_t i = 0; i < list->size() && i < kListed; ++i, y += kRow)
                    text(QRectF(kMargin, y, m_width, kRow), Qt::AlignLeft | Qt::AlignVCenter,
                        (list == &m_s.failed ? QStringLiteral("failed: ") : QStringLiteral("missing: "))
                            + q((*list)[i]));
        }
    }

private:
    void setFont(double pixels, bool bold = false) { setReportFont(m_p, m_family, pixels, bold); }
    void text(const QRectF &r, int flags, const QString &s, Qt::TextElideMode elide = Qt::ElideRight)
    {
        elidedText(m_p, r, flags, s, elide);
    }

    double header(double y, const std::string &date)
    {
        setFont(26, true);
        m_p.setPen(kInk);
        text(QRectF(kMargin, y, m_width, 40), Qt::AlignLeft | Qt::AlignVCenter,
            QStringLiteral("pipecut sweep study: plan %1").arg(q(m_s.planHash)));
        y += 40;
        setFont(13);
        QStringList ks, args, methods;
        for (int k : m_s.ks)
            ks << QString::number(k);
        for (const std::string &a : m_s.options.args)
            args << q(a);
        for (const std::string &m : m_s.methods)
            methods << q(m);
        const QString lines[] = {
            QStringLiteral("%1 tasks: %2 models \u00b7 k = %3 \u00b7 methods %4 (reference %5)")
                .arg(m_s.tasks)
                .arg(m_s.models)
                .arg(ks.join(QStringLiteral(", ")), methods.join(QStringLiteral(", ")), q(m_s.reference)),
            QStringLiteral("bound %1 (%2 s) \u00b7 partitioner time limit %3 \u00b7 seed %4 \u00b7 options: %5")
                .arg(q(m_s.options.bound), QString::number(m_s.options.boundTimeLimit),
                    m_s.options.timeLimit > 0 ? QString::number(m_s.options.timeLimit) + QStringLiteral(" s")
                                              : QStringLiteral("the method's default"))
                .arg(m_s.options.seed)
                .arg(args.isEmpty() ? QStringLiteral("none") : args.join(QLatin1Char(' '))),
            QStringLiteral("%1 results \u00b7 %2 infeasible \u00b7 %3 without a partition (the method refused a "
                           "limit or found none) \u00b7 %4 failed \u00b7 %5 missing")
                .arg(m_s.results)
                .arg(m_s.infeasible)
                .arg(m_s.unsolved.size())
                .arg(m_s.failed.size())
                .arg(m_s.missing.size()),
            QStringLiteral("pipecut %1 \u00b7 %2").arg(q(m_s.version), q(date)),
        };
        for (const QString &line : lines) {
            text(QRectF(kMargin, y, m_width, kLine), Qt::AlignLeft | Qt::AlignVCenter, line);
            y += kLine;
        }
        return y;
    }

    void heading(double y, const QString &s)
    {
        setFont(16, true);
        m_p.setPen(kInk);
        text(QRectF(kMargin, y, m_width, kHeading - 6), Qt::AlignLeft | Qt::AlignBottom, s);
        m_p.setPen(QPen(kRule, 1));
        m_p.drawLine(QPointF(kMargin, y + kHeading - 3), QPointF(kMargin + m_width, y + kHeading - 3));
    }

    double table(double y, const Cells &cells, double first)
    {
        const std::vector<double> widths = columnWidths(cells, first);
        for (size_t r = 0; r < cells.size(); ++r) {
            double x = kMargin;
            if (r > 0 && r % 2 == 0)
                m_p.fillRect(QRectF(x, y, tableWidth(cells, first), kRow), QColor(0xF4, 0xF4, 0xF4));
            setFont(12, r == 0);
            m_p.setPen(kInk);
            for (size_t c = 0; c < cells[r].size(); ++c) {
                const int align = (c == 0 ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter;
                text(QRectF(x, y, widths[c] - 8, kRow), align, q(cells[r][c]), c == 0 ? Qt::ElideLeft : Qt::ElideRight);
                x += widths[c];
            }
            y += kRow;
            if (r == 0) {
                m_p.setPen(QPen(kRule, 1));
                m_p.drawLine(QPointF(kMargin, y), QPointF(x, y));
            }
        }
        return y;
    }

    double gapPlot(double y)
    {
        double largest = 0.01; // at least 1 %
        for (const auto &row : m_s.rows)
            if (std::isfinite(row.gaps.max))
                largest = std::max(largest, row.gaps.max);
        // The axis ends at 1, 2 or 5 times a power of ten, so that its quarter ticks read well.
        const double decade = std::pow(10.0, std::floor(std::log10(largest)));
        const double top = largest <= 2 * decade ? 2 * decade : largest <= 4 * decade ? 4 * decade : 10 * decade;
        const double left = kMargin + 80, width = m_width - 80;
        auto at = [&](double gap) { return left + width * std::clamp(gap / top, 0.0, 1.0); };
        for (const auto &row : m_s.rows) {
            const double mid = y + kGapRow / 2;
            setFont(12, true);
            m_p.setPen(kInk);
            text(
                QRectF(kMargin, y, 70, kGapRow), Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("k = %1").arg(row.k));
            if (!row.gaps.values.empty()) {
                m_p.setPen(QPen(kMuted, 1));
                m_p.drawLine(QPointF(at(row.gaps.min), mid), QPointF(at(row.gaps.max), mid));
                m_p.fillRect(
                    QRectF(at(row.gaps.q1), y + 6, std::max(1.0, at(row.gaps.q3) - at(row.gaps.q1)), kGapRow - 12),
                    QColor(kBox.red(), kBox.green(), kBox.blue(), 90));
                m_p.setPen(QPen(kBox, 2));
                m_p.drawLine(QPointF(at(row.gaps.median), y + 4), QPointF(at(row.gaps.median), y + kGapRow - 4));
                m_p.setPen(Qt::NoPen);
                m_p.setBrush(kInk);
                for (double g : row.gaps.values)
                    m_p.drawEllipse(QPointF(at(g), mid), 2.5, 2.5);
                m_p.setBrush(Qt::NoBrush);
            }
            y += kGapRow;
        }
        m_p.setPen(QPen(kRule, 1));
        m_p.drawLine(QPointF(left, y), QPointF(left + width, y));
        setFont(11);
        m_p.setPen(kMuted);
        for (int i = 0; i <= 4; ++i) {
            const double g = top * i / 4, x = at(g);
            m_p.drawLine(QPointF(x, y), QPointF(x, y + 4));
            text(QRectF(x - 50, y + 4, 100, kAxis - 6), Qt::AlignHCenter | Qt::AlignVCenter,
                QString::number(100 * g, 'g', 3) + QStringLiteral(" %"));
        }
        return y + kAxis;
    }

    QPainter &m_p;
    const Study &m_s;
    double m_width;
    QString m_family;
};

} // namespace

Result<WrittenReport> writeStudy(const Study &study, const std::string &path, const WriteOptions &options)
{
    Page page;
    page.size = studyPageSize(study);
    page.title = QStringLiteral("pipecut sweep study: plan ") + q(study.planHash);
    page.version = study.version;
    page.date = reportDate();
    page.paint = [&study, &page](QPainter &painter) {
        painter.setRenderHint(QPainter::Antialiasing, true);
        painter.setRenderHint(QPainter::TextAntialiasing, true);
        StudyPainter(painter, study, page.size).paint(page.date);
    };
    return writePage(page, path, options);
}

} // namespace pipecut::report
