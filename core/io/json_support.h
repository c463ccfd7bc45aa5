#pragma once
// Internal to core/io: JSON parsing with simdjson (DOM) plus what simdjson does
// not give: the place of a syntax error. simdjson reports *that* a document is
// malformed but not *where*, so on failure a plain single-pass scanner walks the
// text once more and names the first offending byte as line:column. The scanner
// uses an explicit stack (no recursion), so deeply nested input cannot exhaust
// the call stack.

#include "core/util/result.h"

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pipecut::io {

// Nesting deeper than this is refused (the formats need depth 4).
inline constexpr size_t kMaxJsonDepth = 256;

inline constexpr size_t kJsonPadding = simdjson::SIMDJSON_PADDING;

// `text` in a string with kJsonPadding spare capacity.
std::string paddedCopy(std::string_view text);

struct JsonProblem {
    size_t offset = 0;
    std::string message;
};

// The first syntax error in `content` (RFC 8259, with numbers that must fit a
// double), or nothing when the text is valid JSON. O(size).
std::optional<JsonProblem> locateJsonError(std::string_view content, size_t maxDepth = kMaxJsonDepth);

// Parses `content` into `parser`'s document; errors read
// "name: line 3, column 7: invalid literal 'NaN'". `content` must be followed
// by kJsonPadding readable bytes (see paddedCopy), so the text is never copied.
Result<simdjson::dom::element> parseJson(
    simdjson::dom::parser &parser, std::string_view content, const std::string &name);

const char *jsonTypeName(simdjson::dom::element_type type);

// A number (integers are converted), or nothing when `value` is not a number.
inline std::optional<double> jsonNumber(simdjson::dom::element value)
{
    double d;
    if (value.get_double().get(d))
        return std::nullopt;
    return d;
}

// A non-negative integer that fits int64, or nothing.
std::optional<int64_t> jsonInteger(simdjson::dom::element value);

// An integer or a boolean read as 0/1 (the Microsoft files use both).
std::optional<int64_t> jsonFlag(simdjson::dom::element value);

// "a string" / "a number" / ... for messages: "must be a number, not a string".
std::string jsonTypeMismatch(const char *expected, simdjson::dom::element value);

} // namespace pipecut::io
