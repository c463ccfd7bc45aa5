// auto (the default method): exact when the graph is narrow enough, a good
// heuristic otherwise, and always honest about which.
//
// 1. Contract groups and count the ideals of the contracted graph, stopping at
//    kAutoIdealCap (cheap: O(cap * degree)).
// 2. At most that many: ideal-dp (proven optimum), within the time limit; if
//    the limit cuts it short, its incumbent (slicegraph 10x10 + refine) is
//    returned as not proven.
// 3. Otherwise: slicegraph at its default budget (the memetic scheme of
//    slicegraph.h, which ends with an iterated plateau descent) followed by
//    refine (and the band chain search on long graphs), one window re-solve
//    descent (lns.h) on up to 10 % of the time left, then ideal-bb's
//    threshold searches (frontier_dp.h) from it in
//    the time left (half of it with searchToLimit; the exact MIP instead with
//    per-device work, docs/model.md §1.7): proven when they finish,
//    else the refined partition; with searchToLimit the rest of the time
//    limit goes to timedSearch (lns.h: slicegraph restarts on every core and
//    exact re-solves of windows of adjacent stages).
// The default time limit is kAutoSeconds. Deterministic for a seed unless the
// time limit intervenes; PartitionOptions::deterministic drops the clock. Example: the graph of docs/model.md §1.5 has
// 6 ideals -> ideal-dp.

#include "core/cost/evaluate.h"
#include "core/partition/band_chain.h"
#include "core/partition/ideal_dp.h"
#include "core/partition/lns.h"
#include "core/partition/methods.h"
#include "core/partition/refine.h"
#include "core/partition/slicegraph.h"

#include <algorithm>

namespace pipecut {

namespace {
constexpr int64_t kAutoIdealCap = 100'000;
constexpr double kAutoSeconds = 12.0;
constexpr double kBandSeconds = 10.0; // at most, for the band chain search
constexpr double kBandShare = 0.15; // of the time left, at most
constexpr int32_t kBandMinUnits = 2000;
constexpr double kWindowSeconds = 5.0; // at most, for the window re-solve before the proof
constexpr double kWindowShare = 0.1; // of the time left, at most
} // namespace

Result<PartitionResult> runAuto(const MethodContext &outer)
{
    // The caller's clock when it has a limit (its checks count), else our
    // default; none when deterministic.
    const bool deterministic = outer.options.deterministic;
    const MethodContext ctx { outer.graph, outer.params, outer.options, outer.stop, outer.progress,
        deterministic                     ? Deadline()
            : outer.options.timeLimit > 0 ? outer.deadline
                                          : Deadline(kAutoSeconds) };
    auto contraction = contractGroups(ctx.graph);
    if (!contraction)
        return contraction.failure().prefixed("auto: ");
    const int64_t cap = ctx.options.idealCap > 0 ? std::min(ctx.options.idealCap, kAutoIdealCap) : kAutoIdealCap;
    const IdealCount count = countIdeals(contraction->graph, cap, &ctx.stop);
    if (!count.exceeded && !count.stopped) {
        auto r = runIdealDp(ctx);
        if (r) {
            r->method = "auto(ideal-dp)";
            r->notes.insert(r->notes.begin(),
                "auto: " + std::to_string(count.count) + " ideals <= " + std::to_string(cap)
                    + ", exact dynamic programme");
            return r;
        }
        // A refusal or a stop falls through to the heuristic; anything else is
        // a proof that no partition exists.
        if (r.errorKind() != ErrorKind::LimitExceeded && r.errorKind() != ErrorKind::Stopped)
            return r;
    }
    // Long graphs keep a share of the time for the band chain search after slicegraph.
    const double bandReserve = contraction->graph.nodeCount() >= kBandMinUnits && ctx.deadline.limit() > 0
        ? std::min(kBandSeconds, kBandShare * ctx.deadline.remaining())
        : 0.0;
    auto r = runSliceGraph({ ctx.graph, ctx.params, ctx.options, ctx.stop, ctx.progress,
                               Deadline(std::max(1e-3, ctx.deadline.remaining() - bandReserve)) },
        *contraction);
    if (!r && r.errorKind() == ErrorKind::Infeasible
        && ctx.params.devices.empty()) // the heuristic's failure is no proof: search
        return proveWithFrontier(ctx, *contraction, std::nullopt, "auto(ideal-bb)");
    if (!r)
        return r;
    RefineOutcome ref = refinePartition(ctx.graph, ctx.params, r->partition, ctx.stop, ctx.deadline, &*contraction);
    if (BandChainOutcome band = bandChainSearch(ctx.graph, ctx.params, *contraction, ref.partition, ctx.stop,
            deterministic ? Deadline() : Deadline(std::max(1e-3, std::min(ctx.deadline.remaining(), kBandSeconds))));
        band.bottleneck < ref.bottleneck) {
        ref = refinePartition(ctx.graph, ctx.params, band.partition, ctx.stop, ctx.deadline, &*contraction);
        r->notes.push_back("auto: band chain search improved the partition in " + std::to_string(band.rounds)
            + " rounds (band_chain.h)");
    }
    // One window re-solve descent (lns.h) from the refined partition, on a share of the time.
    if (WindowOutcome w = windowDescent(ctx.graph, ctx.params, *contraction, ref.partition, ctx.stop,
            deterministic
                ? Deadline()
                : Deadline(std::max(1e-3, std::min(kWindowSeconds, kWindowShare * ctx.deadline.remaining()))));
        w.improvements > 0 && w.bottleneck <= ref.bottleneck) {
        ref = refinePartition(ctx.graph, ctx.params, w.partition, ctx.stop, ctx.deadline, &*contraction);
        r->notes.push_back("auto: " + std::to_string(w.improvements) + " windows re-solved (lns.h)");
    }
    const bool searchOn = outer.options.timeLimit > 0 && outer.options.searchToLimit && !deterministic;
    // With a search to follow, the proof attempt gets half of what is left.
    const MethodContext proofCtx { ctx.graph, ctx.params, ctx.options, ctx.stop, ctx.progress,
        searchOn ? Deadline(std::max(1e-3, ctx.deadline.remaining() / 2)) : ctx.deadline };
    if (deterministic) {
        // No proof: its share is time, and how far it gets in it is what a
        // loaded machine changes (PartitionOptions::deterministic).
    } else if (ctx.params.hasDeviceWork()) { // ideal-bb refuses per-device work: the exact MIP proves
        PartitionOptions o = ctx.options;
        o.start = ref.partition;
        if (auto proof = runMip({ ctx.graph, ctx.params, o, ctx.stop, ctx.progress, proofCtx.deadline });
            proof && proof->optimal) {
            proof->method = "auto(slicegraph+mip)";
            proof->notes.insert(proof->notes.begin(),
                "auto: more than " + std::to_string(cap) + " ideals, slicegraph then the exact MIP (per-device work)");
            return proof;
        }
    } else if (auto proof = proveWithFrontier(proofCtx, *contraction, ref.partition, "auto(slicegraph+ideal-bb)");
               proof && proof->optimal) {
        proof->notes.insert(proof->notes.begin(),
            "auto: more than " + std::to_string(cap) + " ideals, slicegraph then the frontier search (ideal-bb)");
        return proof;
    } else if (proof) { // not proven, but its partition (the relaxed chain's, §3.13) may be better
        const double c = bottleneckOf(ctx.graph, ctx.params, proof->partition.stages(), ctx.options.k);
        if (c < ref.bottleneck && validatePartition(ctx.graph, ctx.params, proof->partition).ok()) {
            ref.partition = proof->partition;
            ref.bottleneck = c;
            r->notes.push_back("auto: the frontier search improved the partition to " + std::to_string(c));
        }
    }
    r->partition = std::move(ref.partition);
    r->method = "auto(slicegraph+refine)";
    // The rest of the limit (none after a stop): restarts and windows (lns.h).
    if (searchOn) {
        const TimedSearchOutcome s = timedSearch(ctx.graph, ctx.params, *contraction, r->partition, ctx.stop,
            ctx.deadline, { ctx.options.seed, ctx.options.threads });
        if (s.bottleneck < ref.bottleneck)
            r->partition = s.partition;
        r->notes.insert(r->notes.begin(),
            "auto: the time limit searched on: " + std::to_string(s.rounds) + " slicegraph runs, "
                + std::to_string(s.windowImprovements) + " windows re-solved, " + std::to_string(s.relinkImprovements)
                + " relinks improved on their elites");
    }
    r->optimal = false;
    r->notes.insert(
        r->notes.begin(), "auto: more than " + std::to_string(cap) + " ideals, heuristic (not proven optimal)");
    return r;
}

} // namespace pipecut
