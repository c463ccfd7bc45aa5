#include "core/cost/device_profile.h"

namespace pipecut {

// Peak figures from the vendors' public data sheets. Dense (no sparsity) tensor
// throughput at the stated precision; link = one direction of the device's
// scale-up interconnect.
const std::vector<DeviceProfile> &builtinDeviceProfiles()
{
    static const std::vector<DeviceProfile> profiles = {
        {"a100-fp16", "NVIDIA A100 SXM4 80GB: 312 TFLOP/s dense FP16/BF16 tensor, 2039 GB/s HBM2e, "
                      "NVLink 3 300 GB/s per direction",
         312e12, 2039e9, 300e9, 80e9},
        {"v100-fp16", "NVIDIA V100 SXM2 32GB: 125 TFLOP/s FP16 tensor, 900 GB/s HBM2, NVLink 2 150 GB/s per direction",
         125e12, 900e9, 150e9, 32e9},
        {"h100-fp16", "NVIDIA H100 SXM5 80GB: 989 TFLOP/s dense FP16/BF16 tensor, 3350 GB/s HBM3, "
                      "NVLink 4 450 GB/s per direction",
         989e12, 3350e9, 450e9, 80e9},
        {"t4-fp16", "NVIDIA T4: 65 TFLOP/s FP16 tensor, 320 GB/s GDDR6, PCIe 3.0 x16 ~16 GB/s per direction",
         65e12, 320e9, 16e9, 16e9},
    };
    return profiles;
}

const DeviceProfile &defaultDeviceProfile()
{
    return builtinDeviceProfiles().front();
}

Result<DeviceProfile> findDeviceProfile(const std::string &nameOrPath)
{
    for (const DeviceProfile &p : builtinDeviceProfiles())
        if (p.name == nameOrPath)
            return p;
    std::string names;
    for (const DeviceProfile &p : builtinDeviceProfiles())
        names += (names.empty() ? "" : ", ") + p.name;
    return makeError("unknown device profile '" + nameOrPath + "' (built-in: " + names + ")");
}

} // namespace pipecut
