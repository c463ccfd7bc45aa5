// --device-order free (docs/model.md §1.7): which device takes which stage.
// Problem: minimise the bottleneck over the partitions and the device orders.
// Identical devices are interchangeable, so only the distinct orders
// (k! / prod of the multiplicities' factorials) are tried, each with the chosen
// method and a share of the time limit; the best wins. The answer is optimal
// for these costs when the method proved every order optimal.
// Complexity: (distinct orders) x (the method's). Deterministic when the method is.
// Example: devices (speed 1, speed 0.5) on a(2) -> b(4), no tensors, k = 2: the
// order (fast, slow) gives max(2, 8) = 8, (slow, fast) gives max(4, 4) = 4.

#include "core/cost/cluster.h"
#include "core/cost/evaluate.h"
#include "core/partition/partitioner.h"

#include <algorithm>

namespace pipecut {

Result<PartitionResult> runOverDeviceOrders(const Graph &graph, const CostParams &params,
    const PartitionOptions &options, const StopToken &stop, const ProgressFn &progress)
{
    auto orders = distinctOrders(params, options.maxDeviceOrders);
    if (!orders)
        return orders.failure();
    const Deadline deadline(options.timeLimit);
    std::optional<PartitionResult> best;
    bool allOptimal = true;
    std::optional<Error> firstError;
    for (size_t i = 0; i < orders->size(); ++i) {
        if (stop.stopRequested() || (i > 0 && deadline.expired())) {
            allOptimal = false;
            break;
        }
        PartitionOptions o = options;
        o.freeDeviceOrder = false;
        if (options.timeLimit > 0) // an equal share of what is left
            o.timeLimit = std::max(0.01, deadline.remaining() / double(orders->size() - i));
        const CostParams p = withDeviceOrder(params, (*orders)[i]);
        auto r = runPartitioner(graph, p, o, stop, progress);
        if (!r) {
            if (r.errorKind() != ErrorKind::Infeasible) // an order no split fits proves nothing against the others
                allOptimal = false;
            if (!firstError)
                firstError = r.failure();
            if (r.errorKind() == ErrorKind::Infeasible)
                continue;
            if (r.errorKind() == ErrorKind::Stopped)
                break;
            return r.failure();
        }
        allOptimal = allOptimal && r->optimal;
        if (!best || r->bottleneck < best->bottleneck) {
            best = std::move(r).value();
            best->deviceOrder = (*orders)[i];
        }
    }
    if (!best)
        return firstError ? *firstError
                          : makeError(ErrorKind::Stopped, "stopped before any device order was partitioned");
    best->optimal = allOptimal;
    if (!allOptimal)
        best->lowerBound = 0;
    best->seconds = deadline.elapsed();
    std::string names;
    for (int d : best->deviceOrder)
        names += (names.empty() ? "" : ", ") + params.devices[static_cast<size_t>(d)].name;
    best->notes.push_back(std::to_string(orders->size()) + " distinct device orders tried; stages 1.."
        + std::to_string(options.k) + " on " + names);
    return *best;
}

} // namespace pipecut
