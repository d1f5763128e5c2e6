"""The editor's tabs, one small class per scenario section (see `wfm.gui.editor.SectionTab`).

Ranges of the spin boxes follow the pydantic constraints of `wfm.scenario`, so most bad
values cannot be typed at all; what remains (a break outside its shift, closing before
opening, no agent for inbound…) is caught by validation and shown next to the field.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wfm.gui.editor import ErrorSink, LocatedErrorSink, SectionTab, get_in
from wfm.gui.widgets import ClockEdit, DaysEdit, error_label, spin
from wfm.scenario import WEEKDAYS

DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
             "sat": "Saturday", "sun": "Sunday"}
TIMEZONES = ("Europe/Rome", "Europe/London", "Europe/Berlin", "Europe/Madrid", "Europe/Paris", "Europe/Warsaw",
             "America/New_York", "America/Chicago", "America/Los_Angeles", "UTC")
DURATION_KINDS = (("fixed", "Fixed"), ("exponential", "Exponential"), ("lognormal", "Lognormal"))


class CalendarDemandTab(SectionTab):
    """Horizon, reporting grid, opening hours and the inbound demand forecast."""

    title = "Calendar && demand"

    def build(self) -> None:
        """Calendar box, opening-hours grid, demand volumes and the intraday shape table."""
        form = self.group("Calendar", ("calendar",))
        start = QDateEdit()
        start.setCalendarPopup(True)
        start.setDisplayFormat("ddd yyyy-MM-dd")
        start.dateChanged.connect(
            lambda d: self.editor.set_value(("calendar", "start_date"), d.toPython(), source=self))
        self._add(("calendar", "start_date"), lambda v: self._quiet(start, lambda: start.setDate(QDate(v))))
        self.row(form, "Start date", ("calendar", "start_date"), start, "Day 0 of the simulation")
        self.row(form, "Horizon", ("calendar", "horizon_days"),
                 self.bind_spin(("calendar", "horizon_days"), spin(1, 365, " days")), "1 to 365 days")
        self.row(form, "Reporting interval", ("calendar", "interval_minutes"),
                 self.bind_combo(("calendar", "interval_minutes"), QComboBox(),
                                 [(15, "15 min"), (30, "30 min"), (60, "60 min")]))
        zone = QComboBox()
        zone.setEditable(True)
        zone.addItems(TIMEZONES)
        zone.setMinimumWidth(180)
        self._add(("calendar", "timezone"), lambda v: self._quiet(zone, lambda: zone.setCurrentText(str(v))))
        zone.currentTextChanged.connect(
            lambda text: self.editor.set_value(("calendar", "timezone"), text, source=self))
        self.row(form, "Time zone", ("calendar", "timezone"), zone, "IANA time zone of the center")
        holidays = QLineEdit()
        holidays.setPlaceholderText("e.g. 2026-01-06, 2026-04-06")
        holidays.setMinimumWidth(260)
        self._add(("calendar", "holidays"), lambda v: self._quiet(
            holidays, lambda: holidays.setText(", ".join(str(d) for d in v))))
        holidays.textEdited.connect(lambda text: self.editor.set_value(
            ("calendar", "holidays"), [t.strip() for t in text.split(",") if t.strip()], source=self))
        self.row(form, "Holidays (closed)", ("calendar", "holidays"), holidays, "Dates as YYYY-MM-DD, comma-separated")

        self._build_hours()
        self._build_demand()

    def _build_hours(self) -> None:
        box = QGroupBox("Opening hours (local time)")
        grid = QGridLayout(box)
        grid.addWidget(QLabel("<b>Day</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Open</b>"), 0, 1)
        grid.addWidget(QLabel("<b>From</b>"), 0, 2)
        grid.addWidget(QLabel("<b>Until</b>"), 0, 3)
        self._hours: dict[str, tuple[QCheckBox, ClockEdit, ClockEdit]] = {}
        for row, day in enumerate(WEEKDAYS, start=1):
            is_open, opens, closes = QCheckBox(), ClockEdit(), ClockEdit(allow_24=True)
            closes.setToolTip("Closing time; 24:00 means open until midnight")
            grid.addWidget(QLabel(DAY_NAMES[day]), 2 * row - 1, 0)
            grid.addWidget(is_open, 2 * row - 1, 1)
            grid.addWidget(opens, 2 * row - 1, 2)
            grid.addWidget(closes, 2 * row - 1, 3)
            label = error_label()
            grid.addWidget(label, 2 * row, 0, 1, 4)
            self.editor.register_sink(("calendar", "opening_hours", day), ErrorSink(self, label, closes))
            self._hours[day] = (is_open, opens, closes)
            is_open.toggled.connect(lambda _on, d=day: self._hours_edited(d))
            opens.valueChanged.connect(lambda _v, d=day: self._hours_edited(d))
            closes.valueChanged.connect(lambda _v, d=day: self._hours_edited(d))
        grid.setColumnStretch(4, 1)
        self.layout_.addWidget(box)

    def _hours_edited(self, day: str) -> None:
        is_open, opens, closes = self._hours[day]
        opens.setEnabled(is_open.isChecked())
        closes.setEnabled(is_open.isChecked())
        value = {"open": opens.time_text(), "close": closes.time_text()} if is_open.isChecked() else None
        self.editor.set_value(("calendar", "opening_hours", day), value, source=self)

    def _build_demand(self) -> None:
        form = self.group("Inbound demand", ("inbound", "demand"))
        self._table_note = QLabel(
            "This scenario gives expected calls per interval and weekday (interval_table in the file); "
            "the daily volumes and the shape below are not used.")
        self._table_note.setWordWrap(True)
        self._table_note.setStyleSheet("color: #8a5a00;")
        form.addRow(self._table_note)
        volumes = QWidget()
        grid = QGridLayout(volumes)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, day in enumerate(WEEKDAYS):
            box = spin(0, 1_000_000, "", step=50, tooltip=f"Expected calls on a {DAY_NAMES[day]}")
            box.setMinimumWidth(84)
            self._bind_volume(day, box)
            row, column = 2 * (i // 4), i % 4
            grid.addWidget(QLabel(day.title()), row, column, alignment=Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(box, row + 1, column)
        self.row(form, "Daily volume (calls/day)", ("inbound", "demand", "daily_volume"), volumes)
        self.row(form, "Day-to-day variation", ("inbound", "demand", "day_cv"),
                 self.bind_spin(("inbound", "demand", "day_cv"), spin(0, 2, " CV", decimals=2, step=0.01)),
                 "Coefficient of variation of the daily volume beyond Poisson (0 = none)")
        self.shape = QTableWidget(0, 3)
        self.shape.setHorizontalHeaderLabels(["From", "Weight", "Share of day"])
        self.shape.verticalHeader().hide()
        self.shape.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.shape.setMinimumHeight(220)
        self.shape.setMaximumWidth(380)
        self.shape.itemChanged.connect(self._shape_edited)
        self.row(form, "Intraday shape", ("inbound", "demand", "intraday_shape"), self.shape,
                 "Relative weight of each hour (or half/quarter hour); hours when closed are ignored")

    def _bind_volume(self, day: str, box: Any) -> None:
        path = ("inbound", "demand", "daily_volume")

        def load(volumes: dict[str, float]) -> None:
            self._quiet(box, lambda: box.setValue(int(volumes.get(day, 0))))

        def edited(value: int) -> None:
            volumes = dict(self.editor.data["inbound"]["demand"]["daily_volume"])
            if value > 0:
                volumes[day] = float(value)
            else:
                volumes.pop(day, None)
            self.editor.set_value(path, volumes, source=self)

        box.valueChanged.connect(edited)
        self._add(path, load)

    def refresh(self) -> None:
        """Reload the fields, the opening-hours grid and the shape table."""
        super().refresh()
        data = self.editor.data
        for day, (is_open, opens, closes) in self._hours.items():
            hours = data["calendar"]["opening_hours"].get(day)
            for w in (is_open, opens, closes):
                w.blockSignals(True)
            is_open.setChecked(hours is not None)
            if hours is not None:
                opens.set_time_text(hours["open"])
                closes.set_time_text(hours["close"])
            opens.setEnabled(hours is not None)
            closes.setEnabled(hours is not None)
            for w in (is_open, opens, closes):
                w.blockSignals(False)
        demand = data["inbound"]["demand"]
        self._table_note.setVisible(demand.get("interval_table") is not None)
        self._fill_shape(list(demand["intraday_shape"]))

    def _fill_shape(self, shape: list[Any]) -> None:
        self.shape.blockSignals(True)
        self.shape.setRowCount(len(shape))
        step = 24 * 60 // max(len(shape), 1)
        numbers = [w for w in shape if isinstance(w, int | float)]
        total = sum(numbers) or 1.0
        for i, weight in enumerate(shape):
            start = QTableWidgetItem(f"{i * step // 60:02d}:{i * step % 60:02d}")
            start.setFlags(Qt.ItemFlag.ItemIsEnabled)
            value = QTableWidgetItem(f"{weight:g}" if isinstance(weight, int | float) else str(weight))
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            share_text = f"{weight / total:.1%}" if isinstance(weight, int | float) else "–"
            share = QTableWidgetItem(share_text)
            share.setFlags(Qt.ItemFlag.ItemIsEnabled)
            share.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.shape.setItem(i, 0, start)
            self.shape.setItem(i, 1, value)
            self.shape.setItem(i, 2, share)
        self.shape.blockSignals(False)

    def _shape_edited(self, item: QTableWidgetItem) -> None:
        if item.column() != 1:
            return
        values: list[Any] = []
        for i in range(self.shape.rowCount()):
            cell = self.shape.item(i, 1)
            text = cell.text().strip() if cell is not None else ""
            try:
                values.append(float(text))
            except ValueError:
                values.append(text)  # validation names the bad entry
        self.editor.set_value(("inbound", "demand", "intraday_shape"), values, source=self)
        self._fill_shape(values)


class InboundTab(SectionTab):
    """Handle time, patience, redials and the service-level objective."""

    title = "Inbound handling && SL"

    def build(self) -> None:
        """One box per inbound sub-section."""
        form = self.group("Inbound line", ("inbound",))
        self.row(form, "Simulate inbound calls", ("inbound", "enabled"),
                 self.bind_check(("inbound", "enabled"), QCheckBox()))
        for key, title in (("talk", "Talk time per answered call"), ("acw", "After-call work (wrap-up)")):
            form = self.group(title, ("inbound", key))
            self._duration_rows(form, ("inbound", key), DURATION_KINDS)

        form = self.group("Caller patience", ("inbound", "patience"))
        self._duration_rows(form, ("inbound", "patience"),
                            (("none", "None (never abandon)"), ("exponential", "Exponential"),
                             ("lognormal", "Lognormal")), minimum_mean=0.1, minimum_cv=0.01)

        form = self.group("Redials of abandoned callers", ("inbound", "redial"))
        self.row(form, "Share who call back", ("inbound", "redial", "probability"),
                 self.bind_spin(("inbound", "redial", "probability"), spin(0, 100, " %", 1, 1.0), scale=100))
        self.row(form, "Mean delay before redial", ("inbound", "redial", "delay_mean_s"),
                 self.bind_spin(("inbound", "redial", "delay_mean_s"), spin(1, 86_400, " s", step=60)))

        form = self.group("Service level objective", ("inbound", "service_level"))
        self.row(form, "Target", ("inbound", "service_level", "target"),
                 self.bind_spin(("inbound", "service_level", "target"), spin(0.1, 100, " %", 1, 1.0), scale=100),
                 "Share of offered calls to answer within the threshold")
        self.row(form, "Answered within", ("inbound", "service_level", "threshold_s"),
                 self.bind_spin(("inbound", "service_level", "threshold_s"), spin(0, 3600, " s", step=5)))
        self.row(form, "Short abandon threshold", ("inbound", "service_level", "short_abandon_s"),
                 self.bind_spin(("inbound", "service_level", "short_abandon_s"), spin(0, 600, " s")))
        self.row(form, "Exclude short abandons from SL", ("inbound", "service_level", "exclude_short_abandons"),
                 self.bind_check(("inbound", "service_level", "exclude_short_abandons"), QCheckBox()))

    def _duration_rows(self, form: Any, path: tuple[str, ...], kinds: Any, minimum_mean: float = 0.0,
                       minimum_cv: float = 0.0) -> None:
        self.row(form, "Distribution", (*path, "distribution"),
                 self.bind_combo((*path, "distribution"), QComboBox(), kinds))
        mean = self.bind_spin((*path, "mean_s"), spin(minimum_mean, 86_400, " s", 1, 5.0))
        self.row(form, "Mean", (*path, "mean_s"), mean)
        cv = self.bind_spin((*path, "cv"), spin(minimum_cv, 10, "", 2, 0.05))
        self.row(form, "Coefficient of variation", (*path, "cv"), cv, "Standard deviation / mean (lognormal only)")
        self.enable_when([cv], lambda d: get_in(d, (*path, "distribution")) == "lognormal")
        self.enable_when([mean], lambda d: get_in(d, (*path, "distribution")) != "none")


GROUP_KINDS = (("inbound", "Inbound"), ("outbound", "Outbound"), ("blended", "Blended"))


def _table(headers: list[str]) -> QTableWidget:
    """A table whose columns fit its width: the name column takes what the fields leave.

    Each field column is as wide as its contents; the name gives way first, so at the editor's
    usual width no column (the headcount, at the right) hides behind a horizontal scroll bar.
    """
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    header = table.horizontalHeader()
    header.setMinimumSectionSize(36)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.setMinimumHeight(130)
    return table


class StaffingTab(SectionTab):
    """Agent groups, their shift templates (days, start, length, headcount) and breaks."""

    title = "Staffing && shifts"

    def build(self) -> None:
        """Three linked tables: groups → shift templates of the group → breaks of the shift."""
        self._group = 0
        self._shift = 0
        self.groups = _table(["Group", "Kind", "Absence", "Agents"])
        self.shifts = _table(["Shift", "Days", "Start", "Length", "Agents"])  # short headers: narrow columns
        agents = self.shifts.horizontalHeaderItem(4)  # made by setHorizontalHeaderLabels
        if agents is not None:
            agents.setToolTip("Headcount: agents rostered on this shift")
        self.breaks = _table(["Break", "Offset", "Duration", "Stagger", "Paid"])
        self.groups.currentCellChanged.connect(lambda r, *_: self._select_group(r))
        self.shifts.currentCellChanged.connect(lambda r, *_: self._select_shift(r))
        for title, table, add, remove in (
            ("Agent groups", self.groups, self._add_group, self._remove_group),
            ("Shift templates of the selected group", self.shifts, self._add_shift, self._remove_shift),
            ("Breaks of the selected shift (minutes after the shift start)", self.breaks, self._add_break,
             self._remove_break),
        ):
            box = QGroupBox(title)
            lay = QVBoxLayout(box)
            lay.addWidget(table)
            buttons = QHBoxLayout()
            plus, minus = QPushButton("Add"), QPushButton("Remove")
            plus.clicked.connect(add)
            minus.clicked.connect(remove)
            buttons.addWidget(plus)
            buttons.addWidget(minus)
            buttons.addStretch(1)
            lay.addLayout(buttons)
            self.layout_.addWidget(box)
        self.staffing_errors = error_label()
        self.layout_.addWidget(self.staffing_errors)
        self.editor.register_sink(("groups",), LocatedErrorSink(self, self.staffing_errors, self._locate))

    def _locate(self, path: str) -> str:
        """'groups[0].shifts[1].start' → 'Inbound › Late › start' (names read better than indices)."""
        groups = self.editor.data.get("groups", [])
        parts = path.replace("]", "").replace("[", ".").split(".")
        out: list[str] = []
        try:
            if len(parts) > 1 and parts[1].isdigit():
                group = groups[int(parts[1])]
                out.append(f"group {group.get('name', parts[1])!s}")
                rest = parts[2:]
                if len(rest) > 1 and rest[0] == "shifts" and rest[1].isdigit():
                    out.append(f"shift {group['shifts'][int(rest[1])].get('name', rest[1])!s}")
                    rest = rest[2:]
                if rest:
                    out.append(".".join(rest))
        except (IndexError, KeyError, TypeError):
            return path
        return " › ".join(out) if out else path

    # ---- structure edits -----------------------------------------------------------------

    def _edit(self, change: Any) -> None:
        data = copy.deepcopy(self.editor.data)
        change(data)
        self.editor.replace_data(data, source=self)
        self.refresh()

    def _add_group(self) -> None:
        def change(data: dict[str, Any]) -> None:
            names = {g["name"] for g in data["groups"]}
            name = next(f"Group {i}" for i in range(1, 1000) if f"Group {i}" not in names)
            data["groups"].append({"name": name, "kind": "inbound", "absence_rate": 0.0,
                                   "shifts": [self._new_shift()]})
            self._group = len(data["groups"]) - 1

        self._edit(change)

    def _remove_group(self) -> None:
        if self.editor.data["groups"]:
            self._edit(lambda data: data["groups"].pop(min(self._group, len(data["groups"]) - 1)))
            self._group = max(0, self._group - 1)
            self.refresh()

    @staticmethod
    def _new_shift() -> dict[str, Any]:
        return {"name": "Day", "days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "length_h": 8.0,
                "headcount": 5, "breaks": []}

    def _add_shift(self) -> None:
        def change(data: dict[str, Any]) -> None:
            shifts = data["groups"][self._group]["shifts"]
            shifts.append(self._new_shift())
            self._shift = len(shifts) - 1

        if self.editor.data["groups"]:
            self._edit(change)

    def _remove_shift(self) -> None:
        groups = self.editor.data["groups"]
        if groups and groups[self._group]["shifts"]:
            self._edit(lambda data: data["groups"][self._group]["shifts"].pop(self._shift))
            self._shift = max(0, self._shift - 1)
            self.refresh()

    def _add_break(self) -> None:
        def change(data: dict[str, Any]) -> None:
            data["groups"][self._group]["shifts"][self._shift]["breaks"].append(
                {"name": "break", "offset_min": 120.0, "duration_min": 15.0, "stagger_min": 0.0, "paid": True})

        if self._current_shift() is not None:
            self._edit(change)

    def _remove_break(self) -> None:
        shift = self._current_shift()
        row = self.breaks.currentRow()
        if shift is not None and shift["breaks"]:
            index = row if 0 <= row < len(shift["breaks"]) else len(shift["breaks"]) - 1
            self._edit(lambda data: data["groups"][self._group]["shifts"][self._shift]["breaks"].pop(index))

    def _current_shift(self) -> dict[str, Any] | None:
        groups = self.editor.data["groups"]
        if not groups or self._group >= len(groups):
            return None
        shifts = groups[self._group]["shifts"]
        return shifts[self._shift] if self._shift < len(shifts) else None

    # ---- tables --------------------------------------------------------------------------

    def _select_group(self, row: int) -> None:
        if row >= 0 and row != self._group:
            self._group = row
            self._shift = 0
            self._fill_shifts()
            self._fill_breaks()

    def _select_shift(self, row: int) -> None:
        if row >= 0 and row != self._shift:
            self._shift = row
            self._fill_breaks()

    def refresh(self) -> None:
        """Rebuild the three tables from the editor's dict, keeping the selection."""
        groups = self.editor.data["groups"]
        self._group = min(self._group, max(len(groups) - 1, 0))
        self._fill_groups()
        self._fill_shifts()
        self._fill_breaks()

    def _cell(self, table: QTableWidget, row: int, column: int, widget: QWidget) -> None:
        widget.setMinimumWidth(0)
        table.setCellWidget(row, column, widget)

    def _name_cell(self, table: QTableWidget, row: int, path: tuple[Any, ...], value: str) -> None:
        edit = QLineEdit(str(value))
        edit.setFrame(False)
        edit.textEdited.connect(lambda text: self.editor.set_value(path, text, source=self))
        self._cell(table, row, 0, edit)

    def _spin_cell(self, table: QTableWidget, row: int, column: int, path: tuple[Any, ...], value: float,
                   box: Any, scale: float = 1.0, arrows: bool = True) -> None:
        """A number in a cell; without `arrows` (a narrower column) it is typed, or stepped by keys and wheel."""
        box.setValue(value * scale)
        box.setFrame(False)
        if not arrows:
            box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        is_int = box.decimals() == 0 if hasattr(box, "decimals") else True
        box.valueChanged.connect(lambda v: self.editor.set_value(
            path, int(v) if is_int and scale == 1.0 else round(v / scale, 10), source=self))
        if path[-1] == "headcount":
            box.valueChanged.connect(lambda _v: self._update_group_headcounts())
        self._cell(table, row, column, box)

    def _fill_groups(self) -> None:
        groups = self.editor.data["groups"]
        self.groups.blockSignals(True)
        self.groups.setRowCount(len(groups))
        for r, group in enumerate(groups):
            base = ("groups", r)
            self._name_cell(self.groups, r, (*base, "name"), group["name"])
            kind = QComboBox()
            kind.setFrame(False)
            for value, text in GROUP_KINDS:
                kind.addItem(text, value)
            kind.setCurrentIndex(max(kind.findData(group["kind"]), 0))
            kind.currentIndexChanged.connect(
                lambda i, p=(*base, "kind"), k=kind: self.editor.set_value(p, k.itemData(i), source=self))
            self._cell(self.groups, r, 1, kind)
            self._spin_cell(self.groups, r, 2, (*base, "absence_rate"), group["absence_rate"],
                            spin(0, 99.9, " %", 1, 0.5), scale=100)
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.groups.setItem(r, 3, item)
        self.groups.setCurrentCell(self._group, 3) if groups else None
        self.groups.blockSignals(False)
        self.groups.resizeColumnsToContents()
        self._update_group_headcounts()

    def _update_group_headcounts(self) -> None:
        for r, group in enumerate(self.editor.data["groups"]):
            item = self.groups.item(r, 3)
            if item is not None:
                total = sum(int(s.get("headcount", 0)) for s in group["shifts"])
                item.setText(f"{total} agents")

    def _fill_shifts(self) -> None:
        groups = self.editor.data["groups"]
        shifts = groups[self._group]["shifts"] if groups else []
        self._shift = min(self._shift, max(len(shifts) - 1, 0))
        self.shifts.blockSignals(True)
        self.shifts.setRowCount(len(shifts))
        for r, shift in enumerate(shifts):
            base = ("groups", self._group, "shifts", r)
            self._name_cell(self.shifts, r, (*base, "name"), shift["name"])
            days = DaysEdit()
            days.set_days(shift["days"])
            days.changed.connect(lambda p=(*base, "days"), d=days: self.editor.set_value(p, d.days(), source=self))
            self._cell(self.shifts, r, 1, days)
            start = ClockEdit()
            start.setFrame(False)
            start.setButtonSymbols(ClockEdit.ButtonSymbols.NoButtons)  # arrow keys and the wheel still step
            start.set_time_text(shift["start"])
            start.valueChanged.connect(
                lambda _v, p=(*base, "start"), c=start: self.editor.set_value(p, c.time_text(), source=self))
            self._cell(self.shifts, r, 2, start)
            self._spin_cell(self.shifts, r, 3, (*base, "length_h"), shift["length_h"], spin(0.25, 16, " h", 2, 0.25),
                            arrows=False)
            self._spin_cell(self.shifts, r, 4, (*base, "headcount"), shift["headcount"],
                            spin(0, 5000, tooltip="Agents on this shift"), arrows=False)  # the header says the unit
        if shifts:
            self.shifts.setCurrentCell(self._shift, 0)
        self.shifts.blockSignals(False)
        self.shifts.resizeColumnsToContents()

    def _fill_breaks(self) -> None:
        shift = self._current_shift()
        breaks = shift["breaks"] if shift else []
        self.breaks.setRowCount(len(breaks))
        for r, brk in enumerate(breaks):
            base = ("groups", self._group, "shifts", self._shift, "breaks", r)
            self._name_cell(self.breaks, r, (*base, "name"), brk["name"])
            self._spin_cell(self.breaks, r, 1, (*base, "offset_min"), brk["offset_min"], spin(0, 960, " min", 0, 5))
            self._spin_cell(self.breaks, r, 2, (*base, "duration_min"), brk["duration_min"],
                            spin(1, 180, " min", 0, 5))
            self._spin_cell(self.breaks, r, 3, (*base, "stagger_min"), brk["stagger_min"], spin(0, 960, " min", 0, 5))
            paid = QCheckBox("paid")
            paid.setChecked(bool(brk["paid"]))
            paid.toggled.connect(lambda on, p=(*base, "paid"): self.editor.set_value(p, bool(on), source=self))
            self._cell(self.breaks, r, 4, paid)
        self.breaks.resizeColumnsToContents()


class RunTab(SectionTab):
    """Scenario name and notes, and the experiment defaults (replications, seed)."""

    title = "Scenario && run"

    def build(self) -> None:
        """Name, description, replications and seed."""
        form = self.group("Scenario")
        name = QLineEdit()
        name.setMinimumWidth(320)
        self.row(form, "Name", ("name",), self.bind_text(("name",), name))
        notes = QPlainTextEdit()
        notes.setMaximumHeight(90)
        notes.setMinimumWidth(320)
        self.row(form, "Description", ("description",), self.bind_text(("description",), notes))
        form = self.group("Experiment", ("run",))
        self.row(form, "Replications", ("run", "replications"),
                 self.bind_spin(("run", "replications"), spin(1, 10_000, " runs")),
                 "Independent replications; confidence intervals need at least 2")
        self.row(form, "Seed", ("run", "seed"), self.bind_spin(("run", "seed"), spin(0, 2**31 - 1)),
                 "Same seed + same scenario = identical results; compare scenarios on one seed")


# Imported here: the outbound and workforce tabs are their own modules, listed with the others.
from wfm.gui.sections_outbound import DialerTab  # noqa: E402
from wfm.gui.sections_strategy import StrategyTab  # noqa: E402
from wfm.gui.sections_workforce import CostsTab, WorkforceTab  # noqa: E402

SECTION_TABS: tuple[type[SectionTab], ...] = (CalendarDemandTab, InboundTab, DialerTab, StrategyTab, StaffingTab,
                                              WorkforceTab, CostsTab, RunTab)
"""The editor's tabs in display order; a new scenario section adds its tab here."""

