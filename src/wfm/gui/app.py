"""Desktop application entry point (the full GUI is built in issue #7)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] = ()) -> int:
    """Open the main window on the default scenario or the given file."""
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    label = QLabel("wfm — the scenario editor is under construction; use `wfm run` meanwhile.")
    label.setWindowTitle("wfm")
    label.resize(640, 120)
    label.show()
    return app.exec()
