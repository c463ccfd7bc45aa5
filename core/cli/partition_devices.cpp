// A partition file's "devices" (docs/model.md §6) against --cluster.
#include "core/cli/common.h"

namespace pipecut::cli {

Result<CostParams> paramsForPartition(const Command &c, const std::string &path)
{
    auto names = loadPartitionDevices(path);
    if (!names)
        return names.failure();
    if (names->empty() || !c.params().hasDevices())
        return c.params();
    auto order = deviceOrderOf(c.params(), *names);
    if (!order)
        return order.failure().prefixed(
            path + ": " + (c.cluster() ? "against the cluster " + c.cluster()->source + ": " : std::string()));
    return withDeviceOrder(c.params(), *order);
}

std::vector<std::string> deviceNames(const CostParams &params)
{
    std::vector<std::string> names;
    for (const StageDevice &d : params.devices)
        names.push_back(d.name);
    return names;
}

} // namespace pipecut::cli
