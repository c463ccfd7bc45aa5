// Format names, detection by content, loading with resource limits, and the
// file helpers (reading whole files, writing atomically).
#include "core/io/graph_io.h"

#include "core/io/json_support.h"
#include "core/io/onnx_reader.h"
#include "core/io/readers.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace pipecut {

namespace {

struct FormatEntry {
    GraphFormat format;
    const char *name;
};

constexpr std::array<FormatEntry, 8> kFormats = { {
    { GraphFormat::Auto, "auto" },
    { GraphFormat::PipecutJson, "pipecut-json" },
    { GraphFormat::DnnPartitioning, "dnn-partitioning" },
    { GraphFormat::PipeDream, "pipedream" },
    { GraphFormat::Piper, "piper" },
    { GraphFormat::Dot, "dot" },
    { GraphFormat::Onnx, "onnx" },
    { GraphFormat::HfConfig, "hf-config" },
} };

std::string lowerExtension(std::string_view path)
{
    const size_t slash = path.find_last_of('/');
    const size_t dot = path.find_last_of('.');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash))
        return {};
    std::string ext(path.substr(dot + 1));
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}

bool contains(std::string_view text, std::string_view what)
{
    return text.find(what) != std::string_view::npos;
}

// Skips a UTF-8 byte order mark, white space and DOT/C comments.
std::string_view skipLeadingNoise(std::string_view head)
{
    if (head.substr(0, 3) == "\xEF\xBB\xBF")
        head.remove_prefix(3);
    while (!head.empty()) {
        const char c = head.front();
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            head.remove_prefix(1);
        } else if (head.substr(0, 2) == "//" || c == '#') {
            const size_t nl = head.find('\n');
            head.remove_prefix(nl == std::string_view::npos ? head.size() : nl);
        } else if (head.substr(0, 2) == "/*") {
            const size_t end = head.find("*/", 2);
            head.remove_prefix(end == std::string_view::npos ? head.size() : end + 2);
        } else {
            break;
        }
    }
    return head;
}

bool startsWithWord(std::string_view text, std::string_view word)
{
    if (text.size() < word.size())
        return false;
    for (size_t i = 0; i < word.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != word[i])
            return false;
    return text.size() == word.size() || !std::isalnum(static_cast<unsigned char>(text[word.size()]));
}

// ONNX files are protobuf: ModelProto starts with field 1 (ir_version, varint),
// tag byte 0x08, followed by a small version number.
bool looksLikeOnnx(std::string_view head)
{
    return head.size() >= 2 && head[0] == 0x08 && static_cast<unsigned char>(head[1]) < 0x40;
}

bool looksBinary(std::string_view head)
{
    const size_t n = std::min<size_t>(head.size(), 4096);
    size_t odd = 0;
    for (size_t i = 0; i < n; ++i) {
        const unsigned char c = static_cast<unsigned char>(head[i]);
        if (c == 0)
            return true;
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')
            ++odd;
    }
    return n > 0 && odd * 10 > n;
}

std::string knownFormats()
{
    std::string s;
    for (const auto &f : kFormats)
        if (f.format != GraphFormat::Auto)
            s += (s.empty() ? "" : ", ") + std::string(f.name);
    return s;
}

std::string fileStem(const std::string &path)
{
    return std::filesystem::path(path).stem().string();
}

// An input file opened for reading after checking what it is: a regular file
// (its size checked against the limit before anything is read) or a pipe
// (opened without blocking, so a FIFO nobody writes to reads as empty instead
// of hanging in open). Directories, devices and sockets are refused.
class InputFile {
public:
    static Result<InputFile> open(const std::string &path, int64_t maxBytes)
    {
        struct stat st { };
        if (::stat(path.c_str(), &st) != 0)
            return makeError(path + ": cannot open: " + std::strerror(errno));
        if (Status kind = checkKind(path, st); !kind)
            return kind.failure();
        if (S_ISREG(st.st_mode) && st.st_size > maxBytes)
            return sizeError(path, st.st_size, maxBytes);
        InputFile file;
        file.m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (file.m_fd < 0)
            return makeError(path + ": cannot open: " + std::strerror(errno));
        // The file may have been replaced between stat and open: check again.
        if (::fstat(file.m_fd, &st) != 0)
            return makeError(path + ": cannot read: " + std::strerror(errno));
        if (Status kind = checkKind(path, st); !kind)
            return kind.failure();
        if (S_ISREG(st.st_mode) && st.st_size > maxBytes)
            return sizeError(path, st.st_size, maxBytes);
        ::fcntl(file.m_fd, F_SETFL, ::fcntl(file.m_fd, F_GETFL) & ~O_NONBLOCK);
        file.m_regular = S_ISREG(st.st_mode);
        file.m_size = st.st_size;
        return file;
    }
    InputFile(InputFile &&other) noexcept
        : m_fd(std::exchange(other.m_fd, -1))
        , m_regular(other.m_regular)
        , m_size(other.m_size)
    {
    }
    InputFile &operator=(InputFile &&) = delete;
    ~InputFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int fd() const { return m_fd; }
    bool regular() const { return m_regular; }
    int64_t size() const { return m_size; }

    // The first bytes, without moving the read position of a regular file.
    std::string head(size_t bytes) const
    {
        std::string text(bytes, '\0');
        const ssize_t got = ::pread(m_fd, text.data(), bytes, 0);
        text.resize(got > 0 ? static_cast<size_t>(got) : 0);
        return text;
    }

    // Everything from the read position, refused past `maxBytes`; with
    // io::kJsonPadding spare capacity.
    Result<std::string> readAll(const std::string &path, int64_t maxBytes) const
    {
        std::string data;
        if (m_regular)
            data.reserve(static_cast<size_t>(m_size) + io::kJsonPadding);
        char buf[1 << 16];
        while (true) {
            const ssize_t got = ::read(m_fd, buf, sizeof buf);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0)
                return makeError(path + ": read error: " + std::strerror(errno));
            if (got == 0)
                break;
            if (static_cast<int64_t>(data.size()) + got > maxBytes)
                return makeError(ErrorKind::LimitExceeded,
                    path + ": more than " + std::to_string(maxBytes) + " bytes, over the limit",
                    ResourceLimit::FileSize);
            data.append(buf, static_cast<size_t>(got));
        }
        if (data.capacity() < data.size() + io::kJsonPadding)
            data.reserve(data.size() + io::kJsonPadding);
        return data;
    }

private:
    InputFile() = default;
    static Status checkKind(const std::string &path, const struct stat &st)
    {
        if (S_ISDIR(st.st_mode))
            return makeError(path + ": is a directory, not a file");
        if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
            return makeError(path + ": is a "
                + std::string(S_ISCHR(st.st_mode) ? "character device"
                        : S_ISBLK(st.st_mode)     ? "block device"
                        : S_ISSOCK(st.st_mode)    ? "socket"
                                                  : "special file")
                + ", not a regular file or a pipe");
        return Ok {};
    }
    static Error sizeError(const std::string &path, int64_t size, int64_t maxBytes)
    {
        return makeError(ErrorKind::LimitExceeded,
            path + ": the file has " + std::to_string(size) + " bytes, over the limit of " + std::to_string(maxBytes)
                + " bytes",
            ResourceLimit::FileSize);
    }

    int m_fd = -1;
    bool m_regular = false;
    int64_t m_size = 0;
};

// A read-only mapping of a regular file followed by at least the JSON
// parser's padding of readable zeros: the file is mapped over the start of an
// anonymous mapping one page longer (the bytes past the end of a mapped file
// are zeros up to its page boundary, then the anonymous page follows).
// Anything else (small files, errors) is !ok() and read the ordinary way.
class MappedFile {
public:
    explicit MappedFile(const InputFile &file)
    {
        const long page = ::sysconf(_SC_PAGESIZE);
        if (file.regular() && file.size() >= (1 << 20) && page > 0 && io::kJsonPadding <= static_cast<size_t>(page)) {
            const size_t size = static_cast<size_t>(file.size());
            const size_t span
                = (size + static_cast<size_t>(page) - 1) / static_cast<size_t>(page) * static_cast<size_t>(page)
                + static_cast<size_t>(page);
            void *area = ::mmap(nullptr, span, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (area != MAP_FAILED) {
                void *p = ::mmap(area, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, file.fd(), 0);
                if (p == area) {
                    m_data = static_cast<const char *>(p);
                    m_size = size;
                    m_span = span;
                } else {
                    ::munmap(area, span);
                }
            }
        }
    }
    ~MappedFile()
    {
        if (m_data)
            ::munmap(const_cast<char *>(m_data), m_span);
    }
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;
    bool ok() const { return m_data != nullptr; }
    std::string_view text() const { return { m_data, m_size }; }

private:
    const char *m_data = nullptr;
    size_t m_size = 0;
    size_t m_span = 0;
};

} // namespace

const char *formatName(GraphFormat format)
{
    for (const auto &f : kFormats)
        if (f.format == format)
            return f.name;
    return "unknown";
}

std::optional<GraphFormat> parseFormatName(std::string_view name)
{
    for (const auto &f : kFormats)
        if (name == f.name)
            return f.format;
    if (name == "json" || name == "pipecut")
        return GraphFormat::PipecutJson;
    if (name == "gv" || name == "graphviz")
        return GraphFormat::Dot;
    return std::nullopt;
}

GraphFormat detectFormat(std::string_view head, std::string_view path)
{
    const std::string ext = lowerExtension(path);
    if (looksLikeOnnx(head) && (ext == "onnx" || looksBinary(head)))
        return GraphFormat::Onnx;
    const std::string_view text = skipLeadingNoise(head);
    if (!text.empty() && text.front() == '{') {
        // Each JSON dialect has keys no other uses; the native format names itself.
        if (contains(text, "\"pipecut-graph\""))
            return GraphFormat::PipecutJson;
        if (contains(text, "\"TMPCs\"") || contains(text, "\"maxDevices\"") || contains(text, "\"mbsInBatch\""))
            return GraphFormat::Piper;
        if (contains(text, "\"fpgaLatency\"") || contains(text, "\"maxSizePerFPGA\"") || contains(text, "\"maxFPGAs\"")
            || contains(text, "\"supportedOnFpga\""))
            return GraphFormat::DnnPartitioning;
        if (contains(text, "\"model_type\"") && contains(text, "\"num_hidden_layers\""))
            return GraphFormat::HfConfig;
        return GraphFormat::PipecutJson;
    }
    if (startsWithWord(text, "digraph") || startsWithWord(text, "graph") || startsWithWord(text, "strict"))
        return GraphFormat::Dot;
    if (contains(head, "forward_compute_time=") && contains(head, " -- "))
        return GraphFormat::PipeDream;
    if (ext == "onnx")
        return GraphFormat::Onnx;
    if (ext == "dot" || ext == "gv")
        return GraphFormat::Dot;
    if (looksBinary(head))
        return GraphFormat::Auto;
    if (ext == "json")
        return GraphFormat::PipecutJson;
    if (ext == "txt")
        return GraphFormat::PipeDream;
    return GraphFormat::Auto;
}

namespace io {

Status checkCounts(const std::string &name, int64_t nodes, int64_t edges, const LoadOptions &options)
{
    if (nodes > options.maxNodes)
        return makeError(ErrorKind::LimitExceeded,
            name + ": " + std::to_string(nodes) + " nodes exceed the limit of " + std::to_string(options.maxNodes)
                + " nodes",
            ResourceLimit::Nodes);
    if (edges > options.maxEdges)
        return makeError(ErrorKind::LimitExceeded,
            name + ": " + std::to_string(edges) + " edges exceed the limit of " + std::to_string(options.maxEdges)
                + " edges",
            ResourceLimit::Edges);
    return Ok {};
}

std::string lineColumn(std::string_view content, size_t offset)
{
    offset = std::min(offset, content.size());
    const std::string_view before = content.substr(0, offset);
    const size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
    const size_t lastNl = before.find_last_of('\n');
    const size_t column = 1 + (lastNl == std::string_view::npos ? offset : offset - lastNl - 1);
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

} // namespace io

namespace {

// `content` is followed by io::kJsonPadding readable bytes.
Result<Graph> parsePadded(std::string_view content, const std::string &name, const LoadOptions &options)
{
    if (static_cast<int64_t>(content.size()) > options.maxFileBytes)
        return makeError(ErrorKind::LimitExceeded,
            name + ": " + std::to_string(content.size()) + " bytes exceed the limit of "
                + std::to_string(options.maxFileBytes) + " bytes",
            ResourceLimit::FileSize);
    if (content.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return makeError(name + (content.empty() ? ": the file is empty" : ": the file holds only white space"));
    GraphFormat format = options.format;
    if (format == GraphFormat::Auto)
        format = detectFormat(content.substr(0, 1 << 16), name);
    Result<Graph> graph = makeError(std::string());
    switch (format) {
    case GraphFormat::PipecutJson:
        graph = io::readPipecutJson(content, name, options);
        break;
    case GraphFormat::DnnPartitioning:
        graph = io::readDnnPartitioning(content, name, options);
        break;
    case GraphFormat::PipeDream:
        graph = io::readPipeDream(content, name, options);
        break;
    case GraphFormat::Piper:
        graph = io::readPiper(content, name, options);
        break;
    case GraphFormat::Dot:
        graph = io::readDot(content, name, options);
        break;
    case GraphFormat::HfConfig:
        graph = io::readHfConfig(content, name, options);
        break;
    case GraphFormat::Onnx:
        return makeError(name + ": ONNX models are read from a file path, not from memory");
    case GraphFormat::Auto:
        return makeError(name + ": cannot tell the format of this file"
            + (looksBinary(content.substr(0, 4096)) ? std::string(" (binary content)") : std::string())
            + "; known formats: " + knownFormats());
    }
    if (graph.ok()) {
        if (graph->name().empty())
            graph->setName(fileStem(name));
        graph->setSource(name, formatName(format));
    }
    return graph;
}

} // namespace

Result<Graph> parseGraph(std::string_view content, const std::string &name, const LoadOptions &options)
{
    return parsePadded(io::paddedCopy(content), name, options);
}

namespace {

// A Hugging Face config's text, kept to cost it for other device profiles
// (CostOrigin::config).
Result<Graph> keepConfig(Result<Graph> graph, std::string_view content, LoadDetails *details)
{
    if (details && graph && graph->format() == "hf-config")
        details->origin.config = std::make_shared<const std::string>(content);
    return graph;
}

// loadGraph without the record of where the times come from.
Result<Graph> loadGraphFile(const std::string &path, const LoadOptions &options, LoadDetails *details)
{
    if (details)
        details->origin = { options, nullptr, nullptr };
    Result<InputFile> input = InputFile::open(path, options.maxFileBytes);
    if (!input)
        return input.failure();
    if (!input->regular()) {
        // A pipe is read whole (under the limit) and detected from its content.
        Result<std::string> content = input->readAll(path, options.maxFileBytes);
        if (!content)
            return content.failure();
        if (options.format == GraphFormat::Onnx
            || (options.format == GraphFormat::Auto
                && detectFormat(content->substr(0, 4096), path) == GraphFormat::Onnx))
            return makeError(path + ": ONNX models are read from a regular file, not from a pipe");
        return keepConfig(parsePadded(*content, path, options), *content, details);
    }
    GraphFormat format = options.format;
    // ONNX weights can be huge: decide from the head before reading it all.
    if (format == GraphFormat::Auto && detectFormat(input->head(4096), path) == GraphFormat::Onnx)
        format = GraphFormat::Onnx;
    if (format == GraphFormat::Onnx) {
        LoadOptions onnx = options;
        onnx.format = GraphFormat::Onnx;
        Result<Graph> graph = loadOnnxGraph(path, onnx, details ? &details->symbolicDims : nullptr,
            details ? &details->symbolicDimUses : nullptr, details ? &details->nodes : nullptr,
            details ? &details->origin.onnx : nullptr);
        if (graph.ok()) {
            if (graph->name().empty())
                graph->setName(fileStem(path));
            graph->setSource(path, formatName(GraphFormat::Onnx));
        }
        return graph;
    }
    // Large regular files are mapped rather than copied (copying and zeroing
    // a buffer costs a quarter of the load time of a million-node file).
    if (MappedFile mapped(*input); mapped.ok())
        return keepConfig(parsePadded(mapped.text(), path, options), mapped.text(), details);
    Result<std::string> content = input->readAll(path, options.maxFileBytes);
    if (!content.ok())
        return content.failure();
    return keepConfig(parsePadded(*content, path, options), *content, details);
}

} // namespace

Result<Graph> loadGraph(const std::string &path, const LoadOptions &options, LoadDetails *details)
{
    Result<Graph> graph = loadGraphFile(path, options, details);
    if (details && graph && (graph->format() == "onnx" || graph->format() == "hf-config"))
        details->origin.times = CostOrigin::Times::Profile;
    return graph;
}

Result<std::string> readFile(const std::string &path, int64_t maxBytes)
{
    Result<InputFile> input = InputFile::open(path, maxBytes);
    if (!input)
        return input.failure();
    return input->readAll(path, maxBytes);
}

Result<std::string> outputTarget(const std::string &path)
{
    std::string target = path;
    struct stat st { };
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        // A symbolic link is written through: the file it names is replaced, the link stays.
        char *resolved = ::realpath(path.c_str(), nullptr);
        if (!resolved)
            return makeError(ErrorKind::Internal,
                path + ": is a symbolic link to a missing file (" + std::strerror(errno) + "); not writing through it");
        target = resolved;
        std::free(resolved);
    }
    if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        return makeError(ErrorKind::Internal,
            path + ": is " + (S_ISDIR(st.st_mode) ? "a directory" : "not a regular file (a device, pipe or socket)")
                + "; refusing to replace it");
    return target;
}

bool sameFile(const std::string &a, const std::string &b)
{
    struct stat sa {
    }, sb {};
    if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    // Not both existing: the same when their absolute, normalised paths are.
    std::error_code ea, eb;
    const auto ca = std::filesystem::absolute(a, ea).lexically_normal();
    const auto cb = std::filesystem::absolute(b, eb).lexically_normal();
    return !ea && !eb ? ca == cb : a == b;
}

Status writeFileAtomically(const std::string &requested, std::string_view content)
{
    namespace fs = std::filesystem;
    Result<std::string> resolved = outputTarget(requested);
    if (!resolved)
        return resolved.failure();
    const std::string &path = *resolved;
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string tmpl = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    const int fd = mkstemp(tmpl.data());
    if (fd < 0)
        return makeError(ErrorKind::Internal,
            path + ": cannot create a temporary file in " + dir.string() + ": " + std::strerror(errno));
    // Keep the mode of a file being replaced; new files get rw-r--r--.
    struct stat st { };
    fchmod(fd, stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644);
    const char *p = content.data();
    size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            ::close(fd);
            ::unlink(tmpl.c_str());
            return makeError(ErrorKind::Internal, path + ": write failed: " + std::strerror(err));
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmpl.c_str());
        return makeError(ErrorKind::Internal, path + ": write failed: " + std::strerror(err));
    }
    if (std::rename(tmpl.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmpl.c_str());
        return makeError(ErrorKind::Internal, path + ": cannot replace the file: " + std::strerror(err));
    }
    return Ok {};
}

} // namespace pipecut
