#pragma once
// How much of a graph's work rests on estimated node costs, and the wording
// every view uses for "optimal" (docs/model.md §1.4): a partition or bound is
// optimal for the costs it was given; when estimated nodes carry more than
// kEstimateQualifyShare of the work, the word says so.
//
// A node is estimated when its op ends with kEstimatedOpSuffix: the ONNX
// reader marks nodes whose costs rest on an unknown shape (core/io/onnx_reader.h),
// and pipecut JSON and DOT keep the op, so the mark survives a convert.
// Complexity: O(n). Deterministic.
// Tiny example: 3 nodes of work 1, 1, 2, the last estimated: 1 estimated node
// carrying 50 % of the work; estimatedOptimalWording gives
// "optimal for these costs (50 % of the work estimated)".

#include "core/graph/graph.h"

#include <string>
#include <string_view>

namespace pipecut {

inline constexpr std::string_view kEstimatedOpSuffix = " (estimated)";
// Nodes whose work a runtime measured (core/io/onnx_profile.h) end with this.
inline constexpr std::string_view kMeasuredOpSuffix = " (measured)";
inline constexpr double kEstimateQualifyShare = 0.01;

struct EstimateShare {
    int64_t nodes = 0; // estimated nodes
    double work = 0.0; // their work
    double share = 0.0; // work / total work (0 when the total is 0)
    int64_t measured = 0; // nodes with measured work
    bool qualifies() const { return share > kEstimateQualifyShare; }
};

bool isEstimatedOp(std::string_view op);
bool isMeasuredOp(std::string_view op); // ends with kMeasuredOpSuffix
EstimateShare estimateShare(const Graph &graph);

// "12 %" (whole percent; "< 1 %" below one percent).
std::string formatShare(double share);
// "N of M nodes have estimated costs, carrying 12 % of the work" (", K measured"
// when a profile was imported) or "no estimated node costs".
std::string estimateSummary(const Graph &graph, const EstimateShare &e);
// "proven optimal" when estimates carry at most kEstimateQualifyShare of the
// work, else "optimal for these costs (12 % of the work estimated)".
std::string optimalWording(const EstimateShare &e);

} // namespace pipecut
