#pragma once
// What the report and the sweep study share on the page: the ink colours, the
// font set-up (the bundled family at a pixel size, unhinted, so every output
// format measures text alike) and text elided to its box.

#include <QColor>
#include <QFont>
#include <QFontMetricsF>
#include <QPainter>
#include <QString>

#include <cmath>
#include <string>

namespace pipecut::report {

inline const QColor kInk(0x22, 0x22, 0x22);
inline const QColor kMuted(0x66, 0x66, 0x66);
inline const QColor kRule(0xCC, 0xCC, 0xCC);

inline QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

inline void setReportFont(QPainter &painter, const QString &family, double pixels, bool bold)
{
    QFont f(family);
    f.setPixelSize(static_cast<int>(std::lround(pixels)));
    f.setBold(bold);
    f.setHintingPreference(QFont::PreferNoHinting);
    f.setStyleStrategy(QFont::StyleStrategy(QFont::PreferAntialias | QFont::NoSubpixelAntialias));
    f.setKerning(false);
    painter.setFont(f);
}

// Text elided to its box.
inline void elidedText(
    QPainter &painter, const QRectF &r, int flags, const QString &s, Qt::TextElideMode elide = Qt::ElideRight)
{
    const QFontMetricsF fm(painter.font());
    painter.drawText(r, flags, fm.elidedText(s, elide, r.width()));
}

} // namespace pipecut::report
