"""The "Collection strategy" tab: the `strategy` section of the scenario (DESIGN §10).

A strategy is a list of treatment paths, each an ordered list of steps, plus the message
channels, the champion/challenger split, the hidden debtor types behind the score, the offers
(payment plans, settlements, reminders) and the placements over time. The tab
shows the paths as a list (order matters: an account enters the first path whose rule it
meets) with the selected path's entry rule and its steps in an editable table, and the three
channels side by side in one compact grid (a row per setting, a column per channel), which fits
the editor's width on a laptop screen. The optional legal hand-off and home visits, which the
"legal" and "visit" steps need, are switched on and edited at the foot
(`wfm.gui.sections_field_legal`).

Every change goes through the editor (`set_value`, or `replace_data` for structural edits such
as adding or moving a step), so it can be undone, is validated at once, and a problem shows
next to the field: a bad step frames its row in red and its message is spelled out under the
table, prefixed with the path and step number. Renaming or removing a path carries the change
to the champion, the challenger and the broken-promise moves that name it, in the same edit.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wfm.gui.editor import ErrorSink, LocatedErrorSink, Path, SectionTab, get_in, show_number
from wfm.gui.section_helpers import hint, number, percent
from wfm.gui.sections_field_legal import TeamsTable, build_field, build_legal
from wfm.gui.widgets import INVALID_FIELD_STYLE, ClockEdit, clear_layout, error_label, row_of, spin
from wfm.scenario.io import Problem
from wfm.scenario.strategy import CHANNELS, MOVES

ST = ("strategy",)
PATHS = ("strategy", "paths")
CHANNELS_PATH = ("strategy", "channels")
STEP_KINDS = (("sms", "SMS"), ("email", "E-mail"), ("letter", "Letter"), ("registered_letter", "Registered letter"),
              ("phone", "Phone phase"), ("wait", "Wait"), ("visit", "Home visit"), ("legal", "Hand to legal"))
STEP_TEXT = dict(STEP_KINDS)
MESSAGE_KINDS = frozenset(CHANNELS)
ONE_SHOT_KINDS = MESSAGE_KINDS | {"visit", "legal"}
"""Steps that act once and take neither days nor attempts (a message, a visit, the hand-off to legal)."""
PATH_MOVES = {"after_broken_promise": "Where an account goes when it breaks a promise",
              "after_kept_promise": "Where an account goes when it keeps a promise and a balance is left",
              "after_opt_out": "Where an account goes when it opts out of a message channel (STOP, unsubscribe)"}
"""The path moves (`wfm.scenario.strategy.MOVES`) with their tooltips, in the form's order."""
CHANNEL_TEXT = {"sms": "SMS", "email": "E-mail", "letter": "Letter", "registered_letter": "Registered letter"}
STEP_COLUMNS = ("Step", "Days", "Attempts")
CHANNEL_FIELD_W = 64
"""Least width of a field of the channels grid: four channels side by side fit the editor at 1280 px."""
DEFAULT_WINDOW = {"start": "09:00", "end": "20:00"}
STARTER_PATH: dict[str, Any] = {
    "name": "sms_then_call", "segments": [], "score_band": [0.0, 1.0], "balance_min": 0.0, "balance_max": None,
    "after_broken_promise": "", "repeat": False,
    "steps": [{"kind": "sms", "days": 0, "attempts": 0}, {"kind": "wait", "days": 1, "attempts": 0},
              {"kind": "phone", "days": 7, "attempts": 6}],
}
"""The path a strategy starts with when it is switched on without any: an SMS, a day to answer, the dialer."""
_INDEXED = re.compile(r"^strategy\.paths\[(\d+)\](?:\.(.*))?$")


def fit_step(step: dict[str, Any], kind: str) -> dict[str, Any]:
    """`step` turned into a `kind` step with days and attempts that suit it.

    A message takes neither, a wait takes days only (at least one), a phase without any limit
    gets the usual budget: the planner picks a kind and gets a valid step to adjust.
    """
    days, attempts = int(step.get("days") or 0), int(step.get("attempts") or 0)
    if kind in ONE_SHOT_KINDS:
        days = attempts = 0
    elif kind == "wait":
        days, attempts = max(days, 1), 0
    elif not (days or attempts):
        days, attempts = 7, 6
    balance = {k: step[k] for k in ("balance_min", "balance_max") if step.get(k) is not None}  # the file's
    return {"kind": kind, "days": days, "attempts": attempts, **balance}


def step_summary(steps: Sequence[dict[str, Any]]) -> str:
    """A path's steps on one line: "SMS → wait 1 d → phone 6×/7 d"."""
    parts = []
    for step in steps:
        kind, days, attempts = step.get("kind"), step.get("days") or 0, step.get("attempts") or 0
        if kind == "wait":
            parts.append(f"wait {days} d")
        elif kind == "phone":
            limits = [f"{attempts}×"] if attempts else []
            limits += [f"{days} d"] if days else []
            parts.append("phone " + "/".join(limits))
        else:
            parts.append(STEP_TEXT.get(str(kind), str(kind)))
        low, high = step.get("balance_min") or 0, step.get("balance_max")
        if low or high is not None:  # a step only for some balances (edited in the file)
            parts[-1] += " (balance " + " and ".join(
                ([f"≥ {low:,.0f}"] if low else []) + ([f"< {high:,.0f}"] if high is not None else [])) + ")"
    return " → ".join(parts)


def renamed(data: dict[str, Any], old: str, new: str) -> None:
    """Rename path `old` to `new` in place, with every reference to it (champion, challenger, moves)."""
    strategy = data["strategy"]
    for path in strategy["paths"]:
        if path.get("name") == old:
            path["name"] = new
        for key in MOVES:
            if old and path.get(key) == old:
                path[key] = new
    for key in ("champion", "challenger"):
        if old and strategy.get(key) == old:
            strategy[key] = new


def removed(data: dict[str, Any], index: int) -> None:
    """Remove path `index` in place; references to it go too (a champion without its challenger is no split)."""
    strategy = data["strategy"]
    name = strategy["paths"].pop(index).get("name")
    for path in strategy["paths"]:
        for key in MOVES:
            if path.get(key) == name:
                path[key] = ""
    if name and name in (strategy.get("champion"), strategy.get("challenger")):
        strategy["champion"] = strategy["challenger"] = ""


def _fill_move(combo: QComboBox, path: dict[str, Any], paths: Sequence[dict[str, Any]], key: str) -> None:
    """List "go on" and the other paths in a path-move box, and select the path's move (kept if unknown)."""
    combo.clear()
    combo.addItem("go on with this path", "")
    for other in paths:
        if other is not path:
            combo.addItem(f"move to {other.get('name', '')}", other.get("name", ""))
    move = path.get(key) or ""
    if move and combo.findData(move) < 0:
        combo.addItem(f"{move} (no such path)", move)
    combo.setCurrentIndex(max(combo.findData(move), 0))


def _box_of(form: QFormLayout) -> QWidget:
    """The group box a `SectionTab.group` form lays out."""
    box = form.parentWidget()
    assert box is not None, "a group's form always has its box"
    return box


def _new_name(paths: Sequence[dict[str, Any]]) -> str:
    names = {p.get("name") for p in paths}
    return next(f"path {i}" for i in range(1, 10_000) if f"path {i}" not in names)


class PathsErrorSink(ErrorSink):
    """Problems of the paths: every message under the steps, located; the fields of the path shown framed."""

    def __init__(self, tab: StrategyTab, label: QLabel) -> None:
        super().__init__(tab, label)
        self.strategy_tab = tab
        self.problems: list[Problem] = []

    def show(self, problems: Sequence[Problem]) -> None:
        """List the problems with their path and step, and frame the selected path's fields."""
        self.problems = list(problems)
        self.label.setText("\n".join(f"{self.strategy_tab.locate(p.path)}: {p.message}" for p in problems))
        self.label.setVisible(bool(problems))
        self.strategy_tab.mark_path_problems()


class FramingErrorSink(LocatedErrorSink):
    """Located messages under a grid, and a red frame on every field of the grid a problem names."""

    def __init__(self, tab: SectionTab, label: QLabel, locate: Callable[[str], str],
                 fields: dict[str, QWidget]) -> None:
        super().__init__(tab, label, locate)
        self.fields = fields

    def show(self, problems: Sequence[Problem]) -> None:
        """List the problems and frame the fields under their paths."""
        super().show(problems)
        for where, widget in self.fields.items():
            bad = any(where == p.path or where.startswith(p.path + ".") for p in problems)
            widget.setStyleSheet(INVALID_FIELD_STYLE if bad else "")


class SegmentValues:
    """Per portfolio segment: its own payer share (or the default) and its monthly self-cure."""

    def __init__(self, tab: SectionTab, into: QVBoxLayout) -> None:
        self.tab = tab
        self._names: tuple[str, ...] = ()
        self.rows: dict[str, tuple[QCheckBox, Any, QLabel, Any]] = {}
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(2)
        into.addLayout(self.grid)
        errors = error_label()
        into.addWidget(errors)
        for key in ("payer_share", "self_cure_monthly"):
            tab.editor.register_sink((*ST, key), ErrorSink(tab, errors))

    def refresh(self) -> None:
        """Rebuild the rows when the portfolio's segments changed, then load the values."""
        names = tuple(str(s.get("name", "")) for s in self.tab.editor.data["outbound"]["portfolio"]["segments"])
        if names != self._names:
            self._rebuild(names)
        strategy = self.tab.editor.data["strategy"]
        payer, cure = strategy.get("payer_share") or {}, strategy.get("self_cure_monthly") or {}
        for name, (check, share, note, cure_box) in self.rows.items():
            own = payer.get(name)
            for w in (check, share, cure_box):
                w.blockSignals(True)
            check.setChecked(own is not None)
            show_number(share, own if isinstance(own, int | float) else strategy.get("default_payer_share", 0.4), 100)
            share.setEnabled(own is not None)
            note.setVisible(own is None)
            value = cure.get(name, 0.0)
            show_number(cure_box, value if isinstance(value, int | float) else 0.0, 100)
            for w in (check, share, cure_box):
                w.blockSignals(False)

    def _rebuild(self, names: tuple[str, ...]) -> None:
        clear_layout(self.grid)
        self.rows.clear()
        for c, text in enumerate(("Segment", "Payer share", "", "Self-cure in 30 days")):
            self.grid.addWidget(QLabel(f"<b>{text}</b>"), 0, c)
        for r, name in enumerate(names, start=1):
            check = QCheckBox(name)
            check.setToolTip(f"Give {name} its own share of payers; unchecked = the default share")
            share = spin(0, 100, " %", 1, 1, f"Share of payers among {name}'s debtors (hidden type)")
            cure_box = spin(0, 100, " %", 2, 0.5, f"Share of {name}'s accounts paying in full within 30 days"
                                                   " without any contact")
            for box in (share, cure_box):
                box.setMinimumWidth(90)
            note = QLabel("= default")
            note.setStyleSheet("color: #777;")
            check.toggled.connect(lambda _on, n=name: self._payer_edited(n))
            share.valueChanged.connect(lambda _v, n=name: self._payer_edited(n))
            cure_box.valueChanged.connect(lambda _v, n=name: self._cure_edited(n))
            self.grid.addWidget(check, r, 0)
            self.grid.addWidget(share, r, 1)
            self.grid.addWidget(note, r, 2)
            self.grid.addWidget(cure_box, r, 3)
            self.rows[name] = (check, share, note, cure_box)
        self.grid.setColumnStretch(4, 1)
        self._names = names

    def _payer_edited(self, name: str) -> None:
        check, share, note, _ = self.rows[name]
        share.setEnabled(check.isChecked())
        note.setVisible(not check.isChecked())
        mapping = dict(self.tab.editor.data["strategy"].get("payer_share") or {})
        if check.isChecked():
            mapping[name] = round(share.value() / 100, 10)
        else:
            mapping.pop(name, None)
        self.tab.editor.set_value((*ST, "payer_share"), mapping, source=self.tab)

    def _cure_edited(self, name: str) -> None:
        mapping = dict(self.tab.editor.data["strategy"].get("self_cure_monthly") or {})
        value = round(self.rows[name][3].value() / 100, 10)
        if value > 0:
            mapping[name] = value
        else:
            mapping.pop(name, None)  # no self-cure is what a segment left out means
        self.tab.editor.set_value((*ST, "self_cure_monthly"), mapping, source=self.tab)


class StrategyTab(SectionTab):
    """Treatment paths and their steps, champion/challenger, channels, score and debtor types."""

    title = "Collection strategy"

    def build(self) -> None:
        """The switch, then the split and the score side by side, the paths, and the channels."""
        self.current = 0
        self.step_widgets: list[tuple[QComboBox, Any, Any]] = []
        self.segment_boxes: dict[str, QCheckBox] = {}
        self.enabled = QCheckBox("Treat the accounts along the paths below")
        self.enabled.toggled.connect(self._enabled_toggled)
        self._add((*ST, "enabled"), lambda v: self._quiet(self.enabled, lambda: self.enabled.setChecked(bool(v))))
        enabled_errors = error_label()
        self.layout_.addWidget(self.enabled)
        self.layout_.addWidget(hint("Each account enters the first path whose entry rule it meets and walks its steps"
                                    " (SMS, e-mail, letters, phone phases, waits); accounts in no phone step are not"
                                    " dialed. Needs the outbound campaign."))
        self.layout_.addWidget(enabled_errors)
        self.editor.register_sink((*ST, "enabled"), ErrorSink(self, enabled_errors, self.enabled))
        flow = self.flow()
        boxes: list[QWidget] = [self._build_split(flow), self._build_score(flow)]
        boxes.append(self._build_paths())
        boxes.append(self._build_channels())
        flow = self.flow()
        boxes += [self._build_offers(flow), self._build_placements(flow)]
        flow = self.flow()
        legal, self.legal_switch = build_legal(self, flow)
        field, self.field_switch = build_field(self, flow)
        self.teams = TeamsTable(self, self.layout_)
        boxes += [legal, field]
        self.enable_when(boxes, lambda d: bool(d["strategy"]["enabled"]))
        self.enable_when([self.teams.box],
                         lambda d: bool(d["strategy"]["enabled"]) and d["strategy"].get("field") is not None)

    # ---- champion/challenger and score ---------------------------------------------------

    def _build_split(self, into: Any) -> QWidget:
        form = self.group("Champion and challenger", ST, into)
        form.addRow(hint("A share of the accounts that enter the champion path take the challenger instead, drawn"
                         " per account: both arms are the same kind of debtors in the same run."))
        self.champion, self.challenger = QComboBox(), QComboBox()
        for key, combo, text in (("champion", self.champion, "Champion path"),
                                 ("challenger", self.challenger, "Challenger path")):
            combo.setMinimumWidth(160)
            combo.currentIndexChanged.connect(
                lambda _i, k=key, c=combo: self.editor.set_value((*ST, k), c.currentData() or "", source=self))
            self.row(form, text, (*ST, key), combo)
        share = percent(self, form, "Challenger share", (*ST, "challenger_share"),
                        "Share of the champion's accounts that take the challenger path", step=5)
        self.enable_when([share], lambda d: bool(d["strategy"]["champion"] or d["strategy"]["challenger"]))
        return _box_of(form)

    def _build_score(self, into: Any) -> QWidget:
        form = self.group("Score and debtor types", None, into)
        number(self, form, "Score AUC", (*ST, "score_auc"), 0.5, 0.99, "", 2, 0.05,
               "How well the propensity score tells payers from the rest: 0.5 = chance, 0.8 = a good model")
        percent(self, form, "Payers (default share)", (*ST, "default_payer_share"),
                "Share of payers in a segment without its own share below", minimum=1)
        number(self, form, "Payer lift", (*ST, "payer_lift"), 1, 100, " ×", 1, 0.5,
               "A payer is this many times as likely as a non-payer to promise, keep, respond and self-cure;"
               " each segment's averages stay as the portfolio says")
        holder = QWidget()
        lay = QVBoxLayout(holder)
        lay.setContentsMargins(0, 0, 0, 0)
        self.segment_values = SegmentValues(self, lay)
        form.addRow(holder)
        return _box_of(form)

    # ---- offers and placements ---------------------------------------------------------

    def _build_offers(self, into: Any) -> QWidget:
        offers = (*ST, "offers")
        form = self.group("Payment plans, settlements and reminders", offers, into)
        percent(self, form, "Promises as a payment plan", (*offers, "plan_share"),
                "Share of the promises taken as a plan of instalments (each kept or broken)", step=5)
        plan = [number(self, form, "Instalments", (*offers, "plan_instalments"), 2, 36, "",
                       tooltip="Instalments of a plan: the balance split evenly"),
                number(self, form, "Every", (*offers, "plan_every_days"), 7, 92, " days",
                       tooltip="Days between two instalments")]
        self.enable_when(plan, lambda d: d["strategy"]["offers"]["plan_share"] > 0)
        percent(self, form, "Full payments as a settlement", (*offers, "settlement_share"),
                "Share of the full-balance promises made as a settlement: a kept one closes the account", step=5)
        discount = percent(self, form, "Settlement discount", (*offers, "settlement_discount"),
                           "Share of the balance a settlement forgives", maximum=90, step=5)
        self.enable_when([discount], lambda d: d["strategy"]["offers"]["settlement_share"] > 0)
        self.row(form, "Reminder before a due date", (*offers, "reminder"),
                 self.bind_combo((*offers, "reminder"), QComboBox(),
                                 (("none", "none"), ("sms", "by SMS"), ("email", "by e-mail"))))
        reminder = [number(self, form, "Reminder sent", (*offers, "reminder_days_before"), 1, 30, " days",
                           tooltip="Days before each due date the reminder goes out"),
                    percent(self, form, "Broken promises it saves", (*offers, "reminder_rescue"),
                            "Share of the promises that would be broken that a delivered reminder saves")]
        self.enable_when(reminder, lambda d: d["strategy"]["offers"]["reminder"] != "none")
        self.row(form, "Broken promises", (*ST, "follow_up_broken_promises"),
                 self.bind_check((*ST, "follow_up_broken_promises"), QCheckBox("called before the others")),
                 "The dialer calls accounts whose promise broke first, until their next conversation")
        return _box_of(form)

    def _build_placements(self, into: Any) -> QWidget:
        form = self.group("Placements over time", None, into)
        number(self, form, "Accounts return after", (*ST, "placement_term_days"), 0, 3650, " days", step=30,
               tooltip="Days an account stays on book before it goes back to the client (0 = the whole run)")
        form.addRow(hint("Batches placed on dates, each a share of the portfolio (together 100%); no batch = every"
                         " account placed on the first day."))
        self.placements = QTableWidget(0, 3)
        self.placements.setHorizontalHeaderLabels(["Placed on", "Share", "Name"])
        self.placements.verticalHeader().hide()
        self.placements.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.placements.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.placements.horizontalHeader().setStretchLastSection(True)
        self.placements.setMinimumHeight(110)
        form.addRow(self.placements)
        self.add_batch_button, self.remove_batch_button = QPushButton("Add batch"), QPushButton("Remove batch")
        self.add_batch_button.setToolTip("Add a batch a week after the last, taking half of the last batch's share")
        self.remove_batch_button.setToolTip("Remove the selected batch; its share goes to the batch before it")
        self.add_batch_button.clicked.connect(lambda _c=False: self.add_batch())
        self.remove_batch_button.clicked.connect(lambda _c=False: self.remove_batch())
        form.addRow(row_of(self.add_batch_button, self.remove_batch_button, stretch=True))
        errors = error_label()
        form.addRow(errors)
        self.editor.register_sink((*ST, "placements"), ErrorSink(self, errors, self.placements))
        return _box_of(form)

    def _fill_placements(self) -> None:
        batches = self.editor.data["strategy"].get("placements") or []
        self.placements.setRowCount(len(batches))
        for r, batch in enumerate(batches):
            when = QDateEdit()
            when.setCalendarPopup(True)
            when.setDisplayFormat("ddd yyyy-MM-dd")
            when.setFrame(False)
            if isinstance(batch.get("date"), date):
                when.setDate(QDate(batch["date"]))
            when.dateChanged.connect(lambda d, r=r: self.editor.set_value(
                (*ST, "placements", r, "date"), d.toPython(), source=self))
            share = spin(0.1, 100, " %", 1, 5, "Share of the portfolio's accounts in this batch")
            share.setMinimumWidth(0)
            share.setFrame(False)
            if isinstance(batch.get("share"), int | float):
                show_number(share, batch["share"], 100)
            share.valueChanged.connect(lambda v, r=r: self.editor.set_value(
                (*ST, "placements", r, "share"), round(v / 100, 10), source=self))
            name = QLineEdit(str(batch.get("name", "")))
            name.setFrame(False)
            name.setPlaceholderText("its date")
            name.textEdited.connect(lambda text, r=r: self.editor.set_value(
                (*ST, "placements", r, "name"), text, source=self))
            for c, widget in enumerate((when, share, name)):
                self.placements.setCellWidget(r, c, widget)
        self.placements.resizeColumnsToContents()
        self.remove_batch_button.setEnabled(bool(batches))

    def add_batch(self) -> None:
        """Add a batch a week after the last one, splitting the last batch's share with it (the total stays)."""
        def change(data: dict[str, Any]) -> None:
            batches = data["strategy"]["placements"]
            if not batches:
                batches.append({"date": data["calendar"]["start_date"], "share": 1.0, "name": ""})
                return
            last = batches[-1]
            half = round(float(last.get("share") or 0) / 2, 10)
            last["share"] = half
            when = last.get("date")
            batches.append({"date": when + timedelta(days=7) if isinstance(when, date) else when, "share": half,
                            "name": ""})

        self._edit(change)
        self._fill_placements()

    def remove_batch(self) -> None:
        """Remove the selected batch (the last when none is); the batch before it (or after) takes its share."""
        batches = self.editor.data["strategy"].get("placements") or []
        if not batches:
            return
        row = self.placements.currentRow()
        index = row if 0 <= row < len(batches) else len(batches) - 1

        def change(data: dict[str, Any]) -> None:
            items = data["strategy"]["placements"]
            gone = items.pop(index)
            if items:
                heir = items[max(index - 1, 0)]
                heir["share"] = round(float(heir.get("share") or 0) + float(gone.get("share") or 0), 10)

        self._edit(change)
        self._fill_placements()

    # ---- paths -------------------------------------------------------------------------

    def _build_paths(self) -> QWidget:
        box = QGroupBox("Treatment paths (an account takes the first whose rule it meets)")
        lay = QVBoxLayout(box)
        top = QHBoxLayout()
        self.path_list = QListWidget()
        self.path_list.setMaximumHeight(110)
        self.path_list.setWordWrap(True)
        self.path_list.currentRowChanged.connect(self._select)
        top.addWidget(self.path_list, 1)
        buttons = QVBoxLayout()
        self.add_path_button = QPushButton("Add path")
        self.remove_path_button = QPushButton("Remove")
        self.path_up_button, self.path_down_button = QPushButton("▲ Up"), QPushButton("▼ Down")
        for button, action, tip in (
                (self.add_path_button, self.add_path, "Add a path (a copy of the selected one) after it"),
                (self.remove_path_button, self.remove_path, "Remove the selected path"),
                (self.path_up_button, lambda: self.move_path(-1), "Try this path's rule before the one above"),
                (self.path_down_button, lambda: self.move_path(1), "Try this path's rule after the one below")):
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, a=action: a())
            buttons.addWidget(button)
        buttons.addStretch(1)
        top.addLayout(buttons)
        lay.addLayout(top)
        self.path_box = QWidget()
        details = QGridLayout(self.path_box)
        details.setContentsMargins(0, 4, 0, 0)
        details.setHorizontalSpacing(6)
        details.setVerticalSpacing(4)
        self._build_path_fields(details)
        lay.addWidget(self.path_box)
        self._build_steps(lay)
        self.path_errors = error_label()
        lay.addWidget(self.path_errors)
        self.paths_sink = PathsErrorSink(self, self.path_errors)
        self.editor.register_sink(PATHS, self.paths_sink)
        self.layout_.addWidget(box)
        return box

    def _build_path_fields(self, grid: QGridLayout) -> None:
        self.path_name = QLineEdit()
        self.path_name.setToolTip("The path's name; renaming it renames it in the champion, challenger and moves too")
        self.path_name.textEdited.connect(self._rename)
        self.segment_checks = QWidget()
        self.segment_lay = QHBoxLayout(self.segment_checks)
        self.segment_lay.setContentsMargins(0, 0, 0, 0)
        self.band_low = spin(0, 99, " %", 0, 5, "Lowest score percentile that enters (0 = the worst-scored)")
        self.band_high = spin(1, 100, " %", 0, 5, "Score percentile up to which accounts enter (100 = the best)")
        for box in (self.band_low, self.band_high):
            box.setMinimumWidth(80)
            box.valueChanged.connect(lambda _v: self._band_edited())
        self.balance_min = spin(0, 100_000_000, "", 0, 100, "Accounts with at least this balance enter")
        self.balance_max = spin(1, 100_000_000, "", 0, 100, "Accounts below this balance enter")
        self.balance_max.setValue(5000)  # what checking "below" starts from
        self.balance_limit = QCheckBox("below")
        self.balance_limit.setToolTip("Give the path an upper balance limit; unchecked = no limit")
        self.no_limit = QLabel("no upper limit")
        self.no_limit.setStyleSheet("color: #777;")
        self.balance_max.hide()  # shown with a limit (`_load_path`); both at once would widen the row
        for box in (self.balance_min, self.balance_max):
            box.setMinimumWidth(100)
        self.balance_min.valueChanged.connect(lambda v: self._path_value("balance_min", float(v)))
        self.balance_max.valueChanged.connect(lambda _v: self._balance_max_edited())
        self.balance_limit.toggled.connect(lambda _on: self._balance_max_edited())
        self.moves: dict[str, QComboBox] = {}
        for key, tip in PATH_MOVES.items():
            combo = QComboBox()
            combo.setToolTip(tip)
            combo.currentIndexChanged.connect(functools.partial(self._move_edited, key))
            self.moves[key] = combo
        self.after_broken = self.moves["after_broken_promise"]
        self.repeat = QCheckBox("Start again after the last step")
        self.repeat.setToolTip("Unchecked, an account rests untreated after the last step")
        self.repeat.toggled.connect(lambda on: self._path_value("repeat", bool(on)))
        rows: list[tuple[str, QWidget]] = [
            ("Name", self.path_name),
            ("Segments", self.segment_checks),
            ("Score band", row_of(self.band_low, QLabel("to"), self.band_high, stretch=True)),
            ("Balance from", row_of(self.balance_min, self.balance_limit, self.balance_max, self.no_limit,
                                    stretch=True)),
            ("After a broken promise", self.after_broken),
            ("After a kept promise", self.moves["after_kept_promise"]),
            ("After an opt-out", self.moves["after_opt_out"]),
            ("", self.repeat),
        ]
        for r, (text, widget) in enumerate(rows):
            label = QLabel(text)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, r, 0)
            grid.addWidget(widget, r, 1)
        grid.setColumnStretch(1, 1)
        self.path_fields: dict[str, list[QWidget]] = {
            "name": [self.path_name], "score_band": [self.band_low, self.band_high], "balance_min": [self.balance_min],
            "balance_max": [self.balance_max], "repeat": [self.repeat],
            **{key: [combo] for key, combo in self.moves.items()}}

    def _build_steps(self, lay: QVBoxLayout) -> None:
        lay.addWidget(hint("Steps in order. Phone: the dialer may call until the attempts or the days run out"
                           " (0 = no limit of that kind) or a conversation ends it. Wait: days."))
        self.steps = QTableWidget(0, len(STEP_COLUMNS))
        self.steps.setHorizontalHeaderLabels(list(STEP_COLUMNS))
        self.steps.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.steps.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
            self.steps.setColumnWidth(c, 100)
        lay.addWidget(self.steps)
        row = QHBoxLayout()
        self.add_step_button = QPushButton("Add step")
        self.remove_step_button = QPushButton("Remove step")
        self.step_up_button, self.step_down_button = QPushButton("▲ Up"), QPushButton("▼ Down")
        for button, action, tip in (
                (self.add_step_button, self.add_step, "Add an SMS step after the selected one (change its kind)"),
                (self.remove_step_button, self.remove_step, "Remove the selected step"),
                (self.step_up_button, lambda: self.move_step(-1), "Move the selected step earlier"),
                (self.step_down_button, lambda: self.move_step(1), "Move the selected step later")):
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, a=action: a())
            row.addWidget(button)
        row.addStretch(1)
        lay.addLayout(row)

    # ---- channels ----------------------------------------------------------------------

    def _build_channels(self) -> QWidget:
        box = QGroupBox("Message channels")
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.channel_fields: dict[str, QWidget] = {}
        """Every field of the grid by its scenario path ("strategy.channels.sms.responses.call")."""
        for c, name in enumerate(CHANNELS, start=1):
            header = CHANNEL_TEXT[name].replace(" ", "<br>")  # "Registered / letter": four columns fit 1280 px
            grid.addWidget(QLabel(f"<b>{header}</b>"), 0, c, alignment=Qt.AlignmentFlag.AlignCenter)
        rows: list[tuple[str, str, Callable[[], Any], float]] = [
            ("Cost per message", "cost", lambda: spin(0, 1000, "", 3, 0.01), 1.0),
            ("Delivery failure", "delivery_failure", lambda: spin(0, 100, " %", 1, 1), 100.0),
            ("Delivery delay", "delivery_delay_h", lambda: spin(0, 720, " h", 1, 1), 1.0),
            ("Calls back", "responses.call", lambda: spin(0, 100, " %", 2, 0.5), 100.0),
            ("Pays by link", "responses.pay", lambda: spin(0, 100, " %", 2, 0.5), 100.0),
            ("Portal promises", "responses.promise", lambda: spin(0, 100, " %", 2, 0.5), 100.0),
            ("Opts out", "responses.opt_out", lambda: spin(0, 100, " %", 2, 0.5), 100.0),
            ("Response delay", "responses.delay_h", lambda: spin(0.1, 1440, " h", 1, 1), 1.0),
            ("Response delay CV", "responses.delay_cv", lambda: spin(0.01, 10, "", 2, 0.1), 1.0),
            ("Link pays", "responses.pay_fraction", lambda: spin(1, 100, " %", 0, 5), 100.0),
        ]
        tips = {"cost": "Money per message sent, delivered or not",
                "delivery_failure": "Share never delivered: bad number or address, bounced",
                "delivery_delay_h": "Hours from sending to delivery (a letter's post)",
                "responses.call": "Share of delivered messages after which the debtor phones the inbound line",
                "responses.pay": "Share of delivered messages paid through the link or the slip",
                "responses.promise": "Share of delivered messages answered by a promise on the portal",
                "responses.opt_out": "Share of delivered messages answered by STOP / unsubscribe",
                "responses.delay_h": "Mean hours from delivery to the response (lognormal)",
                "responses.delay_cv": "Coefficient of variation of the response delay",
                "responses.pay_fraction": "Share of the balance a payment through the link pays (100% = in full)"}
        r = 1
        for text, key, make, scale in rows:
            grid.addWidget(QLabel(text), r, 0)
            for c, name in enumerate(CHANNELS, start=1):
                field = make()
                field.setMinimumWidth(CHANNEL_FIELD_W)
                field.setToolTip(f"{CHANNEL_TEXT[name]}: {tips[key]}")
                path: Path = (*CHANNELS_PATH, name, *key.split("."))
                grid.addWidget(self.bind_spin(path, field, scale=scale), r, c)
                self.channel_fields[".".join(str(part) for part in path)] = field
            r += 1
            if key == "delivery_delay_h":
                r = self._build_windows(grid, r)
        grid.setColumnStretch(len(CHANNELS) + 1, 1)
        errors = error_label()
        grid.addWidget(errors, r, 0, 1, len(CHANNELS) + 2)
        self.editor.register_sink(CHANNELS_PATH, FramingErrorSink(self, errors, self._locate_channel,
                                                                  self.channel_fields))
        self.layout_.addWidget(box)
        return box

    def _build_windows(self, grid: QGridLayout, r: int) -> int:
        """A sending window per channel: on/off, then from and to (the debtor's local time)."""
        self.windows: dict[str, tuple[QCheckBox, ClockEdit, ClockEdit]] = {}
        for text, row in (("Sending window", r), ("  from", r + 1), ("  to", r + 2)):
            grid.addWidget(QLabel(text), row, 0)
        for c, name in enumerate(CHANNELS, start=1):
            on, start, end = QCheckBox("limited"), ClockEdit(), ClockEdit(allow_24=True)
            on.setToolTip(f"{CHANNEL_TEXT[name]}: send only within a window of the debtor's local time;"
                          " unchecked = at any hour (a letter is posted whatever the hour)")
            for clock in (start, end):
                clock.setMinimumWidth(CHANNEL_FIELD_W)
                clock.setToolTip(f"{CHANNEL_TEXT[name]}: sending window, debtor's local time")
                clock.valueChanged.connect(lambda _v, n=name: self._window_edited(n))
            on.toggled.connect(lambda _on, n=name: self._window_edited(n))
            grid.addWidget(on, r, c)
            grid.addWidget(start, r + 1, c)
            grid.addWidget(end, r + 2, c)
            self.windows[name] = (on, start, end)
            self.channel_fields[f"strategy.channels.{name}.window.start"] = start
            self.channel_fields[f"strategy.channels.{name}.window.end"] = end
        return r + 3

    def _locate_channel(self, where: str) -> str:
        parts = where.split(".")
        if len(parts) >= 3 and parts[2] in CHANNEL_TEXT:
            rest = ".".join(parts[3:])
            return f"{CHANNEL_TEXT[parts[2]]} › {rest}" if rest else CHANNEL_TEXT[parts[2]]
        return where

    # ---- state -------------------------------------------------------------------------

    def paths(self) -> list[dict[str, Any]]:
        """The paths in the editor's dict."""
        return list(self.editor.data["strategy"]["paths"])

    def refresh(self) -> None:
        """Reload the bound fields, the per-segment values, the windows, the paths and the arms."""
        super().refresh()
        self.segment_values.refresh()
        self._load_windows()
        self._fill_placements()
        self.legal_switch.refresh()
        self.field_switch.refresh()
        self.teams.fill()
        self._fill_paths()

    def _fill_paths(self) -> None:
        paths = self.paths()
        self.current = min(max(self.current, 0), max(len(paths) - 1, 0))
        self.path_list.blockSignals(True)
        self.path_list.clear()
        for path in paths:
            self.path_list.addItem(self._path_text(path))
        self.path_list.setCurrentRow(self.current if paths else -1)
        self.path_list.blockSignals(False)
        self._fill_arms()
        self._load_path()

    def _path_text(self, path: dict[str, Any]) -> str:
        return f"{path.get('name', '')}: {step_summary(path.get('steps') or [])}"

    def _fill_arms(self) -> None:
        names = [str(p.get("name", "")) for p in self.paths()]
        strategy = self.editor.data["strategy"]
        for key, combo in (("champion", self.champion), ("challenger", self.challenger)):
            value = strategy.get(key) or ""
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("none", "")
            for name in names:
                combo.addItem(name, name)
            if value and value not in names:
                combo.addItem(f"{value} (no such path)", value)  # shown as it is: validation names the fix
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)

    def _load_path(self) -> None:
        paths = self.paths()
        has = bool(paths)
        self.path_box.setEnabled(has)
        for w in (self.steps, self.add_step_button, self.remove_step_button, self.step_up_button,
                  self.step_down_button, self.remove_path_button, self.path_up_button, self.path_down_button):
            w.setEnabled(has)
        if not has:
            self.steps.setRowCount(0)
            self.mark_path_problems()
            return
        path = paths[self.current]
        quiet: list[QWidget] = [self.path_name, self.band_low, self.band_high, self.balance_min, self.balance_max,
                                self.balance_limit, *self.moves.values(), self.repeat]
        for field in quiet:
            field.blockSignals(True)
        try:
            if self.path_name.text() != path.get("name", ""):
                self.path_name.setText(str(path.get("name", "")))
            band = path.get("score_band") or [0.0, 1.0]
            for box, value in zip((self.band_low, self.band_high), band, strict=False):
                if isinstance(value, int | float):
                    show_number(box, round(value * 100), 1)
            minimum, maximum = path.get("balance_min", 0.0), path.get("balance_max")
            if isinstance(minimum, int | float):
                show_number(self.balance_min, minimum)
            self.balance_limit.setChecked(maximum is not None)
            self.balance_max.setVisible(maximum is not None)
            self.no_limit.setVisible(maximum is None)
            if isinstance(maximum, int | float):
                show_number(self.balance_max, maximum)
            for key, combo in self.moves.items():
                _fill_move(combo, path, paths, key)
            self.repeat.setChecked(bool(path.get("repeat")))
        finally:
            for field in quiet:
                field.blockSignals(False)
        self._load_segments(path)
        self._fill_steps(path)
        self.mark_path_problems()

    def _load_segments(self, path: dict[str, Any]) -> None:
        clear_layout(self.segment_lay)
        known = [str(s.get("name", "")) for s in self.editor.data["outbound"]["portfolio"]["segments"]]
        chosen = [str(s) for s in path.get("segments") or []]
        self.segment_boxes = {}
        for name in known + [s for s in chosen if s not in known]:
            check = QCheckBox(name if name in known else f"{name} (not in the portfolio)")
            check.setChecked(name in chosen)
            check.setToolTip("Accounts of the checked segments enter; none checked = every segment")
            check.toggled.connect(lambda _on: self._segments_edited())
            self.segment_lay.addWidget(check)
            self.segment_boxes[name] = check
        note = QLabel("none = all")
        note.setStyleSheet("color: #777;")
        self.segment_lay.addWidget(note)
        self.segment_lay.addStretch(1)

    def _fill_steps(self, path: dict[str, Any]) -> None:
        steps = path.get("steps") or []
        selected = self.steps.currentRow()
        self.steps.setRowCount(len(steps))
        self.step_widgets = []
        for r, step in enumerate(steps):
            kind = QComboBox()
            for value, text in STEP_KINDS:
                kind.addItem(text, value)
            kind.setCurrentIndex(max(kind.findData(step.get("kind")), 0))
            days = spin(0, 365, " d", 0, 1, "Wait: days to wait; phone: most days the phase lasts (0 = no limit)")
            attempts = spin(0, 1000, "", 0, 1, "Phone: most dial attempts in the phase (0 = no limit)")
            for box, key in ((days, "days"), (attempts, "attempts")):
                box.setMinimumWidth(0)
                box.setFrame(False)
                value = step.get(key)
                if isinstance(value, int | float):
                    show_number(box, value)
                box.valueChanged.connect(lambda v, r=r, k=key: self._step_value(r, k, int(v)))
            kind.currentIndexChanged.connect(lambda _i, r=r, c=kind: self._kind_edited(r, str(c.currentData())))
            self.steps.setCellWidget(r, 0, kind)
            self.steps.setCellWidget(r, 1, days)
            self.steps.setCellWidget(r, 2, attempts)
            self.step_widgets.append((kind, days, attempts))
            self._enable_step_fields(r, str(step.get("kind")))
        rows = max(len(steps), 3)
        height = (self.steps.horizontalHeader().sizeHint().height()
                  + rows * self.steps.verticalHeader().defaultSectionSize() + 2 * self.steps.frameWidth() + 2)
        self.steps.setFixedHeight(height)
        if 0 <= selected < len(steps):
            self.steps.selectRow(selected)

    def _enable_step_fields(self, row: int, kind: str) -> None:
        """A message, a visit or legal takes no days or attempts, a wait no attempts: those fields are greyed out."""
        _, days, attempts = self.step_widgets[row]
        days.setEnabled(kind not in ONE_SHOT_KINDS)
        attempts.setEnabled(kind == "phone")

    def locate(self, where: str) -> str:
        """Where a path problem is, as the planner reads it: "sms_first › step 2", "path 3 › score_band"."""
        match = _INDEXED.match(where)
        if match is None:
            return where
        index, rest = int(match.group(1)), match.group(2) or ""
        paths = self.paths()
        name = str(paths[index].get("name") or f"path {index + 1}") if index < len(paths) else f"path {index + 1}"
        step = re.match(r"^steps\[(\d+)\](?:\.(.*))?$", rest)
        if step is not None:
            rest = f"step {int(step.group(1)) + 1}" + (f" {step.group(2)}" if step.group(2) else "")
        return f"{name} › {rest}" if rest else name

    def mark_path_problems(self) -> None:
        """Frame the selected path's fields and step rows that have a problem; flag paths with ⚠ in the list."""
        flagged: set[int] = set()
        fields: set[str] = set()
        rows: set[int] = set()
        for problem in self.paths_sink.problems:
            match = _INDEXED.match(problem.path)
            if match is None:
                continue
            index, rest = int(match.group(1)), match.group(2) or ""
            flagged.add(index)
            if index != self.current:
                continue
            step = re.match(r"^steps\[(\d+)\]", rest)
            if step is not None:
                rows.add(int(step.group(1)))
            else:
                fields.add(rest.split(".")[0].split("[")[0])
        for key, widgets in self.path_fields.items():
            for w in widgets:
                w.setStyleSheet(INVALID_FIELD_STYLE if key in fields else "")
        for r, (kind, _, _) in enumerate(self.step_widgets):
            # The step's kind framed and its number flagged: a frame squeezes a spin box's arrows in a table row.
            kind.setStyleSheet(INVALID_FIELD_STYLE if r in rows else "")
            self.steps.setVerticalHeaderItem(r, QTableWidgetItem(f"{r + 1} ⚠" if r in rows else str(r + 1)))
        paths = self.paths()
        for i in range(self.path_list.count()):
            if i < len(paths):
                self.path_list.item(i).setText(self._path_text(paths[i]) + ("  ⚠" if i in flagged else ""))

    def _load_windows(self) -> None:
        channels = self.editor.data["strategy"]["channels"]
        for name, (on, start, end) in self.windows.items():
            window = (channels.get(name) or {}).get("window")
            for w in (on, start, end):
                w.blockSignals(True)
            on.setChecked(window is not None)
            shown = window if isinstance(window, dict) else DEFAULT_WINDOW
            start.set_time_text(shown.get("start", DEFAULT_WINDOW["start"]))
            end.set_time_text(shown.get("end", DEFAULT_WINDOW["end"]))
            start.setEnabled(window is not None)
            end.setEnabled(window is not None)
            for w in (on, start, end):
                w.blockSignals(False)

    # ---- edits -------------------------------------------------------------------------

    def _edit(self, change: Callable[[dict[str, Any]], None], merge: object = None) -> None:
        """A structural edit on a copy of the data, handed to the editor as one undoable change."""
        data = copy.deepcopy(self.editor.data)
        change(data)
        self.editor.replace_data(data, source=self, merge=merge)

    def _enabled_toggled(self, on: bool) -> None:
        def change(data: dict[str, Any]) -> None:
            data["strategy"]["enabled"] = on
            if on and not data["strategy"]["paths"]:
                data["strategy"]["paths"] = [copy.deepcopy(STARTER_PATH)]  # a strategy needs a path to run

        self._edit(change)
        self._fill_paths()

    def _window_edited(self, name: str) -> None:
        on, start, end = self.windows[name]
        start.setEnabled(on.isChecked())
        end.setEnabled(on.isChecked())
        value = {"start": start.time_text(), "end": end.time_text()} if on.isChecked() else None
        self.editor.set_value((*CHANNELS_PATH, name, "window"), value, source=self)

    def _select(self, row: int) -> None:
        if row < 0:
            return
        self.current = row
        self._load_path()

    def _path_value(self, key: str, value: Any) -> None:
        if not self.paths():
            return
        self.editor.set_value((*PATHS, self.current, key), value, source=self)
        self.mark_path_problems()  # the list's text shows the path's steps

    def _rename(self, text: str) -> None:
        paths = self.paths()
        if not paths:
            return
        old = str(paths[self.current].get("name", ""))
        self._edit(lambda data: renamed(data, old, text), merge=("rename", self.current))
        self._fill_arms()
        self._load_path_moves()
        self.mark_path_problems()

    def _load_path_moves(self) -> None:
        """Re-list the path moves with the new names (the name field keeps its cursor)."""
        path = self.paths()[self.current]
        for key, combo in self.moves.items():
            combo.blockSignals(True)
            _fill_move(combo, path, self.paths(), key)
            combo.blockSignals(False)

    def _move_edited(self, key: str, _index: int) -> None:
        self._path_value(key, self.moves[key].currentData() or "")

    def _segments_edited(self) -> None:
        chosen = [name for name, check in self.segment_boxes.items() if check.isChecked()]
        self._path_value("segments", chosen)

    def _band_edited(self) -> None:
        band = [round(self.band_low.value() / 100, 10), round(self.band_high.value() / 100, 10)]
        self._path_value("score_band", band)

    def _balance_max_edited(self) -> None:
        on = self.balance_limit.isChecked()
        self.balance_max.setVisible(on)
        self.no_limit.setVisible(not on)
        self._path_value("balance_max", float(self.balance_max.value()) if on else None)

    def add_path(self) -> None:
        """Add a copy of the selected path (or the starter path) after it, under a new name, and select it."""
        paths = self.paths()
        at = self.current + 1 if paths else 0

        def change(data: dict[str, Any]) -> None:
            new = copy.deepcopy(paths[self.current] if paths else STARTER_PATH)
            new["name"] = _new_name(data["strategy"]["paths"])
            data["strategy"]["paths"].insert(at, new)

        self._edit(change)
        self.current = at
        self._fill_paths()

    def remove_path(self) -> None:
        """Remove the selected path, and the champion/challenger split or moves that named it."""
        if not self.paths():
            return
        index = self.current
        self._edit(lambda data: removed(data, index))
        self.current = max(index - 1, 0)
        self._fill_paths()

    def move_path(self, by: int) -> None:
        """Move the selected path up (-1) or down (+1): its rule is tried that much earlier or later."""
        paths, index = self.paths(), self.current
        if not 0 <= index + by < len(paths):
            return

        def change(data: dict[str, Any]) -> None:
            items = data["strategy"]["paths"]
            items[index], items[index + by] = items[index + by], items[index]

        self._edit(change)
        self.current = index + by
        self._fill_paths()

    def _steps_path(self) -> Path:
        return (*PATHS, self.current, "steps")

    def _step_value(self, row: int, key: str, value: int) -> None:
        self.editor.set_value((*self._steps_path(), row, key), value, source=self)
        self.mark_path_problems()

    def _kind_edited(self, row: int, kind: str) -> None:
        def change(data: dict[str, Any]) -> None:
            steps = get_in(data, self._steps_path())
            steps[row] = fit_step(steps[row], kind)

        self._edit(change)
        step = get_in(self.editor.data, self._steps_path())[row]
        _, days, attempts = self.step_widgets[row]
        for box, key in ((days, "days"), (attempts, "attempts")):
            self._quiet(box, functools.partial(show_number, box, step[key]))
        self._enable_step_fields(row, kind)
        self.mark_path_problems()

    def _selected_step(self) -> int:
        steps = get_in(self.editor.data, self._steps_path())
        row = self.steps.currentRow()
        return row if 0 <= row < len(steps) else len(steps) - 1

    def add_step(self) -> None:
        """Insert an SMS step after the selected one (at the end when none is selected) and select it."""
        if not self.paths():
            return
        at = self._selected_step() + 1
        self._edit(lambda data: get_in(data, self._steps_path()).insert(at, fit_step({}, "sms")))
        self._load_path()
        self.steps.selectRow(at)

    def remove_step(self) -> None:
        """Remove the selected step (the last one when none is selected)."""
        if not self.paths():
            return
        index = self._selected_step()
        if index < 0:
            return
        self._edit(lambda data: get_in(data, self._steps_path()).pop(index))
        self._load_path()

    def move_step(self, by: int) -> None:
        """Move the selected step earlier (-1) or later (+1)."""
        if not self.paths():
            return
        index = self.steps.currentRow()
        steps = get_in(self.editor.data, self._steps_path())
        if not (0 <= index < len(steps) and 0 <= index + by < len(steps)):
            return

        def change(data: dict[str, Any]) -> None:
            items = get_in(data, self._steps_path())
            items[index], items[index + by] = items[index + by], items[index]

        self._edit(change)
        self._load_path()
        self.steps.selectRow(index + by)
