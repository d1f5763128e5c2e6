"""Every question and message the window puts to the planner, behind one small interface.

The main window never calls QMessageBox or QFileDialog directly: it asks a `Dialogs`
object, so tests inject scripted answers instead of clicking modal boxes, and the real
application uses `QtDialogs`.
"""

from __future__ import annotations

import traceback
from enum import Enum
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

SCENARIO_FILTER = "Scenario files (*.toml);;All files (*)"
EXCEL_FILTER = "Excel workbook (*.xlsx)"
PORTFOLIO_FILTER = "Portfolio files (*.csv *.txt *.xlsx *.xlsm);;All files (*)"


class Unsaved(Enum):
    """What to do with unsaved edits before they would be replaced."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Dialogs(Protocol):
    """The questions the main window may ask."""

    def error(self, title: str, text: str, details: str = "") -> None:
        """Show an error; `details` may hold a traceback."""
        ...

    def confirm(self, title: str, text: str) -> bool:
        """Ask a yes/no question (No is the default)."""
        ...

    def unsaved(self, text: str) -> Unsaved:
        """Ask whether to save, discard or keep editing."""
        ...

    def open_path(self, title: str, folder: str, filters: str) -> Path | None:
        """Pick an existing file, or None."""
        ...

    def save_path(self, title: str, suggested: str, filters: str) -> Path | None:
        """Pick a file to write (overwriting is confirmed separately), or None."""
        ...


class QtDialogs:
    """`Dialogs` with real message boxes and file dialogs, parented to a window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def error(self, title: str, text: str, details: str = "") -> None:
        """A critical message box, with the details collapsed."""
        box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, self.parent)
        if details:
            box.setDetailedText(details)
        box.exec()

    def confirm(self, title: str, text: str) -> bool:
        """Yes/No, defaulting to No so Enter never overwrites anything."""
        answer = QMessageBox.question(self.parent, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def unsaved(self, text: str) -> Unsaved:
        """Save / Discard / Cancel, defaulting to Save."""
        buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                   | QMessageBox.StandardButton.Cancel)
        answer = QMessageBox.warning(self.parent, "Unsaved changes", text, buttons, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return Unsaved.SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return Unsaved.DISCARD
        return Unsaved.CANCEL

    def open_path(self, title: str, folder: str, filters: str) -> Path | None:
        """The platform's open dialog."""
        name, _ = QFileDialog.getOpenFileName(self.parent, title, folder, filters)
        return Path(name) if name else None

    def save_path(self, title: str, suggested: str, filters: str) -> Path | None:
        """The platform's save dialog, without its own overwrite prompt (the window asks)."""
        name, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, filters,
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        return Path(name) if name else None


def describe_exception(exc: BaseException) -> tuple[str, str]:
    """A one-line text and the full traceback of an exception, for an error dialog."""
    text = f"{type(exc).__name__}: {exc}"
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return text, details
