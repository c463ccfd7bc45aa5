#pragma once
// The figures every view of a partition shows (docs/model.md §1.4): the
// bottleneck T, the proven lower bound LB, the gap, throughput, latency and
// fill latency. One definition for the window, the report and the CLI, so
// they agree on every edge case.

#include "core/cost/evaluate.h"

#include <span>

namespace pipecut {

struct Summary {
    double bottleneck = 0.0; // T
    double lowerBound = 0.0; // LB; 0 when there is none
    double gap = 0.0; // max(0, (T - LB) / T); 0 when T <= 0 (a bound a hair above T is no gap)
    double throughput = 0.0; // 1 / T; 0 when T <= 0
    double latency = 0.0; // k * T: one micro-batch through every stage at the bottleneck's pace
    double fillLatency = 0.0; // the sum of the stage costs: one micro-batch through an empty pipeline
};

Summary summarize(double bottleneck, int k, double lowerBound = 0.0, double fillLatency = 0.0);
Summary summarize(const Evaluation &evaluation, int k, double lowerBound = 0.0);
// From stage costs kept elsewhere (the window's incremental evaluator).
Summary summarize(std::span<const StageCost> stages, double bottleneck, double lowerBound = 0.0);

} // namespace pipecut
