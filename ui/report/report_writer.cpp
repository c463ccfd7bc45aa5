// writeReport(): PNG (QImage), SVG (QSvgGenerator) and PDF (QPdfWriter, vector)
// from the one painting in report_painter.cpp, with the bundled font.
#include "ui/report/report.h"
#include "ui/report/report_painter.h"

#include "core/io/graph_io.h"

#include <QBuffer>
#include <QDateTime>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHashFunctions>
#include <QImage>
#include <QImageWriter>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSvgGenerator>
#include <QTimeZone>

#include <cmath>

// Resources of a static library must be initialised by name, outside any namespace.
static void initReportFonts()
{
    Q_INIT_RESOURCE(report_fonts);
}

namespace pipecut::report {

namespace {

// DejaVu Sans from the resources (the same file wherever pipecut runs), loaded once.
QString reportFontFamily()
{
    static const QString family = [] {
        initReportFonts();
        const int regular = QFontDatabase::addApplicationFont(QStringLiteral(":/pipecut/fonts/DejaVuSans.ttf"));
        QFontDatabase::addApplicationFont(QStringLiteral(":/pipecut/fonts/DejaVuSans-Bold.ttf"));
        const QStringList families = QFontDatabase::applicationFontFamilies(regular);
        return families.value(0, QStringLiteral("DejaVu Sans"));
    }();
    return family;
}

void paintWithFont(QPainter &painter, const Page &page)
{
    painter.setFont(QFont(reportFontFamily()));
    page.paint(painter);
}

Status writeBytes(const std::string &path, const QByteArray &bytes)
{
    return writeFileAtomically(path, std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())));
}

// QPdfWriter stamps the current time and a random document id; both are
// replaced in place (same length, so the cross-reference offsets stay right) by
// values derived from the report's date, so that equal inputs give equal files.
QByteArray reproduciblePdf(QByteArray pdf, const std::string &date)
{
    const QDateTime day = QDateTime::fromString(QString::fromStdString(date), QStringLiteral("yyyy-MM-dd"));
    QDateTime when(day.date(), QTime(0, 0), QTimeZone::utc());
    const QByteArray pdfDate = when.toString(QStringLiteral("yyyyMMddHHmmss")).toLatin1();
    // /CreationDate (D:20261128103900+01'00') and XMP's 2026-11-28T10:39:00+01:00
    static const QRegularExpression infoDate(QStringLiteral("\\(D:(\\d{14})([^)]*)\\)"));
    static const QRegularExpression xmpDate(
        QStringLiteral("(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d)([+-]\\d\\d:\\d\\d|Z)"));
    static const QRegularExpression uuid(
        QStringLiteral("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"));
    static const QRegularExpression hexId(QStringLiteral("/ID \\[\\s*<([0-9a-fA-F]+)>\\s*<([0-9a-fA-F]+)>"));
    QString text = QString::fromLatin1(pdf); // byte-for-byte
    auto replaceAll = [&text](const QRegularExpression &re, auto make) {
        QString out;
        qsizetype last = 0;
        for (auto it = re.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            out += QStringView(text).mid(last, m.capturedStart());
            QString r = make(m);
            r = r.leftJustified(m.capturedLength(), QLatin1Char(' '), true);
            out += r;
            last = m.capturedEnd();
        }
        out += QStringView(text).mid(last);
        text = out;
    };
    const QString iso = when.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    replaceAll(infoDate, [&](const QRegularExpressionMatch &m) {
        QString zone = m.captured(2); // "+01'00'", "Z" or empty: keep its form at UTC
        for (QChar &c : zone)
            c = c.isDigit() ? QLatin1Char('0') : c == QLatin1Char('-') ? QLatin1Char('+') : c;
        return QStringLiteral("(D:") + QString::fromLatin1(pdfDate) + zone + QStringLiteral(")");
    });
    replaceAll(xmpDate, [&](const QRegularExpressionMatch &m) {
        return iso + (m.captured(2) == QLatin1String("Z") ? QStringLiteral("Z") : QStringLiteral("+00:00"));
    });
    replaceAll(uuid, [&](const QRegularExpressionMatch &) {
        return QStringLiteral("00000000-0000-4000-8000-") + QString::fromLatin1(pdfDate.right(12));
    });
    replaceAll(hexId, [&](const QRegularExpressionMatch &m) {
        return QStringLiteral("/ID [<%1> <%2>")
            .arg(QString(m.capturedLength(1), QLatin1Char('0')), QString(m.capturedLength(2), QLatin1Char('0')));
    });
    return text.toLatin1();
}

} // namespace

Result<WrittenReport> writeReport(const ReportData &data, const std::string &path, const WriteOptions &options)
{
    Page p;
    p.size = reportPageSize(data);
    p.title = QStringLiteral("pipecut report: ") + QString::fromStdString(data.modelName);
    p.version = data.version;
    p.date = data.date;
    p.paint = [&data](QPainter &painter) { paintReport(painter, data); };
    return writePage(p, path, options);
}

Result<WrittenReport> writePage(const Page &p, const std::string &path, const WriteOptions &options)
{
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return makeError(ErrorKind::Internal, "drawing a report needs a QGuiApplication");
    const QString qpath = QString::fromStdString(path);
    const QString suffix = qpath.section(QLatin1Char('.'), -1).toLower();
    const QSizeF page = p.size;
    WrittenReport written;
    written.width = page.width();
    written.height = page.height();
    const QString &title = p.title;

    if (suffix == QLatin1String("png")) {
        const double s = fittingScale(page.width(), page.height(), options.scale);
        QImage image(static_cast<int>(std::ceil(page.width() * s)), static_cast<int>(std::ceil(page.height() * s)),
            QImage::Format_RGB32);
        if (image.isNull())
            return makeError(ErrorKind::Internal,
                path + ": cannot allocate a " + std::to_string(image.width()) + " x " + std::to_string(image.height())
                    + " image");
        image.fill(Qt::white);
        image.setDotsPerMeterX(3780); // 96 dpi, fixed so that the file does not depend on the screen
        image.setDotsPerMeterY(3780);
        {
            QPainter painter(&image);
            painter.scale(s, s);
            paintWithFont(painter, p);
        }
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QImageWriter writer(&buffer, "png");
        if (!writer.write(image))
            return makeError(ErrorKind::Internal, path + ": " + writer.errorString().toStdString());
        if (Status st = writeBytes(path, bytes); !st)
            return st.failure();
        written.pixelWidth = image.width();
        written.pixelHeight = image.height();
        written.scale = s;
        return written;
    }
    if (suffix == QLatin1String("svg")) {
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(QSize(static_cast<int>(std::ceil(page.width())), static_cast<int>(std::ceil(page.height()))));
        svg.setViewBox(QRectF(QPointF(0, 0), page));
        svg.setTitle(title);
        svg.setDescription(
            QStringLiteral("pipecut %1, %2").arg(QString::fromStdString(p.version), QString::fromStdString(p.date)));
        {
            QPainter painter;
            if (!painter.begin(&svg))
                return makeError(ErrorKind::Internal, path + ": cannot start the SVG");
            paintWithFont(painter, p);
        }
        if (Status st = writeBytes(path, bytes); !st)
            return st.failure();
        return written;
    }
    if (suffix == QLatin1String("pdf")) {
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        {
            // QPdfEngine writes its embedded fonts in QHash order, which follows
            // the process's random hash seed: with regular and bold, two runs
            // would order them differently. Seed deterministically while the
            // PDF engine exists (unless the user fixed QT_HASH_SEED).
            struct DeterministicHash {
                const bool active = !qEnvironmentVariableIsSet("QT_HASH_SEED");
                DeterministicHash()
                {
                    if (active)
                        QHashSeed::setDeterministicGlobalSeed();
                }
                ~DeterministicHash()
                {
                    if (active)
                        QHashSeed::resetRandomGlobalSeed();
                }
            } deterministicHash;
            QPdfWriter pdf(&buffer);
            pdf.setResolution(72); // one report unit = one point
            pdf.setPageSize(QPageSize(page, QPageSize::Point, QStringLiteral("report"), QPageSize::ExactMatch));
            pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
            pdf.setTitle(title);
            pdf.setCreator(QStringLiteral("pipecut ") + QString::fromStdString(p.version));
            QPainter painter;
            if (!painter.begin(&pdf))
                return makeError(ErrorKind::Internal, path + ": cannot start the PDF");
            paintWithFont(painter, p);
        }
        if (Status st = writeBytes(path, reproduciblePdf(bytes, p.date)); !st)
            return st.failure();
        return written;
    }
    return makeError(
        ErrorKind::Usage, path + ": unknown report format '" + suffix.toStdString() + "' (use .png, .svg or .pdf)");
}

} // namespace pipecut::report
