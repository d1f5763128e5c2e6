"""The scenario editor: a dict of the scenario, edited through tabs, validated on every change.

The editor keeps `scenario.model_dump()` as a plain dict (times of day as "HH:MM") and
validates it through `wfm.scenario.io.scenario_from_mapping` after each edit, so the messages
a planner sees are exactly the ones the command line prints. Each problem is shown next to
the field it names (the longest registered path that prefixes it) and in a problems list.

Adding a tab for a new scenario section is one small `SectionTab` subclass listed in
`wfm.gui.sections.SECTION_TABS`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wfm.gui.widgets import INVALID_FIELD_STYLE, ClockEdit, error_label
from wfm.scenario import Scenario, format_time_of_day
from wfm.scenario.io import Problem, ScenarioError, format_loc, scenario_from_mapping

Path = tuple[str | int, ...]
NAV_WIDTH = 160
"""Width of the list of sections left of the editor: its longest titles take two lines."""
NAV_PADDING = 8
UNDO_DEPTH = 200
"""Edits the editor can undo; the oldest are forgotten beyond this."""


def get_in(data: Any, path: Path) -> Any:
    """The value at `path` in nested dicts and lists."""
    for part in path:
        data = data[part]
    return data


def set_in(data: Any, path: Path, value: Any) -> None:
    """Replace the value at `path` in nested dicts and lists."""
    get_in(data, path[:-1])[path[-1]] = value


def _mutable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _mutable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mutable(v) for v in value]
    return value


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """The editable dict of a scenario: lists instead of tuples, times of day as "HH:MM"."""
    data = _mutable(scenario.model_dump(mode="python"))
    hours = data["calendar"]["opening_hours"]
    for day, h in hours.items():
        if h is not None:
            hours[day] = {"open": format_time_of_day(h["open"]), "close": format_time_of_day(h["close"])}
    for group in data["groups"]:
        for shift in group["shifts"]:
            shift["start"] = format_time_of_day(shift["start"])
    return data


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their text wrapped to the column's width (Qt sizes them for one line)."""

    def __init__(self, view: QTreeWidget) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem,  # Qt override
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        """The wrapped text's height at the column's width."""
        width = max(self.view.columnWidth(index.column()) - 10, 40)
        text = str(index.data() or "")
        box = option.fontMetrics.boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, text)
        return QSize(width, box.height() + 6)


class ErrorSink:
    """Where the problems of one path show up: a red label, and a red frame on the field."""

    def __init__(self, tab: SectionTab, label: QLabel, widget: QWidget | None = None) -> None:
        self.tab = tab
        self.label = label
        self.widget = widget

    def show(self, problems: Sequence[Problem]) -> None:
        """Display the problems routed here (none hides the label)."""
        self.label.setText("\n".join(p.message for p in problems))
        self.label.setVisible(bool(problems))
        if self.widget is not None:
            self.widget.setStyleSheet(INVALID_FIELD_STYLE if problems else "")


class LocatedErrorSink(ErrorSink):
    """A sink for a table region: each message is prefixed with where in the table it is."""

    def __init__(self, tab: SectionTab, label: QLabel, locate: Callable[[str], str]) -> None:
        super().__init__(tab, label)
        self._locate = locate

    def show(self, problems: Sequence[Problem]) -> None:
        """Display every problem of the region with a readable location."""
        self.label.setText("\n".join(f"{self._locate(p.path)}: {p.message}" for p in problems))
        self.label.setVisible(bool(problems))


def show_number(box: QSpinBox | QDoubleSpinBox, value: float, scale: float = 1.0) -> None:
    """Show a scenario number in a spin box, times `scale` (e.g. a ratio as a percentage).

    An integer box with scale 1 shows the value truncated to an int, as the box cannot hold a float.
    """
    if isinstance(box, QSpinBox):
        box.setValue(int(value * scale))
    else:
        box.setValue(value * scale)


class OptionalField(QWidget):
    """A check box, a spin box and a note: a value that may be unset (None in the scenario).

    `check` says whether the value is set here, `spin` holds it, `note` says where it comes from
    when unchecked.
    """

    def __init__(self, spin: QSpinBox | QDoubleSpinBox, unset_text: str) -> None:
        super().__init__()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox()
        self.check.setToolTip(f"Set this value here; unchecked = {unset_text}")
        lay.addWidget(self.check)
        self.spin = spin
        lay.addWidget(spin)
        self.note = QLabel(unset_text)
        self.note.setStyleSheet("color: #777;")
        lay.addWidget(self.note)
        lay.addStretch(1)


@dataclass
class Binding:
    """A widget bound to one path of the scenario dict."""

    path: Path
    load: Callable[[Any], None]


class ColumnFlow(QWidget):
    """Group boxes in as many columns as the width allows, in order, each to the shortest column.

    A wide editor shows a long section side by side; a narrow one stacks it, so no field is
    ever cut off behind a horizontal scroll bar.
    """

    def __init__(self, available: Callable[[], int], column_width: int = 430, max_columns: int = 2) -> None:
        super().__init__()
        self.available = available
        self.column_width = column_width
        self.max_columns = max_columns
        self.boxes: list[QWidget] = []
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(8)
        self._columns: list[QVBoxLayout] = []
        self._count = 0

    def addWidget(self, widget: QWidget) -> None:  # the QLayout name, so `group(into=...)` works
        """Add a box at the end of the flow."""
        self.boxes.append(widget)
        self._place(self._count or 1, force=True)

    def _wanted(self) -> int:
        return max(1, min(self.max_columns, self.available() // self.column_width))

    def _place(self, count: int, force: bool = False) -> None:
        if count == self._count and not force:
            return
        for column in self._columns:
            while column.count():
                column.takeAt(0)
            self._row.removeItem(column)
            column.deleteLater()
        self._columns = []
        heights = [0] * count
        for _ in range(count):
            column = QVBoxLayout()
            column.setSpacing(6)
            self._row.addLayout(column, 1)
            self._columns.append(column)
        for box in self.boxes:
            target = heights.index(min(heights))
            self._columns[target].addWidget(box)
            heights[target] += box.sizeHint().height()
        for column in self._columns:
            column.addStretch(1)
        self._count = count

    def reflow(self) -> None:
        """Re-flow when the number of columns that fit the visible width changes."""
        self._place(self._wanted())


class SectionTab(QWidget):
    """One editor tab for one or more scenario sections.

    Subclasses set `title` and implement `build()` using the `bind_*` helpers; `refresh()`
    reloads the widgets from the editor's dict (after Open or a what-if edit).
    """

    title: ClassVar[str] = ""

    def __init__(self, editor: ScenarioEditor) -> None:
        super().__init__()
        self.editor = editor
        self._bindings: list[Binding] = []
        self._flows: list[ColumnFlow] = []
        self._conditions: list[tuple[list[QWidget], Callable[[dict[str, Any]], bool]]] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.body = QWidget()
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setContentsMargins(8, 8, 8, 8)
        scroll.setWidget(self.body)
        outer.addWidget(scroll)
        self.build()
        self.layout_.addStretch(1)
        editor.edited.connect(self.apply_conditions)  # this tab's own edits too (they do not refresh it)

    def build(self) -> None:
        """Create the widgets of the tab."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload every bound widget from the editor's dict without emitting edits."""
        for binding in self._bindings:
            try:
                value = get_in(self.editor.data, binding.path)
            except (KeyError, IndexError, TypeError):
                continue
            binding.load(value)
        self.apply_conditions()

    def enable_when(self, widgets: Iterable[QWidget], applies: Callable[[dict[str, Any]], bool]) -> None:
        """Grey out `widgets` while `applies(editor data)` is false: a field that does not apply now.

        The CV of a fixed duration, the stress settings with stress off: a field that takes a value
        and changes nothing misleads the planner who edits it.
        """
        self._conditions.append((list(widgets), applies))

    def apply_conditions(self) -> None:
        """Enable each conditional field by what the scenario says now."""
        for widgets, applies in self._conditions:
            try:
                on = bool(applies(self.editor.data))
            except (KeyError, IndexError, TypeError):
                on = True  # a malformed section: let the planner fix it
            for widget in widgets:
                widget.setEnabled(on)

    # ---- layout helpers ----------------------------------------------------------------

    def group(self, title: str, path: Path | None = None, into: QVBoxLayout | ColumnFlow | None = None) -> QFormLayout:
        """A titled box of form rows; with `path`, problems of that section show at its foot.

        The box goes at the end of the tab, or of `into` (e.g. a `flow()`).
        """
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        # A field too wide for the space beside its label goes under it: a narrow editor wraps, not scrolls.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        (into if into is not None else self.layout_).addWidget(box)
        if path is not None:
            label = error_label()
            form.addRow(label)
            self.editor.register_sink(path, ErrorSink(self, label))
        return form

    def flow(self) -> ColumnFlow:
        """A `ColumnFlow` for group boxes (pass it as `into`): side by side when the editor is wide."""
        # The tab's width, not the flow's: the flow may be wider than the visible scroll area.
        flow = ColumnFlow(lambda: self.width() - 24)
        self.layout_.addWidget(flow)
        self._flows.append(flow)
        return flow

    def resizeEvent(self, event: Any) -> None:  # Qt override
        """Re-flow the group boxes for the new width."""
        super().resizeEvent(event)
        for flow in self._flows:
            flow.reflow()

    def row(self, form: QFormLayout, text: str, path: Path, widget: QWidget, tooltip: str = "") -> None:
        """Add a labelled field with its inline error line underneath."""
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        label = error_label()
        lay.addWidget(label)
        if tooltip:
            widget.setToolTip(tooltip)
        form.addRow(text, box)
        self.editor.register_sink(path, ErrorSink(self, label, widget))

    # ---- bindings ------------------------------------------------------------------------

    def _add(self, path: Path, load: Callable[[Any], None]) -> None:
        self._bindings.append(Binding(path, load))

    def _quiet(self, widget: QWidget, action: Callable[[], None]) -> None:
        widget.blockSignals(True)
        try:
            action()
        finally:
            widget.blockSignals(False)

    def bind_spin(self, path: Path, box: QSpinBox | QDoubleSpinBox, scale: float = 1.0) -> QSpinBox | QDoubleSpinBox:
        """Bind a spin box; `scale` shows e.g. a ratio as a percentage (scale 100)."""
        is_int = isinstance(box, QSpinBox) and scale == 1.0

        def load(value: Any) -> None:
            if isinstance(value, int | float):
                self._quiet(box, lambda: show_number(box, value, scale))

        def edited(value: float) -> None:
            self.editor.set_value(path, int(value) if is_int else round(value / scale, 10), source=self)

        box.valueChanged.connect(edited)
        self._add(path, load)
        return box

    def bind_optional(self, path: Path, box: QSpinBox | QDoubleSpinBox, scale: float = 1.0,
                      unset_text: str = "from presets") -> OptionalField:
        """A check box and a spin box for a value that may be unset (None in the scenario).

        Unchecked writes None (the value then comes from elsewhere, e.g. a compliance preset);
        checking it writes the spin box's value.
        """
        holder = OptionalField(box, unset_text)
        check, note = holder.check, holder.note
        is_int = isinstance(box, QSpinBox) and scale == 1.0

        def value() -> Any:
            return int(box.value()) if is_int else round(box.value() / scale, 10)

        def load(current: Any) -> None:
            on = current is not None
            self._quiet(check, lambda: check.setChecked(on))
            box.setEnabled(on)
            note.setVisible(not on)
            if isinstance(current, int | float):
                self._quiet(box, lambda: show_number(box, current, scale))

        def toggled(on: bool) -> None:
            box.setEnabled(on)
            note.setVisible(not on)
            self.editor.set_value(path, value() if on else None, source=self)

        check.toggled.connect(toggled)
        box.valueChanged.connect(lambda _v: self.editor.set_value(path, value(), source=self)
                                 if check.isChecked() else None)
        self._add(path, load)
        return holder

    def bind_combo(self, path: Path, combo: QComboBox, options: Iterable[tuple[Any, str]]) -> QComboBox:
        """Bind a combo box of (value, label) options."""
        options = list(options)
        for value, text in options:
            combo.addItem(text, value)

        def load(value: Any) -> None:
            index = combo.findData(value)
            self._quiet(combo, lambda: combo.setCurrentIndex(index))

        combo.currentIndexChanged.connect(lambda i: self.editor.set_value(path, combo.itemData(i), source=self))
        self._add(path, load)
        return combo

    def bind_check(self, path: Path, check: QCheckBox) -> QCheckBox:
        """Bind a check box to a boolean."""
        self._add(path, lambda v: self._quiet(check, lambda: check.setChecked(bool(v))))
        check.toggled.connect(lambda on: self.editor.set_value(path, bool(on), source=self))
        return check

    def bind_text(self, path: Path, edit: QLineEdit | QPlainTextEdit) -> QLineEdit | QPlainTextEdit:
        """Bind a single- or multi-line text field to a string."""
        if isinstance(edit, QLineEdit):
            self._add(path, lambda v: self._quiet(edit, lambda: edit.setText(str(v))))
            edit.textEdited.connect(lambda text: self.editor.set_value(path, text, source=self))
        else:
            def load(value: Any) -> None:
                if edit.toPlainText() != str(value):
                    self._quiet(edit, lambda: edit.setPlainText(str(value)))

            self._add(path, load)
            edit.textChanged.connect(lambda: self.editor.set_value(path, edit.toPlainText(), source=self))
        return edit

    def bind_clock(self, path: Path, clock: ClockEdit) -> ClockEdit:
        """Bind a time-of-day editor to an "HH:MM" string."""
        self._add(path, lambda v: self._quiet(clock, lambda: clock.set_time_text(v)))
        clock.valueChanged.connect(lambda _v: self.editor.set_value(path, clock.time_text(), source=self))
        return clock


class ScenarioEditor(QWidget):
    """Tabs over a scenario dict, with inline validation and a problems list.

    Signals:
        edited: the user (or a what-if control) changed a value.
        validity_changed(bool): the scenario became valid or invalid.
        problems_changed(list): the current problems (empty when valid).
    """

    edited = Signal()
    validity_changed = Signal(bool)
    problems_changed = Signal(list)
    loaded = Signal()
    """A scenario replaced every edit (a file opened, a new scenario): state kept for the old one goes."""

    def __init__(self, tab_classes: Sequence[type[SectionTab]], scenario: Scenario,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: dict[str, Any] = scenario_to_data(scenario)
        self._scenario: Scenario | None = scenario
        self._problems: list[Problem] = []
        self._sinks: dict[str, ErrorSink] = {}
        self._history: list[dict[str, Any]] = []
        self._merge_key: object = None
        # A list of sections instead of a tab bar: seven sections fit, and a ⚠ shows on each at once.
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.tabBar().hide()
        self.nav = QListWidget()
        self.nav.setObjectName("section-list")
        self.nav.setStyleSheet(
            "QListWidget { border: none; background: #eef1f5; font-size: 10pt; }"
            f"QListWidget::item {{ padding: 7px {NAV_PADDING}px; border-bottom: 1px solid #dde2e8; color: #222; }}"
            "QListWidget::item:selected { background: #2d6cdf; color: white; }")
        self.section_tabs: list[SectionTab] = []
        for cls in tab_classes:
            tab = cls(self)
            self.section_tabs.append(tab)
            self.tabs.addTab(tab, cls.title)
            self.nav.addItem(cls.title.replace("&&", "&"))
            self._fit_nav_item(len(self.section_tabs) - 1)
        # Narrow, with long titles on two lines: on a laptop screen the fields need the width more.
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.nav.setWordWrap(True)
        self.nav.currentRowChanged.connect(self.tabs.setCurrentIndex)
        self.tabs.currentChanged.connect(self.nav.setCurrentRow)
        self.nav.setCurrentRow(0)
        sections = QWidget()
        nav_lay = QHBoxLayout(sections)
        nav_lay.setContentsMargins(0, 0, 0, 0)
        nav_lay.setSpacing(0)
        nav_lay.addWidget(self.nav)
        nav_lay.addWidget(self.tabs, 1)
        self.problem_list = QTreeWidget()
        self.problem_list.setHeaderLabels(["Where", "Problem"])
        self.problem_list.setRootIsDecorated(False)
        self.problem_list.setColumnWidth(0, 200)
        # Whole messages, wrapped: a problem cut to "…" hides the fix it names.
        self.problem_list.setWordWrap(True)
        self.problem_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.problem_list.setUniformRowHeights(False)
        self.problem_list.setItemDelegate(WrappingDelegate(self.problem_list))
        self.problem_list.header().sectionResized.connect(lambda *_: self.problem_list.doItemsLayout())
        self.problem_list.itemActivated.connect(self._go_to_problem)
        self.status = QLabel()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(sections)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.status)
        lay.addWidget(self.problem_list)
        split.addWidget(box)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self._refresh_tabs()
        self._validate()

    def _fit_nav_item(self, row: int) -> None:
        """Make a section's entry tall enough for its title wrapped within the list's width.

        The list wraps a long title when it draws it, inside the item's padding, but sizes the
        item without the padding: a title that fits the one but not the other would be cut.
        """
        item = self.nav.item(row)
        room = NAV_WIDTH - 2 * NAV_PADDING - 4
        font = self.nav.font()
        font.setPointSizeF(10)  # the list's style sheet
        text = QFontMetrics(font).boundingRect(QRect(0, 0, room, 1000), Qt.TextFlag.TextWordWrap, item.text())
        item.setSizeHint(QSize(NAV_WIDTH, text.height() + 2 * 7 + 1))

    # ---- state ---------------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario | None:
        """The validated scenario, or None while there are problems."""
        return self._scenario

    @property
    def problems(self) -> list[Problem]:
        """Every current problem, as `scenario_from_mapping` reports them."""
        return list(self._problems)

    @property
    def is_valid(self) -> bool:
        """Whether the dict validates (Run and Save need it)."""
        return self._scenario is not None

    def set_scenario(self, scenario: Scenario) -> None:
        """Load a scenario, replacing every edit (the caller asked about unsaved changes)."""
        self.data = scenario_to_data(scenario)
        self._history.clear()
        self._merge_key = None
        self._refresh_tabs()
        self._validate()
        self.loaded.emit()

    def set_value(self, path: Path, value: Any, source: SectionTab | None = None) -> None:
        """Change one value; tabs other than `source` reload so they show it.

        Successive changes of one field (keystrokes in a name, clicks on a spin box) undo as one.
        """
        self._remember(("value", path), copy_data=True)
        set_in(self.data, path, value)
        self._after_edit(source)

    def replace_data(self, data: dict[str, Any], source: SectionTab | None = None, merge: object = None) -> None:
        """Change several values at once (structural edits such as adding a shift).

        `data` is a new dict (an edited deep copy): the one it replaces is kept for `undo`. Edits
        with the same `merge` key in a row undo as one (None: never merged).
        """
        self._remember(merge)
        self.data = data
        self._after_edit(source)

    @property
    def can_undo(self) -> bool:
        """Whether there is an edit to undo."""
        return bool(self._history)

    def undo(self) -> bool:
        """Put back the scenario as it was before the last edit (False when there is none)."""
        if not self._history:
            return False
        self.data = self._history.pop()
        self._merge_key = None
        self._after_edit(None)
        return True

    def _remember(self, merge: object, copy_data: bool = False) -> None:
        """Keep the data as it is before an edit (not again while the same field is edited)."""
        if merge is not None and merge == self._merge_key and self._history:
            return  # one undo step puts back the value from before the first of these edits
        self._history.append(copy.deepcopy(self.data) if copy_data else self.data)
        del self._history[:-UNDO_DEPTH]
        self._merge_key = merge

    def _after_edit(self, source: SectionTab | None) -> None:
        for tab in self.section_tabs:
            if tab is not source:
                tab.refresh()
        self._validate()
        self.edited.emit()

    def _refresh_tabs(self) -> None:
        for tab in self.section_tabs:
            tab.refresh()

    # ---- validation ----------------------------------------------------------------------

    def register_sink(self, path: Path | str, sink: ErrorSink) -> None:
        """Show problems whose path starts with `path` (the longest match wins) in `sink`."""
        key = path if isinstance(path, str) else format_loc(path)
        self._sinks[key] = sink

    def field(self, path: Path) -> QWidget | None:
        """The input widget bound to `path` (None for table cells and whole sections)."""
        sink = self._sinks.get(format_loc(path))
        return sink.widget if sink is not None else None

    def error_text(self, path: Path | str) -> str:
        """The inline error text shown for `path` (empty when hidden), as the planner reads it."""
        sink = self._sinks.get(path if isinstance(path, str) else format_loc(path))
        return sink.label.text() if sink is not None and not sink.label.isHidden() else ""

    def _sink_for(self, problem_path: str) -> str | None:
        best = None
        for key in self._sinks:
            if problem_path == key or problem_path.startswith((key + ".", key + "[")):
                if best is None or len(key) > len(best):
                    best = key
        return best

    def _validate(self) -> None:
        was_valid = self._scenario is not None
        try:
            self._scenario = scenario_from_mapping(copy.deepcopy(self.data), "scenario")
            self._problems = []
        except ScenarioError as exc:
            self._scenario = None
            self._problems = list(exc.problems)
        routed: dict[str, list[Problem]] = {key: [] for key in self._sinks}
        self.problem_list.clear()
        flagged: set[int] = set()
        for problem in self._problems:
            key = self._sink_for(problem.path)
            item = QTreeWidgetItem([problem.path or "scenario", problem.message])
            item.setToolTip(1, problem.message)
            self.problem_list.addTopLevelItem(item)
            if key is not None:
                routed[key].append(problem)
                item.setData(0, Qt.ItemDataRole.UserRole, key)
                flagged.add(self.tabs.indexOf(self._sinks[key].tab))
        for key, sink in self._sinks.items():
            sink.show(routed[key])
        for i, tab in enumerate(self.section_tabs):
            mark = " ⚠" if i in flagged else ""
            self.tabs.setTabText(i, tab.title + mark)
            self.nav.item(i).setText(tab.title.replace("&&", "&") + mark)
            self._fit_nav_item(i)
        n = len(self._problems)
        self.status.setText("✔ Scenario is valid" if n == 0 else f"⚠ {n} problem(s): fix them to run or save")
        self.status.setStyleSheet("color: #1b7f3b;" if n == 0 else "color: #b00020; font-weight: bold;")
        self.problem_list.setVisible(n > 0)
        if was_valid != (self._scenario is not None):
            self.validity_changed.emit(self._scenario is not None)
        self.problems_changed.emit(self.problems)

    def _go_to_problem(self, item: QTreeWidgetItem) -> None:
        key = item.data(0, Qt.ItemDataRole.UserRole)
        sink = self._sinks.get(key) if key else None
        if sink is not None:
            self.tabs.setCurrentWidget(sink.tab)
            if sink.widget is not None:
                sink.widget.setFocus()
