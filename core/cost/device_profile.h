#pragma once
// Device profiles: a FLOP rate, a memory bandwidth and a link bandwidth that
// turn FLOP and byte estimates (ONNX) or bytes (PipeDream activations) into time.
// Built-ins carry public peak figures (see device_profile.cpp for sources and
// precision); users add their own in JSON.

#include "core/util/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace pipecut {

struct DeviceProfile {
    std::string name; // e.g. "a100-fp16"
    std::string description; // what the figures are, with precision
    double flopsPerSecond = 0; // peak FLOP/s
    double memoryBytesPerSecond = 0; // device memory bandwidth, B/s
    double linkBytesPerSecond = 0; // stage-to-stage link bandwidth, B/s
    double memoryBytes = 0; // device memory capacity (for a memory limit), 0 = unknown
};

const std::vector<DeviceProfile> &builtinDeviceProfiles();
const DeviceProfile &defaultDeviceProfile();
// A built-in by name, or a user profile from a JSON file path.
Result<DeviceProfile> findDeviceProfile(const std::string &nameOrPath);

// A user-defined profile (rates per second, sizes in bytes):
//   {"format": "pipecut-device", "version": 1, "name": "my-npu",
//    "description": "vendor sheet, FP16 dense",
//    "flops_per_second": 1.0e14, "memory_bytes_per_second": 8.0e11,
//    "link_bytes_per_second": 2.5e10, "memory_bytes": 3.2e10}
// "format", "version", "description" and "memory_bytes" are optional; the three
// rates are required and must be positive. Errors name the file and the field.
Result<DeviceProfile> parseDeviceProfile(std::string_view json, const std::string &name);
Result<DeviceProfile> loadDeviceProfile(const std::string &path);
// The text of a small file (a profile, a cluster description): an error naming
// `path` and `what` when it cannot be opened or is over maxBytes.
Result<std::string> readSmallFile(const std::string &path, size_t maxBytes, const std::string &what);
std::string deviceProfileToJson(const DeviceProfile &profile);

} // namespace pipecut
