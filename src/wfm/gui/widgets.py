"""Small input widgets the scenario editor is built from: numbers, clock times, weekdays, inline errors.

Number fields take what the planner types and check it when the typing ends (Enter, leaving the
field, an action such as Run): a value the field cannot take is rejected with a message next to
it and in the status bar, and the field keeps its value. A plain QSpinBox silently drops the
keystrokes it cannot accept, so "-5" became 5 and "999" became 99 without a word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from wfm.scenario import WEEKDAYS

W = TypeVar("W", bound=QWidget)

ERROR_STYLE = "color: #b00020;"
INVALID_FIELD_STYLE = "border: 1px solid #b00020; border-radius: 2px;"
_NUMBER_BEING_TYPED = re.compile(r"^[+-]?[\d,]*(?:\.\d*)?$")


class InputNotices(QObject):
    """Where rejected typing is announced: rejected(message, field); the window holding the field shows it."""

    rejected = Signal(str, object)


NOTICES = InputNotices()


def _body(box: QAbstractSpinBox, text: str) -> str:
    """The typed text without the box's prefix and suffix (the unit)."""
    prefix = box.prefix() if isinstance(box, QSpinBox | QDoubleSpinBox) else ""
    suffix = box.suffix() if isinstance(box, QSpinBox | QDoubleSpinBox) else ""
    body = text.strip()
    if prefix and body.startswith(prefix.strip()):
        body = body[len(prefix.strip()):]
    if suffix and body.endswith(suffix.strip()):
        body = body[:-len(suffix.strip())]
    return body.strip()


def typing_state(box: QAbstractSpinBox, state: QValidator.State, text: str) -> QValidator.State:
    """Let a number outside the box's range stay typed (Intermediate) instead of losing the keystroke.

    It is then rejected, with a message, when the typing ends (`reject_typing`).
    """
    if state == QValidator.State.Invalid and _NUMBER_BEING_TYPED.match(_body(box, text)):
        return QValidator.State.Intermediate
    return state


def _shown(box: QAbstractSpinBox, value: float) -> str:
    """A value as the box writes it (without the unit)."""
    if isinstance(box, QDoubleSpinBox):
        return box.textFromValue(value)
    if isinstance(box, QSpinBox):
        return box.textFromValue(int(value))
    return f"{value:g}"


def rejection_message(box: QAbstractSpinBox) -> str:
    """Why the typed text is not taken, and what the field accepts."""
    typed = _body(box, box.text())
    if isinstance(box, ClockEdit):
        accepted = f"a time HH:MM from {_shown(box, box.minimum())} to {_shown(box, box.maximum())}"
        kept = _shown(box, box.value())
    elif isinstance(box, QSpinBox | QDoubleSpinBox):
        unit = box.plural if isinstance(box, NumberBox) and box.plural else box.suffix()
        accepted = f"{_shown(box, box.minimum())} to {_shown(box, box.maximum())}{unit}"
        if isinstance(box, QDoubleSpinBox):
            accepted += f", with at most {box.decimals()} decimal(s)"
        elif box.minimum() >= 0:
            accepted += ", a whole number"
        kept = _shown(box, box.value()) + unit
    else:
        accepted, kept = "a valid value", box.text()
    what = f"“{typed}” is not taken" if typed else "An empty field is not taken"
    return f"{what}: enter {accepted}. The field keeps {kept}."


def reject_typing(box: QAbstractSpinBox) -> str:
    """Announce that the typed text is not taken (beside the field and to the window), restore the value."""
    message = rejection_message(box)
    line = box.lineEdit()
    if line is not None and isinstance(box, QSpinBox | QDoubleSpinBox):
        line.setText(box.prefix() + _shown(box, box.value()) + box.suffix())
    QToolTip.showText(box.mapToGlobal(QPoint(0, box.height())), message, box)
    NOTICES.rejected.emit(message, box)
    return message


if TYPE_CHECKING:
    _SpinBase = QAbstractSpinBox
else:
    _SpinBase = object


class CheckedTyping(_SpinBase):
    """Mixin for spin boxes: typing that ends (Enter, leaving the field) on a value out of range is rejected aloud."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override
        """Enter on a value the field cannot take rejects it instead of silently restoring the old one."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.hasAcceptableInput():
            reject_typing(self)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # Qt override
        """Leaving the field with a value it cannot take says so (the field keeps its value)."""
        if not self.hasAcceptableInput():
            reject_typing(self)
        super().focusOutEvent(event)


UNIT_SINGULAR = {" agents": " agent", " days": " day", " runs": " run", " attempts": " attempt",
                 " contacts": " contact", " shifts": " shift", " accounts": " account", " lines": " line"}
"""Plural units of integer fields and their singular: "1 agent", not "1 agents"."""


class NumberBox(CheckedTyping, QSpinBox):
    """An integer field: out-of-range typing is kept on screen, then rejected with a message.

    A countable unit follows the number ("1 agent", "2 agents"; see `use_units`).
    """

    singular = ""
    plural = ""

    def use_units(self, singular: str, plural: str) -> None:
        """Show `singular` after 1 and `plural` after any other number."""
        self.singular, self.plural = singular, plural
        self.valueChanged.connect(lambda _v: self._fit_unit())
        self._fit_unit()

    def setValue(self, value: int) -> None:  # Qt override
        """Set the value, with its unit in the right number (also while signals are blocked)."""
        super().setValue(value)
        self._fit_unit()

    def _fit_unit(self) -> None:
        if self.plural:
            wanted = self.singular if self.value() == 1 else self.plural
            if self.suffix() != wanted:
                self.setSuffix(wanted)

    def validate(self, text: str, pos: int) -> Any:  # Qt override
        """The spin box's own check, with out-of-range numbers left to be rejected aloud."""
        state, text, pos = super().validate(text, pos)
        return typing_state(self, state, text), text, pos


class DecimalBox(CheckedTyping, QDoubleSpinBox):
    """A decimal field: out-of-range typing is kept on screen, then rejected with a message."""

    def validate(self, text: str, pos: int) -> Any:  # Qt override
        """The spin box's own check, with out-of-range numbers left to be rejected aloud."""
        state, text, pos = super().validate(text, pos)
        return typing_state(self, state, text), text, pos


class ClockEdit(CheckedTyping, QSpinBox):
    """A time of day as HH:MM, stepping by 15 minutes; 24:00 is allowed for closing times.

    A spin box rather than QTimeEdit because QTimeEdit cannot show 24:00, which the scenario
    uses for "open until midnight".
    """

    def __init__(self, allow_24: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 24 * 60 if allow_24 else 24 * 60 - 1)
        self.setSingleStep(15)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setKeyboardTracking(False)
        self.setToolTip("Time of day (HH:MM, local time of the center); arrows step 15 minutes")

    def textFromValue(self, value: int) -> str:  # Qt override
        """Minutes after midnight as HH:MM."""
        return f"{value // 60:02d}:{value % 60:02d}"

    def valueFromText(self, text: str) -> int:  # Qt override
        """HH:MM as minutes after midnight."""
        hours, _, minutes = text.strip().partition(":")
        return int(hours or 0) * 60 + int(minutes or 0)

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        """Accept HH:MM within the range, let partial input through while typing."""
        hours, sep, minutes = text.strip().partition(":")
        if not (hours.isdigit() or hours == "") or not (minutes.isdigit() or minutes == ""):
            return QValidator.State.Invalid, text, pos
        if not sep or len(minutes) != 2 or not hours:
            return QValidator.State.Intermediate, text, pos
        value = int(hours) * 60 + int(minutes)
        if int(minutes) > 59 or not self.minimum() <= value <= self.maximum():
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Acceptable, text, pos

    def time_text(self) -> str:
        """The value as the scenario writes it ("HH:MM")."""
        return self.textFromValue(self.value())

    def set_time_text(self, text: str | int) -> None:
        """Show a scenario time ("HH:MM" or seconds after midnight)."""
        if isinstance(text, int):
            self.setValue(text // 60)
        else:
            self.setValue(self.valueFromText(text))


class DaysEdit(QWidget):
    """Seven toggle buttons, Monday to Sunday, for the weekdays a shift is worked."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(1)
        self.setStyleSheet(
            "QToolButton { background: #f3f3f3; color: #555; border: 1px solid #c4c4c4; border-radius: 3px; }"
            "QToolButton:checked { background: #2d6cdf; color: white; border-color: #1d4fa8; }")
        self._buttons: dict[str, QToolButton] = {}
        for day in WEEKDAYS:
            button = QToolButton(self)
            button.setText(day[:2].title())
            button.setCheckable(True)
            button.setAutoRaise(False)
            button.setFixedWidth(25)
            button.setToolTip(f"Worked on {day.title()}")
            button.toggled.connect(self.changed)
            layout.addWidget(button)
            self._buttons[day] = button

    def days(self) -> list[str]:
        """Selected weekdays, Monday first."""
        return [d for d in WEEKDAYS if self._buttons[d].isChecked()]

    def set_days(self, days: Sequence[str]) -> None:
        """Select exactly `days` without emitting `changed`."""
        for day, button in self._buttons.items():
            button.blockSignals(True)
            button.setChecked(day in days)
            button.blockSignals(False)


def spin(minimum: float, maximum: float, suffix: str = "", decimals: int = 0, step: float = 1.0,
         tooltip: str = "") -> QSpinBox | QDoubleSpinBox:
    """A right-aligned spin box with its unit as a suffix; integer when `decimals` is 0."""
    box: QSpinBox | QDoubleSpinBox
    if decimals == 0:
        box = NumberBox()
        box.setRange(int(minimum), int(min(maximum, 2**31 - 1)))
        box.setSingleStep(int(step))
    else:
        box = DecimalBox()
        box.setDecimals(decimals)
        box.setRange(minimum, maximum)
        box.setSingleStep(step)
    if suffix:
        box.setSuffix(suffix)
    if isinstance(box, NumberBox) and suffix in UNIT_SINGULAR:
        box.use_units(UNIT_SINGULAR[suffix], suffix)
    box.setAlignment(Qt.AlignmentFlag.AlignRight)
    box.setKeyboardTracking(False)
    box.setAccelerated(True)
    box.setMinimumWidth(110)
    if tooltip:
        box.setToolTip(tooltip)
    return box


def row_of(*widgets: QWidget, stretch: bool = False) -> QWidget:
    """Widgets side by side in one borderless holder, to sit in a grid cell or a form row like one widget.

    With `stretch` they keep their natural width at the left and empty space takes the rest.
    """
    holder = QWidget()
    lay = QHBoxLayout(holder)
    lay.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        lay.addWidget(widget)
    if stretch:
        lay.addStretch(1)
    return holder


class FlowGrid(QGridLayout):
    """Cells (a label with its field) in as many aligned columns as the width allows, in order.

    The owner calls `fit(width)` when it is resized; a narrow pane gets one or two columns
    instead of a row that runs off its edge.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setContentsMargins(0, 0, 0, 0)
        self.setHorizontalSpacing(12)
        self.setVerticalSpacing(2)
        self.cells: list[QWidget] = []
        self.columns = 0

    def set_cells(self, cells: Sequence[QWidget]) -> None:
        """Lay out these cells (the ones before are the caller's to delete)."""
        for cell in self.cells:
            self.removeWidget(cell)
        self.cells = list(cells)
        self.columns = 0

    def narrowest(self) -> int:
        """The width of one column: the widest cell."""
        return max((cell.sizeHint().width() for cell in self.cells), default=0)

    def fit(self, width: int) -> bool:
        """Re-place the cells for `width` pixels; True when the number of columns changed."""
        if not self.cells:
            return False
        spacing = self.horizontalSpacing()
        columns = max(1, min(len(self.cells), (width + spacing) // (self.narrowest() + spacing)))
        if columns == self.columns:
            return False
        for cell in self.cells:
            self.removeWidget(cell)
        for i, cell in enumerate(self.cells):
            self.addWidget(cell, i // columns, i % columns)
        for column in range(len(self.cells)):
            self.setColumnStretch(column, 0)
        self.setColumnStretch(columns, 1)
        self.columns = columns
        return True


def scrolled_layout(owner: QWidget) -> QVBoxLayout:
    """A vertical layout for `owner`'s content, inside a frameless scroll area that fills `owner`.

    A dashboard of three plots needs about 650 pixels; on a laptop screen (1280×720) the results
    pane has less, and a window that cannot shrink below its content pushes its status bar off
    the screen. In a scroll area the content keeps a readable size and scrolls instead.
    """
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    body = QWidget()
    scroll.setWidget(body)
    outer.addWidget(scroll)
    return QVBoxLayout(body)


def clear_layout(layout: QLayout) -> None:
    """Take every item out of `layout` and delete its widget, before the layout is filled anew."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


def error_label() -> QLabel:
    """The red line under a field that repeats the validation message for it."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def _ancestor(widget: QWidget | None, kind: type[W]) -> W | None:
    while widget is not None:
        if isinstance(widget, kind):
            return widget
        widget = widget.parentWidget()
    return None


def commit_typing(root: QWidget) -> bool:
    """Commit the value being typed in `root`'s focused field, as Enter would; False if it is not acceptable.

    Number fields take a typed value on Enter or on leaving the field (`keyboardTracking` is off,
    so a half-typed "12" is never simulated as "1"); an action that reads the scenario — Run,
    Save, Export, Quit — calls this first, or it would use the value from before the typing.
    A table cell being edited is committed the same way.
    """
    focus = root.focusWidget()
    box = _ancestor(focus, QAbstractSpinBox)
    if box is not None:
        if not box.hasAcceptableInput():
            reject_typing(box)
            return False
        box.interpretText()  # emits valueChanged when the typed value differs
        return True
    view = _ancestor(focus, QAbstractItemView)
    if view is not None and focus is not None and focus is not view:
        view.commitData(focus)  # the cell editor's text into the table's item
    return True
