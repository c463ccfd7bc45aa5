#include "core/cost/device_profile.h"

#include "core/cost/json_object.h"

#include <simdjson.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

namespace pipecut {

// Peak figures from the vendors' public data sheets, checked against them:
//   A100: "NVIDIA A100 Tensor Core GPU" data sheet (A100 80GB SXM column):
//         FP16/BF16 Tensor Core 312 TFLOPS (624 with sparsity), 2,039 GB/s,
//         NVLink 600 GB/s (both directions together).
//   V100: "NVIDIA Tesla V100" data sheet (SXM2): Tensor 125 TFLOPS, HBM2 900 GB/s,
//         NVLink 300 GB/s (both directions).
//   H100: "NVIDIA H100 Tensor Core GPU" data sheet (SXM): FP16/BF16 Tensor Core
//         1,979 TFLOPS with sparsity = 989 dense, 3.35 TB/s, NVLink 900 GB/s.
//   H200: "NVIDIA H200 Tensor Core GPU" data sheet (SXM): FP16/BF16 1,979 TFLOPS with
//         sparsity = 989 dense, 141 GB HBM3e at 4.8 TB/s, NVLink 900 GB/s.
//   L4:   "NVIDIA L4" data sheet: FP16 Tensor Core 242 TFLOPS with sparsity = 121
//         dense, 300 GB/s, PCIe Gen4 x16 64 GB/s (both directions).
//   T4:   "NVIDIA T4" data sheet: mixed-precision FP16/FP32 65 TFLOPS, 320 GB/s,
//         PCIe Gen3 x16 (~15.75 GB/s per direction).
// Dense (no sparsity) tensor throughput at the stated precision; link = one
// direction of the device's scale-up interconnect, since a stage boundary
// streams activations one way.
namespace {

std::vector<DeviceProfile> withServingNames(std::vector<DeviceProfile> profiles)
{
    // The same figures under the names LLM serving uses (memory size in the
    // name); the Hugging Face config reader's default is a100-80g.
    for (const auto &[name, from] : { std::pair { "a100-80g", "a100-fp16" }, std::pair { "h100-80g", "h100-fp16" },
             std::pair { "l4-24g", "l4-fp16" } })
        for (size_t i = 0, n = profiles.size(); i < n; ++i)
            if (profiles[i].name == from) {
                DeviceProfile alias = profiles[i];
                alias.name = name;
                profiles.push_back(std::move(alias));
            }
    return profiles;
}

} // namespace

const std::vector<DeviceProfile> &builtinDeviceProfiles()
{
    static const std::vector<DeviceProfile> profiles = withServingNames({
        { "a100-fp16",
            "NVIDIA A100 SXM4 80GB: 312 TFLOP/s dense FP16/BF16 tensor, 2039 GB/s HBM2e, "
            "NVLink 3 300 GB/s per direction",
            312e12, 2039e9, 300e9, 80e9 },
        { "v100-fp16", "NVIDIA V100 SXM2 32GB: 125 TFLOP/s FP16 tensor, 900 GB/s HBM2, NVLink 2 150 GB/s per direction",
            125e12, 900e9, 150e9, 32e9 },
        { "h100-fp16",
            "NVIDIA H100 SXM5 80GB: 989 TFLOP/s dense FP16/BF16 tensor, 3350 GB/s HBM3, "
            "NVLink 4 450 GB/s per direction",
            989e12, 3350e9, 450e9, 80e9 },
        { "l4-fp16",
            "NVIDIA L4 24GB: 121 TFLOP/s dense FP16 tensor, 300 GB/s GDDR6, PCIe 4.0 x16 32 GB/s per direction", 121e12,
            300e9, 32e9, 24e9 },
        { "h200-141g",
            "NVIDIA H200 SXM 141GB: 989 TFLOP/s dense BF16/FP16 tensor, 4800 GB/s HBM3e, 141 GB, "
            "NVLink 4 450 GB/s per direction",
            989e12, 4800e9, 450e9, 141e9 },
        { "t4-fp16", "NVIDIA T4: 65 TFLOP/s FP16 tensor, 320 GB/s GDDR6, PCIe 3.0 x16 ~16 GB/s per direction", 65e12,
            320e9, 16e9, 16e9 },
    });
    return profiles;
}

const DeviceProfile &defaultDeviceProfile()
{
    return builtinDeviceProfiles().front();
}

Result<DeviceProfile> parseDeviceProfile(std::string_view json, const std::string &name)
{
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(json);
    auto parsed = parseJsonObject(parser, padded, name, "device profile");
    if (!parsed)
        return parsed.failure();
    simdjson::dom::object object = *parsed;

    DeviceProfile p;
    std::string_view text;
    if (object["format"].get(text) == simdjson::SUCCESS && text != "pipecut-device")
        return makeError(name + ": field 'format' is '" + std::string(text) + "', expected 'pipecut-device'");
    if (object["name"].get(text) != simdjson::SUCCESS || text.empty())
        return makeError(name + ": field 'name' (a non-empty string) is missing");
    p.name = std::string(text);
    if (object["description"].get(text) == simdjson::SUCCESS)
        p.description = std::string(text);

    auto number = [&](const char *field, bool required, double &out) -> Status {
        simdjson::dom::element e;
        if (object[field].get(e) != simdjson::SUCCESS) {
            if (required)
                return makeError(name + ": field '" + field + "' (a positive number) is missing");
            return Ok {};
        }
        double v = 0;
        if (e.get(v) != simdjson::SUCCESS) {
            int64_t i = 0;
            uint64_t u = 0;
            if (e.get(i) == simdjson::SUCCESS)
                v = static_cast<double>(i);
            else if (e.get(u) == simdjson::SUCCESS)
                v = static_cast<double>(u);
            else
                return makeError(name + ": field '" + field + "' must be a number");
        }
        if (!std::isfinite(v) || v < 0 || (required && v == 0))
            return makeError(name + ": field '" + field + "' must be " + (required ? "positive" : "non-negative"));
        out = v;
        return Ok {};
    };
    for (auto [field, required, out] : { std::tuple { "flops_per_second", true, &p.flopsPerSecond },
             std::tuple { "memory_bytes_per_second", true, &p.memoryBytesPerSecond },
             std::tuple { "link_bytes_per_second", true, &p.linkBytesPerSecond },
             std::tuple { "memory_bytes", false, &p.memoryBytes } }) {
        Status s = number(field, required, *out);
        if (!s)
            return s.failure();
    }
    return p;
}

Result<std::string> readSmallFile(const std::string &path, size_t maxBytes, const std::string &what)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError(path + ": cannot open " + what);
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > maxBytes)
        return makeError(path + ": a " + what + " is a small JSON file; this one is over "
            + std::to_string(maxBytes >> 20) + " MiB");
    return text.str();
}

Result<DeviceProfile> loadDeviceProfile(const std::string &path)
{
    auto text = readSmallFile(path, 1u << 20, "device profile");
    if (!text)
        return text.failure();
    return parseDeviceProfile(*text, path);
}

std::string deviceProfileToJson(const DeviceProfile &p)
{
    auto num = [](double v) {
        std::ostringstream s;
        s.precision(17);
        s << v;
        return s.str();
    };
    auto str = [](const std::string &v) {
        std::string out = "\"";
        for (char c : v) {
            if (c == '"' || c == '\\')
                out += '\\';
            if (static_cast<unsigned char>(c) < 0x20)
                continue;
            out += c;
        }
        return out + "\"";
    };
    return "{\"format\": \"pipecut-device\", \"version\": 1, \"name\": " + str(p.name)
        + ", \"description\": " + str(p.description) + ", \"flops_per_second\": " + num(p.flopsPerSecond)
        + ", \"memory_bytes_per_second\": " + num(p.memoryBytesPerSecond) + ", \"link_bytes_per_second\": "
        + num(p.linkBytesPerSecond) + ", \"memory_bytes\": " + num(p.memoryBytes) + "}\n";
}

Result<DeviceProfile> findDeviceProfile(const std::string &nameOrPath)
{
    for (const DeviceProfile &p : builtinDeviceProfiles())
        if (p.name == nameOrPath)
            return p;
    std::error_code ec;
    if (std::filesystem::is_regular_file(nameOrPath, ec))
        return loadDeviceProfile(nameOrPath);
    std::string names;
    for (const DeviceProfile &p : builtinDeviceProfiles())
        names += (names.empty() ? "" : ", ") + p.name;
    return makeError(
        "unknown device profile '" + nameOrPath + "' (built-in: " + names + "; or the path of a JSON profile)");
}

} // namespace pipecut
