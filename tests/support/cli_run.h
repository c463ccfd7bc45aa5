#pragma once
// Test support: pipecut-cli run in-process through runCli() with both streams
// captured, for the tests that check exit statuses and messages.

#include <QJsonObject>

#include <string>
#include <vector>

namespace pipecut::test {

struct CliRun {
    int code = 0;
    std::string out, err;
    QJsonObject json() const; // stdout parsed as one JSON object (empty when it is not one)
};

CliRun cli(const std::vector<std::string> &args);

} // namespace pipecut::test
