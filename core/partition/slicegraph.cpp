#include "core/partition/slicegraph.h"

#include "core/partition/methods.h"
#include "core/partition/refine.h"
#include "core/partition/slice.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <thread>

namespace pipecut {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// splitmix64: small, fast, and the same on every platform (std distributions are not).
class Rng {
public:
    explicit Rng(uint64_t seed) : m_state(seed) {}
    uint64_t next()
    {
        uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    size_t below(size_t n) { return static_cast<size_t>(next() % n); }

private:
    uint64_t m_state;
};

uint64_t generationSeed(uint64_t seed, int generation)
{
    Rng r(seed ^ (0x51ed270b27a3f1c5ULL * (static_cast<uint64_t>(generation) + 1)));
    return r.next();
}

using Keys = std::vector<double>;

struct Evaluated {
    double fitness = kInf;
    std::vector<int32_t> stages;
    std::string error;
    bool done = false;
};

// Decodes keys into a topological order of the original graph and slices it.
class Decoder {
public:
    Decoder(const Graph &g, const CostParams &params, const Contraction &units, int k)
        : m_g(g), m_params(params), m_units(units), m_k(k)
    {
        const Graph &c = units.graph;
        m_members.resize(c.nodeCount());
        for (int32_t x = 0; x < c.nodeCount(); ++x) {
            auto mem = units.members(x);
            m_members[x].assign(mem.begin(), mem.end());
            std::sort(m_members[x].begin(), m_members[x].end(),
                      [&](NodeId a, NodeId b) { return g.topoPosition(a) < g.topoPosition(b); });
        }
    }

    std::vector<NodeId> order(const Keys &keys) const
    {
        const Graph &c = m_units.graph;
        const int32_t n = c.nodeCount();
        std::vector<int32_t> need(n);
        using Item = std::pair<double, int32_t>;
        std::priority_queue<Item, std::vector<Item>, std::greater<Item>> ready;
        for (int32_t x = 0; x < n; ++x) {
            need[x] = c.inDegree(nodeId(x));
            if (need[x] == 0)
                ready.push({keys[x], x});
        }
        std::vector<NodeId> out;
        out.reserve(m_g.nodeCount());
        while (!ready.empty()) {
            const int32_t x = ready.top().second;
            ready.pop();
            out.insert(out.end(), m_members[x].begin(), m_members[x].end());
            for (NodeId y : c.successors(nodeId(x)))
                if (--need[index(y)] == 0)
                    ready.push({keys[index(y)], index(y)});
        }
        return out;
    }

    // Exact fitness when it is <= cutoff; otherwise just "above the cutoff"
    // (ranked after every exact value, ties by index). A stop or the deadline
    // cuts the slice's bisection short (the fitness is then the cost of the
    // best cut found, still a real partition): one evaluation of a random
    // order of a 20,000-node graph is some 45 ms of CPU, a threshold test
    // about 1.5 ms, and a job thread of the explorer runs at a tenth of the
    // GUI's priority, so on a loaded machine whole evaluations after a Cancel
    // would take seconds.
    // Unless `mustFinish` (the default order, the run's answer of last
    // resort), a stop between the phases abandons the evaluation (not done).
    void evaluate(const Keys &keys, Evaluated &e, double cutoff, const StopToken &stop, const Deadline &deadline,
                  bool mustFinish) const
    {
        auto abandon = [&] { return !mustFinish && (stop.stopRequested() || deadline.expired()); };
        const std::vector<NodeId> ord = order(keys);
        if (abandon())
            return;
        OrderSlicer slicer(m_g, m_params, ord, false, m_k);
        if (abandon())
            return;
        auto r = slicer.solve(m_k, &stop, 1e-10, cutoff, &deadline);
        if (r && r->aboveCutoff) {
            e.fitness = std::nextafter(cutoff, kInf);
        } else if (r) {
            e.fitness = r->bottleneck;
            e.stages.assign(r->partition.stages().begin(), r->partition.stages().end());
        } else {
            e.fitness = kInf;
            e.error = r.error();
        }
        e.done = true;
    }

private:
    const Graph &m_g;
    const CostParams &m_params;
    const Contraction &m_units;
    int m_k;
    std::vector<std::vector<NodeId>> m_members;
};

// Keys that decode to `order` (a topological order of the units): the rank.
Keys keysOf(std::span<const int32_t> order)
{
    const size_t n = order.size();
    Keys keys(n);
    for (size_t r = 0; r < n; ++r)
        keys[order[r]] = (r + 0.5) / n;
    return keys;
}

// Depth-first topological orders: Kahn's algorithm with a stack, so that a
// consumer follows its producer as soon as its last input is placed. With
// `backward` it runs from the sinks over the predecessors and is reversed
// (producers placed just before their first consumer); `flip` visits
// neighbours in decreasing index order.
std::vector<int32_t> depthFirstOrder(const Graph &c, bool backward, bool flip)
{
    const int32_t n = c.nodeCount();
    std::vector<int32_t> need(n), stack, out;
    out.reserve(n);
    auto next = [&](int32_t x) { return backward ? c.predecessors(nodeId(x)) : c.successors(nodeId(x)); };
    for (int32_t x = n - 1; x >= 0; --x) {
        need[x] = backward ? c.outDegree(nodeId(x)) : c.inDegree(nodeId(x));
        if (need[x] == 0)
            stack.push_back(x);
    }
    if (flip)
        std::reverse(stack.begin(), stack.end());
    while (!stack.empty()) {
        const int32_t x = stack.back();
        stack.pop_back();
        out.push_back(x);
        const auto nb = next(x);
        for (size_t i = 0; i < nb.size(); ++i) {
            const int32_t y = index(nb[flip ? i : nb.size() - 1 - i]);
            if (--need[y] == 0)
                stack.push_back(y);
        }
    }
    if (backward)
        std::reverse(out.begin(), out.end());
    return out;
}

// Reverse postorder of a depth-first search from the sources (children in
// index order): a topological order that keeps each subtree together.
std::vector<int32_t> reversePostorder(const Graph &c)
{
    const int32_t n = c.nodeCount();
    std::vector<char> seen(n, 0);
    std::vector<int32_t> post;
    post.reserve(n);
    std::vector<std::pair<int32_t, size_t>> stack;
    for (int32_t r = 0; r < n; ++r) {
        if (c.inDegree(nodeId(r)) != 0 || seen[r])
            continue;
        seen[r] = 1;
        stack.push_back({r, 0});
        while (!stack.empty()) {
            auto &[x, i] = stack.back();
            const auto succ = c.successors(nodeId(x));
            if (i < succ.size()) {
                const int32_t y = index(succ[i++]);
                if (!seen[y]) {
                    seen[y] = 1;
                    stack.push_back({y, 0});
                }
            } else {
                post.push_back(x);
                stack.pop_back();
            }
        }
    }
    std::reverse(post.begin(), post.end());
    return post;
}

// The order a partition induces on the units: by (stage, default position).
// Its optimal slice costs at most the partition's bottleneck.
std::vector<int32_t> partitionOrder(const Contraction &units, std::span<const int32_t> stages)
{
    const Graph &c = units.graph;
    auto topo = c.topologicalOrder();
    std::vector<int32_t> order(topo.size());
    for (size_t p = 0; p < topo.size(); ++p)
        order[p] = index(topo[p]);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        return stages[index(units.members(a)[0])] < stages[index(units.members(b)[0])];
    });
    return order;
}

} // namespace

Result<SliceGraphOutcome> runBrkga(const Graph &graph, const CostParams &params, const Contraction &units,
                                   const SliceGraphOptions &o, const StopToken &stop, const Deadline &deadline,
                                   const GenerationFn &onGeneration)
{
    const Graph &c = units.graph;
    const int32_t n = c.nodeCount();
    const int P = std::max(1, o.population);
    const int G = std::max(1, o.generations);
    const int elites = std::clamp(static_cast<int>(std::lround(o.eliteFraction * P)), 1, P);
    const int mutants = std::clamp(static_cast<int>(std::lround(o.mutantFraction * P)), 0, P - elites);
    int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    Decoder decoder(graph, params, units, o.k);
    // Under a time limit the search leaves the last tenth to the final polish.
    const Deadline searchDeadline = deadline.limit() > 0 && o.polishIterations > 0
                                        ? Deadline(std::max(1e-3, 0.9 * deadline.remaining()))
                                        : deadline;
    auto shouldStop = [&] { return stop.stopRequested() || searchDeadline.expired(); };

    std::vector<Keys> pop(P, Keys(n));
    std::vector<Evaluated> eval(P);
    auto randomKeys = [&](Rng &rng, Keys &keys) {
        for (double &x : keys)
            x = rng.unit();
    };

    // First population: the default order, a warm start, the depth-first
    // orders (structuredSeeds), then random keys.
    {
        Rng rng(generationSeed(o.seed, 0));
        std::vector<std::vector<int32_t>> seeds;
        {
            auto topo = c.topologicalOrder();
            std::vector<int32_t> order(n);
            for (int32_t p = 0; p < n; ++p)
                order[p] = index(topo[p]);
            seeds.push_back(std::move(order));
        }
        if (o.warmStart)
            seeds.push_back(partitionOrder(units, o.warmStart->stages()));
        if (o.structuredSeeds) { // after a stop only the default order is evaluated: skip the rest
            const std::function<std::vector<int32_t>()> structured[] = {
                [&] { return depthFirstOrder(c, false, false); }, [&] { return depthFirstOrder(c, true, false); },
                [&] { return reversePostorder(c); }, [&] { return depthFirstOrder(c, false, true); },
                [&] { return depthFirstOrder(c, true, true); }};
            for (const auto &make : structured)
                if (!shouldStop())
                    seeds.push_back(make());
        }
        int filled = 0;
        for (const auto &order : seeds)
            if (filled < P && (filled == 0 || !shouldStop()))
                pop[filled++] = keysOf(order);
        for (; filled < P && !shouldStop(); ++filled) // the rest stays unevaluated after a stop
            randomKeys(rng, pop[filled]);
    }

    // Evaluates the listed chromosomes on `threads` workers; results land by index.
    auto evaluateAll = [&](const std::vector<int> &which, double cutoff) {
        std::atomic<size_t> next{0};
        auto work = [&] {
            for (size_t i; (i = next.fetch_add(1)) < which.size();) {
                const bool answer = which[i] == 0 && !eval[0].done;
                if (shouldStop() && !answer)
                    continue; // always finish the default order so that there is an answer
                decoder.evaluate(pop[which[i]], eval[which[i]], cutoff, stop, searchDeadline, answer);
            }
        };
        const int t = std::min<int>(threads, static_cast<int>(which.size()));
        if (t <= 1) {
            work();
            return;
        }
        std::vector<std::thread> pool;
        for (int i = 0; i < t; ++i)
            pool.emplace_back(work);
        for (std::thread &th : pool)
            th.join();
    };

    SliceGraphOutcome out;
    double best = kInf;
    std::vector<int32_t> bestStages;
    std::string firstError;
    auto collect = [&](const std::vector<int> &which) {
        for (int i : which) {
            if (!eval[i].done)
                continue;
            ++out.evaluations;
            if (eval[i].fitness < best) {
                best = eval[i].fitness;
                bestStages = eval[i].stages;
            }
            if (firstError.empty() && !eval[i].error.empty())
                firstError = eval[i].error;
        }
    };

    // Lamarckian step: the best `memetic` chromosomes not yet polished get the
    // plateau descent (refine.h); an improvement is written back as the keys
    // of the order it induces, whose slice is at least as good.
    std::vector<char> polished(P, 0);
    // Iterations of the iterated descent, capped so that each call stays
    // around 2,000,000 unit and edge visits per pass on big graphs.
    auto cappedIterations = [&](int64_t wanted) {
        return std::min<int64_t>(wanted, std::max<int64_t>(5, 2'000'000 / (graph.nodeCount() + graph.edgeCount() + 1)));
    };
    auto memeticStep = [&] {
        if (o.memetic <= 0 || shouldStop())
            return;
        std::vector<int> order(P);
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return eval[a].fitness < eval[b].fitness; });
        for (int r = 0; r < std::min(o.memetic, P) && !shouldStop(); ++r) {
            const int i = order[r];
            if (polished[i] || !eval[i].done || eval[i].stages.empty() || !std::isfinite(eval[i].fitness))
                continue;
            polished[i] = 1;
            RefineOutcome ref;
            if (o.memeticIterations > 0) {
                IteratedOptions io;
                io.iterations = cappedIterations(o.memeticIterations);
                io.seed = generationSeed(o.seed, -2 - out.generationsRun);
                ref = refineIterated(graph, params, Partition(eval[i].stages, o.k), stop, searchDeadline, io, &units);
            } else {
                ref = refinePlateau(graph, params, Partition(eval[i].stages, o.k), stop, searchDeadline, &units);
            }
            if (!(ref.bottleneck < eval[i].fitness))
                continue;
            if (ref.bottleneck < best) {
                best = ref.bottleneck;
                bestStages.assign(ref.partition.stages().begin(), ref.partition.stages().end());
            }
            pop[i] = keysOf(partitionOrder(units, ref.partition.stages()));
            decoder.evaluate(pop[i], eval[i], kInf, stop, searchDeadline, false); // a stop leaves it as it was
            collect(std::vector<int>{i});
            ++out.memeticImprovements;
        }
    };

    std::vector<int> all(P);
    std::iota(all.begin(), all.end(), 0);
    evaluateAll(all, kInf);
    collect(all);
    memeticStep();
    out.generationsRun = 1;
    if (onGeneration)
        onGeneration(1, G, best);

    std::vector<int> rank(P);
    int lastImprovement = 0;
    double bestBefore = best;
    for (int gen = 1; gen < G && !shouldStop(); ++gen) {
        std::iota(rank.begin(), rank.end(), 0);
        std::stable_sort(rank.begin(), rank.end(), [&](int a, int b) { return eval[a].fitness < eval[b].fitness; });
        // A restart keeps only the best chromosome and draws the rest afresh.
        const bool restart = o.restartAfter > 0 && gen - lastImprovement >= o.restartAfter;
        if (restart)
            lastImprovement = gen;
        const int kept = restart ? 1 : elites;
        const int drawn = restart ? P - 1 : mutants;
        // Children worse than the current worst elite cannot become elite.
        const double cutoff = restart ? kInf : eval[rank[elites - 1]].fitness;
        std::vector<Keys> nextPop(P);
        std::vector<Evaluated> nextEval(P);
        std::vector<char> nextPolished(P, 0);
        for (int e = 0; e < kept; ++e) {
            nextPop[e] = std::move(pop[rank[e]]);
            nextEval[e] = std::move(eval[rank[e]]);
            nextPolished[e] = polished[rank[e]];
        }
        // Drawing the next population (P x n keys, some 10 ms of CPU at
        // 100 x 20,000) polls the stop too; the best so far is kept apart.
        Rng rng(generationSeed(o.seed, gen));
        bool interrupted = false;
        for (int m = kept; m < kept + drawn && !(interrupted = shouldStop()); ++m) {
            nextPop[m].resize(n);
            randomKeys(rng, nextPop[m]);
        }
        for (int ch = kept + drawn; ch < P && !interrupted && !(interrupted = shouldStop()); ++ch) {
            const Keys &a = nextPop[rng.below(elites)];
            const int nonElite = P - elites; // non-elite parents are still in pop (elites were moved)
            const Keys &b = nonElite > 0 ? pop[rank[elites + static_cast<int>(rng.below(nonElite))]] : a;
            nextPop[ch].resize(n);
            for (int32_t x = 0; x < n; ++x)
                nextPop[ch][x] = rng.unit() < o.crossoverBias ? a[x] : b[x];
        }
        if (interrupted)
            break;
        pop = std::move(nextPop);
        eval = std::move(nextEval);
        polished = std::move(nextPolished);
        std::vector<int> fresh(P - kept);
        std::iota(fresh.begin(), fresh.end(), kept);
        evaluateAll(fresh, cutoff);
        bool complete = std::all_of(fresh.begin(), fresh.end(), [&](int i) { return eval[i].done; });
        collect(fresh);
        for (int i : fresh)
            if (!eval[i].done)
                eval[i].fitness = kInf;
        if (!complete)
            break;
        memeticStep();
        if (best < bestBefore) {
            bestBefore = best;
            lastImprovement = gen;
        }
        out.generationsRun = gen + 1;
        if (onGeneration)
            onGeneration(gen + 1, G, best);
    }

    // Final polish: the iterated plateau descent on the best partition, with
    // a number of iterations that stays small next to the search on big graphs.
    if (o.polishIterations > 0 && std::isfinite(best) && !stop.stopRequested() && !deadline.expired()) {
        IteratedOptions io;
        // When the time limit ended the search, the polish has the reserved
        // tenth to itself; otherwise a count keeps the run deterministic.
        const bool timedOut = deadline.limit() > 0 && searchDeadline.expired();
        io.iterations = timedOut ? std::numeric_limits<int64_t>::max() : cappedIterations(o.polishIterations);
        io.seed = generationSeed(o.seed, -1);
        RefineOutcome ref = refineIterated(graph, params, Partition(bestStages, o.k), stop, deadline, io, &units);
        if (ref.bottleneck < best) {
            best = ref.bottleneck;
            bestStages.assign(ref.partition.stages().begin(), ref.partition.stages().end());
        }
    }

    if (!std::isfinite(best))
        return makeError(firstError.empty() ? std::string("slicegraph found no feasible order") : firstError);
    out.partition = Partition(std::move(bestStages), o.k);
    out.bottleneck = best;
    return out;
}

Result<PartitionResult> runSliceGraph(const MethodContext &ctx)
{
    auto contraction = contractGroups(ctx.graph);
    if (!contraction)
        return makeError("slicegraph: " + contraction.error());
    return runSliceGraph(ctx, *contraction);
}

Result<PartitionResult> runSliceGraph(const MethodContext &ctx, const Contraction &units)
{
    SliceGraphOptions o;
    o.k = ctx.options.k;
    o.population = ctx.options.population > 0 ? ctx.options.population : kDefaultPopulation;
    o.generations = ctx.options.generations > 0 ? ctx.options.generations : kDefaultGenerations;
    o.eliteFraction = ctx.options.eliteFraction;
    o.mutantFraction = ctx.options.mutantFraction;
    o.crossoverBias = ctx.options.crossoverBias;
    o.seed = ctx.options.seed;
    o.threads = ctx.options.threads;
    o.warmStart = ctx.options.start;
    auto run = runBrkga(ctx.graph, ctx.params, units, o, ctx.stop, ctx.deadline,
                        [&](int gen, int gens, double best) {
                            ctx.report(best, 0.0, "slicegraph generation " + std::to_string(gen) + "/" + std::to_string(gens),
                                       static_cast<double>(gen) / gens);
                        });
    if (!run)
        return makeError("slicegraph: " + run.error());
    PartitionResult r;
    r.partition = std::move(run->partition);
    r.method = "slicegraph";
    r.notes.push_back("budget " + std::to_string(o.population) + "x" + std::to_string(o.generations) + ": " +
                      std::to_string(run->generationsRun) + " generations, " + std::to_string(run->evaluations) +
                      " evaluations, " + std::to_string(run->memeticImprovements) + " improved by local search");
    return r;
}

} // namespace pipecut
