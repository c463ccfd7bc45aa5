// PipeDream profile graph.txt (msr-fiddle/pipedream, MIT):
//   node4 -- Conv2d(3, 64, kernel_size=(11, 11)) -- forward_compute_time=22.316,
//       backward_compute_time=6.405, activation_size=198246400.000, parameter_size=93184.000
//   	node1 -- node2            (edge lines start with white space)
// Inference uses the forward time (ms) as work; activation bytes -> out (a list
// "[a; b; c]" of several output tensors is summed); parameter bytes -> param;
// op = the description's leading identifier. A trailing "-- stage_id=N" (the
// partitioned test graphs) is ignored. The data-loading Input node's time is
// not model work: it is set to 0 and stated in a note. The bandwidth comes from
// a device profile's link (LoadOptions::device, else the default profile),
// converted to bytes per millisecond, also stated in a note.
#include "core/cost/device_profile.h"
#include "core/io/readers.h"

#include <charconv>

namespace pipecut::io {

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::optional<double> parseDouble(std::string_view text)
{
    text = trim(text);
    double value = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

// A number or a "[a; b; c]" list of numbers (summed).
std::optional<double> parseSize(std::string_view text)
{
    text = trim(text);
    if (text.empty() || text.front() != '[')
        return parseDouble(text);
    if (text.back() != ']')
        return std::nullopt;
    text = text.substr(1, text.size() - 2);
    double sum = 0;
    while (!text.empty()) {
        const size_t semi = text.find(';');
        auto v = parseDouble(text.substr(0, semi));
        if (!v)
            return std::nullopt;
        sum += *v;
        text = semi == std::string_view::npos ? std::string_view() : text.substr(semi + 1);
    }
    return sum;
}

std::string leadingIdentifier(std::string_view description)
{
    size_t end = 0;
    while (end < description.size()
        && (std::isalnum(static_cast<unsigned char>(description[end])) || description[end] == '_'))
        ++end;
    return std::string(description.substr(0, end));
}

} // namespace

Result<Graph> readPipeDream(std::string_view content, const std::string &name, const LoadOptions &options)
{
    GraphBuilder builder(name);
    builder.setFormat("pipedream");
    builder.setUnits(Units { "ms", "bytes" });

    DeviceProfile device = defaultDeviceProfile();
    if (!options.device.empty()) {
        auto found = findDeviceProfile(options.device);
        if (!found.ok())
            return makeError(name + ": " + found.error());
        device = *found;
    }
    if (!(device.linkBytesPerSecond > 0))
        return makeError(name + ": device profile '" + device.name + "' has no link bandwidth");
    builder.setBandwidth(device.linkBytesPerSecond / 1000.0);

    std::string inputs;
    int64_t nodes = 0, edges = 0;
    int32_t lineNo = 0;
    size_t pos = 0;
    while (pos < content.size()) {
        const size_t nl = content.find('\n', pos);
        const std::string_view raw
            = content.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? content.size() : nl + 1;
        ++lineNo;
        const std::string_view line = trim(raw);
        if (line.empty())
            continue;
        const std::string place = name + ":" + std::to_string(lineNo);
        if (line.find('\0') != std::string_view::npos)
            return makeError(place + ": binary data in a PipeDream graph file");
        const size_t sep = line.find(" -- ");
        if (sep == std::string_view::npos)
            return makeError(place
                + ": expected 'nodeN -- Description -- forward_compute_time=...' or "
                  "'nodeA -- nodeB', found '"
                + std::string(line.substr(0, 60)) + "'");
        if (raw.front() == ' ' || raw.front() == '\t') {
            const std::string_view from = trim(line.substr(0, sep));
            const std::string_view to = trim(line.substr(sep + 4));
            if (from.empty() || to.empty() || to.find(" -- ") != std::string_view::npos)
                return makeError(place + ": an edge line must read 'nodeA -- nodeB'");
            if (++edges > options.maxEdges)
                return checkCounts(name, nodes, edges, options).failure();
            builder.addEdge(std::string(from), std::string(to), lineNo);
            continue;
        }
        // Node line. The description may contain anything, so the metrics are
        // found by their first key.
        const size_t metrics = line.find(" -- forward_compute_time=", sep);
        if (metrics == std::string_view::npos)
            return makeError(place + ": a node line needs '-- forward_compute_time=...' after the description");
        NodeSpec spec;
        spec.line = lineNo;
        spec.id = std::string(trim(line.substr(0, sep)));
        const std::string_view description = trim(line.substr(sep + 4, metrics - sep - 4));
        spec.op = leadingIdentifier(description);
        std::string_view fields = line.substr(metrics + 4);
        if (const size_t more = fields.find(" -- "); more != std::string_view::npos)
            fields = fields.substr(0, more); // "-- stage_id=N" of partitioned graphs
        bool hasForward = false, hasActivation = false, hasParameter = false;
        while (!fields.empty()) {
            const size_t comma = fields.find(", ");
            const std::string_view field = fields.substr(0, comma);
            fields = comma == std::string_view::npos ? std::string_view() : fields.substr(comma + 2);
            const size_t eq = field.find('=');
            if (eq == std::string_view::npos)
                return makeError(place + ": expected key=value, found '" + std::string(field) + "'");
            const std::string_view key = trim(field.substr(0, eq));
            const std::string_view text = field.substr(eq + 1);
            std::optional<double> value = key == "activation_size" ? parseSize(text) : parseDouble(text);
            if (!value)
                return makeError(place + ": node '" + spec.id + "': " + std::string(key) + " is not a number: '"
                    + std::string(trim(text)) + "'");
            if (key == "forward_compute_time") {
                spec.work = *value;
                hasForward = true;
            } else if (key == "activation_size") {
                spec.out = *value;
                hasActivation = true;
            } else if (key == "parameter_size") {
                spec.param = *value;
                hasParameter = true;
            }
        }
        if (!hasForward || !hasActivation || !hasParameter)
            return makeError(place + ": node '" + spec.id + "' lacks "
                + (!hasForward           ? "forward_compute_time"
                        : !hasActivation ? "activation_size"
                                         : "parameter_size"));
        if (spec.op.rfind("Input", 0) == 0 && spec.work != 0) {
            inputs += (inputs.empty() ? "" : ", ") + spec.id + " (" + std::string(description) + ", "
                + formatNumber(spec.work) + " ms)";
            spec.work = 0;
        }
        if (++nodes > options.maxNodes)
            return checkCounts(name, nodes, edges, options).failure();
        builder.addNode(std::move(spec));
    }
    if (builder.nodeCount() == 0)
        return makeError(name + ": no node lines ('nodeN -- Description -- forward_compute_time=...')");

    builder.addNote("pipedream: work = forward_compute_time (ms, inference), out = activation_size (bytes), "
                    "param = parameter_size (bytes)");
    if (!inputs.empty())
        builder.addNote("data-loading node(s) " + inputs + ": time set to 0 (input loading is not model work)");
    builder.addNote("bandwidth = device profile '" + device.name + "' link, " + formatNumber(device.linkBytesPerSecond)
        + " bytes/s = " + formatNumber(device.linkBytesPerSecond / 1000.0) + " bytes/ms"
        + (options.device.empty() ? " (the default profile; choose another with --device)" : ""));
    return builder.build();
}

} // namespace pipecut::io
