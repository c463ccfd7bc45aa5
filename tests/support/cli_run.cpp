#include "tests/support/cli_run.h"

#include "core/cli/cli.h"

#include <QJsonDocument>

#include <sstream>

namespace pipecut::test {

QJsonObject CliRun::json() const
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(out)).object();
}

CliRun cli(const std::vector<std::string> &args)
{
    std::ostringstream out, err;
    CliStreams s { out, err };
    const int code = runCli(args, s);
    return { code, out.str(), err.str() };
}

} // namespace pipecut::test
