#include "core/util/quantity.h"

#include <array>
#include <cmath>
#include <cstdio>

namespace pipecut::quantity {
namespace {

std::string printf1(const char *format, double value)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

// "1234567.8" -> "1,234,567.8": separators in the integer part of a plain decimal.
std::string withSeparators(const std::string &plain)
{
    const std::size_t start = (!plain.empty() && plain[0] == '-') ? 1 : 0;
    std::size_t end = plain.find('.');
    if (end == std::string::npos)
        end = plain.size();
    std::string out = plain.substr(0, start);
    for (std::size_t i = start; i < end; ++i) {
        out += plain[i];
        const std::size_t left = end - i - 1;
        if (left > 0 && left % 3 == 0)
            out += ',';
    }
    out += plain.substr(end);
    return out;
}

std::string joinUnit(std::string text, std::string_view unit)
{
    if (!unit.empty()) {
        text += ' ';
        text += unit;
    }
    return text;
}

// "12.300" -> "12.3", "8.000" -> "8".
std::string trimZeros(std::string s)
{
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0')
            s.pop_back();
        if (s.back() == '.')
            s.pop_back();
    }
    return s;
}

// value in [1, 1000) after scaling by an SI prefix, printed with four significant digits
// (trailing zeros of the fraction dropped: "25", "375.1", "1.5").
std::string siNumber(double scaled)
{
    return trimZeros(printf1(scaled >= 100 ? "%.1f" : scaled >= 10 ? "%.2f" : "%.3f", scaled));
}

// value with the largest decimal SI prefix that keeps it >= 1 ("375.1 M").
std::string withPrefix(double value, std::string_view unit)
{
    static constexpr std::array<const char *, 7> prefixes = { "", "k", "M", "G", "T", "P", "E" };
    const double a = std::abs(value);
    if (!std::isfinite(value) || a < 1000)
        return joinUnit(number(value), unit);
    std::size_t p = 0;
    double scaled = a;
    while (scaled >= 1000 && p + 1 < prefixes.size()) {
        scaled /= 1000;
        ++p;
    }
    return (value < 0 ? "-" : "") + siNumber(scaled) + " " + prefixes[p] + std::string(unit);
}

} // namespace

std::string number(double value)
{
    if (!std::isfinite(value))
        return printf1("%g", value);
    const double a = std::abs(value);
    if (a == 0)
        return "0";
    if (a >= 1e15)
        return printf1("%.4g", value);
    if (a >= 1000)
        return withSeparators(trimZeros(printf1("%.1f", value)));
    if (a >= 1)
        return trimZeros(printf1("%.3f", value));
    return printf1("%.4g", value);
}

std::string count(long long value)
{
    return withSeparators(std::to_string(value));
}

double secondsPerUnit(std::string_view u)
{
    if (u == "s" || u == "sec" || u == "seconds")
        return 1;
    if (u == "ms")
        return 1e-3;
    if (u == "us" || u == "\u00b5s" || u == "\u03bcs")
        return 1e-6;
    if (u == "ns")
        return 1e-9;
    if (u == "min")
        return 60;
    if (u == "h")
        return 3600;
    return 0;
}

bool isBytes(std::string_view u)
{
    return u == "bytes" || u == "byte" || u == "B";
}

std::string time(double value, std::string_view timeUnit)
{
    return joinUnit(number(value), timeUnit.empty() ? std::string_view("time units") : timeUnit);
}

std::string size(double value, std::string_view sizeUnit)
{
    if (isBytes(sizeUnit))
        return withPrefix(value, "B");
    return joinUnit(number(value), sizeUnit.empty() ? std::string_view("size units") : sizeUnit);
}

std::string rate(double perTimeUnit, std::string_view timeUnit)
{
    if (const double s = secondsPerUnit(timeUnit); s > 0)
        return number(perTimeUnit / s) + " /s";
    return number(perTimeUnit) + " per " + std::string(timeUnit.empty() ? std::string_view("time unit") : timeUnit);
}

std::string bandwidth(double sizePerTimeUnit, std::string_view sizeUnit, std::string_view timeUnit)
{
    const double s = secondsPerUnit(timeUnit);
    if (isBytes(sizeUnit) && s > 0)
        return withPrefix(sizePerTimeUnit / s, "B/s");
    return number(sizePerTimeUnit) + " " + std::string(sizeUnit.empty() ? std::string_view("size units") : sizeUnit)
        + "/" + std::string(timeUnit.empty() ? std::string_view("time unit") : timeUnit);
}

} // namespace pipecut::quantity
