#pragma once
// The random graph models of randomly wired networks (Xie, Kirillov,
// Girshick, He, "Exploring randomly wired neural networks for image
// recognition", ICCV 2019), as undirected edge lists over nodes 0..n-1;
// the generator orients every edge from the lower to the higher index, which
// gives a DAG.
//
// - ER(p), Erdos-Renyi: every pair is an edge with probability p.
// - BA(m), Barabasi-Albert: start from m nodes without edges; every further
//   node attaches to m distinct earlier nodes, each drawn with probability
//   proportional to its degree (uniformly while all degrees are 0).
//   m * (n - m) edges; every node past the first m has degree >= m.
// - WS(k, p), Watts-Strogatz: a ring where every node links to its k / 2
//   neighbours on each side (k even); then, clockwise, every edge (i, i + j)
//   is rewired with probability p to (i, u) with u uniform over the nodes not
//   i and not yet linked to i. n * k / 2 edges; every node keeps degree >= k / 2.
// Small n: parameters are clamped so that the model stays defined (k <= n - 1
// rounded down to even, m <= n - 1).
// Complexity: ER O(n^2), BA O(n m + n * m^2) worst case, WS O(n k (k + n)) worst
// case, all fine for n <= a few hundred (the generator uses n <= 128).
// Deterministic for the generator's state. The paper's settings: WS(4, 0.75),
// ER(0.2), BA(5).
//
// Example: wattsStrogatz(rng, 6, 2, 0) is the ring 0-1-2-3-4-5-0.

#include "core/util/rng.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pipecut::gen {

using Wiring = std::vector<std::pair<int32_t, int32_t>>; // undirected, first < second

Wiring erdosRenyi(Rng &rng, int32_t n, double p);
Wiring barabasiAlbert(Rng &rng, int32_t n, int32_t m);
Wiring wattsStrogatz(Rng &rng, int32_t n, int32_t k, double p);

// The paper's default parameters of a wiring "ws", "er" or "ba".
struct WiringModel {
    std::string kind = "ws";
    int32_t k = 4; // WS neighbours, BA attachments (m)
    double p = 0.75; // WS rewiring, ER edge probability
};
WiringModel paperModel(const std::string &kind);
Wiring drawWiring(Rng &rng, const WiringModel &model, int32_t n);

} // namespace pipecut::gen
