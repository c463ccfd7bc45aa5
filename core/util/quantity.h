#pragma once
// One way to print a quantity with its unit, shared by the window, the report and the
// CLI's text output (the JSON output keeps plain numbers).
//
// Numbers: at least 1,000 get thousands separators and at most one decimal ("1,891.7"),
// from 1 up at most three decimals ("12.3", "8"), below 1 four significant digits
// ("0.0003902"); trailing zeros are dropped; a value
// too large for separators (>= 1e15) and anything not finite print as %g.
// Sizes in bytes take decimal SI prefixes ("375.1 MB"); other size units print the
// number and the unit. Times keep the graph's own unit ("12.300 ms") so that they
// match the files pipecut writes. Rates per time unit become "/s" when the time unit
// is one of ns, us, µs, ms, s, min, h; bandwidths in bytes per a known time unit
// become bytes per second with an SI prefix ("25 GB/s").
//
// Example: time(1891.7, "ms") = "1,891.7 ms"; size(3.75128e8, "bytes") = "375.1 MB";
// size(512, "bytes") = "512 B"; rate(1 / 256.27, "ms") = "3.902 /s"; rate(0.5, "step") =
// "0.5 per step"; bandwidth(25e6, "bytes", "ms") = "25 GB/s"; size(12, "units") = "12 units".

#include <string>
#include <string_view>

namespace pipecut::quantity {

// The number alone, by the rules above.
std::string number(double value);

// A count with thousands separators ("20,000").
std::string count(long long value);

// Seconds in one time unit (1e-3 for "ms"), or 0 when the unit is not a known time unit.
double secondsPerUnit(std::string_view timeUnit);

// True when the size unit is bytes ("bytes", "byte", "B").
bool isBytes(std::string_view sizeUnit);

std::string time(double value, std::string_view timeUnit);
std::string size(double value, std::string_view sizeUnit);
// Events per time unit (throughput 1 / T).
std::string rate(double perTimeUnit, std::string_view timeUnit);
// Size per time unit (a link's bandwidth).
std::string bandwidth(double sizePerTimeUnit, std::string_view sizeUnit, std::string_view timeUnit);

} // namespace pipecut::quantity
