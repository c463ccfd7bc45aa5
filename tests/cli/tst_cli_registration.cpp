// Commands supplied from outside core/ (report): unavailable until registered,
// with a clear message, then dispatched like any other command.
#include "core/cli/cli.h"

#include <QTest>

#include <sstream>

using namespace pipecut;

class TestCliRegistration : public QObject {
    Q_OBJECT
private slots:
    void reportIsListedButUnavailableUntilRegistered()
    {
        std::ostringstream out, err;
        QCOMPARE(runCli({ "--help" }, { out, err }), int(kExitOk));
        QVERIFY(out.str().find("report") != std::string::npos);
        out.str("");
        QCOMPARE(runCli({ "report", "g.json", "-o", "r.png" }, { out, err }), int(kExitFailure));
        QVERIFY2(err.str().find("'report' is not available in this build") != std::string::npos, err.str().c_str());
    }

    void registeredCommandReceivesItsArguments()
    {
        std::vector<std::string> seen;
        registerCliCommand("report", [&seen](const std::vector<std::string> &args, CliStreams s) {
            seen = args;
            s.out << "drawn\n";
            return 0;
        });
        std::ostringstream out, err;
        QCOMPARE(runCli({ "report", "g.json", "-o", "r.png" }, { out, err }), 0);
        QCOMPARE(seen, (std::vector<std::string> { "g.json", "-o", "r.png" }));
        QCOMPARE(out.str(), std::string("drawn\n"));
        // Names outside the table stay unknown (usage error), registered or not.
        registerCliCommand("nonsense", [](const std::vector<std::string> &, CliStreams) { return 0; });
        QCOMPARE(runCli({ "nonsense" }, { out, err }), int(kExitUsage));
    }
};

QTEST_GUILESS_MAIN(TestCliRegistration)
#include "tst_cli_registration.moc"
