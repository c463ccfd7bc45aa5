#include "core/partition/slicegraph.h"

#include "core/partition/methods.h"
#include "core/partition/refine.h"
#include "core/partition/slice.h"
#include "core/util/limits.h"

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
    explicit Rng(uint64_t seed)
        : m_state(seed)
    {
    }
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
        : m_g(g)
        , m_params(params)
        , m_units(units)
        , m_k(k)
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
                ready.push({ keys[x], x });
        }
        std::vector<NodeId> out;
        out.reserve(m_g.nodeCount());
        while (!ready.empty()) {
            const int32_t x = ready.top().second;
            ready.pop();
            out.insert(out.end(), m_members[x].begin(), m_members[x].end());
            for (NodeId y : c.successors(nodeId(x)))
                if (--need[index(y)] == 0)
                    ready.push({ keys[index(y)], index(y) });
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
        stack.push_back({ r, 0 });
        while (!stack.empty()) {
            auto &[x, i] = stack.back();
            const auto succ = c.successors(nodeId(x));
            if (i < succ.size()) {
                const int32_t y = index(succ[i++]);
                if (!seen[y]) {
                    seen[y] = 1;
                    stack.push_back({ y, 0 });
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
    std::stable_sort(order.begin(), order.end(),
        [&](int32_t a, int32_t b) { return stages[index(units.members(a)[0])] < stages[index(units.members(b)[0])]; });
    return order;
}

void randomKeys(Rng &rng, Keys &keys)
{
    for (double &x : keys)
        x = rng.unit();
}

// One run of the BRKGA: the population, its evaluations and the best slice
// found so far, evolved in phases (first population, generations, polish).
class Brkga {
public:
    Brkga(const Graph &graph, const CostParams &params, const Contraction &units, const SliceGraphOptions &o,
        const StopToken &stop, const Deadline &deadline)
        : m_graph(graph)
        , m_params(params)
        , m_units(units)
        , m_o(o)
        , m_stop(stop)
        , m_deadline(deadline)
        , m_n(units.graph.nodeCount())
        , m_P(std::max(1, o.population))
        , m_G(std::max(1, o.generations))
        , m_elites(std::clamp(static_cast<int>(std::lround(o.eliteFraction * m_P)), 1, m_P))
        , m_mutants(std::clamp(static_cast<int>(std::lround(o.mutantFraction * m_P)), 0, m_P - m_elites))
        , m_threads(o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())))
        , m_decoder(graph, params, units, o.k)
        ,
        // Under a time limit the search leaves the last tenth to the final polish.
        m_searchDeadline(deadline.limit() > 0 && o.polishIterations > 0
                ? Deadline(std::max(1e-3, 0.9 * deadline.remaining()))
                : deadline)
        , m_pop(m_P) // each chromosome's keys are allocated as it is drawn, with a clock check
        , m_eval(m_P)
        , m_polished(m_P, 0)
    {
    }

    // First population: the default order, a warm start, the depth-first
    // orders (structuredSeeds), then random keys.
    void seedPopulation()
    {
        const Graph &c = m_units.graph;
        Rng rng(generationSeed(m_o.seed, 0));
        std::vector<std::vector<int32_t>> seeds;
        {
            auto topo = c.topologicalOrder();
            std::vector<int32_t> order(m_n);
            for (int32_t p = 0; p < m_n; ++p)
                order[p] = index(topo[p]);
            seeds.push_back(std::move(order));
        }
        if (m_o.warmStart)
            seeds.push_back(partitionOrder(m_units, m_o.warmStart->stages()));
        if (m_o.structuredSeeds) { // after a stop only the default order is evaluated: skip the rest
            const std::function<std::vector<int32_t>()> structured[]
                = { [&] { return depthFirstOrder(c, false, false); }, [&] { return depthFirstOrder(c, true, false); },
                      [&] { return reversePostorder(c); }, [&] { return depthFirstOrder(c, false, true); },
                      [&] { return depthFirstOrder(c, true, true); } };
            for (const auto &make : structured)
                if (!shouldStop())
                    seeds.push_back(make());
        }
        int filled = 0;
        for (const auto &order : seeds)
            if (filled < m_P && (filled == 0 || !shouldStop()))
                m_pop[filled++] = keysOf(order);
        for (; filled < m_P && !shouldStop(); ++filled) { // the rest stays unevaluated after a stop
            m_pop[filled].resize(m_n);
            randomKeys(rng, m_pop[filled]);
        }
    }

    // Generation 1: the first population evaluated and polished.
    void evaluateFirst(const GenerationFn &onGeneration)
    {
        std::vector<int> all(m_P);
        std::iota(all.begin(), all.end(), 0);
        evaluateAll(all, kInf);
        collect(all);
        memeticStep();
        m_out.generationsRun = 1;
        if (onGeneration)
            onGeneration(1, m_G, m_best);
    }

    // Generations 2..G, until a stop or an incomplete generation.
    void evolve(const GenerationFn &onGeneration)
    {
        std::vector<int> rank(m_P);
        int lastImprovement = 0;
        double bestBefore = m_best;
        for (int gen = 1; gen < m_G && !shouldStop(); ++gen) {
            std::iota(rank.begin(), rank.end(), 0);
            std::stable_sort(
                rank.begin(), rank.end(), [&](int a, int b) { return m_eval[a].fitness < m_eval[b].fitness; });
            // A restart keeps only the best chromosome and draws the rest afresh.
            const bool restart = m_o.restartAfter > 0 && gen - lastImprovement >= m_o.restartAfter;
            if (restart)
                lastImprovement = gen;
            const int kept = restart ? 1 : m_elites;
            const int drawn = restart ? m_P - 1 : m_mutants;
            // Children worse than the current worst elite cannot become elite.
            const double cutoff = restart ? kInf : m_eval[rank[m_elites - 1]].fitness;
            if (!breed(gen, rank, kept, drawn))
                break;
            std::vector<int> fresh(m_P - kept);
            std::iota(fresh.begin(), fresh.end(), kept);
            evaluateAll(fresh, cutoff);
            bool complete = std::all_of(fresh.begin(), fresh.end(), [&](int i) { return m_eval[i].done; });
            collect(fresh);
            for (int i : fresh)
                if (!m_eval[i].done)
                    m_eval[i].fitness = kInf;
            if (!complete)
                break;
            memeticStep();
            if (m_best < bestBefore) {
                bestBefore = m_best;
                lastImprovement = gen;
            }
            m_out.generationsRun = gen + 1;
            if (onGeneration)
                onGeneration(gen + 1, m_G, m_best);
        }
    }

    // Final polish: the iterated plateau descent on the best partition, with
    // a number of iterations that stays small next to the search on big graphs.
    void polish()
    {
        if (m_o.polishIterations > 0 && std::isfinite(m_best) && !m_stop.stopRequested() && !m_deadline.expired()) {
            IteratedOptions io;
            // When the time limit ended the search, the polish has the reserved
            // tenth to itself; otherwise a count keeps the run deterministic.
            const bool timedOut = m_deadline.limit() > 0 && m_searchDeadline.expired();
            io.iterations = timedOut ? std::numeric_limits<int64_t>::max() : cappedIterations(m_o.polishIterations);
            io.seed = generationSeed(m_o.seed, -1);
            RefineOutcome ref
                = refineIterated(m_graph, m_params, Partition(m_bestStages, m_o.k), m_stop, m_deadline, io, &m_units);
            if (ref.bottleneck < m_best) {
                m_best = ref.bottleneck;
                m_bestStages.assign(ref.partition.stages().begin(), ref.partition.stages().end());
            }
        }
    }

    double best() const { return m_best; }
    const std::string &firstError() const { return m_firstError; }

    SliceGraphOutcome outcome()
    {
        m_out.partition = Partition(std::move(m_bestStages), m_o.k);
        m_out.bottleneck = m_best;
        return std::move(m_out);
    }

private:
    bool shouldStop() const { return m_stop.stopRequested() || m_searchDeadline.expired(); }

    // Evaluates the listed chromosomes on `threads` workers; results land by index.
    void evaluateAll(const std::vector<int> &which, double cutoff)
    {
        std::atomic<size_t> next { 0 };
        auto work = [&] {
            for (size_t i; (i = next.fetch_add(1)) < which.size();) {
                const bool answer = which[i] == 0 && !m_eval[0].done;
                if (shouldStop() && !answer)
                    continue; // always finish the default order so that there is an answer
                m_decoder.evaluate(m_pop[which[i]], m_eval[which[i]], cutoff, m_stop, m_searchDeadline, answer);
            }
        };
        const int t = std::min<int>(m_threads, static_cast<int>(which.size()));
        if (t <= 1) {
            work();
            return;
        }
        std::vector<std::thread> pool;
        for (int i = 0; i < t; ++i)
            pool.emplace_back(work);
        for (std::thread &th : pool)
            th.join();
    }

    void collect(const std::vector<int> &which)
    {
        for (int i : which) {
            if (!m_eval[i].done)
                continue;
            ++m_out.evaluations;
            if (m_eval[i].fitness < m_best) {
                m_best = m_eval[i].fitness;
                m_bestStages = m_eval[i].stages;
            }
            if (m_firstError.empty() && !m_eval[i].error.empty())
                m_firstError = m_eval[i].error;
        }
    }

    // Iterations of the iterated descent, capped so that each call stays
    // around 2,000,000 unit and edge visits per pass on big graphs.
    int64_t cappedIterations(int64_t wanted) const
    {
        return std::min<int64_t>(
            wanted, std::max<int64_t>(5, 2'000'000 / (m_graph.nodeCount() + m_graph.edgeCount() + 1)));
    }

    // Lamarckian step: the best `memetic` chromosomes not yet polished get the
    // plateau descent (refine.h); an improvement is written back as the keys
    // of the order it induces, whose slice is at least as good.
    void memeticStep()
    {
        if (m_o.memetic <= 0 || shouldStop())
            return;
        std::vector<int> order(m_P);
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(
            order.begin(), order.end(), [&](int a, int b) { return m_eval[a].fitness < m_eval[b].fitness; });
        for (int r = 0; r < std::min(m_o.memetic, m_P) && !shouldStop(); ++r) {
            const int i = order[r];
            if (m_polished[i] || !m_eval[i].done || m_eval[i].stages.empty() || !std::isfinite(m_eval[i].fitness))
                continue;
            m_polished[i] = 1;
            RefineOutcome ref;
            if (m_o.memeticIterations > 0) {
                IteratedOptions io;
                io.iterations = cappedIterations(m_o.memeticIterations);
                io.seed = generationSeed(m_o.seed, -2 - m_out.generationsRun);
                ref = refineIterated(
                    m_graph, m_params, Partition(m_eval[i].stages, m_o.k), m_stop, m_searchDeadline, io, &m_units);
            } else {
                ref = refinePlateau(
                    m_graph, m_params, Partition(m_eval[i].stages, m_o.k), m_stop, m_searchDeadline, &m_units);
            }
            if (!(ref.bottleneck < m_eval[i].fitness))
                continue;
            if (ref.bottleneck < m_best) {
                m_best = ref.bottleneck;
                m_bestStages.assign(ref.partition.stages().begin(), ref.partition.stages().end());
            }
            m_pop[i] = keysOf(partitionOrder(m_units, ref.partition.stages()));
            m_decoder.evaluate(
                m_pop[i], m_eval[i], kInf, m_stop, m_searchDeadline, false); // a stop leaves it as it was
            collect(std::vector<int> { i });
            ++m_out.memeticImprovements;
        }
    }

    // The next population: the `kept` best by `rank`, `drawn` random
    // chromosomes, and children of an elite and a non-elite parent. Returns
    // false when a stop interrupted the drawing.
    bool breed(int gen, const std::vector<int> &rank, int kept, int drawn)
    {
        std::vector<Keys> nextPop(m_P);
        std::vector<Evaluated> nextEval(m_P);
        std::vector<char> nextPolished(m_P, 0);
        for (int e = 0; e < kept; ++e) {
            nextPop[e] = std::move(m_pop[rank[e]]);
            nextEval[e] = std::move(m_eval[rank[e]]);
            nextPolished[e] = m_polished[rank[e]];
        }
        // Drawing the next population (P x n keys, some 10 ms of CPU at
        // 100 x 20,000) polls the stop too; the best so far is kept apart.
        Rng rng(generationSeed(m_o.seed, gen));
        bool interrupted = false;
        for (int m = kept; m < kept + drawn && !(interrupted = shouldStop()); ++m) {
            nextPop[m].resize(m_n);
            randomKeys(rng, nextPop[m]);
        }
        for (int ch = kept + drawn; ch < m_P && !interrupted && !(interrupted = shouldStop()); ++ch) {
            const Keys &a = nextPop[rng.below(m_elites)];
            const int nonElite = m_P - m_elites; // non-elite parents are still in pop (elites were moved)
            const Keys &b = nonElite > 0 ? m_pop[rank[m_elites + static_cast<int>(rng.below(nonElite))]] : a;
            nextPop[ch].resize(m_n);
            for (int32_t x = 0; x < m_n; ++x)
                nextPop[ch][x] = rng.unit() < m_o.crossoverBias ? a[x] : b[x];
        }
        if (interrupted)
            return false;
        m_pop = std::move(nextPop);
        m_eval = std::move(nextEval);
        m_polished = std::move(nextPolished);
        return true;
    }

    const Graph &m_graph;
    const CostParams &m_params;
    const Contraction &m_units;
    const SliceGraphOptions &m_o;
    const StopToken &m_stop;
    const Deadline &m_deadline;
    const int32_t m_n;
    const int m_P, m_G, m_elites, m_mutants, m_threads;
    Decoder m_decoder;
    const Deadline m_searchDeadline;
    std::vector<Keys> m_pop;
    std::vector<Evaluated> m_eval;
    std::vector<char> m_polished;
    SliceGraphOutcome m_out;
    double m_best = kInf;
    std::vector<int32_t> m_bestStages;
    std::string m_firstError;
};

} // namespace

Result<SliceGraphOutcome> runBrkga(const Graph &graph, const CostParams &params, const Contraction &units,
    const SliceGraphOptions &o, const StopToken &stop, const Deadline &deadline, const GenerationFn &onGeneration)
{
    Brkga brkga(graph, params, units, o, stop, deadline);
    brkga.seedPopulation();
    brkga.evaluateFirst(onGeneration);
    brkga.evolve(onGeneration);
    brkga.polish();
    const std::string &firstError = brkga.firstError();
    if (!std::isfinite(brkga.best()))
        return makeError(firstError.empty() ? std::string("slicegraph found no feasible order") : firstError);
    return brkga.outcome();
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
    // The population (two generations of keys, an evaluation with its stage
    // list per chromosome) is checked against the memory budget before it exists.
    const double perChromosome = 2.0 * (48.0 + 8.0 * units.graph.nodeCount()) + 96.0 + 4.0 * ctx.graph.nodeCount();
    const double needed = perChromosome * o.population;
    const int64_t budget = memoryBudgetOr(ctx.options.memoryBudget);
    if (needed > double(budget))
        return makeError(ErrorKind::LimitExceeded,
            "slicegraph: a population of " + std::to_string(o.population) + " chromosomes of "
                + std::to_string(units.graph.nodeCount()) + " keys needs about " + formatBytes(needed)
                + ", over the memory budget of " + formatBytes(double(budget)) + " (--memory-budget)",
            ResourceLimit::MemoryBudget);
    auto run = runBrkga(ctx.graph, ctx.params, units, o, ctx.stop, ctx.deadline, [&](int gen, int gens, double best) {
        ctx.report(best, 0.0, "slicegraph generation " + std::to_string(gen) + "/" + std::to_string(gens),
            static_cast<double>(gen) / gens);
    });
    if (!run)
        return makeError("slicegraph: " + run.error());
    PartitionResult r;
    r.partition = std::move(run->partition);
    r.method = "slicegraph";
    r.notes.push_back("budget " + std::to_string(o.population) + "x" + std::to_string(o.generations) + ": "
        + std::to_string(run->generationsRun) + " generations, " + std::to_string(run->evaluations) + " evaluations, "
        + std::to_string(run->memeticImprovements) + " improved by local search");
    return r;
}

} // namespace pipecut
