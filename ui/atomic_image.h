#pragma once
// Writes an image atomically: into a temporary file beside `path`, renamed
// over it only when complete (QSaveFile), so a crash or a full disk during an
// export never leaves a truncated file or destroys the previous one. The
// format comes from the file's suffix (png, jpg, bmp, ...).

#include <QFileInfo>
#include <QImage>
#include <QPixmap>
#include <QSaveFile>

namespace pipecut::ui {

template <typename Picture> // QImage or QPixmap
bool saveImageAtomically(const Picture &picture, const QString &path)
{
    const QByteArray format = QFileInfo(path).suffix().toLower().toLatin1();
    if (format.isEmpty())
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    if (!picture.save(&file, format.constData())) {
        file.cancelWriting();
        return false;
    }
    return file.commit();
}

} // namespace pipecut::ui
