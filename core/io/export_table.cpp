// The stage table as CSV (RFC 4180) for spreadsheets.
#include "core/cost/evaluate.h"
#include "core/io/exports.h"
#include "core/io/readers.h"

namespace pipecut {

namespace {

// RFC 4180, section 2: quote a field holding a comma, a quote or a line break;
// double the quotes inside.
std::string csvField(std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(text);
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

} // namespace

std::string exportStageCsv(const Graph &graph, const CostParams &params, const Partition &partition)
{
    const Evaluation ev = evaluate(graph, params, partition);
    const auto members = partition.members();
    std::string out = "stage,nodes,work,comm_in,comm_out,param,cost,node_ids\r\n";
    for (int s = 0; s < partition.k(); ++s) {
        const StageCost &c = ev.stages[s];
        std::string ids;
        for (NodeId v : members[s]) {
            if (!ids.empty())
                ids += ' ';
            ids += graph.id(v);
        }
        out += std::to_string(s + 1) + ',' + std::to_string(c.nodes) + ',' + io::exactNumber(c.work) + ','
            + io::exactNumber(c.commIn) + ',' + io::exactNumber(c.commOut) + ',' + io::exactNumber(c.param) + ','
            + io::exactNumber(c.cost) + ',' + csvField(ids) + "\r\n";
    }
    return out;
}

} // namespace pipecut
