#include "core/bounds/cut_pricing.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pipecut::bounds {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kFlowDeflation = 1e-9; // a flow may overshoot its cut by rounding
constexpr int kMaxMultipliers = 40; // flows per relaxation
// Costs summed in another order may differ in the last bits: the relaxation
// admits blocks up to T (1 + kCostSlack), so that a block of cost exactly T
// by one summation is never excluded by another.
constexpr double kCostSlack = 1e-9;
constexpr int64_t kCachedArcs = int64_t(1) << 21; // about 64 MB of cached networks

} // namespace

// The network of one anchor's window: its classes (local indices), the
// tensors they produce or read. Classes outside are out of every block, so
// a tensor they read is written for sure and one they produce is read for sure.
struct CutPricing::Local {
    std::vector<int32_t> classes; // local -> class
    struct Tensor {
        int32_t producer = -1; // local, -1 outside
        double size = 0;
        int32_t writeArc = -1, readArc = -1;
        std::vector<int32_t> consumers; // local
        bool outsideConsumer = false;
    };
    std::vector<Tensor> tensors;
    std::vector<double> fixedWrite; // per local class: tensors read only outside
    std::vector<int32_t> workArc, sourceArc;
    MaxFlow flow { 2 };
    double lastLambda = 0; // multiplier of the flow kept for a warm start (0: none)
    // The last bound and the duals it holds for: for new duals pi', every
    // block's value grows by at most the sum of (pi' - pi)^+ over the network.
    std::vector<double> lastPi;
    double lastBound = std::numeric_limits<double>::infinity();
    static constexpr int32_t source = 0, sink = 1;
};

CutPricing::CutPricing(
    const Graph &graph, const CostParams &params, const NodeClasses &classes, std::vector<int32_t> order)
    : m_graph(graph)
    , m_params(params)
    , m_classes(classes)
    , m_order(std::move(order))
{
    const int32_t n = classes.count;
    m_position.assign(n, 0);
    for (int32_t i = 0; i < n; ++i)
        m_position[m_order[i]] = i;
    m_tensorsOf.resize(n);
    m_localOf.assign(n, -1);
    m_readStamp.assign(graph.nodeCount(), 0);
    for (int32_t u = 0; u < graph.nodeCount(); ++u) {
        if (!(graph.out(nodeId(u)) > 0) || classes.succClasses[u].empty())
            continue;
        m_tensorsOf[classes.classOf[u]].push_back(u);
        for (int32_t c : classes.succClasses[u])
            m_tensorsOf[c].push_back(u);
    }
    m_words = (n + 63) / 64;
    m_desc.assign(size_t(n) * m_words, 0);
    m_anc.assign(size_t(n) * m_words, 0);
    std::vector<std::vector<int32_t>> succ(n), pred(n);
    for (const auto &[a, b] : classes.edges) {
        succ[a].push_back(b);
        pred[b].push_back(a);
    }
    for (auto it = m_order.rbegin(); it != m_order.rend(); ++it)
        for (int32_t d : succ[*it]) {
            uint64_t *dc = m_desc.data() + size_t(*it) * m_words;
            for (int32_t w = 0; w < m_words; ++w)
                dc[w] |= descOf(d)[w];
            dc[d / 64] |= uint64_t(1) << (d % 64);
        }
    for (int32_t c : m_order)
        for (int32_t p : pred[c]) {
            uint64_t *ac = m_anc.data() + size_t(c) * m_words;
            for (int32_t w = 0; w < m_words; ++w)
                ac[w] |= ancOf(p)[w];
            ac[p / 64] |= uint64_t(1) << (p % 64);
        }
}

CutPricing::~CutPricing() = default;

void CutPricing::bind(const Local &local)
{
    for (size_t i = 0; i < local.classes.size(); ++i)
        m_localOf[local.classes[i]] = static_cast<int32_t>(i);
}

void CutPricing::unbind(const Local &local)
{
    for (int32_t c : local.classes)
        m_localOf[c] = -1;
}

std::unique_ptr<CutPricing::Local> CutPricing::buildLocal(std::vector<int32_t> classes)
{
    auto local = std::make_unique<Local>();
    const int32_t size = static_cast<int32_t>(classes.size());
    local->classes = std::move(classes);
    bind(*local);
    // Tensors produced or read inside, each once.
    std::vector<int32_t> nodes;
    for (int32_t c : local->classes)
        nodes.insert(nodes.end(), m_tensorsOf[c].begin(), m_tensorsOf[c].end());
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    local->fixedWrite.assign(size, 0);
    int32_t networkNodes = 2 + size;
    for (int32_t u : nodes) {
        Local::Tensor t;
        t.producer = m_localOf[m_classes.classOf[u]];
        t.size = m_graph.out(nodeId(u)) / m_params.bandwidth;
        for (int32_t c : m_classes.succClasses[u]) {
            if (m_localOf[c] >= 0)
                t.consumers.push_back(m_localOf[c]);
            else
                t.outsideConsumer = true;
        }
        if (t.consumers.empty()) {
            local->fixedWrite[t.producer] += t.size; // written whenever its producer is in
            continue;
        }
        networkNodes += t.producer >= 0 ? 2 : 1;
        local->tensors.push_back(std::move(t));
    }
    local->flow = MaxFlow(networkNodes);
    MaxFlow &f = local->flow;
    local->workArc.resize(size);
    local->sourceArc.resize(size);
    for (int32_t i = 0; i < size; ++i) {
        local->workArc[i] = f.addArc(2 + i, Local::sink, 0);
        local->sourceArc[i] = f.addArc(Local::source, 2 + i, 0);
    }
    int32_t next = 2 + size;
    for (Local::Tensor &t : local->tensors) {
        if (t.producer >= 0) {
            const int32_t write = next++;
            t.writeArc = f.addArc(2 + t.producer, write, 0);
            for (int32_t c : t.consumers)
                f.addArc(write, 2 + c, kInfinity);
            if (t.outsideConsumer)
                f.addArc(write, Local::sink, kInfinity);
        }
        const int32_t read = next++;
        for (int32_t c : t.consumers)
            f.addArc(2 + c, read, kInfinity);
        t.readArc = f.addArc(read, t.producer >= 0 ? 2 + t.producer : Local::sink, 0);
    }
    unbind(*local);
    return local;
}

double CutPricing::cutCost(const Local &local, const std::vector<char> &inSet) const
{
    double cost = 0;
    for (size_t i = 0; i < local.classes.size(); ++i)
        if (inSet[i])
            cost += m_classes.work[local.classes[i]] + local.fixedWrite[i];
    for (const Local::Tensor &t : local.tensors) {
        bool anyIn = false, anyOut = t.outsideConsumer;
        for (int32_t c : t.consumers)
            (inSet[c] ? anyIn : anyOut) = true;
        if (t.producer >= 0 && inSet[t.producer] ? anyOut : anyIn)
            cost += t.size;
    }
    return cost;
}

double CutPricing::evaluate(Local &local, double lambda, const std::vector<double> &pi,
    const std::vector<signed char> &state, double threshold, std::vector<char> &cut, double &costOfCut,
    double &valueOfCut)
{
    const int32_t size = static_cast<int32_t>(local.classes.size());
    MaxFlow &f = local.flow;
    // A class out keeps its source arc: the cut pays its pi, which `reward`
    // counts back, and forcing a class in or out only raises capacities, so
    // the last flow (scaled with lambda) stays feasible for a warm start.
    double reward = 0;
    for (int32_t i = 0; i < size; ++i) {
        const int32_t c = local.classes[i];
        f.setCapacity(local.sourceArc[i], state[i] > 0 ? kInfinity : pi[c]);
        f.setCapacity(local.workArc[i], state[i] < 0 ? kInfinity : lambda * (m_classes.work[c] + local.fixedWrite[i]));
        reward += pi[c];
    }
    if (local.lastLambda > lambda)
        f.scaleFlow(lambda / local.lastLambda);
    for (const Local::Tensor &t : local.tensors) {
        if (t.writeArc >= 0)
            f.setCapacity(t.writeArc, lambda * t.size);
        f.setCapacity(t.readArc, lambda * t.size);
    }
    const double flow = f.run(Local::source, Local::sink, local.lastLambda > 0);
    local.lastLambda = lambda;
    cut.assign(size, 0);
    valueOfCut = 0;
    for (int32_t i = 0; i < size; ++i)
        if (f.sourceSide(2 + i)) {
            cut[i] = 1;
            valueOfCut += pi[local.classes[i]];
        }
    costOfCut = cutCost(local, cut);
    if (!std::isfinite(flow))
        return kInfinity;
    return lambda * threshold + reward - flow * (1 - kFlowDeflation);
}

const std::vector<int32_t> *CutPricing::window(
    int32_t anchorPosition, double threshold, const std::function<bool()> &stop)
{
    const int32_t n = m_classes.count;
    if (m_windowThreshold != threshold) {
        m_windowThreshold = threshold;
        m_windows.assign(n, {});
        m_windowKnown.assign(n, 0);
        m_locals.clear();
        m_locals.resize(n);
        m_cachedArcs = 0;
    }
    std::vector<int32_t> &out = m_windows[anchorPosition];
    if (m_windowKnown[anchorPosition])
        return &out;
    const double limit = threshold * (1 + kCostSlack);
    const int32_t a = m_order[anchorPosition];
    // A block holding a and x holds every class on a path between them (its
    // hull); candidates are the classes whose hull's work fits. A convex block
    // holds the hull of a with each of its classes, so it lies in the candidates.
    // A descendant y of such an x has hull(a, y) containing hull(a, x), so
    // when x fails every test below, so does y: `dead` skips them.
    auto hullOf = [&](int32_t x, std::vector<int32_t> &hull) {
        hull.assign({ a, x });
        double work = m_classes.work[a] + m_classes.work[x];
        if (reaches(a, x))
            for (int32_t w = 0; w < m_words && work <= limit; ++w) {
                uint64_t between = descOf(a)[w] & ancOf(x)[w];
                while (between) {
                    const int32_t c = w * 64 + __builtin_ctzll(between);
                    between &= between - 1;
                    hull.push_back(c);
                    work += m_classes.work[c];
                }
            }
        return work;
    };
    std::vector<uint64_t> &dead = m_dead;
    dead.assign(m_words, 0);
    auto kill = [&](int32_t x) {
        if (reaches(a, x))
            for (int32_t w = 0; w < m_words; ++w)
                dead[w] |= descOf(x)[w];
    };
    // Cheaper test first: the hull's work plus the tensors it reads from
    // classes before a, which no block anchored at a holds.
    std::vector<int32_t> candidates { a }, hull;
    for (int32_t i = anchorPosition + 1; i < n; ++i) {
        const int32_t x = m_order[i];
        if ((dead[x / 64] >> (x % 64)) & 1)
            continue;
        if (stop && i % 64 == 0 && stop())
            return nullptr;
        double cost = hullOf(x, hull);
        ++m_stamp;
        for (size_t h = 0; h < hull.size() && cost <= limit; ++h)
            for (int32_t u : m_tensorsOf[hull[h]])
                if (m_readStamp[u] != m_stamp && m_position[m_classes.classOf[u]] < anchorPosition) {
                    m_readStamp[u] = m_stamp;
                    cost += m_graph.out(nodeId(u)) / m_params.bandwidth;
                }
        if (cost <= limit)
            candidates.push_back(x);
        else
            kill(x);
    }
    out.clear();
    if (candidates.size() > 1) {
        auto local = buildLocal(candidates);
        bind(*local);
        const bool finished = fillWindow(*local, a, threshold, stop, out);
        unbind(*local);
        if (!finished) {
            out.clear();
            return nullptr;
        }
    }
    m_windowKnown[anchorPosition] = 1;
    return &out;
}

bool CutPricing::fillWindow(
    Local &local, int32_t a, double threshold, const std::function<bool()> &stop, std::vector<int32_t> &out)
{
    const double limit = threshold * (1 + kCostSlack);
    const std::vector<double> zero(m_classes.count, 0.0);
    std::vector<signed char> state(local.classes.size(), 0);
    std::vector<char> cut;
    std::vector<int32_t> hull;
    std::vector<uint64_t> &dead = m_dead;
    dead.assign(m_words, 0);
    for (size_t i = 1; i < local.classes.size(); ++i) {
        if (stop && stop())
            return false;
        const int32_t x = local.classes[i];
        if ((dead[x / 64] >> (x % 64)) & 1)
            continue;
        hull.assign({ a, x });
        if (reaches(a, x))
            for (int32_t w = 0; w < m_words; ++w) {
                uint64_t between = descOf(a)[w] & ancOf(x)[w];
                while (between) {
                    hull.push_back(w * 64 + __builtin_ctzll(between));
                    between &= between - 1;
                }
            }
        for (int32_t c : hull)
            state[m_localOf[c]] = 1;
        double cost = 0, value = 0;
        // With pi = 0 and lambda = 1 the bound is -min f(S) over S holding the hull.
        const double g = evaluate(local, 1.0, zero, state, 0.0, cut, cost, value);
        for (int32_t c : hull)
            state[m_localOf[c]] = 0;
        if (-g <= limit)
            out.push_back(x);
        else if (reaches(a, x))
            for (int32_t w = 0; w < m_words; ++w)
                dead[w] |= descOf(x)[w];
    }
    return true;
}

double CutPricing::relaxed(Local &local, const std::vector<double> &pi, const std::vector<signed char> &state,
    double threshold, double target, const std::function<bool()> &stop, std::vector<char> &branchSet,
    std::vector<char> &feasibleCut, Result &r)
{
    // Lines pi(S) + lambda (T - f(S)): `left` from a cut with f > T (the
    // bound falls as lambda grows), `right` from one with f <= T.
    struct Line {
        double lambda = -1, value = 0, cost = 0;
        std::vector<char> set;
    };
    Line left, right;
    double best = kInfinity;
    std::vector<char> cut;
    auto at = [&](double lambda) {
        double cost = 0, value = 0;
        const double g = evaluate(local, lambda, pi, state, threshold, cut, cost, value);
        ++r.flows;
        best = std::min(best, g);
        (cost > threshold ? left : right) = Line { lambda, value, cost, cut };
    };
    double lambda = std::max(target, 1e-12) / threshold;
    at(lambda);
    // Bracket the minimum between a cut on each side of T.
    const auto running = [&] { return best > target && !(stop && stop()); };
    for (int i = 0; i < kMaxMultipliers && running() && (left.lambda < 0 || right.lambda < 0); ++i) {
        lambda = left.lambda < 0 ? right.lambda / 4 : left.lambda * 4;
        if (!(lambda > 1e-300) || !(lambda < 1e300))
            break;
        at(lambda);
    }
    // Intersect the two lines until the envelope's minimum is reached.
    for (int i = 0; i < kMaxMultipliers && running() && left.lambda >= 0 && right.lambda >= 0; ++i) {
        const double next = (left.value - right.value) / (left.cost - right.cost);
        const double floor = left.value + next * (threshold - left.cost);
        if (!(next > 0) || !std::isfinite(next) || best <= floor + 1e-9 * std::abs(floor) + 1e-12)
            break;
        at(next);
    }
    branchSet.assign(local.classes.size(), 0);
    if (left.lambda >= 0 && right.lambda >= 0) {
        for (size_t i = 0; i < local.classes.size(); ++i)
            branchSet[i] = left.set[i] != right.set[i];
    } else if (left.lambda >= 0) {
        branchSet = left.set;
    }
    feasibleCut = right.lambda >= 0 ? right.set : std::vector<char> {};
    return best;
}

bool CutPricing::setIn(const Local &local, std::vector<signed char> &state, int32_t x) const
{
    // Convexity: every class on a path between x and a class in is in (and
    // must be in the window); no class out lies on such a path.
    const int32_t size = static_cast<int32_t>(local.classes.size());
    const int32_t cx = local.classes[x];
    std::vector<int32_t> added { x };
    for (int32_t i = 0; i < size; ++i) {
        if (state[i] <= 0)
            continue;
        const int32_t cy = local.classes[i];
        const bool down = reaches(cy, cx), up = reaches(cx, cy);
        if (!down && !up)
            continue;
        const uint64_t *from = down ? descOf(cy) : descOf(cx);
        const uint64_t *to = down ? ancOf(cx) : ancOf(cy);
        for (int32_t w = 0; w < m_words; ++w) {
            uint64_t between = from[w] & to[w];
            while (between) {
                const int32_t c = w * 64 + __builtin_ctzll(between);
                between &= between - 1;
                const int32_t l = m_localOf[c];
                if (l < 0 || state[l] < 0)
                    return false;
                if (state[l] == 0)
                    added.push_back(l);
            }
        }
    }
    for (int32_t l : added)
        state[l] = 1;
    // A class out between two classes in is impossible; a class out below
    // (above) one in pushes out everything below (above) it.
    for (int32_t l : added) {
        const int32_t cl = local.classes[l];
        for (int32_t o = 0; o < size; ++o) {
            if (state[o] >= 0)
                continue;
            const int32_t co = local.classes[o];
            if (reaches(cl, co)) {
                for (int32_t j = 0; j < size; ++j)
                    if (reaches(co, local.classes[j])) {
                        if (state[j] > 0)
                            return false;
                        state[j] = -1;
                    }
            } else if (reaches(co, cl)) {
                for (int32_t j = 0; j < size; ++j)
                    if (reaches(local.classes[j], co)) {
                        if (state[j] > 0)
                            return false;
                        state[j] = -1;
                    }
            }
        }
    }
    return true;
}

bool CutPricing::setOut(const Local &local, std::vector<signed char> &state, int32_t x) const
{
    const int32_t size = static_cast<int32_t>(local.classes.size());
    const int32_t cx = local.classes[x];
    state[x] = -1;
    bool below = false, above = false;
    for (int32_t i = 0; i < size; ++i)
        if (state[i] > 0) {
            below = below || reaches(local.classes[i], cx);
            above = above || reaches(cx, local.classes[i]);
        }
    for (int32_t j = 0; j < size; ++j) {
        const int32_t cj = local.classes[j];
        if ((below && reaches(cx, cj)) || (above && reaches(cj, cx))) {
            if (state[j] > 0)
                return false;
            state[j] = -1;
        }
    }
    return true;
}

double CutPricing::search(Local &local, const std::vector<double> &pi, std::vector<signed char> &state,
    double threshold, double target, double useful, int nodeBudget, const std::function<bool()> &stop, Result &r)
{
    ++r.nodes;
    std::vector<char> branchSet, feasible;
    const double g = relaxed(local, pi, state, threshold * (1 + kCostSlack), target, stop, branchSet, feasible, r);
    bool beaten = false; // a block worth more than the target: no proof here
    int32_t violator = -1;
    if (!feasible.empty()) {
        std::vector<char> mask(m_graph.nodeCount(), 0);
        std::vector<int32_t> block;
        double value = 0;
        for (size_t i = 0; i < feasible.size(); ++i)
            if (feasible[i]) {
                block.push_back(local.classes[i]);
                value += pi[local.classes[i]];
                for (int32_t v : m_classes.members[local.classes[i]])
                    mask[v] = 1;
            }
        // A class outside the cut on a path between two inside breaks
        // convexity: branch on it (or on a free end when it is out already).
        bool convex = true;
        for (int32_t a : block)
            for (int32_t b : block)
                if (convex && reaches(a, b))
                    for (int32_t w = 0; w < m_words && convex; ++w) {
                        uint64_t between = descOf(a)[w] & ancOf(b)[w];
                        while (between && convex) {
                            const int32_t c = w * 64 + __builtin_ctzll(between);
                            between &= between - 1;
                            const int32_t l = m_localOf[c];
                            convex = l >= 0 && feasible[l];
                            if (!convex) {
                                const int32_t la = m_localOf[a], lb = m_localOf[b];
                                violator = l >= 0 && state[l] == 0 ? l : state[lb] == 0 ? lb : state[la] == 0 ? la : -1;
                            }
                        }
                    }
        if (convex && value > useful) {
            const BlockTotals t = blockTotals(m_graph, m_params, mask);
            if (t.cost <= threshold && m_params.fitsMemory(t.param)) {
                std::sort(block.begin(), block.end());
                r.blocks.push_back(std::move(block));
                beaten = value > target;
            }
        }
    }
    if (g <= target || beaten)
        return g;
    if (r.nodes >= nodeBudget || (stop && stop())) {
        r.complete = false;
        return g;
    }
    // Branch on a convexity violation of the cut within T, else on the
    // disagreement of largest dual (then first in order).
    int32_t x = violator;
    for (size_t i = 0; i < branchSet.size() && violator < 0; ++i)
        if (branchSet[i] && state[i] == 0
            && (x < 0 || pi[local.classes[i]] > pi[local.classes[x]]
                || (pi[local.classes[i]] == pi[local.classes[x]]
                    && m_position[local.classes[i]] < m_position[local.classes[x]])))
            x = static_cast<int32_t>(i);
    if (x < 0) {
        r.complete = false; // nothing to branch on: keep the relaxed bound
        return g;
    }
    double children = -kInfinity;
    for (int side = 0; side < 2; ++side) {
        std::vector<signed char> child = state;
        const bool possible = side == 0 ? setIn(local, child, x) : setOut(local, child, x);
        if (!possible)
            continue;
        const double b = search(local, pi, child, threshold, target, useful, nodeBudget, stop, r);
        children = std::max(children, b);
        if (children > target)
            return g; // this node stays unproven: its own bound is the tighter claim left
    }
    return std::min(g, children);
}

CutPricing::Result CutPricing::anchorBound(int32_t anchorPosition, double threshold, const std::vector<double> &pi,
    double target, double useful, int nodeBudget, const std::function<bool()> &stop)
{
    Result r;
    const std::vector<int32_t> *w = window(anchorPosition, threshold, stop);
    if (!w) {
        r.bound = kInfinity; // stopped before the window was known
        r.complete = false;
        return r;
    }
    // Networks are kept per anchor (for warm starts) up to kCachedArcs in all.
    std::unique_ptr<Local> built;
    Local *local = m_locals[anchorPosition].get();
    if (!local) {
        std::vector<int32_t> classes { m_order[anchorPosition] };
        classes.insert(classes.end(), w->begin(), w->end());
        built = buildLocal(std::move(classes));
        local = built.get();
        if (m_cachedArcs + local->flow.arcCount() <= kCachedArcs) {
            m_cachedArcs += local->flow.arcCount();
            m_locals[anchorPosition] = std::move(built);
        }
    }
    if (!local->lastPi.empty()) {
        double growth = 0;
        for (size_t i = 0; i < local->classes.size(); ++i)
            growth += std::max(0.0, pi[local->classes[i]] - local->lastPi[i]);
        if (local->lastBound + growth <= target) {
            r.bound = local->lastBound + growth; // no search needed
            return r;
        }
    }
    bind(*local);
    std::vector<signed char> state(local->classes.size(), 0);
    r.bound = setIn(*local, state, 0) ? search(*local, pi, state, threshold, target, useful, nodeBudget, stop, r)
                                      : -kInfinity;
    unbind(*local);
    local->lastPi.resize(local->classes.size());
    for (size_t i = 0; i < local->classes.size(); ++i)
        local->lastPi[i] = pi[local->classes[i]];
    local->lastBound = r.bound;
    return r;
}

} // namespace pipecut::bounds
