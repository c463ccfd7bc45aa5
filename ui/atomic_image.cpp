#include "ui/atomic_image.h"

#include <QPageSize>
#include <QPdfWriter>
#include <QRectF>
#include <QSvgGenerator>

namespace pipecut::ui {

namespace {

bool writeBytes(const QString &path, const QByteArray &bytes, QString *error)
{
    auto written = writeFileAtomically(
        path.toStdString(), std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())));
    if (!written.ok() && error)
        *error = QString::fromStdString(written.error());
    return written.ok();
}

} // namespace

bool saveVectorAtomically(const QString &path, const QSizeF &size, const QString &title, const QString &description,
    const std::function<bool(QPaintDevice &device)> &paint, QString *error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QRectF target(QPointF(0, 0), size);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    bool painted = false;
    if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(size.toSize());
        svg.setViewBox(target);
        svg.setTitle(title);
        svg.setDescription(description);
        painted = paint(svg);
    } else if (suffix == QLatin1String("pdf")) {
        QPdfWriter pdf(&buffer);
        pdf.setTitle(title);
        pdf.setPageSize(QPageSize(size, QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(72); // one unit a point: (0, 0, size) is the page
        painted = paint(pdf);
    } else {
        if (error)
            *error = QStringLiteral("%1: not an SVG or PDF file name").arg(path);
        return false;
    }
    buffer.close();
    if (!painted) {
        if (error)
            *error = QStringLiteral("cannot draw the %1 picture for %2").arg(suffix.toUpper(), path);
        return false;
    }
    return writeBytes(path, bytes, error);
}

} // namespace pipecut::ui
