#pragma once
// Result<T>: a value or a user-facing error (std::expected-style, C++20).
// User and file errors are values; programmer errors are assertions.
// An error carries a kind, so callers decide by kind, never by message text.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace pipecut {

enum class ErrorKind {
    Usage, // a bad option or argument value
    BadInput, // a file or value that cannot be read or used: unreadable, malformed, cyclic, invalid
    Infeasible, // a proof that no partition satisfies the constraints
    LimitExceeded, // refused under a resource limit (see Error::limit)
    Stopped, // stopped by a stop request or a time limit before there was a result
    Internal, // any other failure: an output that cannot be written, a missing feature, a bug
};

// The resource limit a LimitExceeded error hit.
enum class ResourceLimit { None, Nodes, Edges, FileSize, Ideals, MipColumns, MemoryBudget };

struct Error {
    ErrorKind kind = ErrorKind::BadInput;
    std::string message;
    ResourceLimit limit = ResourceLimit::None;

    // The same error, its message led by `prefix` (e.g. the file name).
    Error prefixed(const std::string &prefix) const { return Error { kind, prefix + message, limit }; }
};

template <typename T> class [[nodiscard]] Result {
public:
    Result(T value)
        : m_data(std::in_place_index<0>, std::move(value))
    {
    }
    Result(Error error)
        : m_data(std::in_place_index<1>, std::move(error))
    {
    }

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() &
    {
        assert(ok());
        return std::get<0>(m_data);
    }
    const T &value() const &
    {
        assert(ok());
        return std::get<0>(m_data);
    }
    T &&value() &&
    {
        assert(ok());
        return std::get<0>(std::move(m_data));
    }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const std::string &error() const { return failure().message; }
    ErrorKind errorKind() const { return failure().kind; }
    // The whole error, to pass on with its kind.
    const Error &failure() const
    {
        assert(!ok());
        return std::get<1>(m_data);
    }

private:
    std::variant<T, Error> m_data;
};

// Result<void>
struct Ok { };
using Status = Result<Ok>;

// Most errors are about the input; the other kinds are named where they arise.
inline Error makeError(std::string message)
{
    return Error { ErrorKind::BadInput, std::move(message) };
}
inline Error makeError(ErrorKind kind, std::string message, ResourceLimit limit = ResourceLimit::None)
{
    return Error { kind, std::move(message), limit };
}

} // namespace pipecut
