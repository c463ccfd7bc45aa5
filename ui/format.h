#pragma once
// How the window prints quantities: Qt wrappers around core/util/quantity.h, the one
// formatter the report and the CLI text use too.

#include "core/util/quantity.h"

#include <QString>

namespace pipecut::ui {

inline QString formatCost(double value)
{
    return QString::fromStdString(quantity::number(value));
}

// "12.300 ms".
inline QString formatCost(double value, const QString &timeUnit)
{
    return QString::fromStdString(quantity::time(value, timeUnit.toStdString()));
}

// "375.1 MB" for bytes, "12.000 units" otherwise.
inline QString formatSize(double value, const QString &sizeUnit)
{
    return QString::fromStdString(quantity::size(value, sizeUnit.toStdString()));
}

// Throughput: "3.902 /s", or "0.5 per step" for a time unit that is not one of seconds.
inline QString formatRate(double perTimeUnit, const QString &timeUnit)
{
    return QString::fromStdString(quantity::rate(perTimeUnit, timeUnit.toStdString()));
}

inline QString formatBandwidth(double sizePerTimeUnit, const QString &sizeUnit, const QString &timeUnit)
{
    return QString::fromStdString(quantity::bandwidth(sizePerTimeUnit, sizeUnit.toStdString(), timeUnit.toStdString()));
}

// "1.2 GFLOP" (decimal SI prefixes, the number by core/util/quantity.h).
inline QString formatFlops(double flops)
{
    static const char *const kPrefixes[] = { "", "k", "M", "G", "T", "P", "E" };
    int p = 0;
    while (p < 6 && flops >= 1000.0) {
        flops /= 1000.0;
        ++p;
    }
    return QString::fromStdString(quantity::number(flops)) + QLatin1Char(' ') + QLatin1String(kPrefixes[p])
        + QStringLiteral("FLOP");
}

} // namespace pipecut::ui
