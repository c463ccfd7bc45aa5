#pragma once
// Internal to the exports: JSON text pieces on top of core/io's string and
// number writers. Short lists go on one line and long ones one item per line,
// so exported files stay readable and diff well.

#include "core/io/readers.h"

#include <string>
#include <string_view>

namespace pipecut::io {

inline std::string jsonQuote(std::string_view text)
{
    std::string out;
    appendJsonString(out, text);
    return out;
}

// "[a, b, c]" from the items' JSON texts; `toJson(item)` gives each text.
template <typename Range, typename ToJson> std::string jsonInlineArray(const Range &items, ToJson toJson)
{
    std::string out = "[";
    bool first = true;
    for (const auto &item : items) {
        if (!first)
            out += ", ";
        first = false;
        out += toJson(item);
    }
    return out + ']';
}

// The same, one item per line indented by `indent` spaces (the closing bracket
// by indent - 2).
template <typename Range, typename ToJson> std::string jsonBlockArray(const Range &items, ToJson toJson, int indent)
{
    std::string out = "[";
    bool first = true;
    for (const auto &item : items) {
        out += first ? "\n" : ",\n";
        first = false;
        out.append(static_cast<size_t>(indent), ' ');
        out += toJson(item);
    }
    if (!first)
        out += '\n' + std::string(static_cast<size_t>(indent - 2), ' ');
    return out + ']';
}

} // namespace pipecut::io
