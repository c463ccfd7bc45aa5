#pragma once
// Writes an image atomically through the project's one mechanism,
// writeFileAtomically (core/io/graph_io.h: temporary file beside `path`,
// renamed over it only when complete), so a crash or a full disk during an
// export never leaves a truncated file or destroys the previous one. The
// format comes from the file's suffix (png, jpg, bmp, ...).

#include "core/io/graph_io.h"

#include <QBuffer>
#include <QByteArray>
#include <QFileInfo>
#include <QImage>
#include <QPixmap>

#include <string_view>

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
    return bool(writeFileAtomically(path.toStdString(),
                                    std::string_view(bytes.constData(), static_cast<size_t>(bytes.size()))));
}

} // namespace pipecut::ui
