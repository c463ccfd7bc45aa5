#pragma once
// Test support: tiny hand-made graphs, random small graphs (with groups and
// memory limits), and a brute-force optimum to check methods and bounds against.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace pipecut::test {

// Hand-made graphs: node specs plus edges, by node index or by id; a builder
// error aborts the test with its message. `memoryLimit` becomes the graph's default.
using IndexEdges = std::vector<std::pair<int32_t, int32_t>>;
using IdEdges = std::vector<std::pair<std::string, std::string>>;
Graph graphFromEdges(const std::string &name, const std::vector<NodeSpec> &nodes, const IndexEdges &edges,
    std::optional<double> memoryLimit = std::nullopt);
Graph graphFromIdEdges(const std::string &name, const std::vector<NodeSpec> &nodes, const IdEdges &edges,
    std::optional<double> memoryLimit = std::nullopt);

// The worked example of docs/model.md §1.5: a(2,1) b(3,2) c(4,2) d(1,0); a->b, a->c, b->d, c->d.
Graph specExample();

struct RandomGraphOptions {
    int minNodes = 1;
    int maxNodes = 9;
    double edgeProbability = 0.3;
    double groupProbability = 0.2; // chance that a node joins a group with another
    double memoryLimitProbability = 0.3;
    double zeroCostProbability = 0.1;
    bool integerCosts = false;
};

// A random DAG (edges go from lower to higher index, then ids are shuffled so
// that index order is not a topological hint) with costs, optional groups and an
// optional memory limit stored as the graph's default.
Graph randomGraph(std::mt19937_64 &rng, const RandomGraphOptions &options = {});

// One instance of the bounds' brute-force loops (tests/bounds): 2..9 nodes,
// sparser every third trial, the overflow term every seventh, k in 1..5.
struct BoundInstance {
    Graph graph;
    CostParams params;
    int k = 1;
};
BoundInstance randomBoundInstance(std::mt19937_64 &rng, int trial);

// A random topological order (Kahn's algorithm taking a uniformly random ready node).
std::vector<NodeId> randomOrder(const Graph &graph, std::mt19937_64 &rng);

// The exact optimum by enumerating every valid partition (n <= ~10).
struct BruteForce {
    bool feasible = false;
    double optimum = 0.0;
    Partition best;
};
BruteForce bruteForceOptimum(const Graph &graph, const CostParams &params, int k);

// The best cut of a fixed order into <= k contiguous segments, by enumeration.
BruteForce bruteForceSliceOf(const Graph &graph, const CostParams &params, int k, const std::vector<NodeId> &order);

// The instance as text (pipecut JSON), for failure messages.
std::string describe(const Graph &graph, const CostParams &params, int k);

// Path of a file of the public corpus (the CMake variable PIPECUT_CORPUS_DIR,
// resources/corpus by default).
std::string corpusPath(const std::string &relative);

} // namespace pipecut::test
