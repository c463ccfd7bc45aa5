#include "core/io/json_support.h"

#include "core/io/readers.h"
#include "core/util/text.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace pipecut::io {

namespace {

// An integer literal simdjson can hold: int64, or uint64 when positive.
bool fitsInteger(const std::string &text)
{
    errno = 0;
    if (text[0] == '-')
        std::strtoll(text.c_str(), nullptr, 10);
    else
        std::strtoull(text.c_str(), nullptr, 10);
    return errno != ERANGE;
}

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
                    if (!unicodeEscape())
                        return false;
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

    // The code unit of a \uXXXX escape at pos, or -1.
    long hexEscape(size_t pos) const
    {
        if (pos + 6 > m_text.size() || m_text[pos] != '\\' || m_text[pos + 1] != 'u')
            return -1;
        long unit = 0;
        for (size_t i = 2; i < 6; ++i) {
            const char h = m_text[pos + i];
            if (!std::isxdigit(static_cast<unsigned char>(h)))
                return -1;
            unit = unit * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
        }
        return unit;
    }

    // A \uXXXX escape at m_pos; a surrogate must be a high one followed by a low one.
    bool unicodeEscape()
    {
        const long unit = hexEscape(m_pos);
        if (unit < 0)
            return failed(m_pos, "invalid \\u escape in a string");
        if (unit >= 0xdc00 && unit <= 0xdfff)
            return failed(m_pos, "lone low surrogate \\u" + std::string(m_text.substr(m_pos + 2, 4)) + " in a string");
        if (unit >= 0xd800 && unit <= 0xdbff) {
            const long low = hexEscape(m_pos + 6);
            if (low < 0xdc00 || low > 0xdfff)
                return failed(m_pos,
                    "lone high surrogate \\u" + std::string(m_text.substr(m_pos + 2, 4))
                        + " in a string (not followed by a low surrogate)");
            m_pos += 6;
        }
        m_pos += 6;
        return true;
    }

    // Length of a valid UTF-8 sequence at pos (no overlong forms, no
    // surrogates, nothing past U+10FFFF), 0 if invalid.
    size_t utf8Length(size_t pos) const { return pipecut::utf8Length(m_text, pos); }

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
        if (text.find_first_of(".eE") == std::string::npos && !fitsInteger(text))
            return failed(start,
                "integer " + (text.size() > 30 ? text.substr(0, 30) + "..." : text)
                    + " does not fit 64 bits (write it with an exponent, like 1e20)");
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

namespace {

// The first object key that appears twice, with the path of its object
// ("/nodes/3"), or an empty key. simdjson keeps every copy and answers a
// lookup with the first, so a duplicate would otherwise go unnoticed. Explicit
// stack: the depth is already limited by the parser.
std::pair<std::string, std::string> firstDuplicateKey(simdjson::dom::element root)
{
    using simdjson::dom::element_type;
    struct Item {
        simdjson::dom::element value;
        std::string path;
    };
    std::vector<Item> stack { { root, "" } };
    std::vector<std::string_view> keys;
    while (!stack.empty()) {
        Item item = std::move(stack.back());
        stack.pop_back();
        simdjson::dom::array array;
        simdjson::dom::object object;
        if (!item.value.get_array().get(array)) {
            size_t i = 0;
            for (simdjson::dom::element child : array) {
                if (child.type() == element_type::ARRAY || child.type() == element_type::OBJECT)
                    stack.push_back({ child, item.path + "/" + std::to_string(i) });
                ++i;
            }
        } else if (!item.value.get_object().get(object)) {
            keys.clear();
            for (simdjson::dom::key_value_pair field : object) {
                keys.push_back(field.key);
                if (field.value.type() == element_type::ARRAY || field.value.type() == element_type::OBJECT)
                    stack.push_back({ field.value, item.path + "/" + std::string(field.key) });
            }
            std::sort(keys.begin(), keys.end());
            if (const auto at = std::adjacent_find(keys.begin(), keys.end()); at != keys.end())
                return { std::string(*at), item.path.empty() ? std::string("/") : item.path };
        }
    }
    return {};
}

} // namespace

Result<simdjson::dom::element> parseJson(
    simdjson::dom::parser &parser, std::string_view content, const std::string &name)
{
    // The locating scan runs only after simdjson has failed, so valid documents
    // are read once.
    if (auto error = parser.allocate(std::max<size_t>(content.size(), 64), kMaxJsonDepth + 1))
        return makeError(ErrorKind::Internal,
            name + ": out of memory: cannot allocate the JSON parser for " + std::to_string(content.size()) + " bytes");
    simdjson::dom::element root;
    const auto error = parser.parse(content.data(), content.size(), false).get(root);
    if (!error) {
        if (auto [key, path] = firstDuplicateKey(root); !key.empty())
            return makeError(
                name + ": duplicate key \"" + key + "\" in the object at " + path + " (each key may appear once)");
        return root;
    }
    if (error == simdjson::MEMALLOC)
        return makeError(ErrorKind::Internal,
            name + ": out of memory while parsing the JSON (" + std::to_string(content.size()) + " bytes)");
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
