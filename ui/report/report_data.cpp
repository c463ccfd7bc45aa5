// buildReport(): every figure of the report, computed once for both front ends.
#include "ui/report/report.h"

#include "core/bounds/bound.h"
#include "core/cost/stage_json.h"
#include "core/cost/summary.h"
#include "core/util/json_writer.h"

#include <QDateTime>
#include <QFileInfo>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace pipecut::report {

namespace {

std::string sideLabel(const ReportOptions &options, size_t i)
{
    if (i < options.labels.size() && !options.labels[i].empty())
        return options.labels[i];
    return std::string(1, static_cast<char>('A' + i));
}

} // namespace

std::string reportDate(const std::optional<int64_t> &epoch)
{
    int64_t seconds = 0;
    if (epoch) {
        seconds = *epoch;
    } else if (const char *env = std::getenv("SOURCE_DATE_EPOCH"); env && *env) {
        // reproducible-builds.org: an integer number of seconds since 1970 UTC.
        char *end = nullptr;
        seconds = std::strtoll(env, &end, 10);
        if (*end != '\0')
            seconds = QDateTime::currentSecsSinceEpoch();
    } else {
        seconds = QDateTime::currentSecsSinceEpoch();
    }
    return QDateTime::fromSecsSinceEpoch(seconds, QTimeZone::utc())
        .toString(QStringLiteral("yyyy-MM-dd"))
        .toStdString();
}

namespace {

// Longest label drawn in a box or as the model's name.
constexpr size_t kMaxLabelBytes = 80;

// `text` cut at a UTF-8 boundary to at most `bytes` bytes, "..." marking a cut.
std::string elided(const std::string &text, size_t bytes)
{
    if (text.size() <= bytes)
        return text;
    size_t cut = bytes - 3;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80)
        --cut;
    return text.substr(0, cut) + "...";
}

} // namespace

Result<ReportData> buildReport(const Graph &graph, const CostParams &params, const std::vector<Partition> &partitions,
    const ReportOptions &options, const StopToken &stop)
{
    if (partitions.empty() || partitions.size() > 2)
        return makeError("a report shows one partition, or two to compare");
    const int k = partitions.front().k();
    for (size_t i = 0; i < partitions.size(); ++i) {
        const std::string label = sideLabel(options, i);
        if (partitions[i].k() != k)
            return makeError("the partitions to compare have different k (" + std::to_string(k) + " and "
                + std::to_string(partitions[i].k()) + ")");
        if (Status st = validatePartition(graph, params, partitions[i]); !st)
            return st.failure().prefixed(label + ": ");
    }

    ReportData d;
    d.modelName = graph.name();
    d.fileName = QFileInfo(QString::fromStdString(graph.sourcePath())).fileName().toStdString();
    d.nodes = graph.nodeCount();
    d.edges = graph.edgeCount();
    d.totalWork = graph.totalWork();
    d.estimates = estimateShare(graph);
    d.totalOut = graph.totalOut();
    d.totalParam = graph.totalParam();
    d.units = graph.units();
    d.params = params;
    d.k = k;
    d.version = PIPECUT_VERSION;
    d.date = reportDate(options.dateEpoch);
    for (size_t i = 0; i < partitions.size(); ++i) {
        ReportSide side;
        side.label = sideLabel(options, i);
        side.partition = partitions[i];
        side.evaluation = evaluate(graph, params, partitions[i]);
        d.sides.push_back(std::move(side));
    }

    BoundOptions bo;
    bo.k = k;
    bo.method = options.boundMethod;
    bo.timeLimit = options.boundTimeLimit;
    // The better partition prunes the bound's search; the bound does not depend on it.
    const auto best = std::min_element(d.sides.begin(), d.sides.end(),
        [](const ReportSide &a, const ReportSide &b) { return a.evaluation.bottleneck < b.evaluation.bottleneck; });
    bo.incumbent = best->partition;
    if (Status st = bo.validate(); !st)
        return st.failure();
    auto bound = runBound(graph, params, bo, stop);
    if (!bound)
        return bound.failure().prefixed("lower bound: ");
    if (bound->infeasible)
        return makeError(
            ErrorKind::Infeasible, "no valid partition into " + std::to_string(k) + " stages: " + bound->reason);
    d.lowerBound = bound->lowerBound;
    d.provenBy = bound->provenBy;
    d.boundOptimal = bound->optimal;

    // Fewer, larger boxes until they can be labelled; top to bottom or left to
    // right, whichever draws larger.
    LayoutOptions lo;
    lo.nodeWidth = kBoxWidth;
    lo.nodeHeight = kBoxHeight;
    lo.rankGap = 36;
    lo.nodeGap = 14;
    lo.budgetSeconds = options.layoutBudget;
    const int fewest = std::max(1, options.maxBoxes / 8);
    for (int boxes = std::max(1, options.maxBoxes);; boxes /= 2) {
        auto drawing = collapseForDrawing(graph, partitions, boxes);
        if (!drawing)
            return drawing.failure();
        d.drawing = std::move(drawing).value();
        lo.direction = LayoutDirection::TopToBottom;
        d.layout = computeLayout(d.drawing.graph, lo, stop);
        d.direction = lo.direction;
        if (drawingScale(d.layout) < kLabelScale && d.layout.height > d.layout.width) {
            lo.direction = LayoutDirection::LeftToRight;
            Layout across = computeLayout(d.drawing.graph, lo, stop);
            if (drawingScale(across) > drawingScale(d.layout)) {
                d.layout = std::move(across);
                d.direction = lo.direction;
            }
        }
        if (stop.stopRequested())
            return makeError(ErrorKind::Stopped, "cancelled");
        if (drawingScale(d.layout) >= kLabelScale || boxes / 2 < fewest || d.drawing.graph.nodeCount() <= fewest)
            break;
    }
    // A box shows at most a short label: a huge id would cost memory to lay out
    // as text and a warning per glyph the font lacks.
    for (std::string &label : d.drawing.labels)
        label = elided(label, kMaxLabelBytes);
    d.modelName = elided(d.modelName, kMaxLabelBytes);
    return d;
}

std::string reportJson(const ReportData &d)
{
    JsonWriter w(true);
    w.beginObject();
    w.key("format").value("pipecut-report");
    w.key("version").value(1);
    w.key("pipecut").value(d.version);
    w.key("date").value(d.date);
    w.key("model").value(d.modelName);
    w.key("file").value(d.fileName);
    w.key("nodes").value(static_cast<long long>(d.nodes));
    w.key("edges").value(static_cast<long long>(d.edges));
    w.key("total_work").value(d.totalWork);
    w.key("total_out").value(d.totalOut);
    w.key("total_param").value(d.totalParam);
    w.key("units")
        .beginObject()
        .key("time")
        .value(d.units.time)
        .key("size")
        .value(d.units.size)
        .key("param")
        .value(d.units.paramUnit())
        .endObject();
    w.key("bandwidth").value(d.params.bandwidth);
    w.key("memory_limit");
    if (d.params.memoryLimit)
        w.value(*d.params.memoryLimit);
    else
        w.null();
    w.key("k").value(d.k);
    w.key("lower_bound").value(d.lowerBound);
    w.key("proven_by").value(d.provenBy);
    w.key("bound_optimal").value(d.boundOptimal);
    w.key("estimated_nodes").value(static_cast<long long>(d.estimates.nodes));
    w.key("estimated_work_share").value(d.estimates.share);
    w.key("measured_nodes").value(static_cast<long long>(d.estimates.measured));
    w.key("optimal_wording").value(optimalWording(d.estimates));
    w.key("drawing").beginObject();
    w.key("boxes").value(static_cast<long long>(d.drawing.labels.size()));
    w.key("how").value(d.drawing.how);
    w.key("layout").value(d.layout.engine);
    w.endObject();
    w.key("partitions").beginArray();
    for (const ReportSide &s : d.sides) {
        const Evaluation &ev = s.evaluation;
        const Summary sum = summarize(ev, d.k, d.lowerBound);
        w.beginObject();
        w.key("label").value(s.label);
        w.key("bottleneck").value(sum.bottleneck);
        w.key("bottleneck_stage").value(ev.bottleneckStage + 1);
        w.key("gap").value(sum.gap);
        w.key("throughput").value(sum.throughput);
        w.key("latency").value(sum.latency);
        w.key("fill_latency").value(sum.fillLatency);
        w.key("stages").beginArray();
        const bool devices = d.params.devices.size() == ev.stages.size(); // a cluster (docs/model.md §1.7)
        for (size_t b = 0; b < ev.stages.size(); ++b) {
            const StageCost &c = ev.stages[b];
            w.beginObject();
            w.key("nodes").value(static_cast<long long>(c.nodes));
            writeStageCostFields(w, c);
            if (devices)
                writeStageDeviceFields(w, d.params.devices[b]);
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }
    w.endArray();
    w.endObject();
    return w.str() + "\n";
}

double drawingScale(const Layout &layout)
{
    return std::min(
        { 1.0, kDrawingWidth / std::max(layout.width, 1.0), kDrawingMaxHeight / std::max(layout.height, 1.0) });
}

double fittingScale(double width, double height, double requested)
{
    double s = requested > 0 ? requested : 1.0;
    s = std::min({ s, kMaxImageSide / width, kMaxImageSide / height });
    if (width * height * s * s > kMaxImagePixels)
        s = std::sqrt(kMaxImagePixels / (width * height));
    // Whole pixels must still fit after rounding up.
    while ((std::ceil(width * s) > kMaxImageSide || std::ceil(height * s) > kMaxImageSide
               || std::ceil(width * s) * std::ceil(height * s) > kMaxImagePixels)
        && s > 0)
        s *= 0.999;
    return s;
}

} // namespace pipecut::report
