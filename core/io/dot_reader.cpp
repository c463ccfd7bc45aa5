// Graphviz DOT through cgraph. Node attributes: work and out (required, as in
// pipecut JSON), param, group, op, scope, number; graph attributes: bandwidth,
// memory_limit, units_time, units_size, units_param, suggested_k (what graphToDot writes).
// Presentation attributes (stage, fillcolor, label, ...) are ignored.
// cgraph keeps global state (its lexer and error handler) and is not
// thread-safe, so every use is serialised by one mutex.
#include "core/io/readers.h"

#include <graphviz/cgraph.h>

#include "core/util/limits.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

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

// cgraph's flex lexer matches a token again from its start each time it
// refills its buffer (8 KiB at a time), so one token of L bytes costs L^2 / 8 KiB:
// a 20 MB label takes minutes. Tokens longer than this reach cgraph as a short
// placeholder, \x01 INDEX \x02, and the reader puts the text back.
constexpr size_t kLongToken = 4096;
constexpr char kMarkOpen = '\x01', kMarkClose = '\x02';

// The DOT text as cgraph gets it: comments and '#' lines (which cgraph would
// read as #line directives naming another file) removed, newlines kept so
// line numbers stay right; long tokens replaced by placeholders.
struct Prescanned {
    std::string text;
    std::vector<std::string> longTokens;
};

class DotPrescan {
public:
    DotPrescan(std::string_view in, const std::string &name)
        : m_in(in)
        , m_name(name)
    {
    }

    Result<Prescanned> run()
    {
        m_out.text.reserve(m_in.size() + 1);
        int depth = 0;
        bool opened = false;
        size_t closedAt = 0;
        while (m_pos < m_in.size()) {
            const char c = m_in[m_pos];
            const size_t start = m_pos;
            if (c == '\n') {
                ++m_line;
                m_out.text += c;
                ++m_pos;
                m_lineStart = true;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                m_out.text += c;
                ++m_pos;
                continue;
            }
            if (c == kMarkOpen || c == kMarkClose)
                return makeError(m_name + ": line " + std::to_string(m_line) + ": binary data (a control byte)");
            const bool atLineStart = m_lineStart;
            m_lineStart = false;
            if ((c == '#' && atLineStart) || m_in.substr(m_pos, 2) == "//") {
                skipTo("\n", false);
                continue;
            }
            if (m_in.substr(m_pos, 2) == "/*") {
                skipTo("*/", true);
                continue;
            }
            if (opened && depth == 0 && c != ';')
                return makeError(m_name + ": line " + std::to_string(m_line)
                    + ": content after the end of the graph (a DOT file holds one graph)");
            if (c == '{' || c == '}') {
                depth += c == '{' ? 1 : -1;
                opened = true;
                m_out.text += c;
                ++m_pos;
                if (depth == 0)
                    closedAt = m_out.text.size();
                continue;
            }
            if (c == '"') {
                if (!quoted())
                    return makeError(m_name + ": line " + std::to_string(m_line) + ": unterminated quoted string");
            } else if (c == '<') {
                if (!html())
                    return makeError(m_name + ": line " + std::to_string(m_line) + ": unterminated HTML string");
            } else if (isIdByte(c)) {
                while (m_pos < m_in.size() && isIdByte(m_in[m_pos]))
                    ++m_pos;
                keep(start, std::string(m_in.substr(start, m_pos - start)));
            } else {
                m_out.text += c;
                ++m_pos;
            }
        }
        // Nothing after the closing brace reaches cgraph: its lexer keeps what
        // the parser did not consume and would prepend it to the next file.
        if (closedAt > 0)
            m_out.text.resize(closedAt);
        return std::move(m_out);
    }

private:
    static bool isIdByte(char c)
    {
        const unsigned char u = static_cast<unsigned char>(c);
        return std::isalnum(u) || c == '_' || c == '.' || u >= 0x80;
    }

    // Drops everything up to `end` (kept when `inclusive`), keeping newlines.
    void skipTo(std::string_view end, bool inclusive)
    {
        size_t stop = m_in.find(end, m_pos);
        stop = stop == std::string_view::npos ? m_in.size() : stop + (inclusive ? end.size() : 0);
        for (; m_pos < stop; ++m_pos)
            if (m_in[m_pos] == '\n') {
                ++m_line;
                m_out.text += '\n';
            }
    }

    // The token m_in[start, m_pos) whose value is `value`: as it is when
    // short, else a placeholder followed by its newlines.
    void keep(size_t start, std::string value)
    {
        const std::string_view raw = m_in.substr(start, m_pos - start);
        const auto newlines = std::count(raw.begin(), raw.end(), '\n');
        m_line += static_cast<int>(newlines);
        if (raw.size() <= kLongToken) {
            m_out.text += raw;
            return;
        }
        // Equal tokens share one placeholder, so a long id names one node.
        const auto [at, added] = m_index.try_emplace(std::move(value), m_out.longTokens.size());
        if (added)
            m_out.longTokens.push_back(at->first);
        m_out.text += '"';
        m_out.text += kMarkOpen;
        m_out.text += std::to_string(at->second);
        m_out.text += kMarkClose;
        m_out.text += '"';
        m_out.text.append(static_cast<size_t>(newlines), '\n');
    }

    // A quoted string; its value as cgraph reads it (\" is a quote, a
    // backslash-newline continues the line, other escapes stay).
    bool quoted()
    {
        const size_t start = m_pos++;
        std::string value;
        while (m_pos < m_in.size() && m_in[m_pos] != '"') {
            if (m_in[m_pos] == '\\' && m_pos + 1 < m_in.size() && (m_in[m_pos + 1] == '"' || m_in[m_pos + 1] == '\n')) {
                if (m_in[m_pos + 1] == '"')
                    value += '"';
                m_pos += 2;
                continue;
            }
            value += m_in[m_pos++];
        }
        if (m_pos >= m_in.size())
            return false;
        ++m_pos;
        keep(start, m_pos - start > kLongToken ? std::move(value) : std::string());
        return true;
    }

    // An HTML string: balanced angle brackets.
    bool html()
    {
        const size_t start = m_pos;
        int depth = 0;
        do {
            depth += m_in[m_pos] == '<' ? 1 : m_in[m_pos] == '>' ? -1 : 0;
            ++m_pos;
        } while (depth > 0 && m_pos < m_in.size());
        if (depth > 0)
            return false;
        keep(
            start, m_pos - start > kLongToken ? std::string(m_in.substr(start + 1, m_pos - start - 2)) : std::string());
        return true;
    }

    std::string_view m_in;
    const std::string &m_name;
    Prescanned m_out;
    std::unordered_map<std::string, size_t> m_index;
    size_t m_pos = 0;
    int m_line = 1;
    bool m_lineStart = true;
};

// `value` with the prescan's placeholders replaced by their text.
std::string restored(std::string_view value, const std::vector<std::string> &longTokens)
{
    std::string out;
    size_t pos = 0;
    while (true) {
        const size_t open = value.find(kMarkOpen, pos);
        const size_t close = open == std::string_view::npos ? open : value.find(kMarkClose, open);
        if (close == std::string_view::npos)
            break;
        out += value.substr(pos, open - pos);
        size_t i = 0;
        std::from_chars(value.data() + open + 1, value.data() + close, i);
        out += i < longTokens.size() ? longTokens[i] : std::string();
        pos = close + 1;
    }
    out += value.substr(pos);
    return out;
}

// cgraph reads from memory through its IO discipline, counting the edges it
// creates and the bytes it allocates (both guarded by cgraphMutex()): edge
// statements between subgraphs multiply, so a small file can ask for millions
// of edges. Past either limit no further edge is created (cgraph skips an
// edge whose id cannot be mapped) and the reader refuses the file.
struct DotBudget {
    int64_t maxEdges = 0;
    double maxBytes = 0;
    int64_t edges = 0;
    double bytes = 0;
    bool refused = false;
    std::string_view input;
};
DotBudget *g_budget = nullptr; // guarded by cgraphMutex()

int readMemory(void *chan, char *buf, int bufsize)
{
    auto *in = static_cast<std::string_view *>(chan);
    if (g_budget && g_budget->refused)
        return 0; // the rest of the file is not needed
    const size_t n = std::min(in->size(), static_cast<size_t>(std::max(bufsize, 0)));
    std::copy_n(in->data(), n, buf);
    in->remove_prefix(n);
    return static_cast<int>(n);
}

void *countedAlloc(void *state, size_t req)
{
    if (g_budget)
        g_budget->bytes += double(req);
    return AgMemDisc.alloc(state, req);
}

void *countedResize(void *state, void *ptr, size_t old, size_t req)
{
    if (g_budget && req > old)
        g_budget->bytes += double(req - old);
    return AgMemDisc.resize(state, ptr, old, req);
}

long countedMap(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
    if (g_budget && objtype == AGEDGE && createflag) {
        if (g_budget->refused || ++g_budget->edges > g_budget->maxEdges || g_budget->bytes > g_budget->maxBytes) {
            g_budget->refused = true;
            return 0;
        }
    }
    return AgIdDisc.map(state, objtype, str, id, createflag);
}

// Reads `text` with the budget applied; null with cgraph's errors in `messages`.
Agraph_t *readBudgeted(const std::string &text, DotBudget &budget)
{
    static Agmemdisc_t mem = AgMemDisc;
    static Agiddisc_t id = AgIdDisc;
    static Agiodisc_t io = AgIoDisc;
    mem.alloc = countedAlloc;
    mem.resize = countedResize;
    id.map = countedMap;
    io.afread = readMemory;
    Agdisc_t disc { &mem, &id, &io };
    std::string_view chan(text);
    g_budget = &budget;
    agsetfile(nullptr); // line numbers from 1 (cgraph's lexer keeps them between reads)
    Agraph_t *g = agread(&chan, &disc);
    g_budget = nullptr;
    return g;
}

} // namespace

Result<Graph> readDot(std::string_view content, const std::string &name, const LoadOptions &options)
{
    if (content.find('\0') != std::string_view::npos)
        return makeError(name + ": binary data (a NUL byte) in a DOT file");
    Result<Prescanned> pre = DotPrescan(content, name).run();
    if (!pre)
        return pre.failure();
    const std::vector<std::string> &longTokens = pre->longTokens;
    const auto text = [&](std::string_view value) { return restored(value, longTokens); };

    std::lock_guard lock(cgraphMutex());
    std::string messages;
    g_errorSink = &messages;
    const agusererrf previous = agseterrf(captureError);
    agreseterrors();
    // cgraph's memory grows with the text except through edge products: 64
    // bytes per byte of file (at least 64 MiB) covers any file without them.
    DotBudget budget { options.maxEdges, std::max(double(64 << 20), 64.0 * double(content.size())) };
    std::unique_ptr<Agraph_t, GraphCloser> g(readBudgeted(pre->text, budget));
    agseterrf(previous);
    g_errorSink = nullptr;
    if (budget.refused)
        return budget.edges > options.maxEdges
            ? makeError(ErrorKind::LimitExceeded,
                name + ": the edge statements expand to more than " + std::to_string(options.maxEdges)
                    + " edges, over the limit",
                ResourceLimit::Edges)
            : makeError(ErrorKind::LimitExceeded,
                name + ": the edge statements expand to more than " + std::to_string(budget.edges - 1)
                    + " edges, which take more than " + formatBytes(budget.maxBytes)
                    + " (64 times the file size) to read; over the limit",
                ResourceLimit::Edges);
    if (!g || agerrors() > 0) {
        messages = trimMessage(restored(messages, longTokens));
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
        builder.setName(text(graphName));
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
        units.time = text(*t);
    if (auto s = attribute(g.get(), "units_size"))
        units.size = text(*s);
    if (auto p = attribute(g.get(), "units_param"))
        units.param = text(*p);
    builder.setUnits(units);

    builder.reserve(static_cast<size_t>(agnnodes(g.get())), static_cast<size_t>(agnedges(g.get())));
    for (Agnode_t *n = agfstnode(g.get()); n; n = agnxtnode(g.get(), n)) {
        NodeSpec spec;
        spec.id = text(agnameof(n));
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
            spec.op = text(*op);
        if (auto group = attribute(n, "group"))
            spec.group = text(*group);
        if (auto scope = attribute(n, "scope"))
            spec.scope = text(*scope);
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
            builder.addEdge(text(agnameof(agtail(e))), text(agnameof(aghead(e))));
    g.reset();
    return builder.build();
}

} // namespace pipecut::io
