#pragma once
// A minimal streaming JSON writer: correct string escaping, numbers in their
// shortest exact form (std::to_chars), non-finite numbers as null. Used for CLI output and reports.

#include <string>
#include <string_view>
#include <vector>

namespace pipecut {

// Appends `text` as a JSON string literal (quotes and escapes).
void appendJsonString(std::string &out, std::string_view text);
// The shortest decimal text that reads back as exactly the same double (finite values).
std::string exactNumber(double value);

class JsonWriter {
public:
    explicit JsonWriter(bool pretty = false)
        : m_pretty(pretty)
    {
    }

    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    JsonWriter &key(std::string_view k);
    JsonWriter &value(std::string_view s);
    JsonWriter &value(const char *s) { return value(std::string_view(s)); }
    JsonWriter &value(double x);
    JsonWriter &value(int x) { return value(static_cast<long long>(x)); }
    JsonWriter &value(long x) { return value(static_cast<long long>(x)); }
    JsonWriter &value(long long x);
    JsonWriter &value(bool b);
    JsonWriter &null();

    const std::string &str() const { return m_out; }

    static std::string quote(std::string_view s);
    static std::string number(double x);

private:
    void separator();
    void newline();
    bool m_pretty;
    std::string m_out;
    std::vector<bool> m_first; // per open container: no element written yet
    bool m_afterKey = false;
};

} // namespace pipecut
