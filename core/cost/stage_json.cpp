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

} // namespace pipecut
