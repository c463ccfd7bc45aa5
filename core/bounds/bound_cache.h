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

    // The k-independent anchor relaxation (key.k and key.method are ignored).
    std::optional<bounds::AnchorOutcome> findAnchor(const BoundKey &key, double timeLimit) const;
    void storeAnchor(const BoundKey &key, const bounds::AnchorOutcome &outcome, double timeLimit);

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
    std::map<std::string, AnchorEntry> m_anchors;
};

} // namespace pipecut
