#pragma once
// A fast layered drawing of a DAG (Sugiyama-style, simplified for size).
//
// Problem: place every node on a horizontal layer so that edges point down,
// order each layer to keep crossings few, and give x-coordinates that sit each
// node near its neighbours without overlaps.
// Method:
//  1. layering: longest path from the sources (layer(v) = 1 + max over
//     predecessors), then every source with successors is pulled down to just
//     above its first successor (weights and biases sit by their consumer
//     instead of crowding layer 0). Every edge goes from a lower to a higher layer.
//  2. ordering: `sweeps` down/up pairs of barycentric sorting, a node's key being
//     the mean x of its neighbours in any earlier (down) or later (up) layer. Long
//     edges get no dummy nodes, which keeps everything linear in the graph size
//     at the price of some crossings on long edges.
//  3. coordinates: per layer, the least-squares positions closest to the
//     neighbours' mean x subject to the layer order and a minimum spacing, by
//     pool-adjacent-violators (isotonic regression) on x_i - i * pitch; two
//     down/up passes.
// Complexity: O(sweeps * (n log n + m)) time, O(n + m) memory; 1M nodes in seconds.
// Deterministic: yes (stable sorts, ties by the previous order).
// Reference: Sugiyama, Tagawa, Toda (1981); Eades & Wormald (1994) for the
// barycentre heuristic; Best & Chakravarti (1990) for pool-adjacent-violators.
// Example: a -> b, a -> c, b -> d, c -> d gives layers {a}, {b, c}, {d}; b and c
// sit side by side, a and d centred above and below them.

#include "core/layout/layout.h"

namespace pipecut {

// Never fails; stops between sweeps when `stop` is requested (result->cancelled).
Layout layeredLayout(const Graph &graph, const LayoutOptions &options, const StopToken &stop = {});

// The layer of every node (step 1 above), exposed for tests and collapsing.
std::vector<int32_t> layerAssignment(const Graph &graph);

} // namespace pipecut
