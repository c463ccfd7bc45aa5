#pragma once
// Result<T>: a value or a user-facing error message (std::expected-style, C++20).
// User and file errors are values; programmer errors are assertions.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace pipecut {

struct Error {
    std::string message;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { assert(ok()); return std::get<0>(m_data); }
    const T &value() const & { assert(ok()); return std::get<0>(m_data); }
    T &&value() && { assert(ok()); return std::get<0>(std::move(m_data)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const std::string &error() const { assert(!ok()); return std::get<1>(m_data).message; }

private:
    std::variant<T, Error> m_data;
};

// Result<void>
struct Ok {};
using Status = Result<Ok>;

inline Error makeError(std::string message) { return Error{std::move(message)}; }

} // namespace pipecut
