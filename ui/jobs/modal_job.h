#pragma once
// A job the user waits for (a File > Export that computes first): work(stop,
// progress) runs on its own thread at a lower priority while a window-modal
// progress dialog keeps the GUI responsive; Cancel requests the stop, which
// core/ honours within a second. Returns nullopt when the user cancelled.

#include "core/util/progress.h"
#include "core/util/thread_priority.h"

#include <QEventLoop>
#include <QProgressDialog>
#include <QThread>

#include <functional>
#include <optional>

namespace pipecut::ui {

template <typename R>
std::optional<R> runModalJob(
    QWidget *parent, const QString &label, const std::function<R(const StopToken &, const ProgressFn &)> &work)
{
    StopToken stop;
    std::optional<R> result;
    QProgressDialog progress(label, QObject::tr("Cancel"), 0, 0, parent);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    // Progress with a known fraction turns the busy indicator into a bar.
    const ProgressFn report = [&progress](const Progress &p) {
        if (p.fraction < 0)
            return;
        const int percent = static_cast<int>(100 * p.fraction);
        QMetaObject::invokeMethod(&progress, [&progress, percent] {
            progress.setMaximum(100);
            progress.setValue(percent);
        });
    };
    QEventLoop loop;
    QThread *worker = QThread::create([&] {
        lowerCurrentThreadPriority();
        result.emplace(work(stop, report));
    });
    QObject::connect(worker, &QThread::finished, &loop, &QEventLoop::quit);
    QObject::connect(&progress, &QProgressDialog::canceled, &loop, [stop] { stop.requestStop(); });
    worker->start();
    loop.exec();
    worker->wait();
    delete worker;
    progress.reset();
    if (stop.stopRequested())
        return std::nullopt;
    return result;
}

} // namespace pipecut::ui
