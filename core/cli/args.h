#pragma once
// A small, strict option parser for the CLI: every option is declared with its
// help text; unknown options and malformed values are usage errors (exit 2).

#include "core/util/result.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pipecut::cli {

class Args {
public:
    Args(std::string command, std::string synopsis, std::string description);

    // Declare options before parse(). Flags take no value.
    void option(std::string name, std::string valueName, std::string help);
    void flag(std::string name, std::string help);
    void positional(std::string name, std::string help, bool required = true);
    // The last positional argument declared takes every further value (NAME...).
    void repeatLastPositional() { m_repeatLast = true; }

    // Returns an error message for usage errors; sets helpRequested() on --help.
    Status parse(const std::vector<std::string> &args);
    bool helpRequested() const { return m_help; }
    const std::string &command() const { return m_command; }
    std::string help() const;

    bool has(const std::string &name) const;
    // Whether the command takes option `name`.
    bool declares(const std::string &name) const;
    std::string get(const std::string &name, const std::string &fallback = {}) const;
    // Every value given for a repeatable option, in order.
    std::vector<std::string> getAll(const std::string &name) const;
    std::optional<std::string> positionalValue(size_t i) const;
    // The positional values from the i-th on.
    std::vector<std::string> positionalsFrom(size_t i) const;

    // Typed accessors: usage errors name the option and the bad value.
    Result<double> getDouble(const std::string &name, double fallback) const;
    Result<long long> getInt(const std::string &name, long long fallback) const;

private:
    struct Opt {
        std::string name, valueName, help;
        bool isFlag = false;
    };
    std::string m_command, m_synopsis, m_description;
    std::vector<Opt> m_options;
    std::vector<std::pair<std::string, std::string>> m_positionalHelp;
    size_t m_requiredPositionals = 0;
    std::map<std::string, std::vector<std::string>> m_values;
    std::vector<std::string> m_positionals;
    bool m_help = false;
    bool m_repeatLast = false;
};

} // namespace pipecut::cli
