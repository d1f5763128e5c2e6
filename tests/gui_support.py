"""What the GUI tests share: dialogs answered from a script, so the real window runs without anyone clicking."""

from __future__ import annotations

from pathlib import Path

from wfm.gui.dialogs import Unsaved


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
