"""Running experiments off the GUI thread, with throttled progress, ETA and a working Stop.

`SimulationWorker` carries superqt's signal set (started, progress, result, error, cancelled,
finished) without the dependency. `TaskRunner` keeps one task per window: starting a new one
cancels the old, and `shutdown` cancels every task and waits a moment for its thread before the
window goes away.

A worker ends its own thread's event loop when the job returns (`QThread.quit` is thread-safe)
instead of through a queued `finished → quit` connection: that one is delivered by the GUI
thread, which cannot deliver it while it blocks in `QThread.wait()` on closing, so closing
during a run used to freeze the window for the whole wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, QThread, Signal, Slot

from wfm.gui.formatting import format_duration
from wfm.sim import Cancelled

Progress = Callable[[float], None]
CancelCheck = Callable[[], bool]
Job = Callable[[Progress, CancelCheck], object]
"""The work itself: called with a progress callable and a cancel callable, returns the result."""


def describe_replications(replications: int) -> Callable[[float], str]:
    """Progress text 'replication i of n' for a fraction of an experiment of `replications` runs."""

    def describe(fraction: float) -> str:
        current = min(replications, int(fraction * replications) + 1)
        return f"Replication {current} of {replications}"

    return describe


class JobSignals(QObject):
    """The signals of a background job, shared by the worker that runs it and the runner that forwards them.

    In order: started, progress (fraction, text), one of result, error or cancelled, and finished last.
    """

    started = Signal()
    progress = Signal(float, str)
    result = Signal(object)
    error = Signal(object)
    cancelled = Signal()
    finished = Signal()


class SimulationWorker(JobSignals):
    """Runs one job in the thread it is moved to; cancel() may be called from any thread.

    Progress reaches the GUI at most every `min_interval_s` (plus the first and the last
    report), so a fast engine cannot flood the event loop with queued signals.
    """

    def __init__(
        self,
        job: Job,
        describe: Callable[[float], str] = lambda fraction: "Running",
        min_interval_s: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._job = job
        self._describe = describe
        self._min_interval_s = min_interval_s
        self._clock = clock
        self._cancel = threading.Event()
        self._started_at = 0.0
        self._last_report = -1.0

    def cancel(self) -> None:
        """Ask the job to stop at its next cancellation check; no result will be emitted."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        """Whether Stop was asked for (read by the engine between chunks)."""
        return self._cancel.is_set()

    def _report(self, fraction: float) -> None:
        now = self._clock()
        if fraction < 1.0 and self._last_report >= 0 and now - self._last_report < self._min_interval_s:
            return
        self._last_report = now
        elapsed = now - self._started_at
        text = self._describe(fraction)
        if 0.02 <= fraction < 1.0 and elapsed > 0.5:
            text += f" · about {format_duration(elapsed / fraction * (1 - fraction))} left"
        self.progress.emit(float(fraction), text)

    @Slot()
    def run(self) -> None:
        """Run the job; emit result only when it finished and Stop was not asked for."""
        self._started_at = self._clock()
        self.started.emit()
        try:
            value = self._job(self._report, self.is_cancelled)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # every failure goes to a dialog, never to a crash
            if self.is_cancelled():
                self.cancelled.emit()
            else:
                self.error.emit(exc)
        else:
            if self.is_cancelled():
                self.cancelled.emit()
            else:
                self.result.emit(value)
        finally:
            self.finished.emit()
            thread = self.thread()
            app = QCoreApplication.instance()
            if thread is QThread.currentThread() and (app is None or thread is not app.thread()):
                thread.quit()  # from this thread: the GUI thread may be blocked waiting for it


_PARKED: set[QThread] = set()
"""Threads whose job did not stop within `TaskRunner.shutdown`'s wait: kept alive until they end.

A QThread destroyed while it runs aborts the process; a job that does not poll `cancel`
(reading a file) finishes on its own, after the window has gone.
"""


def _park(thread: QThread) -> None:
    _PARKED.add(thread)
    thread.finished.connect(lambda: _PARKED.discard(thread))


class TaskRunner(JobSignals):
    """One background task at a time for a window, each in its own QThread.

    Signals are forwarded from the current worker only (they are the worker's own `JobSignals`),
    so a task that was replaced by a newer one can never deliver a stale result to the window.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker: SimulationWorker | None = None
        self._running = False
        self._threads: dict[QThread, SimulationWorker] = {}

    @property
    def busy(self) -> bool:
        """Whether the current task is still running (false as soon as its outcome arrived)."""
        return self._running

    @property
    def worker(self) -> SimulationWorker | None:
        """The current task's worker, if any (tests connect to it directly)."""
        return self._worker

    def start(self, job: Job, describe: Callable[[float], str] = lambda f: "Running") -> SimulationWorker:
        """Cancel the running task, if any, and start `job` in a new thread."""
        self.cancel()
        worker = SimulationWorker(job, describe)
        thread = QThread()
        thread.setObjectName("wfm-simulation")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.started.connect(self._on_started)
        worker.progress.connect(self._on_progress)
        worker.result.connect(self._on_result)
        worker.error.connect(self._on_error)
        worker.cancelled.connect(self._on_cancelled)
        worker.finished.connect(self._on_finished)
        thread.finished.connect(self._on_thread_finished)
        self._threads[thread] = worker
        self._worker = worker
        self._running = True
        thread.start()
        return worker

    def cancel(self) -> None:
        """Stop the current task (it emits `cancelled`, never `result`)."""
        if self._worker is not None and self._running:
            self._worker.cancel()

    def shutdown(self, timeout_ms: int = 500) -> bool:
        """Cancel everything and wait up to `timeout_ms` in all; True when every thread ended in time.

        The wait is short: a cancelled simulation stops within one chunk of simulated time (and
        a process pool within one poll), and a window that is closing must not hang. A thread
        still running after it is parked until its job returns, never destroyed while running.
        """
        for worker in self._threads.values():
            worker.cancel()
        deadline = QDeadlineTimer(timeout_ms)
        ok = True
        for thread in list(self._threads):
            if not thread.wait(deadline):
                ok = False
                _park(thread)
        self._running = False
        return ok

    def _current(self) -> bool:
        return self.sender() is self._worker

    @Slot()
    def _on_started(self) -> None:
        if self._current():
            self.started.emit()

    @Slot(float, str)
    def _on_progress(self, fraction: float, text: str) -> None:
        if self._current():
            self.progress.emit(fraction, text)

    @Slot(object)
    def _on_result(self, value: object) -> None:
        if self._current():
            self._running = False
            self.result.emit(value)

    @Slot(object)
    def _on_error(self, exc: object) -> None:
        if self._current():
            self._running = False
            self.error.emit(exc)

    @Slot()
    def _on_cancelled(self) -> None:
        if self._current():
            self._running = False
            self.cancelled.emit()

    @Slot()
    def _on_finished(self) -> None:
        if self._current():
            self._running = False
            self.finished.emit()

    @Slot()
    def _on_thread_finished(self) -> None:
        thread = self.sender()
        if not isinstance(thread, QThread):  # only our threads are connected to this slot
            return
        worker = self._threads.pop(thread, None)
        if worker is not None:
            if worker is self._worker:
                self._worker = None
            worker.deleteLater()
        thread.deleteLater()
