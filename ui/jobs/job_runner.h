#pragma once
// Background jobs: a function runs on its own QThread with a StopToken; its
// result comes back to the GUI thread through a queued call on `context`.
// The runner keeps every live job so that the window can stop them all and
// wait (within the 1 s stop promise of core/) before it is destroyed.
// Jobs run at a lower priority than the GUI thread (core/util/thread_priority.h):
// on a machine with fewer cores than busy threads (a solve, a bound and a
// layout on two cores) the window must still get a core whenever it has
// something to do.

#include "core/util/progress.h"
#include "core/util/thread_priority.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace pipecut::ui {

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(QObject *parent = nullptr)
        : QObject(parent)
    {
    }
    ~JobRunner() override
    {
        stopAll();
        for (auto &job : m_jobs)
            delete job.thread;
    }

    // Runs work(stop) off the GUI thread, then done(result) on the GUI thread
    // (unless `context` is gone). Returns the job's stop token.
    template <typename R>
    StopToken start(QObject *context, std::function<R(const StopToken &)> work, std::function<void(R)> done)
    {
        StopToken stop;
        auto result = std::make_shared<std::optional<R>>();
        QPointer<QObject> guard(context);
        QThread *thread = QThread::create([work = std::move(work), stop, result] {
            lowerCurrentThreadPriority();
            result->emplace(work(stop));
        });
        m_jobs.push_back({ thread, stop });
        connect(thread, &QThread::finished, this, [this, thread, guard, result, done = std::move(done)] {
            forget(thread);
            thread->deleteLater();
            if (guard && result->has_value())
                done(std::move(**result));
        });
        thread->start(QThread::LowPriority);
        return stop;
    }

    // Requests every job to stop and waits for them (core/ promises < 1 s).
    void stopAll()
    {
        for (auto &job : m_jobs)
            job.stop.requestStop();
        for (auto &job : m_jobs)
            job.thread->wait();
    }
    int running() const { return static_cast<int>(m_jobs.size()); }

private:
    struct Job {
        QThread *thread;
        StopToken stop;
    };
    void forget(QThread *thread)
    {
        std::erase_if(m_jobs, [thread](const Job &j) { return j.thread == thread; });
    }
    std::vector<Job> m_jobs;
};

} // namespace pipecut::ui
