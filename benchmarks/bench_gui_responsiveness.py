"""The desktop window stays responsive while a run is in flight: the Qt event loop never stalls 100 ms.

A 10 ms timer probes the GUI thread from the moment the run starts until its result has been
drawn; the longest gap between two ticks is the longest the window was frozen. Replications run
in worker processes as in the application, so the GUI thread competes only with the worker
thread that waits for them. This is a wall-clock measurement: it belongs on an otherwise idle
machine, which is why it is a benchmark and not a test (`make test` runs tests in parallel).

Run alone (`python benchmarks/bench_gui_responsiveness.py`) or through `benchmarks/run_all.py`;
exit status 1 when the event loop stalled for `LIMIT_S` or longer.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from wfm.execution import ProcessBackend
from wfm.gui.app import configure_plots
from wfm.gui.main_window import MainWindow
from wfm.scenario.io import default_scenario

LIMIT_S = 0.100  # a pause a planner notices when scrolling or typing
PROBE_MS = 10  # the timer's period: fine enough to see a 100 ms stall
DAYS, REPLICATIONS = 3, 2  # a run of a few seconds: long enough to measure, short enough to repeat
SETTLE_MS = 100  # let repaints of the edits (before) and the result's first repaint (after) count or settle
TIMEOUT_MS = 120_000


class QuietDialogs:
    """The window's dialogs without a modal box: an error is printed, every question declined."""

    def error(self, title: str, text: str, details: str = "") -> None:
        print(f"{title}: {text}\n{details}", file=sys.stderr)

    def confirm(self, title: str, text: str) -> bool:
        return False

    def unsaved(self, text: str) -> object:
        raise RuntimeError(f"unexpected question: {text}")

    def open_path(self, title: str, folder: str, filters: str) -> None:
        return None

    def save_path(self, title: str, suggested: str, filters: str) -> None:
        return None


def wait(ms: int) -> None:
    """Spin the event loop for `ms` milliseconds."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def longest_stall(backend: ProcessBackend, settings_dir: Path) -> tuple[float, int]:
    """The longest gap between probe ticks during one run, in seconds, and the number of ticks."""
    configure_plots()
    base = default_scenario()
    scenario = base.model_copy(update={
        "calendar": base.calendar.model_copy(update={"horizon_days": DAYS}),
        "run": base.run.model_copy(update={"replications": REPLICATIONS}),
    })
    settings = QSettings(str(settings_dir / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(scenario, backend=backend, dialogs=QuietDialogs(),
                        settings=settings)
    window.show()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def probe() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    wait(SETTLE_MS)
    done = QEventLoop()
    window.result_ready.connect(lambda _outcome: done.quit())
    window.run_failed.connect(lambda *_args: done.exit(1))
    timer = QTimer()
    timer.setInterval(PROBE_MS)
    timer.timeout.connect(probe)
    timer.start()
    last[0] = time.perf_counter()
    QTimer.singleShot(TIMEOUT_MS, lambda: done.exit(2))
    window.run()
    code = done.exec()
    wait(SETTLE_MS)
    timer.stop()
    window.tasks.shutdown()
    window.close()
    if code != 0:
        raise RuntimeError("the run failed" if code == 1 else f"no result within {TIMEOUT_MS / 1000:g} s")
    return max(gaps, default=0.0), len(gaps)


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841  (the window needs one)
    backend = ProcessBackend(workers=2, background=True)
    backend.warm_up()
    try:
        with tempfile.TemporaryDirectory() as folder:
            stall, ticks = longest_stall(backend, Path(folder))
    finally:
        backend.close()
    ok = ticks >= 10 and stall < LIMIT_S
    print(f"GUI event loop during a {DAYS}-day run of {REPLICATIONS} replications on a process pool:"
          f" longest stall {stall * 1000:.0f} ms over {ticks} ticks of {PROBE_MS} ms"
          f" (limit {LIMIT_S * 1000:.0f} ms): {'ok' if ok else 'TOO SLOW' if ticks >= 10 else 'run too short'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
