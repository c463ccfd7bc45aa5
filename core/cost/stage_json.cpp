#include "core/cost/stage_json.h"

namespace pipecut {

void writeStageCostFields(JsonWriter &w, const StageCost &c)
{
    w.key("cost").value(c.cost);
    w.key("work").value(c.work);
    w.key("comm_in").value(c.commIn);
    w.key("comm_out").value(c.commOut);
    w.key("param").value(c.param);
}

void writeStageDeviceFields(JsonWriter &w, const StageDevice &d)
{
    w.key("device").value(d.name);
    w.key("speed").value(d.speed);
    if (d.memoryLimit)
        w.key("memory_limit").value(*d.memoryLimit);
    w.key("bandwidth_in").value(d.bandwidthIn);
    w.key("bandwidth_out").value(d.bandwidthOut);
}

} // namespace pipecut
