"""Home visits and legal action in the "Collection strategy" tab (`[strategy.field]`, `[strategy.legal]`).

Both sections are optional: a path step "visit" or "legal" needs its section, and the planner
who picks such a step is told so by validation. A check box per section adds it with the
model's defaults (`FieldVisits()`, `LegalAction()`) or takes it out; taking it out keeps the
values, so checking it again (or undo) brings them back. While a path still has a step of a
section that is off, the message validation gives is repeated under that section's check box.

The field teams sit in a small table (a column per team, a row per setting: name, zones,
agents, shift, costs, speed). A field without teams has a single team, `agents`, covering every zone: its row shows
as "field" and edits `agents`. Adding a team turns that single team into the first team of
`teams` (the model takes agents or teams, not both) and adds a copy of the last team with no
zones, which means "the zones no other team covers"; zones are typed as "north, centre".
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from wfm.gui.editor import ErrorSink, LocatedErrorSink, Path, SectionTab, get_in, show_number
from wfm.gui.section_helpers import hint, number, percent
from wfm.gui.widgets import ClockEdit, DaysEdit, error_label, row_of, spin
from wfm.scenario.field import FieldAgents, FieldVisits
from wfm.scenario.io import Problem
from wfm.scenario.legal import LegalAction

FIELD = ("strategy", "field")
LEGAL = ("strategy", "legal")
PRIORITIES = (("queue", "first come"), ("balance", "highest balance"), ("score", "best score"),
              ("expected_value", "expected value"))
TEAM_COLUMNS: tuple[tuple[str, str, float, float, str, int, float, str], ...] = (
    # key, header, minimum, maximum, suffix, decimals, step, tooltip (the ranges of `FieldAgents`)
    ("count", "Agents", 1, 1_000, "", 0, 1, "Field agents of the team (each works every working day)"),
    ("shift_hours", "Hours", 0.5, 16, " h", 1, 0.5, "Shift length; an agent is back at the base by its end"),
    ("wage_per_hour", "Wage/h", 0, 1_000, "", 2, 1, "Pay per shift hour (the whole shift is paid)"),
    ("cost_per_km", "Cost/km", 0, 100, "", 2, 0.05, "Car cost per km driven"),
    ("speed_kmh", "Speed", 1, 200, " km/h", 0, 5, "Average travel speed, straight-line km per hour"),
)
TEAM_ROWS = (("name", "Team"), ("zones", "Zones"), ("count", "Agents"), ("shift_start", "Shift start"),
             ("shift_hours", "Hours"), ("wage_per_hour", "Wage/h"), ("cost_per_km", "Cost/km"), ("speed_kmh", "Speed"))
TEAM_COLUMN_W = 90
"""Width of a team's column: four teams fit beside the row labels in the editor next to the results."""


def default_section(key: str) -> dict[str, Any]:
    """The model's defaults of `[strategy.<key>]` as the editor's plain dict (lists, numbers, strings)."""
    model = FieldVisits() if key == "field" else LegalAction()
    return model.model_dump(mode="json")


def parse_zones(text: str) -> list[str]:
    """Zone names typed as "north, centre" (empty = the zones no other team covers)."""
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _new_team_name(teams: list[dict[str, Any]]) -> str:
    names = {t.get("name") for t in teams}
    return next(f"team {i}" for i in range(2, 10_000) if f"team {i}" not in names)


def added_team(field: dict[str, Any]) -> int:
    """Add a team in place to a `[strategy.field]` dict; the index of the new team.

    A field without teams first gets its single team (`agents`) as a team named "field", and
    `agents` back at its defaults: the model takes one or the other. The new team copies the
    last team's agents and costs and takes no zones (the rest).
    """
    teams = field.setdefault("teams", [])
    if not teams:
        teams.append({"name": "field", "zones": [], **copy.deepcopy(field["agents"])})
        field["agents"] = FieldAgents().model_dump(mode="json")
    new = copy.deepcopy(teams[-1])
    new["name"] = _new_team_name(teams)
    new["zones"] = []
    teams.append(new)
    return len(teams) - 1


class SectionSwitch:
    """The check box that switches an optional strategy section on (with defaults) or off.

    Off keeps the values it had, so switching it on again brings them back; the message
    validation gives about path steps that need the section shows under the box.
    """

    def __init__(self, tab: SectionTab, key: str, text: str, tooltip: str, refresh: Callable[[], None]) -> None:
        self.tab = tab
        self.key = key
        self.after = refresh
        self.check = QCheckBox(text)
        self.check.setToolTip(tooltip)
        self.check.toggled.connect(self._toggled)
        self.errors = error_label()
        self._parked: dict[str, Any] | None = None
        tab.editor.problems_changed.connect(self._show)
        tab.editor.loaded.connect(self._forget)

    def _forget(self) -> None:
        """Another scenario was loaded: switching on now gives the defaults, not the old scenario's values."""
        self._parked = None

    def _toggled(self, on: bool) -> None:
        data = copy.deepcopy(self.tab.editor.data)
        strategy = data["strategy"]
        if on:
            strategy[self.key] = copy.deepcopy(self._parked) if self._parked is not None else default_section(self.key)
        else:
            self._parked = copy.deepcopy(strategy.get(self.key))
            strategy[self.key] = None
        self.tab.editor.replace_data(data, source=self.tab)
        self.after()

    def refresh(self) -> None:
        """Check the box when the scenario has the section."""
        on = self.tab.editor.data["strategy"].get(self.key) is not None
        self.check.blockSignals(True)
        self.check.setChecked(on)
        self.check.blockSignals(False)

    def _show(self, problems: list[Problem]) -> None:
        mine = [p.message for p in problems if f"[strategy.{self.key}]" in p.message]
        self.errors.setText("\n".join(mine))
        self.errors.setVisible(bool(mine))


def _switched_group(tab: SectionTab, into: Any, title: str, key: str, text: str,
                    off: str) -> tuple[QFormLayout, SectionSwitch]:
    """A group box for `[strategy.<key>]` that opens with the switch adding or removing the section."""
    form = tab.group(title, ("strategy", key), into)
    switch = SectionSwitch(tab, key, text, f"Add [strategy.{key}] with the model's defaults; unchecked = {off}"
                           f" (a path's {'visit' if key == 'field' else key} step then is a problem)", tab.refresh)
    form.insertRow(0, switch.check)
    form.insertRow(1, switch.errors)
    return form, switch


def build_legal(tab: SectionTab, into: Any) -> tuple[QWidget, SectionSwitch]:
    """The legal hand-off box: its switch, the rule, the fees, the duration and the recovery."""
    form, switch = _switched_group(tab, into, "Legal action", "legal", "Hand accounts to lawyers at a \"legal\" step",
                                   "no legal action")
    rule, dur, rec = (*LEGAL, "rule"), (*LEGAL, "duration"), (*LEGAL, "recovery")
    fields = [
        number(tab, form, "Balance at least", (*rule, "balance_min"), 0, 100_000_000, "", 0, 100,
               "Only accounts with at least this balance on the day of the step are handed over"),
        number(tab, form, "Days past due at least", (*rule, "days_past_due_min"), 0, 36_500, " days", 0, 30,
               "Days past due on the day of the step (0 = no condition)"),
        number(tab, form, "Broken promises at least", (*rule, "broken_promises_min"), 0, 1_000, "", 0, 1,
               "Promises or instalments the debtor broke in the run (0 = no condition)"),
        number(tab, form, "Placement fee", (*LEGAL, "placement_fee"), 0, 100_000, "", 2, 5,
               "Money per account placed with the lawyer, on the day of the hand-off"),
        number(tab, form, "Court fee", (*LEGAL, "court_fee"), 0, 100_000, "", 2, 10,
               "Fixed court costs per case, on the day of the hand-off"),
        percent(tab, form, "Court costs of the claim", (*LEGAL, "court_share"),
                "Court costs that grow with the claim, as a share of the balance handed over", step=0.5),
        number(tab, form, "Lawyer per month", (*LEGAL, "lawyer_per_month"), 0, 100_000, "", 2, 5,
               "The lawyer's fee per month while the case runs"),
        percent(tab, form, "Contingency", (*LEGAL, "contingency"),
                "Share of the money recovered paid to the lawyer", step=5),
        number(tab, form, "Case lasts (mean)", (*dur, "mean_months"), 0.1, 240, " months", 1, 1,
               "Mean months from hand-off to the case's end (lognormal)"),
        number(tab, form, "Duration CV", (*dur, "cv"), 0, 5, "", 2, 0.1,
               "Coefficient of variation of the duration (0 = every case lasts the mean)"),
        percent(tab, form, "Cases recovering", (*rec, "success_share"), "Share of the cases that recover anything",
                step=5),
        percent(tab, form, "Share recovered (mean)", (*rec, "fraction_mean"),
                "Mean share of the balance a successful case recovers", minimum=0.1, step=5),
        number(tab, form, "Share recovered CV", (*rec, "fraction_cv"), 0, 5, "", 2, 0.1,
               "Coefficient of variation of the share recovered (0 = always the mean)"),
    ]
    recovery_errors = error_label()  # the mean and the CV together may admit no share: shown at the CV
    form.addRow(recovery_errors)
    tab.editor.register_sink(rec, ErrorSink(tab, recovery_errors, fields[-1]))
    tab.enable_when(fields, lambda d: d["strategy"].get("legal") is not None)
    box = form.parentWidget()
    assert box is not None
    return box, switch


def build_field(tab: SectionTab, into: Any) -> tuple[QWidget, SectionSwitch]:
    """The home visits box: its switch, the visit rules, the budget and the selection of accounts."""
    form, switch = _switched_group(tab, into, "Home visits", "field", "Visit accounts at home at a \"visit\" step",
                                   "no home visits")
    start, end = ClockEdit(), ClockEdit(allow_24=True)
    tab.row(form, "Visits from", (*FIELD, "visiting_start"), tab.bind_clock((*FIELD, "visiting_start"), start),
            "No visit starts earlier (the debtor's local time)")
    tab.row(form, "until", (*FIELD, "visiting_end"), tab.bind_clock((*FIELD, "visiting_end"), end),
            "Every visit ends by then (the debtor's local time)")
    days = DaysEdit()
    tab._add((*FIELD, "days"), lambda v: days.set_days(list(v)))
    days.changed.connect(lambda: tab.editor.set_value((*FIELD, "days"), days.days(), source=tab))
    tab.row(form, "On", (*FIELD, "days"), days, "Weekdays with visits (never Sunday)")
    region = QLineEdit()
    region.setMaximumWidth(110)
    tab.row(form, "Holidays of", (*FIELD, "holiday_region"), tab.bind_text((*FIELD, "holiday_region"), region),
            "Jurisdiction whose public holidays have no visits, for debtors without a region (\"IT\", \"US-NY\";"
            " empty = none)")
    priority = tab.bind_combo((*FIELD, "selection", "priority"), QComboBox(), PRIORITIES)
    fields: list[QWidget] = [
        start, end, days, region,
        number(tab, form, "Visits per week (all teams)", (*FIELD, "weekly_budget"), 1, 1_000_000, "", 0, 10,
               "Most visits planned per run week, all teams together"),
        number(tab, form, "At most visits per account", (*FIELD, "max_visits"), 1, 100, "", 0, 1,
               "Most visits to one account within the days below"),
        number(tab, form, "… within", (*FIELD, "per_days"), 1, 365, " days", 0, 1,
               "Consecutive days of the debtor's calendar the visit limit counts (1 visit in 7 days: one a week)"),
        number(tab, form, "Visit balances from", (*FIELD, "selection", "balance_min"), 0, 100_000_000, "", 0, 100,
               "Only accounts with at least this balance join the field queue (the others skip the step)"),
        number(tab, form, "Failed phone attempts at least", (*FIELD, "selection", "failed_attempts_min"), 0, 1_000,
               "", 0, 1, "Phone attempts without ever reaching the debtor (0 = no condition)"),
        priority,
    ]
    tab.row(form, "Queue order", (*FIELD, "selection", "priority"), priority,
            "Which accounts of the queue the teams visit first")
    tab.enable_when(fields, lambda d: d["strategy"].get("field") is not None)
    box = form.parentWidget()
    assert box is not None
    return box, switch


class TeamsTable:
    """The field teams, a column each (or the single team `agents`) and a row per setting, with Add and Remove.

    A column per team, as the channels grid has a column per channel: the editor beside the
    results is narrow, and a few teams side by side fit it where eight settings side by side do not.
    """

    def __init__(self, tab: SectionTab, into: QVBoxLayout) -> None:
        self.tab = tab
        self.box = QGroupBox("Field teams")
        lay = QVBoxLayout(self.box)
        lay.addWidget(hint("A team visits the accounts of its zones (none = the zones no other team covers), from its"
                           " base, within its shift. Zones, bases and visit lengths beyond these are set in the file."))
        self.table = QTableWidget(len(TEAM_ROWS), 0)
        self.table.setVerticalHeaderLabels([text for _, text in TEAM_ROWS])
        self.table.horizontalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectColumns)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setFixedHeight(len(TEAM_ROWS) * self.table.verticalHeader().defaultSectionSize()
                                  + 2 * self.table.frameWidth() + 20)  # room for a scroll bar past four teams
        lay.addWidget(self.table)
        self.add_button, self.remove_button = QPushButton("Add team"), QPushButton("Remove team")
        self.add_button.setToolTip("Add a team like the last one, taking the zones no other team covers")
        self.remove_button.setToolTip("Remove the selected team (the last one stays)")
        self.add_button.clicked.connect(lambda _c=False: self.add())
        self.remove_button.clicked.connect(lambda _c=False: self.remove())
        lay.addWidget(row_of(self.add_button, self.remove_button, stretch=True))
        errors = error_label()
        lay.addWidget(errors)
        tab.editor.register_sink((*FIELD, "teams"), LocatedErrorSink(tab, errors, self._locate))
        tab.editor.register_sink((*FIELD, "agents"), LocatedErrorSink(tab, errors, lambda where: where))
        into.addWidget(self.box)

    def field(self) -> dict[str, Any] | None:
        """`[strategy.field]` in the editor's dict (None: no home visits)."""
        value = self.tab.editor.data["strategy"].get("field")
        return value if isinstance(value, dict) else None

    def teams(self) -> list[tuple[Path, dict[str, Any]]]:
        """Each team's path in the scenario and its values; the single team `agents` when there are no teams."""
        field = self.field()
        if field is None:
            return []
        teams = field.get("teams") or []
        if teams:
            return [((*FIELD, "teams", r), team) for r, team in enumerate(teams)]
        return [((*FIELD, "agents"), {"name": "field", **field["agents"]})]

    def cell(self, team: int, key: str) -> Any:
        """The field of one team's setting (`key` as in the scenario: "name", "zones", "count", ...)."""
        row = next(r for r, (k, _) in enumerate(TEAM_ROWS) if k == key)
        return self.table.cellWidget(row, team)

    def _locate(self, where: str) -> str:
        rest = where.removeprefix("strategy.field.teams")
        if rest.startswith("["):
            index, _, key = rest[1:].partition("]")
            teams = self.teams()
            name = teams[int(index)][1].get("name", index) if index.isdigit() and int(index) < len(teams) else index
            return f"{name} › {key.lstrip('.')}" if key else str(name)
        return where

    def fill(self) -> None:
        """Rebuild the columns from the editor's dict."""
        teams = self.teams()
        self.table.setColumnCount(len(teams))
        for c, (path, team) in enumerate(teams):
            single = path[-1] == "agents"
            name = QLineEdit(str(team.get("name", "")))
            zones = QLineEdit("every zone" if single else ", ".join(str(z) for z in team.get("zones") or []))
            zones.setPlaceholderText("the rest")
            zones.setToolTip("Zones the team covers, as \"north, centre\"; empty = the zones no other team covers")
            for edit in (name, zones):
                edit.setFrame(False)
                edit.setEnabled(not single)  # one team for every zone has no name or zones of its own
            name.textEdited.connect(lambda text, p=path: self.tab.editor.set_value((*p, "name"), text, source=self.tab))
            zones.textEdited.connect(lambda text, p=path: self.tab.editor.set_value(
                (*p, "zones"), parse_zones(text), source=self.tab))
            self.table.setCellWidget(0, c, name)
            self.table.setCellWidget(1, c, zones)
            self.table.setCellWidget(3, c, self._clock(path, team))
            for r, column in zip((2, 4, 5, 6, 7), TEAM_COLUMNS, strict=True):
                self.table.setCellWidget(r, c, self._spin(path, team, column))
            self.table.setColumnWidth(c, TEAM_COLUMN_W)
        self.remove_button.setEnabled(len(teams) > 1)
        self.add_button.setEnabled(bool(teams))

    def _clock(self, path: Path, team: dict[str, Any]) -> ClockEdit:
        clock = ClockEdit()
        clock.setFrame(False)
        clock.setToolTip("When the agents leave the base (center time)")
        value = team.get("shift_start")
        if isinstance(value, int | str):
            clock.set_time_text(value)
        clock.valueChanged.connect(lambda _v: self.tab.editor.set_value(
            (*path, "shift_start"), clock.time_text(), source=self.tab))
        return clock

    def _spin(self, path: Path, team: dict[str, Any], column: tuple[Any, ...]) -> QWidget:
        key, _, low, high, suffix, decimals, step, tooltip = column
        box = spin(low, high, suffix, decimals, step, tooltip)
        box.setMinimumWidth(0)
        box.setFrame(False)
        value = team.get(key)
        if isinstance(value, int | float):
            show_number(box, value)
        box.valueChanged.connect(lambda v: self.tab.editor.set_value(
            (*path, key), int(v) if decimals == 0 and key == "count" else float(v), source=self.tab))
        return box

    def add(self) -> None:
        """Add a team like the last one (the single team becomes the first of the teams)."""
        if self.field() is None:
            return
        data = copy.deepcopy(self.tab.editor.data)
        at = added_team(get_in(data, FIELD))
        self.tab.editor.replace_data(data, source=self.tab)
        self.fill()
        self.table.selectColumn(at)

    def remove(self) -> None:
        """Remove the selected team (the last when none is); one team always stays."""
        field = self.field()
        teams = (field or {}).get("teams") or []
        if len(teams) < 2:
            return
        column = self.table.currentColumn()
        index = column if 0 <= column < len(teams) else len(teams) - 1
        data = copy.deepcopy(self.tab.editor.data)
        get_in(data, (*FIELD, "teams")).pop(index)
        self.tab.editor.replace_data(data, source=self.tab)
        self.fill()

