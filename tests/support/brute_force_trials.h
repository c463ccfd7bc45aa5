#pragma once
// The brute-force loops the bound, cluster and local-search tests share:
// random small instances solved by brute force, the tolerance a bound is held
// to, and the failure message naming the instance.

#include "core/cost/partition.h"
#include "core/gen/generator.h"
#include "core/graph/topology.h"
#include "tests/support/test_graphs.h"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <random>
#include <string>

namespace pipecut::test {

// `value` <= `optimum` within 1e-6 relative and 1e-9 absolute: a lower bound that holds.
bool atMostOptimum(double value, double optimum);

// "<what> <value> > optimum <optimum>" and the instance, for a failed bound check.
std::string aboveOptimum(const std::string &what, double value, double optimum, const std::string &instance);

// A data-driven test's rows "family" 0, 1, ... named `names`.
void addFamilyRows(std::initializer_list<const char *> names);

// Makes `trials` instances with `make(rng, trial)` (rng seeded with `seed`),
// solves each by brute force and runs `check` on the feasible ones; returns
// how many it checked, and fails the test unless that is more than half. It
// stops at the first failed check (a QVERIFY in `check` returns from `check`
// only), so the caller returns when QTest::currentTestFailed().
int checkFeasibleTrials(uint64_t seed, int trials, const std::function<BoundInstance(std::mt19937_64 &, int)> &make,
    const std::function<void(const BoundInstance &, const BruteForce &)> &check);

// One start of the local-search tests (band chain, window re-solve): a random
// graph of at most 9 nodes with its own costs and its groups contracted,
// k = 2 + trial % 4, and the cut of uniform (odd trials) or slice; no start
// when the method found none.
struct SearchStart {
    BoundInstance instance;
    Contraction units;
    std::optional<Partition> start;
    double bottleneck = 0.0; // the start's
    std::string where; // the instance as text
};
SearchStart randomSearchStart(std::mt19937_64 &rng, int trial);
// Runs `search` on the starts of `trials` random instances (rng seeded with
// `seed`) that have one, until a check fails; returns how many it ran.
int forEachSearchStart(uint64_t seed, int trials, const std::function<void(const SearchStart &)> &search);

// A generated graph (core/gen) with its own costs and its groups contracted,
// for the local searches; an error aborts the test with its message.
struct SearchGraph {
    Graph graph;
    CostParams params;
    Contraction units;
};
SearchGraph generatedSearchGraph(const GeneratorOptions &options);
// The same for a given graph.
SearchGraph searchGraph(Graph graph);

// What is wrong with a search's result `partition` (claimed `bottleneck`) from
// `s`: not valid, not evaluate()'s bottleneck, worse than the start or better
// than the brute-force optimum; "" when nothing.
std::string searchResultProblem(const SearchStart &s, const Partition &partition, double bottleneck, double optimum);

} // namespace pipecut::test
