#include "ui/stage_palette.h"

#include <array>

namespace pipecut::ui {

namespace {
// Tol "light": light blue, orange, light yellow, pink, light cyan, mint, pear, olive, pale grey.
constexpr std::array<QRgb, 9> kLight
    = { 0x77AADD, 0xEE8866, 0xEEDD88, 0xFFAABB, 0x99DDFF, 0x44BB99, 0xBBCC33, 0xAAAA00, 0xDDDDDD };
} // namespace

QColor stageColor(int stage)
{
    if (stage < 0)
        return QColor(0xCCCCCC);
    const int n = static_cast<int>(kLight.size());
    QColor base(kLight[stage % n]);
    const int round = stage / n;
    if (round == 0)
        return base;
    // Later rounds alternate darker and lighter variants of the same hues.
    return round % 2 == 1 ? base.darker(100 + 25 * ((round + 1) / 2)) : base.lighter(100 + 12 * (round / 2));
}

QColor stageTextColor(int stage)
{
    const QColor c = stageColor(stage);
    const double luminance = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF();
    return luminance > 0.45 ? Qt::black : Qt::white;
}

} // namespace pipecut::ui
