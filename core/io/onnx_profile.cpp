#include "core/io/onnx_profile.h"

#include "core/cost/estimates.h"
#include "core/io/graph_io.h"
#include "core/io/json_support.h"
#include "core/util/quantity.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <unordered_map>

namespace pipecut {

namespace {

constexpr std::string_view kKernelSuffix = "_kernel_time";
constexpr std::string_view kSubgraphMarkers[] = { "_then_branch__", "_else_branch__", "_body__" };

bool endsWith(std::string_view s, std::string_view tail)
{
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool isNestedName(std::string_view name)
{
    return std::any_of(std::begin(kSubgraphMarkers), std::end(kSubgraphMarkers),
        [&](std::string_view m) { return name.find(m) != std::string_view::npos; });
}

std::vector<std::vector<int64_t>> readShapes(simdjson::dom::element list)
{
    std::vector<std::vector<int64_t>> shapes;
    simdjson::dom::array items;
    if (list.get_array().get(items))
        return shapes;
    for (simdjson::dom::element item : items) {
        std::vector<int64_t> dims;
        simdjson::dom::object typed;
        if (!item.get_object().get(typed))
            for (auto field : typed) {
                simdjson::dom::array ds;
                if (!field.value.get_array().get(ds))
                    for (simdjson::dom::element d : ds)
                        if (auto v = io::jsonInteger(d))
                            dims.push_back(*v);
            }
        shapes.push_back(std::move(dims));
    }
    return shapes;
}

Result<RuntimeProfile> parseOrtJson(std::string_view content, const std::string &name)
{
    const std::string padded = io::paddedCopy(content);
    simdjson::dom::parser parser;
    auto root = io::parseJson(parser, std::string_view(padded.data(), content.size()), name);
    if (!root)
        return root.failure();
    simdjson::dom::array events;
    simdjson::dom::element trace;
    if (root->get_array().get(events) && (root->at_key("traceEvents").get(trace) || trace.get_array().get(events)))
        return makeError(name + ": not an ONNX Runtime profile: the JSON is not an array of trace events");
    RuntimeProfile p;
    p.path = name;
    std::unordered_map<std::string, size_t> at;
    size_t index = 0;
    for (simdjson::dom::element e : events) {
        ++index;
        std::string_view cat, event;
        simdjson::dom::element dur;
        if (e["cat"].get_string().get(cat) || cat != "Node" || e["name"].get_string().get(event)
            || !endsWith(event, kKernelSuffix))
            continue;
        const auto us = e["dur"].get(dur) ? std::nullopt : io::jsonNumber(dur);
        if (!us || !(*us >= 0) || !std::isfinite(*us))
            return makeError(name + ": event " + std::to_string(index) + " ('" + std::string(event)
                + "'): \"dur\" must be a non-negative number of microseconds");
        const std::string node(event.substr(0, event.size() - kKernelSuffix.size()));
        auto [it, fresh] = at.emplace(node, p.entries.size());
        if (fresh) {
            ProfileEntry entry;
            entry.name = node;
            std::string_view op;
            if (!e["args"]["op_name"].get_string().get(op))
                entry.op = std::string(op);
            simdjson::dom::element shapes;
            if (!e["args"]["input_type_shape"].get(shapes))
                entry.inputShapes = readShapes(shapes);
            if (!e["args"]["output_type_shape"].get(shapes))
                entry.outputShapes = readShapes(shapes);
            p.entries.push_back(std::move(entry));
        }
        ProfileEntry &entry = p.entries[it->second];
        entry.totalMs += *us / 1000.0;
        ++entry.runs;
    }
    return p;
}

Result<RuntimeProfile> parseCsv(std::string_view content, const std::string &name)
{
    RuntimeProfile p;
    p.path = name;
    size_t line = 0, pos = 0;
    while (pos < content.size()) {
        size_t end = content.find('\n', pos);
        if (end == std::string_view::npos)
            end = content.size();
        std::string text(content.substr(pos, end - pos));
        pos = end + 1;
        ++line;
        if (!text.empty() && text.back() == '\r')
            text.pop_back();
        if (text.find_first_not_of(" \t") == std::string::npos || (line == 1 && text.rfind("node", 0) == 0))
            continue;
        std::vector<std::string> fields;
        for (size_t from = 0;;) {
            const size_t comma = text.find(',', from);
            fields.push_back(text.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
            if (comma == std::string::npos)
                break;
            from = comma + 1;
        }
        const std::string place = name + ": line " + std::to_string(line);
        if (fields.size() < 2 || fields.size() > 3 || fields[0].empty())
            return makeError(place + ": expected node,ms[,runs], not '" + text.substr(0, 80) + "'");
        char *stop = nullptr;
        const double ms = std::strtod(fields[1].c_str(), &stop);
        if (fields[1].empty() || *stop != '\0' || !(ms >= 0) || !std::isfinite(ms))
            return makeError(place + ": ms must be a non-negative number, not '" + fields[1] + "'");
        long runs = 1;
        if (fields.size() == 3) {
            runs = std::strtol(fields[2].c_str(), &stop, 10);
            if (fields[2].empty() || *stop != '\0' || runs <= 0 || runs > 1'000'000'000)
                return makeError(place + ": runs must be a positive whole number, not '" + fields[2] + "'");
        }
        ProfileEntry entry;
        entry.name = fields[0];
        entry.totalMs = ms;
        entry.runs = static_cast<int>(runs);
        p.entries.push_back(std::move(entry));
    }
    return p;
}

std::string joinNames(const std::vector<std::string> &names, size_t limit)
{
    std::string s;
    for (size_t i = 0; i < names.size() && i < limit; ++i)
        s += (i ? ", " : "") + names[i];
    if (names.size() > limit)
        s += ", ... (" + std::to_string(names.size() - limit) + " more)";
    return s;
}

std::string baseOp(std::string op)
{
    for (std::string_view suffix : { kEstimatedOpSuffix, kMeasuredOpSuffix })
        if (endsWith(op, suffix))
            op.resize(op.size() - suffix.size());
    return op;
}

} // namespace

double RuntimeProfile::kernelMsPerRun() const
{
    double total = 0;
    for (const ProfileEntry &e : entries)
        if (!isNestedName(e.name))
            total += e.totalMs;
    return runs > 0 ? total / runs : 0.0;
}

Result<RuntimeProfile> parseRuntimeProfile(std::string_view content, const std::string &name)
{
    const size_t first = content.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return makeError(name + ": the profile is empty");
    Result<RuntimeProfile> p
        = content[first] == '[' || content[first] == '{' ? parseOrtJson(content, name) : parseCsv(content, name);
    if (!p)
        return p;
    if (p->entries.empty())
        return makeError(
            name + ": no node times: not an ONNX Runtime profile (kernel_time events) or a CSV of node,ms[,runs]");
    for (const ProfileEntry &e : p->entries)
        p->runs = std::max(p->runs, e.runs);
    return p;
}

Result<RuntimeProfile> readRuntimeProfile(const std::string &path)
{
    Result<std::string> content = readFile(path, int64_t(1) << 30);
    if (!content)
        return content.failure();
    return parseRuntimeProfile(*content, path);
}

std::string profileOwner(const Graph &graph, const std::string &event, bool &nested)
{
    nested = false;
    if (graph.find(event))
        return event;
    for (std::string_view marker : kSubgraphMarkers) {
        const size_t at = event.find(marker);
        if (at != std::string::npos && at > 0 && graph.find(event.substr(0, at))) {
            nested = true;
            return event.substr(0, at);
        }
    }
    for (size_t i = event.size(); i-- > 1;)
        if ((event[i] == '_' || event[i] == '/' || event[i] == ':') && graph.find(event.substr(0, i)))
            return event.substr(0, i);
    return {};
}

std::vector<std::string> ProfileMatch::notes() const
{
    std::vector<std::string> out;
    out.push_back(std::to_string(matched) + " of " + std::to_string(operators)
        + " operators have measured costs: " + formatNumber(importedMs) + " ms per run imported of "
        + formatNumber(profileMs) + " ms of kernel time in the profile");
    if (!missing.empty())
        out.push_back(std::to_string(missing.size())
            + " operators are not in the profile and keep their estimated costs (marked estimated): "
            + joinNames(missing, 12));
    if (!unmatched.empty())
        out.push_back(std::to_string(unmatched.size()) + " profile events match no node (" + formatNumber(unmatchedMs)
            + " ms per run, not imported): " + joinNames(unmatched, 12));
    if (!attributed.empty()) {
        std::vector<std::string> pairs;
        for (const auto &[event, node] : attributed)
            pairs.push_back(event + " -> " + node);
        out.push_back(std::to_string(attributed.size())
            + " runtime-inserted events are attributed to the node they serve: " + joinNames(pairs, 8));
    }
    return out;
}

Result<Graph> applyRuntimeProfile(const Graph &graph, const RuntimeProfile &profile, ProfileMatch &match)
{
    const std::string unit = graph.units().time;
    const double factor = unit == "ms" ? 1.0 : unit == "s" ? 1e-3 : unit == "us" ? 1e3 : 0.0;
    if (factor == 0.0)
        return makeError(profile.path + ": the graph's time unit is '" + unit
            + "', not ms, s or us: measured times cannot be converted to it");
    match = {};
    match.profileMs = profile.kernelMsPerRun();
    std::vector<double> measured(static_cast<size_t>(graph.nodeCount()), -1.0);
    std::map<std::string, bool> ownEvent;
    for (const ProfileEntry &e : profile.entries)
        if (graph.find(e.name))
            ownEvent[e.name] = true;
    for (const ProfileEntry &e : profile.entries) {
        bool nested = false;
        const std::string owner = profileOwner(graph, e.name, nested);
        const double perRun = e.runs > 0 ? e.totalMs / e.runs : 0.0;
        if (owner.empty()) {
            match.unmatched.push_back(e.name);
            match.unmatchedMs += nested || isNestedName(e.name) ? 0.0 : perRun;
            continue;
        }
        if (nested && ownEvent.count(owner))
            continue; // the control-flow node's own event includes it
        if (owner != e.name)
            match.attributed.push_back({ e.name, owner });
        double &m = measured[static_cast<size_t>(index(*graph.find(owner)))];
        m = std::max(m, 0.0) + perRun;
    }
    GraphBuilder builder(profile.path);
    builder.setName(graph.name());
    builder.setFormat(graph.format());
    builder.setUnits(graph.units());
    builder.setBandwidth(graph.bandwidth());
    builder.setMemoryLimit(graph.memoryLimit());
    builder.setSuggestedK(graph.suggestedK());
    builder.reserve(graph.nodeCount(), graph.edges().size());
    for (int32_t i = 0; i < graph.nodeCount(); ++i) {
        const NodeId v = nodeId(i);
        NodeSpec spec;
        spec.id = graph.id(v);
        spec.scope = graph.scope(v);
        spec.out = graph.out(v);
        spec.param = graph.param(v);
        spec.number = graph.number(v);
        if (graph.group(v) != kNoGroup)
            spec.group = graph.groupName(graph.group(v));
        const bool isInput = graph.op(v) == "Input";
        spec.work = measured[size_t(i)] >= 0 ? measured[size_t(i)] * factor : graph.work(v);
        spec.op = graph.op(v);
        if (!isInput) {
            ++match.operators;
            if (measured[size_t(i)] >= 0) {
                ++match.matched;
                match.importedMs += measured[size_t(i)];
                spec.op = baseOp(spec.op) + std::string(kMeasuredOpSuffix);
            } else {
                match.missing.push_back(spec.id);
                if (!isEstimatedOp(spec.op))
                    spec.op += std::string(kEstimatedOpSuffix);
            }
        }
        builder.addNode(std::move(spec));
    }
    if (match.operators > 0 && match.matched < kProfileMinMatchedShare * match.operators)
        return makeError(profile.path + ": only " + std::to_string(match.matched) + " of "
            + std::to_string(match.operators)
            + " operators of the graph are in the profile (under 50 %): a profile of another model? Events "
              "matching no node: "
            + joinNames(match.unmatched, 5));
    for (const auto &[u, v] : graph.edges())
        builder.addEdge(index(u), index(v));
    for (const std::string &note : graph.notes())
        builder.addNote(note);
    for (const std::string &note : match.notes())
        builder.addNote("profile " + profile.path + ": " + note);
    Result<Graph> out = builder.build();
    if (out)
        out->setSource(graph.sourcePath(), graph.format());
    return out;
}

} // namespace pipecut
