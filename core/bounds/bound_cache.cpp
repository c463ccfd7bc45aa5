#include "core/bounds/bound_cache.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace pipecut {

namespace {

struct Fnv {
    uint64_t h = 1469598103934665603ull;
    void bytes(const void *data, size_t size)
    {
        const auto *p = static_cast<const unsigned char *>(data);
        for (size_t i = 0; i < size; ++i) {
            h ^= p[i];
            h *= 1099511628211ull;
        }
    }
    template <typename T> void value(const T &v) { bytes(&v, sizeof v); }
};

std::string paramsText(const CostParams &p)
{
    std::ostringstream s;
    s.precision(17);
    s << p.bandwidth << '|' << (p.memoryLimit ? *p.memoryLimit : -1.0) << '|' << p.overflow << '|' << p.fastMemory
      << '|' << p.slowBandwidth;
    for (const StageDevice &d : p.devices) // a cluster (docs/model.md §1.7)
        s << "|d" << d.speed << ',' << (d.memoryLimit ? *d.memoryLimit : -1.0) << ',' << d.bandwidthIn << ','
          << d.bandwidthOut;
    return s.str();
}

} // namespace

uint64_t graphFingerprint(const Graph &g)
{
    Fnv f;
    const int32_t n = g.nodeCount();
    f.value(n);
    f.bytes(g.works().data(), g.works().size_bytes());
    f.bytes(g.outs().data(), g.outs().size_bytes());
    f.bytes(g.params().data(), g.params().size_bytes());
    f.bytes(g.groups().data(), g.groups().size_bytes());
    for (const auto &[u, v] : g.edges()) {
        f.value(index(u));
        f.value(index(v));
    }
    return f.h;
}

std::string BoundKey::text() const
{
    std::ostringstream s;
    s << std::hex << graph << std::dec << '|' << k << '|' << paramsText(params) << '|' << method;
    for (const auto &e : exclude)
        s << '|' << e;
    return s.str();
}

BoundCache &BoundCache::global()
{
    static BoundCache cache;
    return cache;
}

std::optional<BoundResult> BoundCache::find(const BoundKey &key, double timeLimit) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(key.text());
    if (it == m_entries.end())
        return std::nullopt;
    if (!it->second.final && timeLimit > it->second.timeLimit)
        return std::nullopt;
    return it->second.result;
}

namespace {
std::string instanceText(const BoundKey &key)
{
    BoundKey k = key;
    k.method.clear();
    k.exclude.clear();
    return k.text();
}
} // namespace

std::optional<BoundResult> BoundCache::strongest(const BoundKey &key) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_strongest.find(instanceText(key));
    if (it == m_strongest.end())
        return std::nullopt;
    std::optional<BoundResult> best;
    for (const auto &[method, result] : it->second) {
        if (std::find(key.exclude.begin(), key.exclude.end(), method) != key.exclude.end())
            continue;
        if (!best || result.lowerBound > best->lowerBound)
            best = result;
    }
    return best;
}

void BoundCache::store(const BoundKey &key, const BoundResult &result, double timeLimit, bool final)
{
    std::lock_guard lock(m_mutex);
    if (!result.infeasible) {
        auto &byMethod = m_strongest[instanceText(key)];
        auto [it, inserted] = byMethod.try_emplace(result.provenBy, result);
        if (!inserted && result.lowerBound > it->second.lowerBound)
            it->second = result;
    }
    Entry &e = m_entries[key.text()];
    if (e.final && !final)
        return;
    if (!final && e.timeLimit > 0 && e.result.lowerBound > result.lowerBound)
        return;
    e = Entry { result, timeLimit, final };
}

std::optional<bounds::AnchorOutcome> BoundCache::findAnchor(const BoundKey &key, double timeLimit) const
{
    BoundKey k = key;
    k.k = 0;
    k.method = "anchor-values";
    k.exclude.clear();
    std::lock_guard lock(m_mutex);
    auto it = m_anchors.find(k.text());
    if (it == m_anchors.end())
        return std::nullopt;
    if (!it->second.outcome.complete && timeLimit > it->second.timeLimit)
        return std::nullopt;
    return it->second.outcome;
}

void BoundCache::storeAnchor(const BoundKey &key, const bounds::AnchorOutcome &outcome, double timeLimit)
{
    BoundKey k = key;
    k.k = 0;
    k.method = "anchor-values";
    k.exclude.clear();
    std::lock_guard lock(m_mutex);
    AnchorEntry &e = m_anchors[k.text()];
    if (e.outcome.complete && !outcome.complete)
        return;
    if (!outcome.complete && e.outcome.result.lowerBound > outcome.result.lowerBound)
        return;
    e = AnchorEntry { outcome, timeLimit };
}

bool BoundCache::recordProof(const BoundKey &key, const Proof &proof)
{
    std::lock_guard lock(m_mutex);
    auto [it, inserted] = m_proofs[key.graph].try_emplace(instanceText(key), proof);
    if (inserted)
        return true;
    if (!it->second.provenBy.empty() && it->second.lowerBound >= proof.lowerBound)
        return false; // keep the stronger proof
    it->second = proof;
    return true;
}

std::optional<BoundCache::Proof> BoundCache::proof(const BoundKey &key) const
{
    std::lock_guard lock(m_mutex);
    const auto graph = m_proofs.find(key.graph);
    if (graph == m_proofs.end())
        return std::nullopt;
    const auto it = graph->second.find(instanceText(key));
    return it == graph->second.end() ? std::nullopt : std::optional<Proof>(it->second);
}

void BoundCache::forgetProof(const BoundKey &key)
{
    std::lock_guard lock(m_mutex);
    if (auto graph = m_proofs.find(key.graph); graph != m_proofs.end())
        graph->second.erase(instanceText(key));
}

void BoundCache::forgetProofs(uint64_t graph)
{
    std::lock_guard lock(m_mutex);
    m_proofs.erase(graph);
}

void BoundCache::clear()
{
    std::lock_guard lock(m_mutex);
    m_proofs.clear();
    m_entries.clear();
    m_anchors.clear();
    m_strongest.clear();
}

size_t BoundCache::size() const
{
    std::lock_guard lock(m_mutex);
    return m_entries.size() + m_anchors.size();
}

} // namespace pipecut
