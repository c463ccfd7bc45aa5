// Names of the export formats and the dispatch used by the CLI and the GUI.
#include "core/io/exports.h"

#include <array>

namespace pipecut {

namespace {

template <typename E> struct Named {
    E value;
    const char *name;
};

constexpr std::array<Named<ExportFormat>, 8> kFormats = { {
    { ExportFormat::PyTorch, "pytorch" },
    { ExportFormat::DeepSpeed, "deepspeed" },
    { ExportFormat::DnnPartitioning, "dnn-partitioning" },
    { ExportFormat::Csv, "csv" },
    { ExportFormat::ModelExplorer, "model-explorer" },
    { ExportFormat::Vllm, "vllm" },
    { ExportFormat::Sglang, "sglang" },
    { ExportFormat::Megatron, "megatron" },
} };

constexpr std::array<Named<OverlayMetric>, 3> kMetrics = { {
    { OverlayMetric::Stage, "stage" },
    { OverlayMetric::StageCost, "stage-cost" },
    { OverlayMetric::Work, "work" },
} };

template <typename E, size_t N> const char *nameOf(const std::array<Named<E>, N> &table, E value)
{
    for (const Named<E> &entry : table)
        if (entry.value == value)
            return entry.name;
    return "?";
}

template <typename E, size_t N> std::optional<E> valueOf(const std::array<Named<E>, N> &table, std::string_view name)
{
    for (const Named<E> &entry : table)
        if (name == entry.name)
            return entry.value;
    return std::nullopt;
}

} // namespace

const char *exportFormatName(ExportFormat format)
{
    return nameOf(kFormats, format);
}
std::optional<ExportFormat> parseExportFormat(std::string_view name)
{
    return valueOf(kFormats, name);
}
const char *overlayMetricName(OverlayMetric metric)
{
    return nameOf(kMetrics, metric);
}
std::optional<OverlayMetric> parseOverlayMetric(std::string_view name)
{
    return valueOf(kMetrics, name);
}

Result<std::string> exportPartition(ExportFormat format, const Graph &graph, const CostParams &params,
    const Partition &partition, const ExportOptions &options)
{
    switch (format) {
    case ExportFormat::PyTorch:
        return exportPyTorchSplitPoints(graph, partition);
    case ExportFormat::DeepSpeed:
        return exportLayerBoundaries(graph, partition);
    case ExportFormat::DnnPartitioning:
        return exportDnnPartitioningPlacement(graph, params, partition);
    case ExportFormat::Csv:
        return exportStageCsv(graph, params, partition);
    case ExportFormat::ModelExplorer:
        return exportModelExplorerOverlay(graph, params, partition, options.metric);
    case ExportFormat::Vllm:
    case ExportFormat::Sglang:
    case ExportFormat::Megatron:
        return exportLlmServing(format, graph, partition);
    }
    return makeError("unknown export format");
}

} // namespace pipecut
