#include "tests/support/test_graphs.h"

#include "core/cost/evaluate.h"

#include <QtGlobal>

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>
#include <sstream>

namespace pipecut::test {

namespace {

template <typename Edges>
Graph buildOrAbort(
    const std::string &name, const std::vector<NodeSpec> &nodes, const Edges &edges, std::optional<double> memoryLimit)
{
    GraphBuilder b(name);
    b.setName(name);
    for (const NodeSpec &s : nodes)
        b.addNode(s);
    for (const auto &[u, v] : edges)
        b.addEdge(u, v);
    b.setMemoryLimit(memoryLimit);
    auto g = b.build();
    if (!g.ok())
        qFatal("%s: %s", name.c_str(), g.error().c_str());
    return std::move(g).value();
}

} // namespace

Graph graphFromEdges(const std::string &name, const std::vector<NodeSpec> &nodes, const IndexEdges &edges,
    std::optional<double> memoryLimit)
{
    return buildOrAbort(name, nodes, edges, memoryLimit);
}

Graph graphFromIdEdges(const std::string &name, const std::vector<NodeSpec> &nodes, const IdEdges &edges,
    std::optional<double> memoryLimit)
{
    return buildOrAbort(name, nodes, edges, memoryLimit);
}

Graph specExample()
{
    return graphFromIdEdges("spec-example",
        { { .id = "a", .work = 2, .out = 1 }, { .id = "b", .work = 3, .out = 2 }, { .id = "c", .work = 4, .out = 2 },
            { .id = "d", .work = 1, .out = 0 } },
        { { "a", "b" }, { "a", "c" }, { "b", "d" }, { "c", "d" } });
}

Graph randomGraph(std::mt19937_64 &rng, const RandomGraphOptions &o)
{
    std::uniform_int_distribution<int> sizeDist(o.minNodes, o.maxNodes);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const int n = sizeDist(rng);
    std::vector<int> label(n);
    std::iota(label.begin(), label.end(), 0);
    std::shuffle(label.begin(), label.end(), rng);
    auto cost = [&](double scale) {
        if (unit(rng) < o.zeroCostProbability)
            return 0.0;
        double x = unit(rng) * scale;
        return o.integerCosts ? std::floor(x) : std::round(x * 100) / 100;
    };
    GraphBuilder b("random");
    b.setName("random");
    std::vector<std::string> groupOf(n);
    int groups = 0;
    for (int i = 0; i < n; ++i) {
        if (i > 0 && unit(rng) < o.groupProbability) {
            int j = std::uniform_int_distribution<int>(0, i - 1)(rng);
            if (groupOf[j].empty())
                groupOf[j] = "g" + std::to_string(groups++);
            groupOf[i] = groupOf[j];
        }
    }
    // Add nodes in label order so that the node index differs from generation order.
    std::vector<int> byLabel(n);
    for (int i = 0; i < n; ++i)
        byLabel[label[i]] = i;
    double totalParam = 0;
    std::vector<NodeSpec> specs(n);
    for (int i = 0; i < n; ++i) {
        NodeSpec &s = specs[i];
        s.id = "v" + std::to_string(label[i]);
        s.op = "Op";
        s.group = groupOf[i];
        s.work = cost(10);
        s.out = cost(6);
        s.param = cost(5);
        totalParam += s.param;
    }
    for (int l = 0; l < n; ++l)
        b.addNode(specs[byLabel[l]]);
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j)
            if (unit(rng) < o.edgeProbability)
                b.addEdge(specs[i].id, specs[j].id);
    if (unit(rng) < o.memoryLimitProbability && totalParam > 0)
        b.setMemoryLimit(std::round(totalParam * (0.3 + 0.7 * unit(rng)) * 100) / 100);
    b.setBandwidth(unit(rng) < 0.5 ? 1.0 : 0.5 + unit(rng) * 2);
    auto g = b.build();
    return std::move(g).value();
}

BoundInstance randomBoundInstance(std::mt19937_64 &rng, int trial)
{
    RandomGraphOptions go;
    go.minNodes = 2;
    go.maxNodes = 9;
    go.edgeProbability = trial % 3 == 0 ? 0.15 : 0.35;
    Graph g = randomGraph(rng, go);
    CostParams p = CostParams::fromGraph(g);
    if (trial % 7 == 3) {
        p.overflow = true;
        p.fastMemory = 2.0;
        p.slowBandwidth = 0.7;
    }
    const int k = 1 + static_cast<int>(rng() % 5);
    return { std::move(g), p, k };
}

std::vector<NodeId> randomOrder(const Graph &g, std::mt19937_64 &rng)
{
    std::vector<int32_t> need(g.nodeCount());
    std::vector<int32_t> ready;
    for (int32_t v = 0; v < g.nodeCount(); ++v)
        if ((need[v] = g.inDegree(nodeId(v))) == 0)
            ready.push_back(v);
    std::vector<NodeId> order;
    while (!ready.empty()) {
        const size_t i = std::uniform_int_distribution<size_t>(0, ready.size() - 1)(rng);
        const int32_t v = ready[i];
        ready[i] = ready.back();
        ready.pop_back();
        order.push_back(nodeId(v));
        for (NodeId w : g.successors(nodeId(v)))
            if (--need[index(w)] == 0)
                ready.push_back(index(w));
    }
    return order;
}

namespace {

// Enumerates stage assignments in topological order with s(v) >= max s(pred)
// and groups consistent; calls visit for each complete feasible assignment.
void enumerate(
    const Graph &g, const CostParams &params, int k, const std::function<void(const std::vector<int32_t> &)> &visit)
{
    const int n = g.nodeCount();
    auto topo = g.topologicalOrder();
    std::vector<int32_t> stage(n, -1);
    std::vector<int32_t> groupStage(g.groupCount(), -1);
    std::vector<int> groupAssigned(g.groupCount(), 0);
    std::vector<double> param(k, 0.0);
    std::function<void(int)> rec = [&](int pos) {
        if (pos == n) {
            visit(stage);
            return;
        }
        const NodeId v = topo[pos];
        int lo = 0;
        for (NodeId u : g.predecessors(v))
            lo = std::max(lo, stage[index(u)]);
        const GroupId gr = g.group(v);
        for (int s = lo; s < k; ++s) {
            if (gr != kNoGroup && groupStage[index(gr)] >= 0 && groupStage[index(gr)] != s)
                continue;
            if (!params.fitsMemory(s, param[s] + g.param(v))) // stage s's device with a cluster
                continue;
            stage[index(v)] = s;
            param[s] += g.param(v);
            bool setGroup = gr != kNoGroup && groupStage[index(gr)] < 0;
            if (setGroup)
                groupStage[index(gr)] = s;
            rec(pos + 1);
            if (setGroup)
                groupStage[index(gr)] = -1;
            param[s] -= g.param(v);
            stage[index(v)] = -1;
        }
    };
    rec(0);
}

} // namespace

BruteForce bruteForceOptimum(const Graph &g, const CostParams &params, int k)
{
    BruteForce r;
    r.optimum = std::numeric_limits<double>::infinity();
    enumerate(g, params, k, [&](const std::vector<int32_t> &stage) {
        double t = bottleneckOf(g, params, stage, k);
        if (t < r.optimum) {
            r.optimum = t;
            r.best = Partition(stage, k);
            r.feasible = true;
        }
    });
    return r;
}

BruteForce bruteForceSliceOf(const Graph &g, const CostParams &params, int k, const std::vector<NodeId> &order)
{
    // Enumerate cut positions: a non-decreasing stage sequence along the order.
    BruteForce r;
    r.optimum = std::numeric_limits<double>::infinity();
    const int n = static_cast<int>(order.size());
    std::vector<int32_t> stage(n, 0);
    std::function<void(int, int)> rec = [&](int pos, int s) {
        if (pos == n) {
            Partition p(stage, k);
            if (!checkFeasibility(g, params, p, 1).empty())
                return;
            double t = bottleneckOf(g, params, stage, k);
            if (t < r.optimum) {
                r.optimum = t;
                r.best = p;
                r.feasible = true;
            }
            return;
        }
        for (int t = s; t < k; ++t) {
            stage[index(order[pos])] = t;
            rec(pos + 1, t);
        }
    };
    rec(0, 0);
    return r;
}

std::string describe(const Graph &g, const CostParams &params, int k)
{
    std::ostringstream os;
    os << "k=" << k << " B=" << params.bandwidth;
    if (params.memoryLimit)
        os << " M=" << *params.memoryLimit;
    os << "\nnodes:";
    for (int32_t v = 0; v < g.nodeCount(); ++v) {
        os << " " << g.id(nodeId(v)) << "(w=" << g.work(nodeId(v)) << ",o=" << g.out(nodeId(v))
           << ",p=" << g.param(nodeId(v));
        if (g.group(nodeId(v)) != kNoGroup)
            os << ",g=" << g.groupName(g.group(nodeId(v)));
        os << ")";
    }
    os << "\nedges:";
    for (auto [u, v] : g.edges())
        os << " " << g.id(u) << "->" << g.id(v);
    return os.str();
}

std::string corpusPath(const std::string &relative)
{
    return std::string(PIPECUT_CORPUS_DIR) + "/" + relative;
}

} // namespace pipecut::test
