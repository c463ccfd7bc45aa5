#pragma once
// Writes an image atomically through the project's one mechanism,
// writeFileAtomically (core/io/graph_io.h: temporary file beside `path`,
// renamed over it only when complete), so a crash or a full disk during an
// export never leaves a truncated file or destroys the previous one. The
// format comes from the file's suffix (png, jpg, bmp, ...; svg and pdf for
// saveVectorAtomically). Every picture is rendered into memory first.

#include "core/io/graph_io.h"

#include <QBuffer>
#include <QByteArray>
#include <QFileInfo>
#include <QImage>
#include <QPixmap>

#include <functional>
#include <string_view>

class QPaintDevice;
class QSizeF;

namespace pipecut::ui {

template <typename Picture> // QImage or QPixmap
bool saveImageAtomically(const Picture &picture, const QString &path)
{
    const QByteArray format = QFileInfo(path).suffix().toLower().toLatin1();
    if (format.isEmpty())
        return false;
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!picture.save(&buffer, format.constData()))
        return false;
    return bool(writeFileAtomically(
        path.toStdString(), std::string_view(bytes.constData(), static_cast<size_t>(bytes.size()))));
}

// A vector picture of `size` (points; SVG or PDF by the suffix of `path`, one
// page): `paint` draws it on the device (a painter begun on it, covering
// (0, 0, size)) and says whether that worked. False, with the file untouched
// and a message in *error, when the suffix is neither, painting fails or the
// file cannot be written.
bool saveVectorAtomically(const QString &path, const QSizeF &size, const QString &title, const QString &description,
    const std::function<bool(QPaintDevice &device)> &paint, QString *error);

} // namespace pipecut::ui
