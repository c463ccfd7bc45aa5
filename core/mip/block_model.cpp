#include "core/mip/block_model.h"

#include "core/graph/topology.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>

namespace pipecut::mip {

NodeClasses buildClasses(const Graph &g)
{
    // contractGroups closes groups under paths between members and merges the
    // strongly connected components of the quotient, so classes form a DAG.
    const int32_t n = g.nodeCount();
    NodeClasses c;
    // Only the node map is needed, not the contracted graph itself.
    ContractionMap map = contractionMap(g);
    c.classOf = std::move(map.nodeToContracted);
    c.count = map.count;
    c.members.resize(c.count);
    c.work.assign(c.count, 0.0);
    c.param.assign(c.count, 0.0);
    for (int32_t v = 0; v < n; ++v) {
        const int32_t k = c.classOf[v];
        c.members[k].push_back(v);
        c.work[k] += g.work(nodeId(v));
        c.param[k] += g.param(nodeId(v));
    }
    for (const auto &[u, v] : g.edges()) {
        const int32_t a = c.classOf[index(u)], b = c.classOf[index(v)];
        if (a != b)
            c.edges.emplace_back(a, b);
    }
    std::sort(c.edges.begin(), c.edges.end());
    c.edges.erase(std::unique(c.edges.begin(), c.edges.end()), c.edges.end());
    c.succClasses.resize(n);
    for (int32_t u = 0; u < n; ++u) {
        if (g.out(nodeId(u)) <= 0)
            continue;
        auto &list = c.succClasses[u];
        for (NodeId w : g.successors(nodeId(u)))
            if (c.classOf[index(w)] != c.classOf[u])
                list.push_back(c.classOf[index(w)]);
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
    }
    return c;
}

BlockTotals blockTotals(const Graph &g, const CostParams &params, const std::vector<char> &inBlock)
{
    BlockTotals t;
    const int32_t n = g.nodeCount();
    for (int32_t u = 0; u < n; ++u) {
        const NodeId nu = nodeId(u);
        bool crossing = false;
        for (NodeId w : g.successors(nu))
            if (inBlock[index(w)] != inBlock[u]) {
                crossing = true;
                break;
            }
        if (inBlock[u]) {
            t.work += g.work(nu);
            t.param += g.param(nu);
            if (crossing)
                t.commOut += g.out(nu);
        } else if (crossing) {
            t.commIn += g.out(nu);
        }
    }
    t.cost = params.stageCost(t.work, t.commIn, t.commOut, t.param);
    return t;
}

std::vector<double> singletonCosts(const Graph &g, const CostParams &params, const NodeClasses &classes)
{
    std::vector<double> perClass(classes.count);
    std::vector<char> mask(g.nodeCount(), 0);
    for (int32_t c = 0; c < classes.count; ++c) {
        const auto &mem = classes.members[c];
        if (mem.size() == 1) {
            // Fast path: a lone node reads each distinct predecessor and writes itself.
            const NodeId v = nodeId(mem[0]);
            double in = 0;
            for (NodeId p : g.predecessors(v))
                in += g.out(p);
            const double outw = g.outDegree(v) > 0 ? g.out(v) : 0.0;
            perClass[c] = params.stageCost(g.work(v), in, outw, g.param(v));
            continue;
        }
        for (int32_t v : mem)
            mask[v] = 1;
        perClass[c] = blockTotals(g, params, mask).cost;
        for (int32_t v : mem)
            mask[v] = 0;
    }
    std::vector<double> cost(g.nodeCount());
    for (int32_t v = 0; v < g.nodeCount(); ++v)
        cost[v] = perClass[classes.classOf[v]];
    return cost;
}

std::string memoryInfeasibility(const Graph &g, const CostParams &params, const NodeClasses &classes, int k)
{
    if (!params.memoryLimit)
        return {};
    const double limit = *params.memoryLimit;
    for (int32_t c = 0; c < classes.count; ++c) {
        if (params.fitsMemory(classes.param[c]))
            continue;
        const auto &mem = classes.members[c];
        if (mem.size() == 1)
            return "node '" + g.id(nodeId(mem[0])) + "' has parameters " + formatNumber(classes.param[c])
                + " > memory limit " + formatNumber(limit);
        std::string names;
        for (size_t i = 0; i < mem.size() && i < 5; ++i)
            names += (i ? ", '" : "'") + g.id(nodeId(mem[i])) + "'";
        if (mem.size() > 5)
            names += ", ...";
        return "nodes that must share a stage (group, with the nodes on paths between its members: " + names + "; "
            + std::to_string(mem.size()) + " nodes) have parameters " + formatNumber(classes.param[c])
            + " > memory limit " + formatNumber(limit);
    }
    if (const auto total = params.totalMemory(k); params.hasDevices() && g.totalParam() > *total * (1 + 1e-12))
        return "total parameters " + formatNumber(g.totalParam()) + " exceed the memory of the cluster's "
            + std::to_string(k) + " devices together (" + formatNumber(*total) + ")";
    if (!params.fitsMemory(g.totalParam() / k))
        return "total parameters " + formatNumber(g.totalParam()) + " exceed k x memory limit = " + std::to_string(k)
            + " x " + formatNumber(limit);
    return {};
}

void Lin::add(int ref, double coefficient)
{
    if (ref == kZero || coefficient == 0.0)
        return;
    if (ref == kOne)
        constant += coefficient;
    else
        terms.emplace_back(ref, coefficient);
}

void Lin::add(const Lin &other, double factor)
{
    for (const auto &[c, v] : other.terms)
        terms.emplace_back(c, v * factor);
    constant += other.constant * factor;
}

void addLessEqual(mip::MipModel &model, const Lin &lin, double rhs)
{
    model.addLessEqual(lin.terms, rhs - lin.constant);
}

void addGreaterEqual(mip::MipModel &model, const Lin &lin, double rhs)
{
    model.addGreaterEqual(lin.terms, rhs - lin.constant);
}

BlockBuilder::BlockBuilder(
    mip::MipModel &model, const Graph &graph, const CostParams &params, const NodeClasses &classes, double scale)
    : m_model(model)
    , m_graph(graph)
    , m_params(params)
    , m_classes(classes)
    , m_scale(scale > 0 ? scale : 1.0)
{
}

std::vector<int> bisectionLevels(const Graph &graph, const NodeClasses &classes)
{
    std::vector<std::pair<int32_t, int32_t>> byPosition(classes.count); // (first topological position, class)
    for (int32_t c = 0; c < classes.count; ++c) {
        int32_t first = std::numeric_limits<int32_t>::max();
        for (int32_t v : classes.members[c])
            first = std::min(first, graph.topoPosition(nodeId(v)));
        byPosition[c] = { first, c };
    }
    std::sort(byPosition.begin(), byPosition.end());
    std::vector<int> level(classes.count, 0);
    // Midpoint of [lo, hi) at depth d, then both halves at d + 1.
    struct Range {
        int32_t lo, hi;
        int depth;
    };
    std::vector<Range> todo { { 0, classes.count, 0 } };
    while (!todo.empty()) {
        const Range r = todo.back();
        todo.pop_back();
        if (r.lo >= r.hi)
            continue;
        const int32_t mid = r.lo + (r.hi - r.lo) / 2;
        level[byPosition[mid].second] = std::min(r.depth, kMaxBisectionLevel);
        todo.push_back({ r.lo, mid, r.depth + 1 });
        todo.push_back({ mid + 1, r.hi, r.depth + 1 });
    }
    return level;
}

std::vector<int> BlockBuilder::addIdeal()
{
    std::vector<int> vars(m_classes.count);
    for (auto &v : vars)
        v = m_model.addBinary();
    if (m_branchLevels.empty())
        m_branchLevels = bisectionLevels(m_graph, m_classes);
    for (int32_t c = 0; c < m_classes.count; ++c)
        m_model.setPriority(vars[c], 1 + m_branchLevels[c]);
    for (const auto &[a, b] : m_classes.edges)
        m_model.addLessEqual({ { vars[b], 1.0 }, { vars[a], -1.0 } }, 0.0);
    return vars;
}

void BlockBuilder::addNested(const std::vector<int> &inner, const std::vector<int> &outer)
{
    for (int32_t c = 0; c < m_classes.count; ++c) {
        Lin l;
        l.add(inner[c], 1.0);
        l.add(outer[c], -1.0);
        if (!l.terms.empty())
            addLessEqual(m_model, l, 0.0);
    }
}

Lin BlockBuilder::blockWork(const std::vector<int> &x, const std::vector<int> &y) const
{
    Lin l;
    for (int32_t c = 0; c < m_classes.count; ++c) {
        const double w = m_classes.work[c] / m_scale;
        l.add(x[c], w);
        l.add(y[c], -w);
    }
    return l;
}

Lin BlockBuilder::tensorCost(
    const std::vector<int> &plus, const std::vector<int> &minus, bool reads, bool writes, int device)
{
    // Membership of class c in the set: plus[c] - minus[c].
    Lin cost;
    const int set = static_cast<int>(m_sets.size());
    m_sets.emplace_back(plus, minus);
    const double perByte = 1.0 / (m_params.bandwidth * m_scale);
    const double perByteIn = device < 0 ? perByte : 1.0 / (m_params.devices[device].bandwidthIn * m_scale);
    const double perByteOut = device < 0 ? perByte : 1.0 / (m_params.devices[device].bandwidthOut * m_scale);
    for (int32_t u = 0; u < m_graph.nodeCount(); ++u) {
        const auto &succ = m_classes.succClasses[u];
        if (succ.empty())
            continue;
        const int32_t cu = m_classes.classOf[u];
        for (int dir = 0; dir < 2; ++dir) {
            if ((dir == 0 && !reads) || (dir == 1 && !writes))
                continue;
            const double sign = dir == 0 ? 1.0 : -1.0; // read: s_v - s_u; write: s_u - s_v
            const int col = m_model.addColumn(0.0, 1.0, 0.0, false);
            bool used = false;
            for (int32_t cv : succ) {
                Lin row;
                row.add(plus[cv], sign);
                row.add(minus[cv], -sign);
                row.add(plus[cu], -sign);
                row.add(minus[cu], sign);
                if (row.terms.empty() && row.constant <= 0)
                    continue; // never positive
                row.add(col, -1.0);
                addLessEqual(m_model, row, 0.0);
                used = true;
            }
            if (used) {
                cost.add(col, m_graph.out(nodeId(u)) * (dir == 0 ? perByteIn : perByteOut));
                m_tensorColumns.push_back({ col, u, sign, set });
            } else
                m_model.setBounds(col, 0.0, 0.0);
        }
    }
    return cost;
}

Lin BlockBuilder::overflow(const Lin &param, int stages)
{
    // sum over stages of max(0, param - F) >= max(0, param(all) - stages * F)
    Lin l;
    if (!m_params.overflow)
        return l;
    const int col = m_model.addColumn(0.0, mip::MipModel::kInf, 0.0, false);
    Lin row = param; // param - stages*F - ov <= 0
    row.add(col, -1.0);
    addLessEqual(m_model, row, stages * m_params.fastMemory);
    Lin excess = param;
    excess.constant -= stages * m_params.fastMemory;
    m_overflowColumns.push_back({ col, std::move(excess) });
    l.add(col, 1.0 / (m_params.slowBandwidth * m_scale));
    return l;
}

Lin BlockBuilder::blockCost(const std::vector<int> &x, const std::vector<int> &y, bool memoryRow)
{
    Lin cost = blockWork(x, y);
    cost.add(tensorCost(x, y, true, true));
    Lin param;
    for (int32_t c = 0; c < m_classes.count; ++c) {
        param.add(x[c], m_classes.param[c]);
        param.add(y[c], -m_classes.param[c]);
    }
    if (memoryRow && m_params.memoryLimit)
        addLessEqual(m_model, param, *m_params.memoryLimit * (1 + 1e-12));
    cost.add(overflow(param, 1));
    return cost;
}

Lin BlockBuilder::blockCostOn(const std::vector<int> &x, const std::vector<int> &y, int device)
{
    const StageDevice &d = m_params.devices[device];
    Lin cost;
    if (d.work) { // its own per-node work (docs/model.md §1.7)
        for (int32_t c = 0; c < m_classes.count; ++c) {
            double w = 0;
            for (int32_t v : m_classes.members[c])
                w += (*d.work)[static_cast<size_t>(v)];
            cost.add(x[c], w / (d.speed * m_scale));
            cost.add(y[c], -w / (d.speed * m_scale));
        }
    } else {
        cost.add(blockWork(x, y), 1.0 / d.speed);
    }
    cost.add(tensorCost(x, y, true, true, device));
    Lin param;
    for (int32_t c = 0; c < m_classes.count; ++c) {
        param.add(x[c], m_classes.param[c]);
        param.add(y[c], -m_classes.param[c]);
    }
    if (d.memoryLimit)
        addLessEqual(m_model, param, *d.memoryLimit * (1 + 1e-12));
    cost.add(overflow(param, 1));
    return cost;
}

Lin BlockBuilder::spanCostOn(
    const std::vector<int> &plus, const std::vector<int> &minus, bool reads, int first, int last)
{
    double perByte = std::numeric_limits<double>::infinity(), slowest = perByte;
    std::optional<double> memory = 0.0;
    for (int j = first; j < last; ++j) {
        const StageDevice &d = m_params.devices[j];
        perByte = std::min(perByte, d.speed / (reads ? d.bandwidthIn : d.bandwidthOut));
        slowest = std::min(slowest, d.speed);
        if (!d.memoryLimit)
            memory.reset();
        else if (memory)
            *memory += *d.memoryLimit;
    }
    Lin cost = blockWork(plus, minus);
    // tensorCost() charges 1 / (B scale) per byte.
    cost.add(tensorCost(plus, minus, reads, !reads), perByte * m_params.bandwidth);
    Lin param;
    for (int32_t c = 0; c < m_classes.count; ++c) {
        param.add(plus[c], m_classes.param[c]);
        param.add(minus[c], -m_classes.param[c]);
    }
    if (memory)
        addLessEqual(m_model, param, *memory * (1 + 1e-12));
    cost.add(overflow(param, last - first), slowest);
    return cost;
}

Lin BlockBuilder::prefixCost(const std::vector<int> &y, int stages)
{
    std::vector<int> zero(m_classes.count, kZero);
    Lin cost = blockWork(y, zero);
    cost.add(tensorCost(y, zero, false, true));
    Lin param;
    for (int32_t c = 0; c < m_classes.count; ++c)
        param.add(y[c], m_classes.param[c]);
    if (m_params.memoryLimit)
        addLessEqual(m_model, param, stages * *m_params.memoryLimit * (1 + 1e-12));
    cost.add(overflow(param, stages));
    return cost;
}

Lin BlockBuilder::suffixCost(const std::vector<int> &x, int stages)
{
    std::vector<int> one(m_classes.count, kOne);
    Lin cost = blockWork(one, x);
    cost.add(tensorCost(one, x, true, false));
    Lin param;
    for (int32_t c = 0; c < m_classes.count; ++c) {
        param.constant += m_classes.param[c];
        param.add(x[c], -m_classes.param[c]);
    }
    if (m_params.memoryLimit)
        addLessEqual(m_model, param, stages * *m_params.memoryLimit * (1 + 1e-12));
    cost.add(overflow(param, stages));
    return cost;
}

void BlockBuilder::complete(std::vector<double> &solution) const
{
    for (const TensorColumn &t : m_tensorColumns) {
        const auto &[plus, minus] = m_sets[t.set];
        const int32_t cu = m_classes.classOf[t.node];
        const double su = valueOf(solution, plus[cu]) - valueOf(solution, minus[cu]);
        double value = 0;
        for (int32_t cv : m_classes.succClasses[t.node]) {
            const double sv = valueOf(solution, plus[cv]) - valueOf(solution, minus[cv]);
            value = std::max(value, t.sign * (sv - su));
        }
        solution[t.column] = std::min(1.0, value);
    }
    for (const OverflowColumn &o : m_overflowColumns)
        solution[o.column] = std::max(0.0, valueOf(solution, o.excess));
}

void BlockBuilder::anchor(const std::vector<int> &x, const std::vector<int> &y, int32_t c)
{
    if (x[c] >= 0)
        m_model.setBounds(x[c], 1.0, 1.0);
    if (y[c] >= 0)
        m_model.setBounds(y[c], 0.0, 0.0);
}

} // namespace pipecut::mip
