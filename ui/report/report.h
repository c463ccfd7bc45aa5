#pragma once
// The rendered report of a partition, the same from the explorer
// (File > Export Report) and from `pipecut-cli report`: the model's name and
// size, the cost parameters, the graph drawn in stage colours (collapsed by
// scope when large), the stage table, per-stage bars against the lower-bound
// line, bottleneck, bound, gap and the method that proved the bound,
// throughput and latency, the pipecut version and the date. With two
// partitions it is a side-by-side comparison with per-stage differences.
//
// Two steps, so that both front ends share every figure:
//   buildReport()  computes everything (evaluation, lower bound, collapsed
//                  graph and its layout) into ReportData: QtCore only;
//   writeReport()  draws ReportData to PNG, SVG or PDF with QPainter (QtGui),
//                  with the bundled DejaVu Sans font.
// Deterministic: the same ReportData gives byte-identical SVG and PNG files and
// PDFs identical but for nothing (creation date and document id are set from
// the report's date). buildReport() is deterministic when the bound finishes
// within its time limit (on a time-limited bound the figure can depend on the
// machine's speed); the date comes from SOURCE_DATE_EPOCH when set.

#include "core/cost/cost_params.h"
#include "core/cost/estimates.h"
#include "core/cost/evaluate.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/layout/layout.h"
#include "core/layout/scope_collapse.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pipecut::report {

struct ReportOptions {
    double boundTimeLimit = 10.0; // seconds for runBound("best")
    std::string boundMethod = "best";
    // The drawing collapses larger graphs to about this many boxes, and to
    // fewer (down to an eighth) when the boxes would be drawn too small to label.
    int maxBoxes = 48;
    double layoutBudget = 3.0; // seconds for Graphviz dot before the layered layout is used
    // Seconds since 1970 for the date printed; unset: SOURCE_DATE_EPOCH, else now.
    std::optional<int64_t> dateEpoch;
    std::vector<std::string> labels; // per partition, e.g. the file name ("A", "B" when empty)
};

struct ReportSide {
    std::string label;
    Partition partition;
    Evaluation evaluation;
};

struct ReportData {
    std::string modelName;
    std::string fileName; // base name of the graph file
    int32_t nodes = 0;
    int64_t edges = 0;
    double totalWork = 0.0, totalOut = 0.0, totalParam = 0.0;
    EstimateShare estimates; // nodes whose costs are estimates, and their share of the work
    Units units;
    CostParams params;
    int k = 0;
    std::vector<ReportSide> sides; // one, or two for a comparison
    double lowerBound = 0.0;
    std::string provenBy;
    bool boundOptimal = false; // the bound equals the optimum
    CollapsedGraph drawing;
    Layout layout; // of drawing.graph
    LayoutDirection direction = LayoutDirection::TopToBottom;
    std::string version; // PIPECUT_VERSION
    std::string date; // YYYY-MM-DD (UTC)
    bool isComparison() const { return sides.size() == 2; }
};

// The graph drawing's box: its width, and its largest height.
constexpr double kDrawingWidth = 1100;
constexpr double kDrawingMaxHeight = 1000;
constexpr double kBoxWidth = 150, kBoxHeight = 40; // layout units
// The scale that fits a layout into that box (never above 1).
double drawingScale(const Layout &layout);
// Box labels are drawn from this scale up (smaller text would not be legible).
constexpr double kLabelScale = 0.45;

// One or two partitions of `graph` with the same k, each valid (checked here).
Result<ReportData> buildReport(const Graph &graph, const CostParams &params, const std::vector<Partition> &partitions,
    const ReportOptions &options, const StopToken &stop = {});

// YYYY-MM-DD (UTC) of `epoch` seconds since 1970, else SOURCE_DATE_EPOCH, else now.
std::string reportDate(const std::optional<int64_t> &epoch = std::nullopt);

// Every figure of the report as JSON (a sidecar for scripts and tests).
std::string reportJson(const ReportData &data);

struct WriteOptions {
    double scale = 1.0; // PNG pixels per report unit; reduced when the image would pass Qt's limits
};

struct WrittenReport {
    double width = 0.0, height = 0.0; // page size in report units (PDF points, SVG user units)
    int pixelWidth = 0, pixelHeight = 0; // PNG only
    double scale = 0.0; // PNG scale actually used
};

// Writes PNG, SVG or PDF by the file's suffix. Needs a QGuiApplication.
Result<WrittenReport> writeReport(const ReportData &data, const std::string &path, const WriteOptions &options = {});

// Qt's raster limit is 32,767 pixels per side; QImage allocations are kept to 256 MiB.
constexpr int kMaxImageSide = 32767;
constexpr double kMaxImagePixels = 64.0 * 1024 * 1024; // 256 MiB of ARGB32
// The PNG scale actually used for a page of width x height report units.
double fittingScale(double width, double height, double requested);

} // namespace pipecut::report
