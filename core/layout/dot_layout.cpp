#include "core/layout/dot_layout.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace pipecut {

namespace {

std::string points(double sceneUnits)
{
    return std::to_string(sceneUnits / 72.0);
} // inches

void writeAll(int fd, const void *data, size_t size)
{
    const char *p = static_cast<const char *>(data);
    while (size > 0) {
        ssize_t w = ::write(fd, p, size);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(3);
        p += w;
        size -= static_cast<size_t>(w);
    }
}

// Runs in the child process only: lays the graph out and writes n (x, y) pairs
// of doubles in Graphviz points (y up) to `fd`, then exits without unwinding.
[[noreturn]] void childLayout(const Graph &graph, const LayoutOptions &options, int fd)
{
    int devNull = ::open("/dev/null", O_WRONLY);
    if (devNull >= 0)
        ::dup2(devNull, STDERR_FILENO); // Graphviz warnings are not ours to print
    GVC_t *gvc = gvContext();
    Agraph_t *g = agopen(const_cast<char *>("g"), Agdirected, nullptr);
    const bool vertical = options.direction == LayoutDirection::TopToBottom;
    auto set = [](void *obj, int kind, const char *name, const std::string &value) {
        agattr(static_cast<Agraph_t *>(obj), kind, const_cast<char *>(name), const_cast<char *>(value.c_str()));
    };
    set(g, AGRAPH, "rankdir", vertical ? "TB" : "LR");
    set(g, AGRAPH, "splines", "line");
    set(g, AGRAPH, "nodesep", points(options.nodeGap));
    set(g, AGRAPH, "ranksep", points(options.rankGap));
    set(g, AGNODE, "shape", "box");
    set(g, AGNODE, "fixedsize", "true");
    set(g, AGNODE, "label", "");
    set(g, AGNODE, "width", points(options.nodeWidth));
    set(g, AGNODE, "height", points(options.nodeHeight));
    const int32_t n = graph.nodeCount();
    std::vector<Agnode_t *> nodes(static_cast<size_t>(n));
    for (int32_t v = 0; v < n; ++v)
        nodes[v] = agnode(g, const_cast<char *>(std::to_string(v).c_str()), 1);
    for (const auto &[u, v] : graph.edges())
        agedge(g, nodes[index(u)], nodes[index(v)], nullptr, 1);
    if (gvLayout(gvc, g, "dot") != 0)
        _exit(2);
    std::vector<double> xy(static_cast<size_t>(2 * n));
    for (int32_t v = 0; v < n; ++v) {
        xy[2 * v] = ND_coord(nodes[v]).x;
        xy[2 * v + 1] = ND_coord(nodes[v]).y;
    }
    writeAll(fd, xy.data(), xy.size() * sizeof(double));
    ::close(fd);
    _exit(0);
}

std::string formatSeconds(double s)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

} // namespace

Result<Layout> dotLayout(const Graph &graph, const LayoutOptions &options, const StopToken &stop)
{
    Deadline deadline(options.budgetSeconds);
    const int32_t n = graph.nodeCount();
    int pipeFds[2];
    if (::pipe(pipeFds) != 0)
        return makeError(std::string("dot layout: cannot create a pipe: ") + std::strerror(errno));
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(pipeFds[0]);
        ::close(pipeFds[1]);
        return makeError(std::string("dot layout: cannot fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        ::close(pipeFds[0]);
        childLayout(graph, options, pipeFds[1]);
    }
    ::close(pipeFds[1]);
    const int fd = pipeFds[0];

    std::vector<double> xy(static_cast<size_t>(2 * n));
    const size_t wanted = xy.size() * sizeof(double);
    size_t got = 0;
    std::string failure;
    ErrorKind failureKind = ErrorKind::Internal;
    while (true) {
        if (stop.stopRequested()) {
            failure = "dot layout cancelled";
            failureKind = ErrorKind::Stopped;
            break;
        }
        if (deadline.expired()) {
            failure = "dot exceeded its " + formatSeconds(options.budgetSeconds) + " s budget";
            failureKind = ErrorKind::Stopped;
            break;
        }
        pollfd p { fd, POLLIN, 0 };
        int ready = ::poll(&p, 1, 50);
        if (ready < 0 && errno != EINTR) {
            failure = std::string("dot layout: poll failed: ") + std::strerror(errno);
            break;
        }
        if (ready <= 0)
            continue;
        ssize_t r = ::read(fd, reinterpret_cast<char *>(xy.data()) + got, wanted - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; // EOF: the child is done (or died)
        got += static_cast<size_t>(r);
    }
    ::close(fd);
    if (!failure.empty())
        ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    if (!failure.empty())
        return makeError(failureKind, failure);
    if (got != wanted || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return makeError("Graphviz dot failed to lay the graph out");

    Layout layout;
    layout.engine = "dot";
    layout.centres.resize(static_cast<size_t>(n));
    double minX = 0, maxX = 0, minY = 0, maxY = 0;
    for (int32_t v = 0; v < n; ++v) {
        const double x = xy[2 * v], y = xy[2 * v + 1];
        if (v == 0 || x < minX)
            minX = x;
        if (v == 0 || x > maxX)
            maxX = x;
        if (v == 0 || y < minY)
            minY = y;
        if (v == 0 || y > maxY)
            maxY = y;
    }
    const double halfW = options.nodeWidth / 2, halfH = options.nodeHeight / 2;
    for (int32_t v = 0; v < n; ++v)
        layout.centres[v] = { xy[2 * v] - minX + halfW, maxY - xy[2 * v + 1] + halfH }; // flip: y down
    layout.width = n == 0 ? 0 : maxX - minX + options.nodeWidth;
    layout.height = n == 0 ? 0 : maxY - minY + options.nodeHeight;
    layout.seconds = deadline.elapsed();
    return layout;
}

} // namespace pipecut
