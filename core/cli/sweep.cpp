#include "core/cli/sweep.h"

#include "core/io/graph_io.h"
#include "core/util/json_writer.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <unistd.h>

namespace pipecut::cli::sweep {

namespace {

constexpr size_t kPlanHashDigits = 16;

// Reads typed fields of one JSON line, keeping the first problem.
class Fields {
public:
    Fields(const QJsonObject &object, std::string where)
        : m_object(object)
        , m_where(std::move(where))
    {
    }
    std::string text(const char *key)
    {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (!v.isString())
            fail(key, "a string");
        return v.toString().toStdString();
    }
    double number(const char *key, bool optional = false)
    {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (optional && (v.isUndefined() || v.isNull()))
            return std::nan("");
        if (!v.isDouble())
            fail(key, "a number");
        return v.toDouble();
    }
    int whole(const char *key)
    {
        const double v = number(key);
        if (!(v >= 0 && v <= 1e9 && v == std::floor(v)))
            fail(key, "a whole number");
        return std::isfinite(v) ? static_cast<int>(v) : 0;
    }
    std::string optionalText(const char *key) const
    {
        return m_object.value(QLatin1String(key)).toString().toStdString();
    }
    Status status() const
    {
        if (m_error.empty())
            return Ok {};
        return makeError(m_where + ": " + m_error);
    }

private:
    void fail(const char *key, const char *what)
    {
        if (m_error.empty())
            m_error = std::string("\"") + key + "\" is missing or not " + what;
    }
    const QJsonObject &m_object;
    std::string m_where;
    std::string m_error;
};

Result<QJsonObject> parseLine(std::string_view line, const std::string &where, const char *what)
{
    QJsonParseError error;
    const QJsonDocument doc
        = QJsonDocument::fromJson(QByteArray(line.data(), static_cast<qsizetype>(line.size())), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(where + ": not a whole " + what + " line (truncated, or not JSON: "
            + (doc.isObject() || error.error != QJsonParseError::NoError ? error.errorString().toStdString()
                                                                         : std::string("not an object"))
            + ")");
    return doc.object();
}

// The lines of `text`; the last one is flagged when it has no newline.
std::vector<std::string_view> splitLines(std::string_view text, bool &unterminated)
{
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start < text.size()) {
        const size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            lines.push_back(text.substr(start));
            unterminated = true;
            break;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::string taskBody(const TaskOptions &o, const Task &t)
{
    JsonWriter w;
    w.beginObject();
    w.key("task").value(t.index);
    w.key("model").value(t.model);
    w.key("model_sha256").value(t.modelSha256);
    w.key("k").value(t.k);
    w.key("method").value(t.method);
    w.key("options").beginObject();
    w.key("bound").value(o.bound);
    w.key("time_limit").value(o.timeLimit);
    w.key("bound_time_limit").value(o.boundTimeLimit);
    w.key("seed").value(o.seed);
    if (!o.clusterSha256.empty()) // absent without a cluster: such plans keep their text
        w.key("cluster_sha256").value(o.clusterSha256);
    w.key("args").beginArray();
    for (const std::string &a : o.args)
        w.value(a);
    w.endArray();
    w.endObject();
    w.endObject();
    return w.str();
}

std::string withPlan(const std::string &hash, const std::string &body)
{
    return "{\"plan\":" + JsonWriter::quote(hash) + "," + body.substr(1);
}

std::string hashOf(const std::vector<std::string> &bodies)
{
    std::string all;
    for (const std::string &b : bodies)
        all += b + "\n";
    return sha256Hex(all).substr(0, kPlanHashDigits);
}

Result<TaskOptions> readOptions(const QJsonObject &line, const std::string &where)
{
    const QJsonValue value = line.value(QLatin1String("options"));
    if (!value.isObject())
        return makeError(where + ": \"options\" is missing or not an object");
    const QJsonObject object = value.toObject();
    Fields f(object, where + ": options");
    TaskOptions o;
    o.bound = f.text("bound");
    o.timeLimit = f.number("time_limit");
    o.boundTimeLimit = f.number("bound_time_limit");
    o.seed = static_cast<long long>(f.number("seed"));
    o.clusterSha256 = f.optionalText("cluster_sha256");
    for (const QJsonValue &a : object.value(QLatin1String("args")).toArray())
        o.args.push_back(a.toString().toStdString());
    if (Status st = f.status(); !st)
        return st.failure();
    return o;
}

} // namespace

std::string TaskOptions::clusterPath() const
{
    for (size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == "--cluster")
            return args[i + 1];
    return {};
}

std::string sha256Hex(std::string_view bytes)
{
    return QCryptographicHash::hash(
        QByteArrayView(bytes.data(), static_cast<qsizetype>(bytes.size())), QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}

std::string planText(Plan &plan)
{
    std::vector<std::string> bodies;
    for (const Task &t : plan.tasks)
        bodies.push_back(taskBody(plan.options, t));
    plan.hash = hashOf(bodies);
    std::string text;
    for (const std::string &b : bodies)
        text += withPlan(plan.hash, b) + "\n";
    return text;
}

Result<Plan> readPlan(const std::string &path)
{
    auto text = readFile(path);
    if (!text)
        return text.failure();
    bool unterminated = false;
    const auto lines = splitLines(*text, unterminated);
    if (lines.empty())
        return makeError(path + ": an empty plan (no tasks)");
    Plan plan;
    std::vector<std::string> bodies;
    for (size_t i = 0; i < lines.size(); ++i) {
        const std::string where = path + ":" + std::to_string(i + 1);
        auto object = parseLine(lines[i], where, "plan");
        if (!object)
            return object.failure();
        Fields f(*object, where);
        Task t;
        const std::string hash = f.text("plan");
        t.index = f.whole("task");
        t.model = f.text("model");
        t.modelSha256 = f.text("model_sha256");
        t.k = f.whole("k");
        t.method = f.text("method");
        if (Status st = f.status(); !st)
            return st.failure();
        auto options = readOptions(*object, where);
        if (!options)
            return options.failure();
        if (i == 0) {
            plan.hash = hash;
            plan.options = *options;
        }
        if (hash != plan.hash)
            return makeError(where + ": plan hash " + hash + " differs from the first line's " + plan.hash);
        if (t.index != static_cast<int>(i))
            return makeError(where + ": task " + std::to_string(t.index) + " where task " + std::to_string(i)
                + " was expected (tasks are numbered from 0 in order)");
        bodies.push_back(taskBody(*options, t));
        if (taskBody(plan.options, t) != bodies.back())
            return makeError(where + ": options differ from the first line's");
        plan.tasks.push_back(std::move(t));
    }
    if (hashOf(bodies) != plan.hash)
        return makeError(path + ": the plan hash " + plan.hash
            + " does not match its tasks (the file was edited after planning; plan again)");
    return plan;
}

std::string resultLine(const TaskResult &r)
{
    JsonWriter w;
    w.beginObject();
    w.key("plan").value(r.plan);
    w.key("task").value(r.task);
    w.key("model").value(r.model);
    w.key("model_sha256").value(r.modelSha256);
    w.key("k").value(r.k);
    w.key("method").value(r.method);
    w.key("status").value(r.status);
    const bool ok = r.status == kStatusOk;
    auto number = [&](const char *key, double v) {
        w.key(key);
        if (ok)
            w.value(v);
        else
            w.null();
    };
    w.key("method_used").value(r.methodUsed);
    number("bottleneck", r.bottleneck);
    number("lower_bound", r.lowerBound);
    w.key("bound_method").value(r.boundMethod);
    number("combinatorial_bound", r.combinatorial);
    number("gap", r.gap);
    w.key("optimal").value(ok && r.optimal);
    w.key("seconds").value(r.seconds);
    w.key("partition_seconds").value(r.partitionSeconds);
    w.key("bound_seconds").value(r.boundSeconds);
    w.key("message").value(r.message);
    w.key("version").value(r.version);
    w.key("host").value(r.host);
    w.endObject();
    return w.str();
}

namespace {

Result<TaskResult> parseResult(std::string_view line, const std::string &where, const Plan &plan)
{
    auto object = parseLine(line, where, "result");
    if (!object)
        return object.failure();
    Fields f(*object, where);
    TaskResult r;
    r.plan = f.text("plan");
    if (Status st = f.status(); !st)
        return st.failure();
    if (r.plan != plan.hash)
        return makeError(
            where + ": a result of plan " + r.plan + ", not of this plan (" + plan.hash + "): use another output file");
    r.task = f.whole("task");
    r.model = f.text("model");
    r.modelSha256 = f.text("model_sha256");
    r.k = f.whole("k");
    r.method = f.text("method");
    r.status = f.text("status");
    r.seconds = f.number("seconds");
    if (r.status == kStatusOk) {
        r.bottleneck = f.number("bottleneck");
        r.lowerBound = f.number("lower_bound");
        r.combinatorial = f.number("combinatorial_bound");
        r.gap = f.number("gap");
    } else if (r.status != kStatusInfeasible && r.status != kStatusRefused && r.status != kStatusNoPartition
        && r.status != kStatusError) {
        return makeError(where + ": unknown status '" + r.status + "'");
    }
    if (Status st = f.status(); !st)
        return st.failure();
    r.methodUsed = f.optionalText("method_used");
    r.boundMethod = f.optionalText("bound_method");
    r.message = f.optionalText("message");
    r.version = f.optionalText("version");
    r.host = f.optionalText("host");
    r.optimal = object->value(QLatin1String("optimal")).toBool();
    r.partitionSeconds = object->value(QLatin1String("partition_seconds")).toDouble();
    r.boundSeconds = object->value(QLatin1String("bound_seconds")).toDouble();
    if (r.task >= static_cast<int>(plan.tasks.size()))
        return makeError(where + ": task " + std::to_string(r.task) + " is not in the plan ("
            + std::to_string(plan.tasks.size()) + " tasks)");
    const Task &t = plan.tasks[static_cast<size_t>(r.task)];
    if (t.model != r.model || t.modelSha256 != r.modelSha256 || t.k != r.k || t.method != r.method)
        return makeError(where + ": the result of task " + std::to_string(r.task) + " does not match the plan's task");
    return r;
}

} // namespace

Result<std::vector<TaskResult>> readResults(const std::string &path, const Plan &plan, bool missingOk)
{
    std::error_code ec;
    if (missingOk && !std::filesystem::exists(path, ec))
        return std::vector<TaskResult> {};
    auto text = readFile(path);
    if (!text)
        return text.failure();
    bool unterminated = false;
    const auto lines = splitLines(*text, unterminated);
    std::vector<TaskResult> results;
    for (size_t i = 0; i < lines.size(); ++i) {
        const std::string where = path + ":" + std::to_string(i + 1);
        if (i + 1 == lines.size() && unterminated)
            return makeError(where + ": a truncated result line (no newline at the end); remove it to go on");
        auto r = parseResult(lines[i], where, plan);
        if (!r)
            return r.failure();
        results.push_back(std::move(r).value());
    }
    return results;
}

Status appendResult(const std::string &path, std::string &text, const std::string &line)
{
    const std::string next = text + line + "\n";
    if (Status st = writeFileAtomically(path, next); !st)
        return st;
    text = next;
    return Ok {};
}

Result<OutputLock> OutputLock::acquire(const std::string &path)
{
    const std::string lockPath = path + ".lock";
    const int fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return makeError(ErrorKind::Internal, lockPath + ": cannot open: " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd);
        if (err == EWOULDBLOCK)
            return makeError(path + ": another 'sweep run' is writing this file (it holds " + lockPath
                + "); give each shard its own output file");
        return makeError(ErrorKind::Internal, lockPath + ": cannot lock: " + std::strerror(err));
    }
    return OutputLock(fd);
}

OutputLock::OutputLock(OutputLock &&other) noexcept
    : m_fd(other.m_fd)
{
    other.m_fd = -1;
}

OutputLock::~OutputLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // releases the flock
}

std::vector<int> shardTasks(const Plan &plan, int index, int count)
{
    std::vector<int> tasks;
    for (int t = index; t < static_cast<int>(plan.tasks.size()); t += count)
        tasks.push_back(t);
    return tasks;
}

} // namespace pipecut::cli::sweep
