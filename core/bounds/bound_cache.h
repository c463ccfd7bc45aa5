#pragma once
// A process-wide cache of proven bounds, so that the GUI never recomputes a
// bound it already has. Bounds depend on the graph, k and the cost parameters
// (never on the partition being edited), so that is the key, together with
// the method and its exclusions. The anchor relaxation does not depend on k and
// is cached per (graph, cost parameters) on its own.
// A result computed to completion is final; one cut by its time limit is
// returned only to requests with at most that time limit (a longer request
// recomputes and replaces it when stronger). Thread-safe (one mutex).
// The graph is identified by a 64-bit fingerprint of its numbers, edges and
// groups (FNV-1a over the raw values), not by its name or file.
// Apart from runBound()'s results, it keeps the strongest proof shown for
// each (graph, k, cost parameters), whatever proved it (a bound job, an exact
// partitioner): the window reads its lower bound from there. Those proofs do
// not feed runBound(), so a bound computed in the window is the one the CLI
// computes.

#include "core/bounds/anchor.h"
#include "core/bounds/bound.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace pipecut {

uint64_t graphFingerprint(const Graph &graph);

struct BoundKey {
    uint64_t graph = 0;
    int k = 0;
    CostParams params;
    std::string method;
    std::vector<std::string> exclude; // sorted
    std::string text() const;
};

class BoundCache {
public:
    static BoundCache &global();

    std::optional<BoundResult> find(const BoundKey &key, double timeLimit) const;
    void store(const BoundKey &key, const BoundResult &result, double timeLimit, bool final);
    // The strongest feasible bound cached for key's graph, k and cost
    // parameters (a proof stays a proof), proven by a method not in key.exclude.
    std::optional<BoundResult> strongest(const BoundKey &key) const;

    // The k-independent anchor relaxation (key.k and key.method are ignored).
    std::optional<bounds::AnchorOutcome> findAnchor(const BoundKey &key, double timeLimit) const;
    void storeAnchor(const BoundKey &key, const bounds::AnchorOutcome &outcome, double timeLimit);

    struct Proof {
        double lowerBound = 0.0;
        std::string provenBy;
        double seconds = 0.0;
    };
    // Keeps the stronger of `proof` and the proof known for key's graph, k and
    // cost parameters (method and exclusions are ignored); true when `proof` is stronger.
    bool recordProof(const BoundKey &key, const Proof &proof);
    std::optional<Proof> proof(const BoundKey &key) const;
    void forgetProof(const BoundKey &key);
    // Every proof for `graph` (a fingerprint), at any k and cost parameters.
    void forgetProofs(uint64_t graph);

    void clear();
    size_t size() const;

private:
    struct Entry {
        BoundResult result;
        double timeLimit = 0;
        bool final = false;
    };
    struct AnchorEntry {
        bounds::AnchorOutcome outcome;
        double timeLimit = 0;
    };
    mutable std::mutex m_mutex;
    std::map<std::string, Entry> m_entries;
    // instance (method-free key) -> proving method -> its strongest result
    std::map<std::string, std::map<std::string, BoundResult>> m_strongest;
    std::map<std::string, AnchorEntry> m_anchors;
    std::map<uint64_t, std::map<std::string, Proof>> m_proofs; // graph -> instance -> proof
};

} // namespace pipecut
