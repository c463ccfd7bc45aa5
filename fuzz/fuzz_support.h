#pragma once
// The checks behind every reader fuzz target (fuzz/fuzz_target.cpp) and the
// regression suite that replays the inputs they found (tests/io/tst_regressions.cpp):
// a reader returns (libFuzzer itself catches crashes, hangs, leaks and
// sanitizer reports), its error starts with the file name, and what it accepts
// is valid: a graph with nodes and a topological order of all of them, or a
// partition that puts every node in one of its k stages. pipecut JSON has two
// readers (the fast one and the checked DOM one) that must agree.
//
// Targets, named like the folders of fuzz/seeds and tests/regressions:
//   pipecut_json, dnn_partitioning, pipedream, piper, dot, onnx, partition.
#include "core/io/graph_io.h"
#include "core/io/json_support.h"
#include "core/io/readers.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace pipecut::fuzz {

// What fuzz_partition reads partitions of: ids and numbers, a group.
inline const Graph &partitionGraph()
{
    static const Graph graph = [] {
        const char *text = R"({"format": "pipecut-graph", "version": 1, "name": "g",
            "nodes": [{"id": "a", "work": 2, "out": 1, "group": "g1", "number": 1}, {"id": "b", "work": 3, "out": 2},
                      {"id": "c", "work": 4, "out": 2, "group": "g1"}, {"id": "d", "work": 1, "out": 0},
                      {"id": "7", "work": 1, "out": 1}],
            "edges": [["a", "b"], ["a", "c"], ["b", "d"], ["c", "d"], ["7", "d"]]})";
        return parseGraph(text, "g.json").value();
    }();
    return graph;
}

// Empty when the result is acceptable, else what is wrong with it.
inline std::string problemWith(const Result<Graph> &graph, const std::string &name)
{
    if (!graph.ok())
        return graph.error().rfind(name, 0) == 0 ? std::string()
                                                 : "the error does not start with the file name: " + graph.error();
    if (graph->nodeCount() <= 0)
        return "an accepted graph without nodes";
    if (static_cast<int64_t>(graph->topologicalOrder().size()) != graph->nodeCount())
        return "the topological order misses nodes";
    return {};
}

inline std::string checkPartition(std::string_view content)
{
    const Graph &graph = partitionGraph();
    const std::string name = "p.json";
    Result<Partition> p = parsePartition(content, name, graph);
    if (!p.ok())
        return p.error().rfind(name, 0) == 0 ? std::string()
                                             : "the error does not start with the file name: " + p.error();
    if (p->k() < 1 || p->nodeCount() != graph.nodeCount())
        return "an accepted partition of the wrong shape";
    for (int32_t v = 0; v < graph.nodeCount(); ++v)
        if (index(p->stage(nodeId(v))) < 0 || index(p->stage(nodeId(v))) >= p->k())
            return "node '" + graph.id(nodeId(v)) + "' is outside the stages";
    return {};
}

inline std::string checkPipecutJson(std::string_view content)
{
    const std::string name = "fuzz.json";
    LoadOptions options;
    options.format = GraphFormat::PipecutJson;
    Result<Graph> graph = parseGraph(content, name, options);
    if (std::string problem = problemWith(graph, name); !problem.empty())
        return problem;
    if (content.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return {}; // parseGraph refuses before any reader runs
    const std::string padded = io::paddedCopy(content);
    Result<Graph> checked = io::readPipecutJsonChecked(std::string_view(padded.data(), content.size()), name, options);
    if (std::string problem = problemWith(checked, name); !problem.empty())
        return "checked reader: " + problem;
    if (graph.ok() != checked.ok())
        return "the fast and the checked reader disagree: " + (graph.ok() ? checked.error() : graph.error());
    if (graph.ok() && (graph->nodeCount() != checked->nodeCount() || graph->edgeCount() != checked->edgeCount()))
        return "the fast and the checked reader read different graphs";
    return {};
}

// ONNX is read from a path (the reader maps the file and never reads weights
// whole), so the input goes to a file first.
inline std::string checkOnnx(std::string_view content)
{
    static const std::string path = "/tmp/pipecut-fuzz-" + std::to_string(getpid()) + ".onnx";
    FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        return "cannot write " + path;
    const bool written = content.empty() || std::fwrite(content.data(), 1, content.size(), f) == content.size();
    std::fclose(f);
    if (!written)
        return "cannot write " + path;
    LoadOptions options;
    options.format = GraphFormat::Onnx;
    std::string problem = problemWith(loadGraph(path, options), path);
    std::remove(path.c_str());
    return problem;
}

inline std::string checkText(std::string_view content, GraphFormat format, const std::string &name)
{
    LoadOptions options;
    options.format = format;
    return problemWith(parseGraph(content, name, options), name);
}

// Runs `target` on `content`; nullopt for an unknown target.
inline std::optional<std::string> check(std::string_view target, std::string_view content)
{
    if (target == "pipecut_json")
        return checkPipecutJson(content);
    if (target == "dnn_partitioning")
        return checkText(content, GraphFormat::DnnPartitioning, "fuzz.json");
    if (target == "pipedream")
        return checkText(content, GraphFormat::PipeDream, "graph.txt");
    if (target == "piper")
        return checkText(content, GraphFormat::Piper, "fuzz.json");
    if (target == "dot")
        return checkText(content, GraphFormat::Dot, "fuzz.dot");
    if (target == "onnx")
        return checkOnnx(content);
    if (target == "hf_config")
        return checkText(content, GraphFormat::HfConfig, "config.json");
    if (target == "partition")
        return checkPartition(content);
    return std::nullopt;
}

} // namespace pipecut::fuzz
