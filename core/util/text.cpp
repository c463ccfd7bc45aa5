#include "core/util/text.h"

#include <cstdio>

namespace pipecut {

size_t utf8Length(std::string_view text, size_t pos)
{
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char c = byte(pos);
    const size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
    if (len == 0 || pos + len > text.size())
        return 0;
    for (size_t i = 1; i < len; ++i)
        if ((byte(pos + i) & 0xc0) != 0x80)
            return 0;
    const unsigned char c1 = byte(pos + 1);
    if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0) || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 >= 0x90))
        return 0; // overlong, a surrogate, or past U+10FFFF
    return len;
}

std::optional<size_t> invalidUtf8(std::string_view text)
{
    for (size_t pos = 0; pos < text.size();) {
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const size_t len = utf8Length(text, pos);
        if (len == 0)
            return pos;
        pos += len;
    }
    return std::nullopt;
}

std::string escapeControl(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (size_t pos = 0; pos < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[pos]);
        size_t len = c < 0x80 ? 1 : utf8Length(text, pos);
        // C1 controls (U+0080..U+009F) are two bytes, 0xC2 0x80..0x9F.
        const bool c1 = len == 2 && c == 0xc2 && static_cast<unsigned char>(text[pos + 1]) < 0xa0;
        if (c >= 0x20 && c != 0x7f && len > 0 && !c1) {
            out.append(text.substr(pos, len));
            pos += len;
            continue;
        }
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
        pos += 1;
    }
    return out;
}

} // namespace pipecut
