#pragma once
// Background priority for the calling thread. The explorer's jobs (ui/background.h)
// run this way so that the window keeps a core on a busy machine; the stop
// latency test (tests/reliability/tst_stop_latency.cpp) runs solvers the same
// way, since work left after a stop request stretches by the same factor.
//
// Qt's QThread::LowPriority is a no-op for Linux's default scheduling policy,
// but Linux keeps a nice value per thread: 10 more than the process's gives
// the other threads about ten times the CPU share of this one when they
// compete. Threads started afterwards from this one (solver workers, CBC)
// inherit it. Unprivileged processes cannot undo it (RLIMIT_NICE is usually
// 0), so long work must stay cheap to stop rather than count on a boost.

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#else
#include <QThread>
#endif

#include <algorithm>
#include <cerrno>

namespace pipecut {

inline void lowerCurrentThreadPriority()
{
#if defined(__linux__)
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, tid);
    if (errno == 0)
        setpriority(PRIO_PROCESS, tid, std::min(19, nice + 10));
#else
    QThread::currentThread()->setPriority(QThread::LowPriority);
#endif
}

} // namespace pipecut
