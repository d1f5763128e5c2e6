"""Desktop application entry point: `python main.py [SCENARIO.toml]` or `wfm gui`.

Replications run in a process pool (`wfm.execution.ProcessBackend`) driven from the
window's worker thread; the pool starts with the first run, and closing the window ends it at
once (replications still running are killed: nobody is left to read them).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from wfm.execution import ProcessBackend
from wfm.gui.main_window import MainWindow
from wfm.scenario.io import ScenarioError, default_scenario, load_scenario


def configure_plots() -> None:
    """White, antialiased plots: easier to read and to paste into a report than pyqtgraph's black."""
    pg.setConfigOptions(antialias=True, background="w", foreground="#222")


def fit_to_screen(window: QWidget, frame: int = 40) -> None:
    """Open the window no larger than the screen's free area (less `frame` for the title bar), at its corner.

    The window's own size (1440×900) is larger than a 1366×768 laptop screen, where the status
    bar with the progress would open below the screen's edge.
    """
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    width = min(window.width(), free.width())
    height = min(window.height(), free.height() - frame)
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
        window.move(free.topLeft())


def install_excepthook(show: Callable[[str, str], None]) -> Callable[..., None]:
    """Route uncaught exceptions (e.g. in a slot) to a dialog instead of crashing to the desktop.

    Returns the previous hook so a caller can restore it.
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        import traceback

        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        details = "".join(traceback.format_exception(kind, exc, tb))
        sys.stderr.write(details)
        show(f"{kind.__name__}: {exc}", details)

    sys.excepthook = hook
    return previous


def _show_unexpected(text: str, details: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error",
                      f"Something went wrong, but your edits are still in the window:\n\n{text}")
    box.setDetailedText(details)
    box.exec()


def main(argv: Sequence[str] = ()) -> int:
    """Open the main window on the default scenario or the given file."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("wfm")
    app.setOrganizationName("wfm")
    configure_plots()
    install_excepthook(_show_unexpected)
    scenario, path = None, None
    if argv:
        try:
            scenario, path = load_scenario(argv[0]), Path(argv[0])
        except ScenarioError as exc:
            lines = "\n".join(f"• {p}" for p in exc.problems)
            _show_unexpected(f"{exc.source} cannot be opened; starting from the built-in baseline.\n\n{lines}", "")
            scenario = default_scenario()
    backend = ProcessBackend(background=True)
    try:
        window = MainWindow(scenario, path, backend=backend, stop_workers=backend.terminate)
        fit_to_screen(window)
        window.show()
        return int(app.exec())
    finally:
        backend.close()
