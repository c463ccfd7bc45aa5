#pragma once
// Stop tokens and progress reports for long work (solvers, bounds, layout).
// Modelled on HiGHS' callback: every report carries the incumbent, the bound
// and the elapsed time so that the GUI can plot convergence and cancel.

#include <atomic>
#include <chrono>
#include <functional>
#include <limits>
#include <memory>
#include <string>

namespace pipecut {

// A shared flag; cheap to copy, safe to poll from any thread.
class StopToken {
public:
    StopToken()
        : m_flag(std::make_shared<std::atomic<bool>>(false))
    {
    }
    void requestStop() const { m_flag->store(true, std::memory_order_relaxed); }
    bool stopRequested() const { return m_flag->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

struct Progress {
    double incumbent = std::numeric_limits<double>::infinity(); // best objective found
    double bound = 0.0; // best proven lower bound
    double seconds = 0.0; // elapsed wall time
    double fraction = -1.0; // 0..1 when known, negative when not
    std::string stage; // what is running, e.g. "slicegraph generation 4/10"
};

using ProgressFn = std::function<void(const Progress &)>;

// Sends one report to `progress`, when there is a listener.
inline void reportProgress(const ProgressFn &progress, double incumbent, double bound, double seconds,
    std::string stage, double fraction = -1.0)
{
    if (progress)
        progress(Progress { incumbent, bound, seconds, fraction, std::move(stage) });
}

// Wall-clock deadline helper; a non-positive limit means no limit.
class Deadline {
public:
    explicit Deadline(double seconds = 0.0)
        : m_start(std::chrono::steady_clock::now())
        , m_limit(seconds)
    {
    }
    double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count(); }
    double remaining() const { return m_limit > 0 ? m_limit - elapsed() : std::numeric_limits<double>::infinity(); }
    bool expired() const { return m_limit > 0 && elapsed() >= m_limit; }
    double limit() const { return m_limit; }

private:
    std::chrono::steady_clock::time_point m_start;
    double m_limit;
};

} // namespace pipecut
