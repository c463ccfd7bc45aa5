// Graphviz DOT through cgraph. Node attributes: work and out (required, as in
// pipecut JSON), param, group, op, scope, number; graph attributes: bandwidth,
// memory_limit, units_time, units_size, units_param, suggested_k (what graphToDot writes).
// Presentation attributes (stage, fillcolor, label, ...) are ignored.
// cgraph keeps global state (its lexer and error handler) and is not
// thread-safe, so every use is serialised by one mutex.
#include "core/io/readers.h"

#include <graphviz/cgraph.h>

#include <charconv>
#include <memory>
#include <mutex>

namespace pipecut::io {

namespace {

std::mutex &cgraphMutex()
{
    static std::mutex m;
    return m;
}

std::string *g_errorSink = nullptr; // guarded by cgraphMutex()

int captureError(char *message)
{
    if (g_errorSink && message)
        *g_errorSink += message;
    return 0;
}

// An attribute's value, or nothing when unset (cgraph returns "" for declared
// but unset attributes and NULL for undeclared ones).
std::optional<std::string_view> attribute(void *object, const char *key)
{
    char *value = agget(object, const_cast<char *>(key));
    if (!value || !*value)
        return std::nullopt;
    return std::string_view(value);
}

std::optional<double> parseNumber(std::string_view text)
{
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    double value = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::string trimMessage(std::string text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    for (char &c : text)
        if (c == '\n')
            c = ' ';
    return text;
}

// Owns an Agraph_t.
struct GraphCloser {
    void operator()(Agraph_t *g) const { agclose(g); }
};

} // namespace

Result<Graph> readDot(std::string_view content, const std::string &name, const LoadOptions &options)
{
    if (content.find('\0') != std::string_view::npos)
        return makeError(name + ": binary data (a NUL byte) in a DOT file");
    const std::string text(content); // agmemread needs a NUL-terminated string

    std::lock_guard lock(cgraphMutex());
    std::string messages;
    g_errorSink = &messages;
    const agusererrf previous = agseterrf(captureError);
    agreseterrors();
    std::unique_ptr<Agraph_t, GraphCloser> g(agmemread(text.c_str()));
    agseterrf(previous);
    g_errorSink = nullptr;
    if (!g || agerrors() > 0) {
        messages = trimMessage(messages);
        return makeError(name + ": " + (messages.empty() ? std::string("not a valid DOT graph") : messages));
    }
    if (!agisdirected(g.get()))
        return makeError(name + ": the DOT graph is undirected (use 'digraph' and '->')");
    if (auto limits = checkCounts(name, agnnodes(g.get()), agnedges(g.get()), options); !limits.ok())
        return limits.failure();

    GraphBuilder builder(name);
    builder.setFormat("dot");
    const char *graphName = agnameof(g.get());
    if (graphName && *graphName && *graphName != '%') // '%N' is cgraph's name for anonymous graphs
        builder.setName(graphName);
    const auto graphNumber = [&](const char *key, auto set) -> Status {
        if (auto value = attribute(g.get(), key)) {
            auto number = parseNumber(*value);
            if (!number)
                return makeError(name + ": graph attribute " + key + " is not a number: '" + std::string(*value) + "'");
            set(*number);
        }
        return Ok {};
    };
    for (Status s : { graphNumber("bandwidth", [&](double b) { builder.setBandwidth(b); }),
             graphNumber("memory_limit", [&](double m) { builder.setMemoryLimit(m); }),
             graphNumber("suggested_k",
                 [&](double k) { builder.setSuggestedK(k >= 0 && k <= 1e6 ? static_cast<int>(k) : -1); }) })
        if (!s.ok())
            return s.failure();
    Units units;
    if (auto t = attribute(g.get(), "units_time"))
        units.time = std::string(*t);
    if (auto s = attribute(g.get(), "units_size"))
        units.size = std::string(*s);
    if (auto p = attribute(g.get(), "units_param"))
        units.param = std::string(*p);
    builder.setUnits(units);

    builder.reserve(static_cast<size_t>(agnnodes(g.get())), static_cast<size_t>(agnedges(g.get())));
    for (Agnode_t *n = agfstnode(g.get()); n; n = agnxtnode(g.get(), n)) {
        NodeSpec spec;
        spec.id = agnameof(n);
        const std::string place = name + ": node '" + spec.id + "'";
        struct {
            const char *key;
            double *target;
            bool required;
        } numbers[] = { { "work", &spec.work, true }, { "out", &spec.out, true }, { "param", &spec.param, false } };
        for (const auto &field : numbers) {
            auto value = attribute(n, field.key);
            if (!value) {
                if (field.required)
                    return makeError(place + " has no " + field.key + " attribute");
                continue;
            }
            auto number = parseNumber(*value);
            if (!number)
                return makeError(place + ": " + field.key + " is not a number: '" + std::string(*value) + "'");
            *field.target = *number;
        }
        if (auto op = attribute(n, "op"))
            spec.op = std::string(*op);
        if (auto group = attribute(n, "group"))
            spec.group = std::string(*group);
        if (auto scope = attribute(n, "scope"))
            spec.scope = std::string(*scope);
        if (auto number = attribute(n, "number")) {
            auto v = parseNumber(*number);
            if (!v || *v < 0 || *v != static_cast<double>(static_cast<int64_t>(*v)))
                return makeError(place + ": number is not a non-negative integer: '" + std::string(*number) + "'");
            spec.number = static_cast<int64_t>(*v);
        }
        builder.addNode(std::move(spec));
    }
    for (Agnode_t *n = agfstnode(g.get()); n; n = agnxtnode(g.get(), n))
        for (Agedge_t *e = agfstout(g.get(), n); e; e = agnxtout(g.get(), e))
            builder.addEdge(std::string(agnameof(agtail(e))), std::string(agnameof(aghead(e))));
    g.reset();
    return builder.build();
}

} // namespace pipecut::io
