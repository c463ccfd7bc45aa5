#pragma once
// Text checks shared by the readers and the error messages: UTF-8 validity,
// and a one-line rendering of untrusted text (ids, file names) in messages.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pipecut {

// Length of the valid UTF-8 sequence at `pos` of `text` (no overlong forms, no
// surrogates, nothing past U+10FFFF), 0 if invalid.
size_t utf8Length(std::string_view text, size_t pos);
// The offset of the first byte of `text` that is not valid UTF-8, if any.
std::optional<size_t> invalidUtf8(std::string_view text);

// `text` on one line: control characters (newline, carriage return, escape,
// DEL, C1) and bytes that are not UTF-8 become \n, \r, \t or \xHH, so a message
// quoting a crafted id or file name cannot forge a second line. O(size).
std::string escapeControl(std::string_view text);

} // namespace pipecut
