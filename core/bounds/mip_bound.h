#pragma once
// The exact MIP of core/mip/exact_mip.h as a bound method (method "mip" of
// runBound) and as a partitioner (method "mip" of runPartitioner, installed
// into the partition registry when the library loads): the MIP starts from the
// anchor bound and a slicegraph warm start, so it lives above core/partition.

#include "core/bounds/bound_context.h"
#include "core/partition/partitioner.h"

namespace pipecut::bounds {

// Bound and incumbent (result.partition / upperBound / optimal) of the exact MIP.
BoundResult exactMipBound(const BoundContext &ctx);

} // namespace pipecut::bounds

namespace pipecut {

// The exact MIP as a partitioner: the best partition CBC finds within the time
// limit (default 60 s), warm-started with options.start when given, and
// whether it is proven optimal.
Result<PartitionResult> runMipPartitioner(const Graph &graph, const CostParams &params, const PartitionOptions &options,
    const StopToken &stop = {}, const ProgressFn &progress = {});

} // namespace pipecut
