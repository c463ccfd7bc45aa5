#include "core/partition/slicegraph.h"

#include "core/partition/methods.h"
#include "core/partition/refine.h"
#include "core/partition/slice.h"

#include <algorithm>
#include <atomic>
#include <cmath>
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
    // took seconds.
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
    auto shouldStop = [&] { return stop.stopRequested() || deadline.expired(); };

    std::vector<Keys> pop(P, Keys(n));
    std::vector<Evaluated> eval(P);
    auto randomKeys = [&](Rng &rng, Keys &keys) {
        for (double &x : keys)
            x = rng.unit();
    };

    // First population: the default order, a warm start, then random keys.
    {
        Rng rng(generationSeed(o.seed, 0));
        int filled = 0;
        {
            auto topo = c.topologicalOrder();
            for (int32_t p = 0; p < n; ++p)
                pop[filled][index(topo[p])] = (p + 0.5) / n;
            ++filled;
        }
        if (o.warmStart && filled < P) {
            // Units by (stage, default position): an order whose slice can reproduce the start.
            auto topo = c.topologicalOrder();
            std::vector<int32_t> rank(n);
            std::iota(rank.begin(), rank.end(), 0);
            auto stageOf = [&](int32_t x) { return o.warmStart->stages()[index(units.members(x)[0])]; };
            std::stable_sort(rank.begin(), rank.end(), [&](int32_t a, int32_t b) {
                return std::pair(stageOf(index(topo[a])), a) < std::pair(stageOf(index(topo[b])), b);
            });
            for (int32_t r = 0; r < n; ++r)
                pop[filled][index(topo[rank[r]])] = (r + 0.5) / n;
            ++filled;
        }
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
                decoder.evaluate(pop[which[i]], eval[which[i]], cutoff, stop, deadline, answer);
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

    std::vector<int> all(P);
    std::iota(all.begin(), all.end(), 0);
    evaluateAll(all, kInf);
    collect(all);
    out.generationsRun = 1;
    if (onGeneration)
        onGeneration(1, G, best);

    std::vector<int> rank(P);
    for (int gen = 1; gen < G && !shouldStop(); ++gen) {
        std::iota(rank.begin(), rank.end(), 0);
        std::stable_sort(rank.begin(), rank.end(), [&](int a, int b) { return eval[a].fitness < eval[b].fitness; });
        // Children worse than the current worst elite cannot become elite.
        const double cutoff = eval[rank[elites - 1]].fitness;
        std::vector<Keys> nextPop(P);
        std::vector<Evaluated> nextEval(P);
        for (int e = 0; e < elites; ++e) {
            nextPop[e] = std::move(pop[rank[e]]);
            nextEval[e] = std::move(eval[rank[e]]);
        }
        // Drawing the next population (P x n keys, some 10 ms of CPU at
        // 100 x 20,000) polls the stop too; the best so far is kept apart.
        Rng rng(generationSeed(o.seed, gen));
        bool interrupted = false;
        for (int m = elites; m < elites + mutants && !(interrupted = shouldStop()); ++m) {
            nextPop[m].resize(n);
            randomKeys(rng, nextPop[m]);
        }
        for (int ch = elites + mutants; ch < P && !interrupted && !(interrupted = shouldStop()); ++ch) {
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
        std::vector<int> fresh(P - elites);
        std::iota(fresh.begin(), fresh.end(), elites);
        evaluateAll(fresh, cutoff);
        bool complete = std::all_of(fresh.begin(), fresh.end(), [&](int i) { return eval[i].done; });
        collect(fresh);
        for (int i : fresh)
            if (!eval[i].done)
                eval[i].fitness = kInf;
        if (!complete)
            break;
        out.generationsRun = gen + 1;
        if (onGeneration)
            onGeneration(gen + 1, G, best);
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
                      " evaluations");
    return r;
}

} // namespace pipecut
