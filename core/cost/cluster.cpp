#include "core/cost/cluster.h"

#include "core/graph/graph.h"
#include "core/util/json_writer.h"

#include "core/cost/json_object.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace pipecut {

namespace {

// A number field of a device object: absent, or positive and finite.
Result<std::optional<double>> positiveField(simdjson::dom::object &object, const char *key, const std::string &where)
{
    simdjson::dom::element e;
    if (object[key].get(e) != simdjson::SUCCESS)
        return std::optional<double> {};
    double v = 0;
    int64_t i = 0;
    uint64_t u = 0;
    if (e.get(v) == simdjson::SUCCESS) {
    } else if (e.get(i) == simdjson::SUCCESS) {
        v = static_cast<double>(i);
    } else if (e.get(u) == simdjson::SUCCESS) {
        v = static_cast<double>(u);
    } else {
        return makeError(where + ": '" + key + "' must be a number");
    }
    if (!std::isfinite(v) || v <= 0)
        return makeError(where + ": '" + key + "' must be positive, not " + formatNumber(v));
    return std::optional<double>(v);
}

Result<ClusterDevice> parseDevice(simdjson::dom::element element, const std::string &where)
{
    simdjson::dom::object object;
    if (element.get(object))
        return makeError(where + ": a device must be a JSON object");
    static const std::set<std::string_view> known { "name", "speed", "memory", "bandwidth", "bandwidth_in",
        "bandwidth_out", "profile", "costs" };
    for (auto field : object)
        if (!known.count(field.key))
            return makeError(where + ": unknown key '" + std::string(field.key)
                + "' (known: name, speed, memory, bandwidth, bandwidth_in, bandwidth_out, profile, costs)");
    ClusterDevice d;
    std::string_view text;
    if (simdjson::dom::element e; object["name"].get(e) == simdjson::SUCCESS) {
        if (e.get(text) != simdjson::SUCCESS)
            return makeError(where + ": 'name' must be a string");
        d.name = std::string(text);
    }
    if (simdjson::dom::element e; object["profile"].get(e) == simdjson::SUCCESS) {
        if (e.get(text) != simdjson::SUCCESS)
            return makeError(where + ": 'profile' must be a string");
        d.profile = std::string(text);
        if (auto p = findDeviceProfile(d.profile); !p)
            return makeError(where + ": 'profile': " + p.error());
    }
    if (simdjson::dom::element e; object["costs"].get(e) == simdjson::SUCCESS) {
        if (e.get(text) != simdjson::SUCCESS || text.empty())
            return makeError(where
                + ": 'costs' must be a device kind whose per-node work the graph carries, "
                  "such as \"cpu\" or \"fpga\"");
        d.costs = std::string(text);
    }
    std::optional<double> bandwidth;
    for (auto [key, out] :
        { std::pair { "speed", &d.speed }, std::pair { "memory", &d.memory }, std::pair { "bandwidth", &bandwidth },
            std::pair { "bandwidth_in", &d.bandwidthIn }, std::pair { "bandwidth_out", &d.bandwidthOut } }) {
        auto v = positiveField(object, key, where);
        if (!v)
            return v.failure();
        *out = *v;
    }
    if (bandwidth) {
        if (!d.bandwidthIn)
            d.bandwidthIn = bandwidth;
        if (!d.bandwidthOut)
            d.bandwidthOut = bandwidth;
    }
    return d;
}

} // namespace

Result<Cluster> parseCluster(std::string_view json, const std::string &name)
{
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(json);
    auto parsed = parseJsonObject(parser, padded, name, "cluster description");
    if (!parsed)
        return parsed.failure();
    simdjson::dom::object object = *parsed;
    std::string_view text;
    if (object["format"].get(text) != simdjson::SUCCESS)
        return makeError(name + ": field 'format' (\"pipecut-cluster\") is missing");
    if (text != "pipecut-cluster")
        return makeError(name + ": field 'format' is '" + std::string(text) + "', expected 'pipecut-cluster'");
    int64_t version = 0;
    if (object["version"].get(version) != simdjson::SUCCESS || version != 1)
        return makeError(name + ": field 'version' must be 1 (the only version this pipecut reads)");
    simdjson::dom::array devices;
    if (object["devices"].get(devices) != simdjson::SUCCESS)
        return makeError(name + ": field 'devices' (an array of devices) is missing");
    Cluster c;
    c.source = name;
    for (simdjson::dom::element e : devices) {
        const std::string where = name + ": device " + std::to_string(c.devices.size() + 1);
        if (c.devices.size() >= 100000)
            return makeError(where + ": more than 100000 devices");
        auto d = parseDevice(e, where);
        if (!d)
            return d.failure();
        if (d->name.empty())
            d->name = "device " + std::to_string(c.devices.size() + 1);
        c.devices.push_back(std::move(*d));
    }
    if (c.devices.empty())
        return makeError(name + ": field 'devices' is empty; a cluster needs at least one device");
    return c;
}

Result<Cluster> loadCluster(const std::string &path)
{
    auto text = readSmallFile(path, 16u << 20, "cluster description");
    if (!text)
        return text.failure();
    return parseCluster(*text, path);
}

std::string clusterToJson(const Cluster &cluster)
{
    JsonWriter w(true);
    w.beginObject();
    w.key("format").value("pipecut-cluster");
    w.key("version").value(1);
    w.key("devices").beginArray();
    for (const ClusterDevice &d : cluster.devices) {
        w.beginObject();
        w.key("name").value(d.name);
        for (auto [key, v] : { std::pair { "speed", d.speed }, std::pair { "memory", d.memory },
                 std::pair { "bandwidth_in", d.bandwidthIn }, std::pair { "bandwidth_out", d.bandwidthOut } })
            if (v)
                w.key(key).value(*v);
        if (!d.profile.empty())
            w.key("profile").value(d.profile);
        if (!d.costs.empty())
            w.key("costs").value(d.costs);
        w.endObject();
    }
    w.endArray();
    w.endObject();
    return w.str() + "\n";
}

Result<CostParams> applyCluster(const CostParams &base, const Cluster &cluster, const DeviceProfile &reference)
{
    CostParams p = base.envelope();
    p.devices.clear();
    for (size_t j = 0; j < cluster.devices.size(); ++j) {
        const ClusterDevice &d = cluster.devices[j];
        StageDevice s;
        s.name = d.name;
        s.speed = d.speed.value_or(1.0);
        s.memoryLimit = d.memory ? d.memory : base.memoryLimit;
        s.bandwidthIn = d.bandwidthIn.value_or(base.bandwidth);
        s.bandwidthOut = d.bandwidthOut.value_or(base.bandwidth);
        s.costs = d.costs; // resolved against the graph by applyDeviceWork (device_work.h)
        if (!d.profile.empty()) {
            auto profile = findDeviceProfile(d.profile);
            if (!profile)
                return makeError(
                    cluster.source + ": device " + std::to_string(j + 1) + ": 'profile': " + profile.error());
            if (!d.speed && reference.flopsPerSecond > 0)
                s.speed = profile->flopsPerSecond / reference.flopsPerSecond;
            if (!d.memory && profile->memoryBytes > 0)
                s.memoryLimit = profile->memoryBytes;
        }
        p.devices.push_back(std::move(s));
    }
    if (Status st = p.validate(); !st)
        return makeError(cluster.source + ": " + st.error());
    CostParams withEnvelope = p.envelope();
    withEnvelope.devices = std::move(p.devices);
    return withEnvelope;
}

CostParams withDeviceOrder(const CostParams &params, const std::vector<int> &order)
{
    CostParams p = params;
    for (size_t j = 0; j < order.size(); ++j)
        p.devices[j] = params.devices[static_cast<size_t>(order[j])];
    return p;
}

Result<std::vector<int>> deviceOrderOf(const CostParams &params, const std::vector<std::string> &names)
{
    if (names.size() != params.devices.size())
        return makeError("\"devices\" names " + std::to_string(names.size()) + " devices but the cluster has "
            + std::to_string(params.devices.size()));
    std::vector<char> taken(params.devices.size(), 0);
    std::vector<int> order;
    for (size_t s = 0; s < names.size(); ++s) {
        size_t j = 0;
        while (j < params.devices.size() && (taken[j] || params.devices[j].name != names[s]))
            ++j;
        if (j == params.devices.size())
            return makeError("\"devices\" names '" + names[s] + "' for stage " + std::to_string(s + 1)
                + ", which the cluster "
                + (std::count(names.begin(), names.begin() + s, names[s]) ? "has no more of" : "does not have"));
        taken[j] = 1;
        order.push_back(static_cast<int>(j));
    }
    return order;
}

Result<std::vector<std::vector<int>>> distinctOrders(const CostParams &params, int64_t cap)
{
    const int k = static_cast<int>(params.devices.size());
    // Identical devices (same speed, memory and links) get the same class; a
    // distinct order is a sequence of classes, each realised by the first free
    // device of its class.
    std::vector<int> cls(k);
    std::vector<int> representative;
    for (int j = 0; j < k; ++j) {
        cls[j] = static_cast<int>(representative.size());
        for (size_t c = 0; c < representative.size(); ++c) {
            const StageDevice &a = params.devices[j], &b = params.devices[representative[c]];
            if (a.speed == b.speed && a.memoryLimit == b.memoryLimit && a.bandwidthIn == b.bandwidthIn
                && a.bandwidthOut == b.bandwidthOut && a.costs == b.costs) {
                cls[j] = static_cast<int>(c);
                break;
            }
        }
        if (cls[j] == static_cast<int>(representative.size()))
            representative.push_back(j);
    }
    // Count k! / prod(m_c!) without overflow.
    std::vector<int> mult(representative.size(), 0);
    for (int c : cls)
        ++mult[c];
    double count = 1;
    {
        int placed = 0;
        for (int m : mult)
            for (int i = 1; i <= m; ++i)
                count = count * ++placed / i;
    }
    if (count > double(cap))
        return makeError(ErrorKind::LimitExceeded,
            "--device-order free: the " + std::to_string(k) + " devices have " + formatNumber(std::round(count))
                + " distinct orders, more than the " + std::to_string(cap)
                + " pipecut tries; fix the order in the cluster file or group identical devices");
    std::vector<int> seq = cls; // the identity's class sequence, then its permutations
    std::vector<int> sorted = cls;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::vector<int>> out;
    auto realise = [&](const std::vector<int> &classes) {
        std::vector<std::vector<int>> members(representative.size());
        for (int j = k - 1; j >= 0; --j)
            members[cls[j]].push_back(j);
        std::vector<int> order(k);
        for (int j = 0; j < k; ++j) {
            order[j] = members[classes[j]].back();
            members[classes[j]].pop_back();
        }
        return order;
    };
    out.push_back(realise(seq));
    do {
        if (sorted != seq)
            out.push_back(realise(sorted));
    } while (std::next_permutation(sorted.begin(), sorted.end()));
    return out;
}

} // namespace pipecut
