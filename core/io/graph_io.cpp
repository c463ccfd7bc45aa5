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
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

// A read-only mapping of a regular file followed by at least the JSON
// parser's padding of readable zeros: the file is mapped over the start of an
// anonymous mapping one page longer (the bytes past the end of a mapped file
// are zeros up to its page boundary, then the anonymous page follows).
// Anything else (small files, pipes, errors) is !ok() and read the ordinary way.
class MappedFile {
public:
    explicit MappedFile(const std::string &path)
    {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return;
        struct stat st { };
        const long page = ::sysconf(_SC_PAGESIZE);
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= (1 << 20) && page > 0
            && io::kJsonPadding <= static_cast<size_t>(page)) {
            const size_t size = static_cast<size_t>(st.st_size);
            const size_t span
                = (size + static_cast<size_t>(page) - 1) / static_cast<size_t>(page) * static_cast<size_t>(page)
                + static_cast<size_t>(page);
            void *area = ::mmap(nullptr, span, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (area != MAP_FAILED) {
                void *p = ::mmap(area, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0);
                if (p == area) {
                    m_data = static_cast<const char *>(p);
                    m_size = size;
                    m_span = span;
                } else {
                    ::munmap(area, span);
                }
            }
        }
        ::close(fd);
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

Result<Graph> loadGraph(const std::string &path, const LoadOptions &options, LoadDetails *details)
{
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        return makeError(path + ": cannot open: " + (ec ? ec.message() : std::string("no such file")));
    if (std::filesystem::is_directory(status))
        return makeError(path + ": is a directory, not a graph file");
    GraphFormat format = options.format;
    if (format == GraphFormat::Auto || format == GraphFormat::Onnx) {
        // ONNX weights can be huge: decide from the head before reading it all.
        if (format == GraphFormat::Auto) {
            std::string head;
            if (FILE *f = std::fopen(path.c_str(), "rb")) {
                head.resize(4096);
                head.resize(std::fread(head.data(), 1, head.size(), f));
                std::fclose(f);
            }
            if (detectFormat(head, path) == GraphFormat::Onnx)
                format = GraphFormat::Onnx;
        }
        if (format == GraphFormat::Onnx) {
            LoadOptions onnx = options;
            onnx.format = GraphFormat::Onnx;
            Result<Graph> graph = loadOnnxGraph(
                path, onnx, details ? &details->symbolicDims : nullptr, details ? &details->symbolicDimUses : nullptr);
            if (graph.ok()) {
                if (graph->name().empty())
                    graph->setName(fileStem(path));
                graph->setSource(path, formatName(GraphFormat::Onnx));
            }
            return graph;
        }
    }
    // Large regular files are mapped rather than copied (copying and zeroing
    // a buffer costs a quarter of the load time of a million-node file).
    if (MappedFile mapped(path); mapped.ok()) {
        if (static_cast<int64_t>(mapped.text().size()) > options.maxFileBytes)
            return makeError(ErrorKind::LimitExceeded,
                path + ": the file has " + std::to_string(mapped.text().size()) + " bytes, over the limit of "
                    + std::to_string(options.maxFileBytes) + " bytes",
                ResourceLimit::FileSize);
        return parsePadded(mapped.text(), path, options);
    }
    Result<std::string> content = readFile(path, options.maxFileBytes);
    if (!content.ok())
        return content.failure();
    if (content->capacity() < content->size() + io::kJsonPadding)
        content->reserve(content->size() + io::kJsonPadding);
    return parsePadded(*content, path, options);
}

Result<std::string> readFile(const std::string &path, int64_t maxBytes)
{
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f)
        return makeError(path + ": cannot open: " + std::strerror(errno));
    struct stat st { };
    if (fstat(fileno(f), &st) != 0) {
        const int err = errno;
        std::fclose(f);
        return makeError(path + ": cannot read: " + std::strerror(err));
    }
    if (S_ISDIR(st.st_mode)) {
        std::fclose(f);
        return makeError(path + ": is a directory");
    }
    if (S_ISREG(st.st_mode) && st.st_size > maxBytes) {
        std::fclose(f);
        return makeError(ErrorKind::LimitExceeded,
            path + ": the file has " + std::to_string(st.st_size) + " bytes, over the limit of "
                + std::to_string(maxBytes) + " bytes",
            ResourceLimit::FileSize);
    }
    std::string data;
    if (S_ISREG(st.st_mode)) {
        // One read into a buffer with room for the parser's padding.
        data.reserve(static_cast<size_t>(st.st_size) + io::kJsonPadding);
        data.resize(static_cast<size_t>(st.st_size));
        data.resize(std::fread(data.data(), 1, data.size(), f));
    }
    char buf[1 << 16];
    size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) { // pipes, or a file that grew
        data.append(buf, got);
        if (static_cast<int64_t>(data.size()) > maxBytes) {
            std::fclose(f);
            return makeError(ErrorKind::LimitExceeded,
                path + ": more than " + std::to_string(maxBytes) + " bytes, over the limit", ResourceLimit::FileSize);
        }
    }
    const bool bad = std::ferror(f);
    std::fclose(f);
    if (bad)
        return makeError(path + ": read error");
    return data;
}

Status writeFileAtomically(const std::string &path, std::string_view content)
{
    namespace fs = std::filesystem;
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
