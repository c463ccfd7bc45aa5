#include "core/cli/args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace pipecut::cli {

Args::Args(std::string command, std::string synopsis, std::string description)
    : m_command(std::move(command))
    , m_synopsis(std::move(synopsis))
    , m_description(std::move(description))
{
}

void Args::option(std::string name, std::string valueName, std::string help)
{
    m_options.push_back({ std::move(name), std::move(valueName), std::move(help), false });
}

void Args::flag(std::string name, std::string help)
{
    m_options.push_back({ std::move(name), {}, std::move(help), true });
}

void Args::positional(std::string name, std::string help, bool required)
{
    m_positionalHelp.emplace_back(std::move(name), std::move(help));
    if (required)
        ++m_requiredPositionals;
}

Status Args::parse(const std::vector<std::string> &args)
{
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "--help" || a == "-h") {
            m_help = true;
            return Ok {};
        }
        if (a.size() > 1 && a[0] == '-'
            && !(a.size() > 1 && (std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.'))) {
            std::string name = a;
            std::string value;
            bool hasValue = false;
            if (auto eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
                name = a.substr(0, eq);
                value = a.substr(eq + 1);
                hasValue = true;
            }
            const Opt *opt = nullptr;
            for (const Opt &o : m_options)
                if (o.name == name)
                    opt = &o;
            if (!opt)
                return makeError(
                    ErrorKind::Usage, "unknown option '" + name + "' for '" + m_command + "' (see --help)");
            if (opt->isFlag) {
                if (hasValue)
                    return makeError(ErrorKind::Usage, "option '" + name + "' takes no value");
                m_values[name].push_back("1");
                continue;
            }
            if (!hasValue) {
                if (i + 1 >= args.size())
                    return makeError(ErrorKind::Usage, "option '" + name + "' needs a value (" + opt->valueName + ")");
                value = args[++i];
            }
            m_values[name].push_back(value);
            continue;
        }
        m_positionals.push_back(a);
    }
    if (m_positionals.size() < m_requiredPositionals)
        return makeError(ErrorKind::Usage,
            "'" + m_command + "' needs " + m_positionalHelp[m_positionals.size()].first + " (see --help)");
    if (m_positionals.size() > m_positionalHelp.size() && !m_repeatLast)
        return makeError(ErrorKind::Usage,
            "unexpected argument '" + m_positionals[m_positionalHelp.size()] + "' for '" + m_command + "'");
    return Ok {};
}

std::string Args::help() const
{
    std::string h = "usage: pipecut-cli " + m_synopsis + "\n\n" + m_description + "\n";
    if (!m_positionalHelp.empty()) {
        h += "\narguments:\n";
        for (auto &[name, text] : m_positionalHelp)
            h += "  " + name + std::string(name.size() < 22 ? 22 - name.size() : 1, ' ') + text + "\n";
    }
    h += "\noptions:\n";
    for (const Opt &o : m_options) {
        std::string left = o.name + (o.isFlag ? "" : " " + o.valueName);
        h += "  " + left + std::string(left.size() < 22 ? 22 - left.size() : 1, ' ') + o.help + "\n";
    }
    h += "  --help                show this help\n";
    return h;
}

bool Args::has(const std::string &name) const
{
    return m_values.count(name) > 0;
}

bool Args::declares(const std::string &name) const
{
    for (const Opt &o : m_options)
        if (o.name == name)
            return true;
    return false;
}

std::string Args::get(const std::string &name, const std::string &fallback) const
{
    auto it = m_values.find(name);
    return it == m_values.end() ? fallback : it->second.back();
}

std::vector<std::string> Args::getAll(const std::string &name) const
{
    auto it = m_values.find(name);
    return it == m_values.end() ? std::vector<std::string> {} : it->second;
}

std::optional<std::string> Args::positionalValue(size_t i) const
{
    if (i < m_positionals.size())
        return m_positionals[i];
    return std::nullopt;
}

std::vector<std::string> Args::positionalsFrom(size_t i) const
{
    if (i >= m_positionals.size())
        return {};
    return std::vector<std::string>(m_positionals.begin() + static_cast<std::ptrdiff_t>(i), m_positionals.end());
}

namespace {

// The option's last value parsed by `parse` (strtod or strtoll), or a usage error
// naming the option and what it needs.
template <typename T, typename Parse>
Result<T> parseLast(const std::string &name, const std::string &text, Parse parse, bool finite, const char *needs)
{
    const char *s = text.c_str();
    char *end = nullptr;
    errno = 0;
    const T v = parse(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || (finite && !std::isfinite(static_cast<double>(v))))
        return makeError(ErrorKind::Usage, "option '" + name + "' needs " + needs + ", not '" + text + "'");
    return v;
}

} // namespace

Result<double> Args::getDouble(const std::string &name, double fallback) const
{
    auto it = m_values.find(name);
    if (it == m_values.end())
        return fallback;
    return parseLast<double>(
        name, it->second.back(), [](const char *s, char **end) { return std::strtod(s, end); }, true, "a number");
}

Result<long long> Args::getInt(const std::string &name, long long fallback) const
{
    auto it = m_values.find(name);
    if (it == m_values.end())
        return fallback;
    return parseLast<long long>(
        name, it->second.back(), [](const char *s, char **end) { return std::strtoll(s, end, 10); }, false,
        "a whole number");
}

} // namespace pipecut::cli
