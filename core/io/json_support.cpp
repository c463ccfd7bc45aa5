#include "core/io/json_support.h"

#include "core/io/readers.h"

#include <cmath>
#include <cstdlib>
#include <vector>

namespace pipecut::io {

namespace {

// A forward-only scanner over the text; every method returns false with
// m_problem set at the first error.
class Scanner {
public:
    Scanner(std::string_view text, size_t maxDepth)
        : m_text(text)
        , m_maxDepth(maxDepth)
    {
    }

    std::optional<JsonProblem> run()
    {
        // Explicit stack of open containers: '{' or '['.
        std::vector<char> stack;
        skipSpace();
        if (m_pos >= m_text.size())
            return fail(m_pos, "the document is empty");
        // State machine: expect a value, then a separator or a closer.
        bool expectValue = true;
        while (true) {
            if (expectValue) {
                skipSpace();
                if (m_pos >= m_text.size())
                    return fail(m_pos, "unexpected end of file (expected a value)");
                const char c = m_text[m_pos];
                if (c == '{' || c == '[') {
                    if (stack.size() >= m_maxDepth)
                        return fail(m_pos, "nesting deeper than " + std::to_string(m_maxDepth) + " levels");
                    stack.push_back(c);
                    ++m_pos;
                    skipSpace();
                    const char close = c == '{' ? '}' : ']';
                    if (m_pos < m_text.size() && m_text[m_pos] == close) {
                        stack.pop_back();
                        ++m_pos;
                        expectValue = false;
                        continue;
                    }
                    if (c == '{' && !key())
                        return m_problem;
                    continue; // a value follows
                }
                if (!scalar())
                    return m_problem;
                expectValue = false;
                continue;
            }
            // After a value.
            skipSpace();
            if (stack.empty()) {
                if (m_pos < m_text.size())
                    return fail(m_pos, "unexpected content after the end of the document");
                return std::nullopt;
            }
            if (m_pos >= m_text.size())
                return fail(m_pos,
                    std::string("unexpected end of file (unclosed ") + (stack.back() == '{' ? "object" : "array")
                        + ")");
            const char c = m_text[m_pos];
            const char close = stack.back() == '{' ? '}' : ']';
            if (c == close) {
                stack.pop_back();
                ++m_pos;
                continue;
            }
            if (c != ',')
                return fail(m_pos, std::string("expected ',' or '") + close + "', found " + describeByte(m_pos));
            ++m_pos;
            if (stack.back() == '{') {
                skipSpace();
                if (!key())
                    return m_problem;
            }
            expectValue = true;
        }
    }

private:
    std::optional<JsonProblem> fail(size_t offset, std::string message)
    {
        m_problem = JsonProblem { offset, std::move(message) };
        return m_problem;
    }
    bool failed(size_t offset, std::string message)
    {
        fail(offset, std::move(message));
        return false;
    }

    std::string describeByte(size_t pos) const
    {
        if (pos >= m_text.size())
            return "the end of file";
        const unsigned char c = static_cast<unsigned char>(m_text[pos]);
        if (c >= 0x20 && c < 0x7f)
            return std::string("'") + char(c) + "'";
        char buf[16];
        std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
        return buf;
    }

    void skipSpace()
    {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                break;
            ++m_pos;
        }
    }

    // An object key and its colon.
    bool key()
    {
        if (m_pos >= m_text.size())
            return failed(m_pos, "unexpected end of file (expected a key)");
        if (m_text[m_pos] != '"')
            return failed(m_pos, "expected a quoted key, found " + describeByte(m_pos));
        if (!string())
            return false;
        skipSpace();
        if (m_pos >= m_text.size() || m_text[m_pos] != ':')
            return failed(m_pos, "expected ':' after the key, found " + describeByte(m_pos));
        ++m_pos;
        return true;
    }

    bool scalar()
    {
        const char c = m_text[m_pos];
        if (c == '"')
            return string();
        if (c == '-' || (c >= '0' && c <= '9'))
            return number();
        for (std::string_view lit : { "true", "false", "null" })
            if (m_text.substr(m_pos, lit.size()) == lit) {
                m_pos += lit.size();
                return true;
            }
        // Name the bad token (NaN, Infinity, a stray word) rather than one byte.
        size_t end = m_pos;
        while (end < m_text.size() && end - m_pos < 20
            && (std::isalnum(static_cast<unsigned char>(m_text[end])) || m_text[end] == '_'))
            ++end;
        if (end > m_pos)
            return failed(m_pos,
                "invalid literal '" + std::string(m_text.substr(m_pos, end - m_pos))
                    + "' (JSON has no NaN or Infinity; numbers must be finite)");
        return failed(m_pos, "expected a value, found " + describeByte(m_pos));
    }

    bool string()
    {
        const size_t start = m_pos++;
        while (m_pos < m_text.size()) {
            const unsigned char c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c == '\\') {
                if (m_pos + 1 >= m_text.size())
                    break;
                const char e = m_text[m_pos + 1];
                if (e == 'u') {
                    for (size_t i = 2; i < 6; ++i)
                        if (m_pos + i >= m_text.size() || !std::isxdigit(static_cast<unsigned char>(m_text[m_pos + i])))
                            return failed(m_pos, "invalid \\u escape in a string");
                    m_pos += 6;
                    continue;
                }
                if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos)
                    return failed(m_pos, "invalid escape in a string");
                m_pos += 2;
                continue;
            }
            if (c < 0x20)
                return failed(m_pos, "unescaped control character in a string");
            if (c >= 0x80) {
                const size_t len = utf8Length(m_pos);
                if (len == 0)
                    return failed(m_pos, "invalid UTF-8 in a string");
                m_pos += len;
                continue;
            }
            ++m_pos;
        }
        return failed(start, "unterminated string (unexpected end of file)");
    }

    // Length of a valid UTF-8 sequence at pos, 0 if invalid.
    size_t utf8Length(size_t pos) const
    {
        const auto byte = [&](size_t i) { return static_cast<unsigned char>(m_text[i]); };
        const unsigned char c = byte(pos);
        size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
        if (c >= 0xf5)
            len = 0;
        if (len == 0 || pos + len > m_text.size())
            return 0;
        for (size_t i = 1; i < len; ++i)
            if ((byte(pos + i) & 0xc0) != 0x80)
                return 0;
        return len;
    }

    bool number()
    {
        const size_t start = m_pos;
        const auto digit = [&](size_t i) { return i < m_text.size() && m_text[i] >= '0' && m_text[i] <= '9'; };
        if (m_text[m_pos] == '-')
            ++m_pos;
        if (!digit(m_pos))
            return failed(start, "invalid number");
        if (m_text[m_pos] == '0')
            ++m_pos;
        else
            while (digit(m_pos))
                ++m_pos;
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            ++m_pos;
            if (!digit(m_pos))
                return failed(start, "invalid number (no digit after '.')");
            while (digit(m_pos))
                ++m_pos;
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            ++m_pos;
            if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-'))
                ++m_pos;
            if (!digit(m_pos))
                return failed(start, "invalid number (no digit in the exponent)");
            while (digit(m_pos))
                ++m_pos;
        }
        const std::string text(m_text.substr(start, m_pos - start));
        if (!std::isfinite(std::strtod(text.c_str(), nullptr)))
            return failed(start,
                "number " + (text.size() > 30 ? text.substr(0, 30) + "..." : text) + " is too large for a double");
        return true;
    }

    std::string_view m_text;
    size_t m_maxDepth;
    size_t m_pos = 0;
    std::optional<JsonProblem> m_problem;
};

} // namespace

std::optional<JsonProblem> locateJsonError(std::string_view content, size_t maxDepth)
{
    return Scanner(content, maxDepth).run();
}

Result<simdjson::dom::element> parseJson(
    simdjson::dom::parser &parser, std::string_view content, const std::string &name)
{
    // The locating scan runs only after simdjson has failed, so valid documents
    // are read once.
    if (auto error = parser.allocate(std::max<size_t>(content.size(), 64), kMaxJsonDepth + 1))
        return makeError(name + ": cannot allocate the JSON parser (" + simdjson::error_message(error) + ")");
    simdjson::dom::element root;
    const auto error = parser.parse(content.data(), content.size(), false).get(root);
    if (!error)
        return root;
    if (auto problem = locateJsonError(content))
        return makeError(name + ": " + lineColumn(content, problem->offset) + ": " + problem->message);
    return makeError(name + ": malformed JSON (" + simdjson::error_message(error) + ")");
}

std::string paddedCopy(std::string_view text)
{
    std::string copy;
    copy.reserve(text.size() + kJsonPadding);
    copy.assign(text);
    return copy;
}

const char *jsonTypeName(simdjson::dom::element_type type)
{
    using T = simdjson::dom::element_type;
    switch (type) {
    case T::ARRAY:
        return "an array";
    case T::OBJECT:
        return "an object";
    case T::INT64:
    case T::UINT64:
    case T::DOUBLE:
        return "a number";
    case T::STRING:
        return "a string";
    case T::BOOL:
        return "a boolean";
    case T::NULL_VALUE:
        return "null";
    }
    return "an unknown value";
}

std::optional<int64_t> jsonInteger(simdjson::dom::element value)
{
    int64_t i;
    if (!value.get_int64().get(i))
        return i;
    double d;
    if (!value.get_double().get(d) && std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15)
        return static_cast<int64_t>(d);
    return std::nullopt;
}

std::optional<int64_t> jsonFlag(simdjson::dom::element value)
{
    bool b;
    if (!value.get_bool().get(b))
        return b ? 1 : 0;
    return jsonInteger(value);
}

std::string jsonTypeMismatch(const char *expected, simdjson::dom::element value)
{
    return std::string("must be ") + expected + ", not " + jsonTypeName(value.type());
}

} // namespace pipecut::io
