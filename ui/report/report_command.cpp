#include "ui/report/report_command.h"

#include "core/bounds/bound.h"
#include "core/cli/common.h"
#include "core/cost/summary.h"
#include "core/partition/partitioner.h"
#include "core/util/quantity.h"
#include "ui/report/report.h"
#include "ui/report/study.h"

#include <QFileInfo>
#include <QGuiApplication>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace pipecut::report {

namespace {

using namespace pipecut::cli;

QtMessageHandler previousHandler = nullptr;

// Headless runs have no XDG_RUNTIME_DIR; Qt's warning about it is noise here.
void quietHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR not set")))
        return;
    if (previousHandler)
        previousHandler(type, context, message);
}

// The report draws text, which needs a QGuiApplication; pipecut-cli has none,
// so one is made for the command's duration (destroyed before static objects).
bool ensureGuiApplication(std::unique_ptr<QGuiApplication> &app, std::string &error)
{
    if (QCoreApplication *existing = QCoreApplication::instance()) {
        if (qobject_cast<QGuiApplication *>(existing))
            return true;
        error = "drawing a report needs a QGuiApplication, and this process already has a QCoreApplication";
        return false;
    }
    // Nothing is shown, so offscreen unless the user chose a platform; a chosen
    // X11 or Wayland platform without its display would abort in Qt, so it is
    // replaced by offscreen too.
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    const bool noDisplay = (platform.startsWith("xcb") && qEnvironmentVariableIsEmpty("DISPLAY"))
        || (platform.startsWith("wayland") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"));
    if (platform.isEmpty() || noDisplay)
        qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "pipecut-cli";
    static char *argv[] = { name, nullptr };
    previousHandler = qInstallMessageHandler(quietHandler);
    app = std::make_unique<QGuiApplication>(argc, argv);
    return true;
}

std::string baseName(const std::string &path)
{
    return QFileInfo(QString::fromStdString(path)).fileName().toStdString();
}

// What was written, and each side's bottleneck, bound and gap.
void printSummary(std::ostream &os, const ReportData &data, const std::string &out, const WrittenReport &written)
{
    char line[256];
    if (written.pixelWidth > 0)
        std::snprintf(line, sizeof line, "wrote %s (%d x %d pixels, scale %.4g)\n", out.c_str(), written.pixelWidth,
            written.pixelHeight, written.scale);
    else
        std::snprintf(line, sizeof line, "wrote %s (%.0f x %.0f points)\n", out.c_str(), written.width, written.height);
    os << line;
    for (const ReportSide &side : data.sides) {
        const Summary sum = summarize(side.evaluation, data.k, data.lowerBound);
        std::snprintf(line, sizeof line, "%.3f%%", 100 * sum.gap);
        os << side.label << ": bottleneck " << quantity::time(sum.bottleneck, data.units.time) << ", lower bound "
           << quantity::time(data.lowerBound, data.units.time) << " (" << data.provenBy << "), gap " << line << "\n";
    }
}

// The largest stage count readStages() accepts.
constexpr int kMaxReportStages = 100000;

// -o and --data: distinct files, each a regular file (or a link to one) or new,
// in a folder that can be written.
Status checkOutputs(const Args &args)
{
    std::vector<std::string> outputs { args.get("-o") };
    if (args.has("--data")) {
        outputs.push_back(args.get("--data"));
        if (sameFile(outputs[0], outputs[1]))
            return usageError("-o and --data name the same file '" + outputs[0] + "'");
    }
    for (const std::string &path : outputs) {
        auto target = outputTarget(path);
        if (!target)
            return target.failure();
        const QString dir = QFileInfo(QString::fromStdString(*target)).absolutePath();
        if (!QFileInfo(dir).isDir() || !QFileInfo(dir).isWritable())
            return makeError(ErrorKind::Internal, path + ": cannot write into the folder " + dir.toStdString());
    }
    return Ok {};
}

} // namespace

int runReportCommand(const std::vector<std::string> &argv, CliStreams s)
{
    Command c(s, "report", "report GRAPH [-p PARTITION.json] [-k K] -o OUT.(png|svg|pdf) [options]",
        "Render a report of a partition: the model, the cost parameters, the graph in stage colours, the "
        "stage table, per-stage bars against the proven lower bound, the gap, throughput and latency. "
        "With --compare, two partitions side by side with their per-stage differences. Runs headless. "
        "The date printed comes from SOURCE_DATE_EPOCH when set.");
    Args &args = c.args;
    args.positional("GRAPH", "graph file (any supported format)");
    args.option("-p", "PARTITION.json", "the partition to report (default: partition with --method)");
    args.option("-k", "K", "number of stages (default: the partition's, else the file's suggestion, else 4)");
    args.option("-o", "OUT", "output file: .png, .svg or .pdf (vector)");
    args.option("--compare", "PARTITION.json", "a second partition, shown side by side with the differences");
    args.option("--method", "METHOD", "partitioner when -p is not given (default auto)");
    args.option("--time-limit", "SECONDS", "partitioner time limit when -p is not given");
    args.option("--seed", "S", "partitioner seed (default 1)");
    args.option("--bound-time-limit", "SECONDS", "time limit of the lower bound (default 10)");
    args.option("--bound-method", "METHOD", "lower-bound method, as for 'bound --method' (default best)");
    args.option("--scale", "F", "PNG pixels per report unit (default 1; reduced to stay within 32,767 pixels)");
    args.option("--data", "FILE.json", "also write every figure of the report as JSON");
    addCommonOptions(args);
    return c.run(argv, [&]() -> Status {
        if (!args.has("-o"))
            return usageError("report needs -o OUT.png, OUT.svg or OUT.pdf");
        const std::string out = args.get("-o");
        const QString suffix = QFileInfo(QString::fromStdString(out)).suffix().toLower();
        if (suffix != QLatin1String("png") && suffix != QLatin1String("svg") && suffix != QLatin1String("pdf"))
            return usageError("-o must end in .png, .svg or .pdf, not '" + out + "'");
        auto boundLimit = args.getDouble("--bound-time-limit", 10.0);
        auto scale = args.getDouble("--scale", 1.0);
        if (Status st = firstError(boundLimit, scale, args.getDouble("--time-limit", 0.0), args.getInt("--seed", 1));
            !st)
            return st;
        if (*scale <= 0 || *boundLimit < 0)
            return usageError("--scale must be positive and --bound-time-limit not negative");

        // Every output is checked before any work, so a report is written with its --data or not at all.
        if (Status st = checkOutputs(args); !st)
            return st;
        if (Status st = c.load(); !st)
            return st;
        const Graph &g = c.graph();

        std::vector<Partition> partitions;
        ReportOptions options;
        options.boundTimeLimit = *boundLimit;
        options.boundMethod = args.get("--bound-method", "best");
        {
            BoundOptions check;
            check.method = options.boundMethod;
            if (Status st = check.validate(); !st)
                return st;
        }
        for (const char *option : { "-p", "--compare" }) {
            if (!args.has(option))
                continue;
            auto p = loadPartition(args.get(option), g);
            if (!p)
                return p.failure();
            partitions.push_back(std::move(p).value());
            options.labels.push_back(baseName(args.get(option)));
        }
        if (!partitions.empty() && !args.has("-k") && partitions.front().k() > kMaxReportStages)
            return makeError(args.get("-p") + ": " + std::to_string(partitions.front().k()) + " stages, more than the "
                + std::to_string(kMaxReportStages) + " a report can show");
        if (Status st = c.readStages(partitions.empty() ? c.defaultStages() : partitions.front().k()); !st)
            return st;
        for (size_t i = 0; i < partitions.size(); ++i)
            if (Status st = checkStages(options.labels[i], partitions[i], c.k()); !st)
                return st;
        if (!args.has("-p")) {
            PartitionOptions po;
            if (Status st = c.readPartitionOptions(po); !st)
                return st;
            auto r = runPartitioner(g, c.params(), po, interruptToken());
            if (!r)
                return r.failure().prefixed(c.graphPath() + ": ");
            partitions.insert(partitions.begin(), r->partition);
            options.labels.insert(options.labels.begin(), r->method);
        }

        auto data = buildReport(g, c.params(), partitions, options, interruptToken());
        if (!data && interruptSignal()) {
            // Stopped by a signal: the report of what was found, with a short bound.
            options.boundTimeLimit = std::min(options.boundTimeLimit, 0.2);
            data = buildReport(g, c.params(), partitions, options);
        }
        if (!data)
            return data.failure().prefixed(c.graphPath() + ": ");
        std::string error;
        std::unique_ptr<QGuiApplication> app;
        if (!ensureGuiApplication(app, error))
            return makeError(ErrorKind::Internal, error);
        WriteOptions wo;
        wo.scale = *scale;
        auto written = writeReport(*data, out, wo);
        if (!written)
            return written.failure();
        const std::string json = reportJson(*data);
        if (args.has("--data"))
            if (Status st = writeFileAtomically(args.get("--data"), json); !st) {
                if (const auto target = outputTarget(out))
                    std::remove(target->c_str()); // all outputs or none
                return st;
            }
        if (c.json()) {
            c.out() << json;
            return c.interrupted("the report of what was found so far is in " + out);
        }
        printSummary(c.out(), *data, out, *written);
        return c.interrupted("the report of what was found so far is in " + out);
    });
}

void registerReportCommand()
{
    registerCliCommand("report", runReportCommand);
    // `sweep merge -o` draws its study here too.
    cli::sweep::registerStudyRenderer([](const cli::sweep::Study &study, const std::string &path) -> Status {
        std::string error;
        std::unique_ptr<QGuiApplication> app;
        if (!ensureGuiApplication(app, error))
            return makeError(ErrorKind::Internal, error);
        auto written = writeStudy(study, path);
        if (!written)
            return written.failure();
        return Ok {};
    });
}

} // namespace pipecut::report
