"""The "Dialer & contact strategy" tab: the `outbound` section of the scenario.

Dialer mode and pacing, answering-machine detection, what a dial attempt meets, how
conversations end, the compliance presets with custom rules on top, account selection,
blending, and the portfolio with its risk-segment table. Fields that only matter for one
dialer mode are disabled for the others; the rules actually in force (presets combined,
custom keys on top) are spelled out under the compliance box.
"""

from __future__ import annotations

import copy
from functools import partial
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QWidget,
)

from wfm.gui.editor import ErrorSink, SectionTab
from wfm.gui.section_helpers import (
    Column,
    RecordTable,
    bind_list,
    bind_mapping,
    bind_text,
    duration_grid,
    hint,
    number,
    percent,
)
from wfm.gui.widgets import ClockEdit, error_label, row_of, spin
from wfm.scenario import WEEKDAYS, format_time_of_day
from wfm.scenario.outbound import PRESETS

OB = ("outbound",)
DIALER = ("outbound", "dialer")
COMPLIANCE = ("outbound", "compliance")
PORTFOLIO = ("outbound", "portfolio")

DIALER_MODES = (("preview", "Preview (agent reads, then dials)"), ("progressive", "Progressive (1 line per agent)"),
                ("power", "Power (fixed lines per agent)"), ("predictive", "Predictive (adaptive pacing)"))
PRIORITIES = (("expected_value", "Highest expected value"), ("oldest_dpd", "Oldest days past due"),
              ("fewest_attempts", "Fewest attempts so far"),
              ("score", "Expected value × score (collection strategy)"))
PRESET_TEXT = {"reg_f": "US Regulation F (7 in 7 days, 08–21)", "italy": "Italy (4 a day, no Sundays)",
               "colombia": "Colombia Ley 2300 (1 contact a day)", "uk": "UK Ofcom (3% drops over 24 h)"}
MODE_FIELDS = {"preview_s": ("preview",), "lines_per_agent": ("power",), "fixed_level": ("power", "predictive"),
               "initial_level": ("predictive",), "max_level": ("predictive",), "target_drop_rate": ("predictive",),
               "adapt_every_s": ("predictive",), "gain": ("predictive",)}



def by_country_text(value: Any) -> str:
    """`Compliance.by_country` as a line edit shows it: "US = reg_f, GB = uk, IT = italy + uk"."""
    if not isinstance(value, dict):
        return ""
    return ", ".join(f"{country} = {' + '.join(presets) if isinstance(presets, list | tuple) else presets}"
                     for country, presets in value.items())


def parse_by_country(text: str) -> dict[str, list[str]]:
    """The text of `by_country_text` back into a mapping; what is not a preset is left for validation to name."""
    out: dict[str, list[str]] = {}
    for part in text.replace(";", ",").split(","):
        country, _, presets = part.partition("=")
        if country.strip():
            out[country.strip()] = [p.strip() for p in presets.split("+") if p.strip()]
    return out


SEGMENT_COLUMNS = (
    Column("share", "Share", 0.1, 100, " %", 1, 1, 100, "Share of the accounts in this segment"),
    Column("balance_mean", "Balance", 1, 10_000_000, "", 0, 50, 1, "Mean balance (money, lognormal)"),
    Column("balance_cv", "CV", 0.01, 10, "", 2, 0.05, 1, "Coefficient of variation of the balance"),
    Column("dpd_min", "DPD from", 0, 3650, " d", 0, 10, 1, "Days past due at placement: lowest"),
    Column("dpd_max", "DPD to", 0, 3650, " d", 0, 10, 1, "Days past due at placement: highest"),
    Column("contact", "Contact", 0, 100, " %", 1, 1, 100, "P(someone picks up a valid number)"),
    Column("right_party", "Right party", 0, 100, " %", 1, 1, 100, "P(the debtor | live answer)"),
    Column("ptp", "PTP", 0, 100, " %", 1, 1, 100, "P(promise to pay | RPC) at 0 days past due"),
    Column("ptp_halflife_days", "PTP half-life", 1, 100_000, " d", 0, 30, 1,
           "Days past due that halve the promise probability"),
    Column("kept", "Kept", 0, 100, " %", 1, 1, 100, "P(promise kept)"),
    Column("full_payment", "Full", 0, 100, " %", 1, 1, 100, "P(full balance | promise), else an instalment"),
)


def _new_segment(segments: list[dict[str, Any]]) -> dict[str, Any]:
    names = {s.get("name") for s in segments}
    name = next(f"segment {i}" for i in range(1, 1000) if f"segment {i}" not in names)
    # Share 0.1 so the table shows at once that the shares no longer add up to 1.
    return {"name": name, "share": 0.1, "balance_mean": 1000.0, "balance_cv": 0.8, "dpd_min": 30, "dpd_max": 180,
            "contact": 0.45, "right_party": 0.7, "ptp": 0.4, "ptp_halflife_days": 365.0, "kept": 0.65,
            "full_payment": 0.4}


class DialerTab(SectionTab):
    """Dialer, AMD, attempts, conversations, compliance, selection, blending and the portfolio.

    Signals:
        import_requested: the planner asked to import a portfolio file; the window picks the
            file and reads it (it owns the dialogs and knows where the scenario is saved).
    """

    title = "Dialer && contact strategy"
    import_requested = Signal()

    def build(self) -> None:
        """Two columns of group boxes, the portfolio's segment table across the bottom."""
        left = right = self.flow()
        self._build_campaign(left)
        self._build_dialer(left)
        self._build_attempts(left)
        self._build_conversation(right)
        self._build_compliance(right)
        self._build_portfolio()
        self.editor.problems_changed.connect(lambda _p: self._show_rules())

    # ---- boxes ----------------------------------------------------------------------------

    def _build_campaign(self, into: Any) -> None:
        form = self.group("Outbound campaign", OB, into)
        self.row(form, "Run the collections dialer", (*OB, "enabled"), self.bind_check((*OB, "enabled"), QCheckBox()),
                 "Off = inbound only; outbound and blended agents then take no outbound calls")
        self.row(form, "Call next", ("outbound", "selection", "priority"),
                 self.bind_combo(("outbound", "selection", "priority"), QComboBox(), PRIORITIES),
                 "Which account the dialer calls next among those the rules allow")
        number(self, form, "Blended inbound reserve", ("outbound", "blending", "inbound_reserve"), 0, 1000,
               " agents", tooltip="Idle blended agents kept off the dialer so an inbound call finds someone at once")

    def _build_dialer(self, into: Any) -> None:
        form = self.group("Dialer", DIALER, into)
        self.mode = self.bind_combo((*DIALER, "mode"), QComboBox(), DIALER_MODES)
        self.row(form, "Mode", (*DIALER, "mode"), self.mode)
        self.mode.currentIndexChanged.connect(lambda _i: self._enable_mode_fields())
        self.mode_fields: dict[str, QWidget] = {
            "preview_s": number(self, form, "Preview time", (*DIALER, "preview_s"), 0, 600, " s",
                                tooltip="Preview: seconds the agent reads the account before the dial"),
            "lines_per_agent": number(self, form, "Lines per free agent", (*DIALER, "lines_per_agent"), 1, 10,
                                      " lines", 2, 0.25, "Power: lines dialed per free agent"),
            "fixed_level": number(self, form, "Fixed dial level", (*DIALER, "fixed_level"), 0, 10, " lines", 2, 0.25,
                                  "Pin power/predictive to this many lines per available agent (0 = adaptive)"),
            "initial_level": number(self, form, "Initial dial level", (*DIALER, "initial_level"), 1, 10, " lines", 2,
                                    0.25, "Predictive: lines per available agent at the start"),
            "max_level": number(self, form, "Maximum dial level", (*DIALER, "max_level"), 1, 10, " lines", 2, 0.25,
                                "Predictive: upper clamp of the dial level"),
            "target_drop_rate": percent(self, form, "Target drop rate", (*DIALER, "target_drop_rate"),
                                        "Predictive: drop rate the pacing aims at (keep it below the cap)",
                                        minimum=0.01, maximum=49.99, decimals=2, step=0.1),
            "adapt_every_s": number(self, form, "Adjust level every", (*DIALER, "adapt_every_s"), 1, 3600, " s",
                                    tooltip="Predictive: seconds between two adjustments of the dial level"),
            "gain": number(self, form, "Controller gain", (*DIALER, "gain"), 0.01, 5, "", 2, 0.05,
                           "Predictive: proportional gain per unit of relative drop-rate error"),
        }
        number(self, form, "Connect wait", (*DIALER, "connect_wait_s"), 0, 10, " s", 1, 0.5,
               "A live answer without a free agent within this time is dropped")
        form = self.group("Answering-machine detection", ("outbound", "amd"), into)
        amd = ("outbound", "amd")
        self.row(form, "Detect answering machines", (*amd, "enabled"), self.bind_check((*amd, "enabled"), QCheckBox()))
        detection = [
            number(self, form, "Listening time", (*amd, "detection_s"), 0, 10, " s", 1, 0.5),
            percent(self, form, "Machines detected", (*amd, "true_detection"), "Detected machines are hung up on"),
            percent(self, form, "Live people taken for machines", (*amd, "false_positive"),
                    "False positives are hung up on: they count as dropped calls", decimals=2, step=0.5)]
        self.enable_when(detection, lambda d: bool(d["outbound"]["amd"]["enabled"]))

    def _build_attempts(self, into: Any) -> None:
        path = ("outbound", "attempts")
        form = self.group("Dial attempts", path, into)
        number(self, form, "Ring timeout", (*path, "ring_timeout_s"), 15, 120, " s",
               tooltip="No answer after this; at least 15 s")
        percent(self, form, "Busy signal", (*path, "busy"))
        percent(self, form, "Answering machine | pick-up", (*path, "machine"))
        number(self, form, "Invalid-number line time", (*path, "invalid_s"), 0.1, 60, " s", 1, 0.5)
        number(self, form, "Busy-signal line time", (*path, "busy_s"), 0.1, 60, " s", 1, 0.5)
        hours = bind_list(self, (*path, "live_by_hour"),
                          "24 multipliers on the segment's contact probability, one per local hour 00–23")
        hours.setMinimumWidth(220)
        self.row(form, "Pick-up by local hour (×)", (*path, "live_by_hour"), hours)
        duration_grid(self, "Answer delay", [("Until pick-up", (*path, "answer_delay"))], into)

    def _build_conversation(self, into: Any) -> None:
        conv = ("outbound", "conversation")
        duration_grid(self, "Outbound talk times", [
            ("Right party", (*conv, "rpc_talk")), ("Third party", (*conv, "third_party_talk")),
            ("Undetected machine", (*conv, "machine_talk")), ("After-call work", (*conv, "acw")),
        ], into)
        form = self.group("How a right-party conversation ends", conv, into)
        form.addRow(hint("PTP comes from the segment; the rest split by these weights."))
        for key, text in (("refusal", "Refusal weight"), ("dispute", "Dispute weight"),
                          ("callback", "Callback weight")):
            number(self, form, text, (*conv, key), 0, 1000, "", 2, 0.05)
        number(self, form, "Callback after", (*conv, "callback_delay_h"), 0.1, 24 * 60, " h", 1, 1)
        number(self, form, "Retry after a refusal", (*conv, "retry_after_refusal_h"), 0, 24 * 90, " h", 1, 1)
        percent(self, form, "Instalment (share of balance)", (*conv, "instalment_fraction"), minimum=0.1)
        number(self, form, "Promise due from", (*conv, "due_days_min"), 0, 90, " days")
        number(self, form, "Promise due until", (*conv, "due_days_max"), 0, 90, " days")

    def _build_compliance(self, into: Any) -> None:
        form = self.group("Compliance: presets and custom rules", COMPLIANCE, into)
        presets = QWidget()
        grid = QGridLayout(presets)
        grid.setContentsMargins(0, 0, 0, 0)
        self.presets: dict[str, QCheckBox] = {}
        for i, name in enumerate(PRESETS):
            check = QCheckBox(PRESET_TEXT.get(name, name))
            check.toggled.connect(lambda _on: self._presets_edited())
            grid.addWidget(check, i, 0)
            self.presets[name] = check
        self._add((*COMPLIANCE, "presets"), self._load_presets)
        self.row(form, "Presets (strictest wins)", (*COMPLIANCE, "presets"), presets)
        countries = bind_text(self, (*COMPLIANCE, "by_country"), by_country_text, parse_by_country,
                              "The presets in force for the debtors of a jurisdiction (the account's country, or its"
                              " time zone's region), e.g. US = reg_f, GB = uk, IT = italy + uk; others take the"
                              " presets above")
        countries.setPlaceholderText("empty = every debtor under the presets above")
        self.row(form, "Presets by jurisdiction", (*COMPLIANCE, "by_country"), countries)
        form.addRow(hint("A checked rule below replaces the presets' value for that rule."))
        for key, text, box, scale in (
            ("max_attempts_7d", "Attempts per 7 days", spin(0, 1000, " attempts"), 1.0),
            ("max_attempts_day", "Attempts per day", spin(0, 100, " attempts"), 1.0),
            ("max_contacts_day", "Right-party contacts per day", spin(0, 100, " contacts"), 1.0),
            ("rest_after_rpc_days", "Rest after a conversation", spin(0, 365, " days", 1, 1), 1.0),
            ("no_redial_after_drop_h", "No call after a drop for", spin(0, 24 * 365, " h", 1, 1), 1.0),
            ("min_gap_min", "Gap between attempts", spin(0, 24 * 60 * 30, " min", 0, 15), 1.0),
            ("drop_cap", "Drop-rate cap", spin(0.01, 99.99, " %", 2, 0.5), 100.0),
            ("drop_window_days", "Drop-rate window", spin(1, 365, " days"), 1.0),
        ):
            self.row(form, text, (*COMPLIANCE, key), self.bind_optional((*COMPLIANCE, key), box, scale))
        holidays = QComboBox()
        holidays.addItem("from presets", None)
        holidays.addItem("never call on holidays", True)
        holidays.addItem("holidays allowed", False)
        holidays.currentIndexChanged.connect(lambda i: self.editor.set_value(
            (*COMPLIANCE, "no_holidays"), holidays.itemData(i), source=self))
        self._add((*COMPLIANCE, "no_holidays"),
                  lambda v: self._quiet(holidays, lambda: holidays.setCurrentIndex(max(holidays.findData(v), 0))))
        self.row(form, "Holidays", (*COMPLIANCE, "no_holidays"), holidays)
        self._build_windows(into)
        self.rules = QLabel()
        self.rules.setWordWrap(True)
        self.rules.setStyleSheet("background: #f4f7fb; border: 1px solid #d5dde8; padding: 6px;")
        into.addWidget(self.rules)

    def _build_windows(self, into: Any) -> None:
        box = QGroupBox("Custom calling windows (account's local time)")
        lay = QGridLayout(box)
        self.custom_windows = QCheckBox("Replace the presets' windows with these")
        self.custom_windows.toggled.connect(self._windows_toggled)
        lay.addWidget(self.custom_windows, 0, 0, 1, 4)
        self._windows: dict[str, tuple[QCheckBox, ClockEdit, ClockEdit]] = {}
        for r, day in enumerate(WEEKDAYS, start=1):
            on, start, end = QCheckBox(day.title()), ClockEdit(), ClockEdit(allow_24=True)
            for w in (on, start, end):
                w.setMinimumWidth(0)
            lay.addWidget(on, r, 0)
            lay.addWidget(start, r, 1)
            lay.addWidget(QLabel("to"), r, 2)
            lay.addWidget(end, r, 3)
            on.toggled.connect(lambda _on: self._windows_edited())
            start.valueChanged.connect(lambda _v: self._windows_edited())
            end.valueChanged.connect(lambda _v: self._windows_edited())
            self._windows[day] = (on, start, end)
        lay.setColumnStretch(4, 1)
        errors = error_label()
        lay.addWidget(errors, len(WEEKDAYS) + 1, 0, 1, 5)
        self.editor.register_sink((*COMPLIANCE, "windows"), ErrorSink(self, errors))
        into.addWidget(box)

    def _build_portfolio(self) -> None:
        left = right = self.flow()
        form = self.group("Portfolio", PORTFOLIO, left)
        self.import_button = QPushButton("Import portfolio… (CSV/XLSX)")
        self.import_button.setToolTip("Read the accounts (id, balance, days past due, segment, optionally phones and"
                                      " time zone) from a spreadsheet export; the scenario keeps the file's name")
        self.import_button.clicked.connect(self.import_requested)
        self.generated_button = QPushButton("Use generated accounts")
        self.generated_button.setToolTip("Forget the file and draw the accounts from the segments below")
        self.generated_button.clicked.connect(self._use_generated)
        form.addRow(row_of(self.import_button, self.generated_button, stretch=True))
        self.imported = hint("")
        form.addRow(self.imported)
        self.accounts = number(self, form, "Accounts", (*PORTFOLIO, "accounts"), 1, 2_000_000, " accounts", step=1000,
                               tooltip="Accounts to generate; with a portfolio file, the accounts read from it")
        percent(self, form, "Invalid numbers", (*PORTFOLIO, "invalid_number_share"))
        percent(self, form, "Do not call", (*PORTFOLIO, "do_not_call_share"))
        phones = bind_list(self, (*PORTFOLIO, "phones"), "P(1 phone number), P(2), … adding up to 1")
        self.row(form, "Phones per account", (*PORTFOLIO, "phones"), phones)
        zones = bind_mapping(self, (*PORTFOLIO, "timezones"),
                             "Share of accounts per time zone, e.g. Europe/Rome = 0.8, UTC-05:00 = 0.2")
        zones.setMinimumWidth(260)
        zones.setPlaceholderText("empty = the center's time zone")
        self.row(form, "Time zones", (*PORTFOLIO, "timezones"), zones)
        regions = bind_mapping(self, (*PORTFOLIO, "regions"),
                               "The debtors' jurisdiction per time zone (holidays and rule pack), e.g."
                               " America/New_York = US-NY, Europe/London = GB")
        regions.setPlaceholderText("empty = no jurisdiction of their own")
        self.row(form, "Jurisdiction by zone", (*PORTFOLIO, "regions"), regions)
        self.segments = RecordTable(self, "Risk segments", (*PORTFOLIO, "segments"), SEGMENT_COLUMNS, _new_segment,
                                    right, "Shares add up to 100%; PTP halves every half-life of days past due.")

    # ---- state ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload fields, presets, windows, segments and the rules in force."""
        super().refresh()
        self._load_windows()
        self.segments.fill()
        portfolio = self.editor.data["outbound"]["portfolio"]
        imported = portfolio.get("imported") or []
        source = portfolio.get("file") or "the scenario (inline)"
        self.imported.setText(f"{len(imported):,} accounts read from {source}; balance, days past due, phones and"
                              " time zone come from it, the segments below give the debtor behaviour."
                              if imported else "")
        self.imported.setVisible(bool(imported))
        if imported:
            # The size field shows what was read; the generated-accounts count stays in the scenario untouched.
            self._quiet(self.accounts, lambda: self.accounts.setValue(len(imported)))
        self.accounts.setEnabled(not imported)
        self.generated_button.setEnabled(bool(imported or portfolio.get("file")))
        self._enable_mode_fields()
        self._show_rules()

    def _use_generated(self) -> None:
        data = copy.deepcopy(self.editor.data)
        data["outbound"]["portfolio"].update(file="", sheet="", imported=[])
        self.editor.replace_data(data)

    def _enable_mode_fields(self) -> None:
        mode = self.editor.data["outbound"]["dialer"]["mode"]
        for key, widget in self.mode_fields.items():
            widget.setEnabled(mode in MODE_FIELDS[key])

    def _load_presets(self, chosen: Any) -> None:
        for name, check in self.presets.items():
            self._quiet(check, partial(check.setChecked, name in (chosen or [])))

    def _presets_edited(self) -> None:
        chosen = [name for name, check in self.presets.items() if check.isChecked()]
        self.editor.set_value((*COMPLIANCE, "presets"), chosen, source=self)

    def _load_windows(self) -> None:
        windows = self.editor.data["outbound"]["compliance"].get("windows")
        self._quiet(self.custom_windows, lambda: self.custom_windows.setChecked(windows is not None))
        for day, (on, start, end) in self._windows.items():
            window = (windows or {}).get(day)
            for w in (on, start, end):
                w.blockSignals(True)
            on.setChecked(window is not None)
            if isinstance(window, dict):
                start.set_time_text(window.get("start", "08:00"))
                end.set_time_text(window.get("end", "21:00"))
            elif windows is None:
                start.set_time_text("08:00")
                end.set_time_text("21:00")
            for w in (on, start, end):
                w.blockSignals(False)
                w.setEnabled(windows is not None and (w is on or on.isChecked()))

    def _windows_toggled(self, on: bool) -> None:
        if on:
            # Start from the windows in force (the presets'), so checking the box changes nothing yet.
            scenario = self.editor.scenario
            rules = scenario.outbound.compliance.rules().windows if scenario is not None else {}
            value = {day: ({"start": format_time_of_day(w.start), "end": format_time_of_day(w.end)} if w else None)
                     for day in WEEKDAYS for w in [rules.get(day) if scenario is not None else None]}
            if scenario is None:
                value = {day: {"start": "08:00", "end": "21:00"} for day in WEEKDAYS}
            self.editor.set_value((*COMPLIANCE, "windows"), value, source=self)
            self._load_windows()
        else:
            self.editor.set_value((*COMPLIANCE, "windows"), None, source=self)
            self._load_windows()

    def _windows_edited(self, force: bool = False) -> None:
        if not (force or self.custom_windows.isChecked()):
            return
        value: dict[str, Any] = {}
        for day, (on, start, end) in self._windows.items():
            value[day] = {"start": start.time_text(), "end": end.time_text()} if on.isChecked() else None
        self.editor.set_value((*COMPLIANCE, "windows"), value, source=self)
        self._load_windows()

    def _show_rules(self) -> None:
        scenario = self.editor.scenario
        if scenario is None:
            self.rules.setText("<i>Rules in force appear when the scenario is valid.</i>")
            return
        rules = scenario.outbound.compliance.rules()
        days = []
        for day in WEEKDAYS:
            w = rules.windows.get(day)
            days.append(f"{day.title()} {format_time_of_day(w.start)}–{format_time_of_day(w.end)}" if w else
                        f"{day.title()} closed")
        limits = [f"{label} {value:g}" for label, value in (
            ("attempts/7 days", rules.max_attempts_7d), ("attempts/day", rules.max_attempts_day),
            ("contacts/day", rules.max_contacts_day), ("rest after RPC (days)", rules.rest_after_rpc_days),
            ("no call after a drop (h)", rules.no_redial_after_drop_h), ("gap (min)", rules.min_gap_min)) if value]
        packs = scenario.outbound.compliance.packs()
        others = "".join(
            f"<br><b>{pack.label}</b> ({', '.join(pack.presets)}): drop rate ≤ {pack.rules.drop_cap:.1%} over"
            f" {pack.rules.drop_window_days} day(s)" for pack in packs[1:])
        self.rules.setText(
            f"<b>Rules in force</b>{' (debtors without a jurisdiction of their own)' if others else ''} — "
            + ", ".join(days) + ".<br>"
            + (", ".join(limits) if limits else "no attempt limits")
            + f"; drop rate ≤ {rules.drop_cap:.1%} over {rules.drop_window_days} day(s)"
            + ("; never on holidays." if rules.no_holidays else ".") + others + self._loosened_text(scenario))

    @staticmethod
    def _loosened_text(scenario: Any) -> str:
        """The rules `loosen = true` lets the custom keys loosen, each named with its pack (as `wfm validate` does)."""
        loose = scenario.outbound.compliance.loosened()
        if not loose:
            return ""
        return "<br><b>Loosened</b> (loosen = true): " + "; ".join(
            f"{r.rule} = {r.custom} (presets: {r.preset})" for r in loose)

