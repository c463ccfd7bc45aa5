#pragma once
// How the window prints costs: enough digits to see a move's effect, no noise.

#include <QString>

#include <cmath>

namespace pipecut::ui {

inline QString formatCost(double value)
{
    const double a = std::abs(value);
    if (a == 0.0)
        return QStringLiteral("0");
    if (a >= 1000)
        return QString::number(value, 'f', 1);
    if (a >= 1)
        return QString::number(value, 'f', 3);
    return QString::number(value, 'g', 4);
}

// "12.300 ms" (the unit is omitted when empty).
inline QString formatCost(double value, const QString &unit)
{
    return unit.isEmpty() ? formatCost(value) : formatCost(value) + QLatin1Char(' ') + unit;
}

} // namespace pipecut::ui
