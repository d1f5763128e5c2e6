"""Issue 15, GUI items 1–8: the window as a planner uses it for a whole day, without surprises.

Each test reproduces one defect found trying the window as a new user would (closing during a
run, typed values that were not committed, impossible intervals, …) and fails without its fix.
Collaborators are injected as in `test_gui`: scripted dialogs, an INI QSettings in tmp_path, the
serial `replicate` as runner (one test uses a process pool), and tiny scenarios (1 day).
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from wfm.execution import ProcessBackend
from wfm.experiment import replicate
from wfm.gui.app import configure_plots
from wfm.gui.dialogs import Unsaved
from wfm.gui.main_window import MainWindow
from wfm.scenario import Scenario
from wfm.scenario.io import default_scenario

SEED = 20260105


class ScriptedDialogs:
    """Answers the window's questions from a script and records what it was asked."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        self.confirms: list[str] = []
        self.confirm_answer = True
        self.unsaved_answer = Unsaved.DISCARD
        self.unsaved_asked = 0
        self.next_open: Path | None = None
        self.next_save: Path | None = None

    def error(self, title: str, text: str, details: str = "") -> None:
        self.errors.append((title, text))

    def confirm(self, title: str, text: str) -> bool:
        self.confirms.append(text)
        return self.confirm_answer

    def unsaved(self, text: str) -> Unsaved:
        self.unsaved_asked += 1
        return self.unsaved_answer

    def open_path(self, title: str, folder: str, filters: str) -> Path | None:
        return self.next_open

    def save_path(self, title: str, suggested: str, filters: str) -> Path | None:
        return self.next_save


def scenario(days: int = 1, replications: int = 1) -> Scenario:
    """The shipped default scenario over `days` with `replications` runs by default."""
    base = default_scenario()
    return base.model_copy(update={
        "calendar": base.calendar.model_copy(update={"horizon_days": days}),
        "run": base.run.model_copy(update={"replications": replications, "seed": SEED}),
    })


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    return ScriptedDialogs()


def make_window(qtbot: Any, tmp_path: Path, dialogs: ScriptedDialogs, start: Scenario | None = None,
                **kwargs: Any) -> MainWindow:
    configure_plots()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    kwargs.setdefault("runner", replicate)
    window = MainWindow(start or scenario(), dialogs=dialogs, settings=settings, **kwargs)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, dialogs: ScriptedDialogs) -> MainWindow:
    win = make_window(qtbot, tmp_path, dialogs)
    yield win
    win.tasks.shutdown()


def long_run(qtbot: Any, window: MainWindow) -> None:
    """Start a run that lasts minutes (a year, 50 replications) and wait until it reports progress."""
    window.editor.set_value(("calendar", "horizon_days"), 365)
    window.editor.set_value(("run", "replications"), 50)
    with qtbot.waitSignal(window.tasks.progress, timeout=30_000):
        window.run()


# ---- 1: closing during a run -------------------------------------------------------------------


def test_closing_during_a_run_returns_within_a_second(qtbot, window):
    long_run(qtbot, window)
    thread_of_run = window.tasks.worker.thread()
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 1.0
    assert not window.isVisible()
    qtbot.waitUntil(thread_of_run.isFinished, timeout=5_000)  # the cancelled run ended, nothing left over


def test_closing_during_a_pooled_run_leaves_no_worker_process(qtbot, tmp_path, dialogs):
    backend = ProcessBackend(workers=1, background=True)
    try:
        win = make_window(qtbot, tmp_path, dialogs, scenario(days=30),
                          backend=backend, stop_workers=backend.terminate)
        with qtbot.waitSignal(win.tasks.started, timeout=10_000):
            win.run()
        qtbot.waitUntil(lambda: bool(multiprocessing.active_children()), timeout=10_000)
        workers = multiprocessing.active_children()
        qtbot.wait(1500)  # the worker has imported the simulator and is inside the 30-day replication
        started = time.monotonic()
        win.close()
        assert time.monotonic() - started < 1.0
        assert not any(p.is_alive() for p in workers)
    finally:
        backend.close()
