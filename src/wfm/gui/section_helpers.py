"""Building blocks shared by the outbound, workforce and cost tabs of the editor.

Small functions over a `SectionTab`: a labelled percentage or number bound to a path, a
compact grid of random durations, and a table of records (segments) with Add/Remove. They
keep the tab classes short and make every field show its unit and its pydantic range.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from wfm.gui.editor import ColumnFlow, ErrorSink, LocatedErrorSink, Path, SectionTab, get_in, show_number
from wfm.gui.widgets import error_label, spin

DURATION_KINDS = (("fixed", "Fixed"), ("exponential", "Exponential"), ("lognormal", "Lognormal"))


def percent(tab: SectionTab, form: QFormLayout, text: str, path: Path, tooltip: str = "", *,
            minimum: float = 0.0, maximum: float = 100.0, decimals: int = 1, step: float = 1.0) -> Any:
    """A probability or share in [0, 1] shown as a percentage."""
    box = spin(minimum, maximum, " %", decimals, step)
    tab.row(form, text, path, tab.bind_spin(path, box, scale=100), tooltip)
    return box


def number(tab: SectionTab, form: QFormLayout, text: str, path: Path, minimum: float, maximum: float,
           suffix: str = "", decimals: int = 0, step: float = 1.0, tooltip: str = "") -> Any:
    """A number with its unit and range (integer when `decimals` is 0)."""
    box = spin(minimum, maximum, suffix, decimals, step)
    tab.row(form, text, path, tab.bind_spin(path, box), tooltip)
    return box


def _is_lognormal(path: Path, data: dict[str, Any]) -> bool:
    """Whether the duration at `path` is lognormal (its CV applies only then)."""
    return bool(get_in(data, (*path, "distribution")) == "lognormal")


def duration_grid(tab: SectionTab, title: str, rows: Sequence[tuple[str, Path]], into: QVBoxLayout,
                  minimum_mean: float = 0.0) -> None:
    """Several random durations in one compact grid: distribution, mean and CV per row."""
    box = QGroupBox(title)
    grid = QGridLayout(box)
    grid.setHorizontalSpacing(6)
    grid.setVerticalSpacing(2)
    for column, header in enumerate(("", "Distribution", "Mean", "CV")):
        grid.addWidget(QLabel(f"<b>{header}</b>"), 0, column)
    for i, (label, path) in enumerate(rows):
        r = 2 * i + 1
        kind = tab.bind_combo((*path, "distribution"), QComboBox(), DURATION_KINDS)
        mean = tab.bind_spin((*path, "mean_s"), spin(minimum_mean, 86_400, " s", 1, 5.0))
        mean.setMinimumWidth(90)
        cv = tab.bind_spin((*path, "cv"), spin(0, 10, "", 2, 0.05, "Standard deviation / mean (lognormal only)"))
        cv.setMinimumWidth(70)
        tab.enable_when([cv], functools.partial(_is_lognormal, path))
        grid.addWidget(QLabel(label), r, 0, alignment=Qt.AlignmentFlag.AlignRight)
        grid.addWidget(kind, r, 1)
        grid.addWidget(mean, r, 2)
        grid.addWidget(cv, r, 3)
        errors = error_label()
        grid.addWidget(errors, r + 1, 0, 1, 4)
        tab.editor.register_sink(path, ErrorSink(tab, errors, mean))
    grid.setColumnStretch(4, 1)
    into.addWidget(box)


@dataclass(frozen=True)
class Column:
    """One column of a record table: the key in the record and how to edit it.

    `scale` 100 shows a share as a percentage; `decimals` 0 makes an integer field.
    """

    key: str
    header: str
    minimum: float = 0.0
    maximum: float = 1e9
    suffix: str = ""
    decimals: int = 0
    step: float = 1.0
    scale: float = 1.0
    tooltip: str = ""


class RecordTable:
    """A table of records (e.g. risk segments) bound to a list in the scenario, with Add/Remove.

    Every cell is a spin box (or a name field in column 0); problems of the list show under
    the table, prefixed with the record's name.
    """

    def __init__(self, tab: SectionTab, title: str, path: Path, columns: Sequence[Column],
                 new_record: Callable[[list[dict[str, Any]]], dict[str, Any]], into: QVBoxLayout | ColumnFlow,
                 note: str = "") -> None:
        self.tab = tab
        self.path = path
        self.columns = list(columns)
        self.new_record = new_record
        self.table = QTableWidget(0, len(columns) + 1)
        self.table.setHorizontalHeaderItem(0, QTableWidgetItem("Name"))
        for i, column in enumerate(columns, start=1):
            header = QTableWidgetItem(column.header)
            header.setToolTip(column.tooltip)  # an empty text shows no tooltip
            self.table.setHorizontalHeaderItem(i, header)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setMinimumHeight(140)
        box = QGroupBox(title)
        lay = QVBoxLayout(box)
        if note:
            hint = QLabel(note)
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #555;")
            lay.addWidget(hint)
        lay.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button, self.remove_button = QPushButton("Add"), QPushButton("Remove")
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.errors = error_label()
        lay.addWidget(self.errors)
        into.addWidget(box)
        tab.editor.register_sink(path, LocatedErrorSink(tab, self.errors, self._locate))

    def records(self) -> list[dict[str, Any]]:
        """The list in the editor's dict."""
        return get_in(self.tab.editor.data, self.path)

    def _locate(self, where: str) -> str:
        prefix = ".".join(str(p) for p in self.path)
        rest = where[len(prefix):] if where.startswith(prefix) else where
        if rest.startswith("["):
            index, _, field = rest[1:].partition("]")
            try:
                name = self.records()[int(index)].get("name", index)
            except (ValueError, IndexError, AttributeError):
                return where
            return f"{name} › {field.lstrip('.')}" if field else str(name)
        return where

    def add(self) -> None:
        """Append a new record (a copy of sensible defaults) and select it."""
        data = copy.deepcopy(self.tab.editor.data)
        records = get_in(data, self.path)
        records.append(self.new_record(records))
        self.tab.editor.replace_data(data, source=self.tab)
        self.fill()
        self.table.selectRow(len(records) - 1)

    def remove(self) -> None:
        """Remove the selected record (or the last one)."""
        records = self.records()
        if not records:
            return
        row = self.table.currentRow()
        index = row if 0 <= row < len(records) else len(records) - 1
        data = copy.deepcopy(self.tab.editor.data)
        get_in(data, self.path).pop(index)
        self.tab.editor.replace_data(data, source=self.tab)
        self.fill()

    def fill(self) -> None:
        """Rebuild the rows from the editor's dict."""
        records = self.records()
        self.table.setRowCount(len(records))
        for r, record in enumerate(records):
            name = QLineEdit(str(record.get("name", "")))
            name.setFrame(False)
            name.textEdited.connect(lambda text, r=r: self.tab.editor.set_value((*self.path, r, "name"), text,
                                                                                 source=self.tab))
            self.table.setCellWidget(r, 0, name)
            for c, column in enumerate(self.columns, start=1):
                box = spin(column.minimum, column.maximum, column.suffix, column.decimals, column.step)
                box.setMinimumWidth(0)
                box.setFrame(False)
                value = record.get(column.key)
                if isinstance(value, int | float):
                    show_number(box, value, column.scale)
                box.valueChanged.connect(lambda v, r=r, col=column: self._edited(r, col, v))
                self.table.setCellWidget(r, c, box)
        self.table.resizeColumnsToContents()

    def _edited(self, row: int, column: Column, value: float) -> None:
        stored: float = int(value) if column.decimals == 0 and column.scale == 1.0 else round(
            value / column.scale, 10)
        self.tab.editor.set_value((*self.path, row, column.key), stored, source=self.tab)


def list_text(values: Sequence[Any]) -> str:
    """Numbers as the comma-separated text of a line edit."""
    return ", ".join(f"{v:g}" if isinstance(v, int | float) else str(v) for v in values)


def parse_list(text: str) -> list[Any]:
    """A comma-separated line back into numbers; what does not parse stays text for validation to name."""
    out: list[Any] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(float(part))
        except ValueError:
            out.append(part)
    return out


def bind_text(tab: SectionTab, path: Path, to_text: Callable[[Any], str], from_text: Callable[[str], Any],
              tooltip: str = "") -> QLineEdit:
    """A line edit bound to a value the planner types as text; what does not parse is left for validation."""
    edit = QLineEdit()
    edit.setToolTip(tooltip)
    tab._add(path, lambda v: tab._quiet(edit, lambda: edit.setText(to_text(v))))
    edit.textEdited.connect(lambda text: tab.editor.set_value(path, from_text(text), source=tab))
    return edit


def bind_list(tab: SectionTab, path: Path, tooltip: str = "") -> QLineEdit:
    """A line edit bound to a list of numbers written as "a, b, c"."""
    return bind_text(tab, path, list_text, parse_list, tooltip)


def mapping_text(values: dict[str, Any]) -> str:
    """A mapping as the text of a line edit: "Europe/Rome = 0.7, UTC-05:00 = 0.3"."""
    return ", ".join(f"{k} = {v:g}" if isinstance(v, int | float) else f"{k} = {v}" for k, v in values.items())


def parse_mapping(text: str) -> dict[str, Any]:
    """"key = number, …" back into a dict; a value that does not parse stays text for validation."""
    out: dict[str, Any] = {}
    for part in text.replace(";", ",").split(","):
        key, sep, value = part.partition("=")
        if not key.strip():
            continue
        value = value.strip()
        try:
            out[key.strip()] = float(value) if sep else value
        except ValueError:
            out[key.strip()] = value
    return out


def bind_mapping(tab: SectionTab, path: Path, tooltip: str = "") -> QLineEdit:
    """A line edit bound to a mapping of names to numbers written as "name = value, …"."""
    return bind_text(tab, path, mapping_text, parse_mapping, tooltip)


def hint(text: str) -> QLabel:
    """A grey explanatory line inside a form."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label
