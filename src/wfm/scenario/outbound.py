"""The outbound (collections) part of a scenario: portfolio, dial outcomes, dialer, compliance.

Kept apart from the other sections because the dialer has many knobs of its own;
`wfm.scenario.model.Scenario` imports `Outbound` from here. Disabled by default, so inbound-only
scenarios are unaffected. Imported accounts are an `AccountTable` (`wfm.scenario.accounts`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from datetime import date, timedelta, timezone
from functools import lru_cache
from typing import Annotated, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from pydantic import BeforeValidator, Field, field_validator, model_validator

from wfm.scenario.accounts import NO_ACCOUNTS, AccountTable
from wfm.scenario.accounts import ImportedAccount as ImportedAccount  # re-exported: the row type of a portfolio
from wfm.scenario.units import (
    HOUR_S,
    WEEKDAYS,
    ClosingTime,
    Duration,
    Model,
    TimeOfDay,
    Weekday,
    format_time_of_day,
)

_OFFSET = re.compile(r"^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$")


def parse_tz(value: str) -> ZoneInfo | timezone:
    """An IANA zone name ("America/Bogota") or a fixed UTC offset ("UTC-05:00", "+01")."""
    match = _OFFSET.match(value.strip())
    if match:
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes > 59:
            raise ValueError(f"{value!r} is not a UTC offset; use one between UTC-12:00 and UTC+14:00")
        delta = timedelta(hours=hours, minutes=minutes)
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{value!r} is not a known time zone; use an IANA name such as \"America/Bogota\" or an offset"
            " such as \"UTC-05:00\""
        ) from None


def _probability_curve(value: tuple[float, ...]) -> tuple[float, ...]:
    if len(value) != 24:
        raise ValueError(f"has {len(value)} values; give 24, one multiplier per local hour 00-23")
    if any(not math.isfinite(v) or v < 0 for v in value):
        raise ValueError("multipliers must be finite numbers >= 0")
    return value


# --------------------------------------------------------------------------------------------
# Portfolio
# --------------------------------------------------------------------------------------------


class Segment(Model):
    """A risk segment: how to draw its accounts and how its debtors behave.

    `contact` is the chance that someone picks up a valid number (before the hour-of-day
    multiplier), `right_party` the chance that a live answer is the debtor. The promise
    probability decays with days past due: `ptp × 0.5 ** (dpd / ptp_halflife_days)`.
    """

    name: str
    share: float = Field(gt=0, le=1)
    balance_mean: float = Field(default=1_000.0, gt=0)
    balance_cv: float = Field(default=0.8, gt=0, le=10)
    dpd_min: int = Field(default=30, ge=0, le=3650)
    dpd_max: int = Field(default=180, ge=0, le=3650)
    contact: float = Field(default=0.2, ge=0, le=1)
    right_party: float = Field(default=0.45, ge=0, le=1)
    ptp: float = Field(default=0.4, ge=0, le=1)
    ptp_halflife_days: float = Field(default=365.0, gt=0)
    kept: float = Field(default=0.65, ge=0, le=1)
    full_payment: float = Field(default=0.4, ge=0, le=1)

    @model_validator(mode="after")
    def _dpd_range(self) -> Segment:
        if self.dpd_max < self.dpd_min:
            raise ValueError(
                f"dpd_max {self.dpd_max} is below dpd_min {self.dpd_min}; give dpd_min <= dpd_max"
            )
        return self


def _default_segments() -> tuple[Segment, ...]:
    return (
        Segment(name="early", share=0.4, balance_mean=800, dpd_min=30, dpd_max=90, contact=0.24,
                right_party=0.55, ptp=0.45, kept=0.7),
        Segment(name="mid", share=0.35, balance_mean=1_500, dpd_min=90, dpd_max=360, contact=0.18,
                right_party=0.45, ptp=0.35, kept=0.6),
        Segment(name="late", share=0.25, balance_mean=2_500, dpd_min=360, dpd_max=1_080, contact=0.12,
                right_party=0.35, ptp=0.25, kept=0.5),
    )


class Portfolio(Model):
    """The debtor accounts placed with the center: generated from distributions or imported.

    Attributes:
        accounts: how many accounts to generate (ignored when `imported` is given).
        segments: risk segments with their shares (must add up to 1).
        phones: probability of an account having 1, 2, … phone numbers.
        invalid_number_share: share of phone numbers that are disconnected or wrong.
        do_not_call_share: share of accounts flagged do-not-call (never dialed).
        timezones: share of accounts per time zone (IANA name or UTC offset); empty = the center's.
        regions: the debtors' jurisdiction per time zone ("America/New_York" = "US-NY", "Europe/London" = "GB"):
            ISO country, optionally "-" and a subdivision, as the `holidays` package knows them. It picks
            each account's public holidays and its rule pack (`Compliance.by_country`). An imported
            account's own country column wins; one without takes its zone's. A zone left out (and every
            account of a generated portfolio without `regions`) has no jurisdiction of its own: the
            compliance `presets` and their holidays apply to it.
        file: portfolio file (CSV/XLSX) to import, relative to the scenario; loaded by `wfm.scenario.portfolio_file`.
        sheet: worksheet of an XLSX `file` to read ("" = the first one).
        imported: the imported accounts as one shared, immutable table (filled by the loader from
            `file`, or given inline as a list of rows). When `file` is set, saving writes the file
            name and not the accounts.
    """

    accounts: int = Field(default=20_000, ge=1, le=2_000_000)
    segments: tuple[Segment, ...] = Field(default_factory=_default_segments, min_length=1)
    phones: tuple[float, ...] = (0.55, 0.3, 0.15)
    invalid_number_share: float = Field(default=0.12, ge=0, le=1)
    do_not_call_share: float = Field(default=0.02, ge=0, le=1)
    timezones: dict[str, float] = Field(default_factory=dict)
    regions: dict[str, str] = Field(default_factory=dict)
    file: str = ""
    sheet: str = ""
    imported: AccountTable = NO_ACCOUNTS

    @field_validator("segments")
    @classmethod
    def _shares_add_up(cls, value: tuple[Segment, ...]) -> tuple[Segment, ...]:
        total = sum(s.share for s in value)
        if abs(total - 1) > 1e-6:
            raise ValueError(f"segment shares add up to {total:g}; make them add up to 1")
        names = [s.name for s in value]
        if len(set(names)) != len(names):
            raise ValueError(f"segment names {names} repeat; give each segment its own name")
        return value

    @field_validator("phones")
    @classmethod
    def _phone_distribution(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not 1 <= len(value) <= 10 or any(p < 0 for p in value) or abs(sum(value) - 1) > 1e-6:
            raise ValueError(
                f"{list(value)} is not a distribution of phone counts; give P(1 phone), P(2), … (up to 10)"
                " as numbers >= 0 adding up to 1"
            )
        return value

    @field_validator("timezones")
    @classmethod
    def _timezone_shares(cls, value: dict[str, float]) -> dict[str, float]:
        for name, share in value.items():
            parse_tz(name)
            if not share > 0:
                raise ValueError(f"{name}: share {share} must be > 0; drop zones with no accounts")
        if value and abs(sum(value.values()) - 1) > 1e-6:
            raise ValueError(f"time-zone shares add up to {sum(value.values()):g}; make them add up to 1")
        return value

    @field_validator("regions", mode="before")
    @classmethod
    def _regions_upper(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: (v.strip().upper() if isinstance(v, str) else v) for k, v in value.items()}
        return value

    @field_validator("regions")
    @classmethod
    def _zone_regions(cls, value: dict[str, str]) -> dict[str, str]:
        for zone, region in value.items():
            parse_tz(zone)
            if not region:
                raise ValueError(f"{zone}: no jurisdiction given; give an ISO country such as \"US\" or \"US-NY\","
                                 " or leave the zone out")
            check_region(region)
        return value

    @model_validator(mode="after")
    def _regions_of_known_zones(self) -> Portfolio:
        # A generated portfolio has only the zones of `timezones`: a key outside them is a typo.
        if self.regions and self.timezones and not self.imported:
            unknown = [z for z in self.regions if z not in self.timezones]
            if unknown:
                raise ValueError(
                    f"regions names {', '.join(unknown)}, which is not one of the portfolio's time zones"
                    f" ({', '.join(self.timezones)}); fix the zone's spelling or add it to timezones"
                )
        return self

    def jurisdictions(self) -> set[str]:
        """The debtors' jurisdictions the portfolio names ("US-NY", "GB"): imported accounts' and `regions`'."""
        names = set(self.imported.region_names) if self.imported else set()
        names |= set(self.regions.values())
        names.discard("")
        return names

    @model_validator(mode="after")
    def _file_was_read(self) -> Portfolio:
        # A file whose accounts were never read would silently fall back to generated accounts.
        if self.file and not self.imported:
            raise ValueError(
                f"file {self.file!r} is set but no accounts were read from it; load the scenario with"
                " wfm.scenario.io.load_scenario (which reads the file) or clear `file`"
            )
        if self.sheet and not self.file:
            raise ValueError(f"sheet {self.sheet!r} is set without a file; set `file` to the workbook or clear `sheet`")
        return self

    @model_validator(mode="after")
    def _imported_segments_known(self) -> Portfolio:
        # Checked on the table's distinct names, so revalidating an edited scenario costs
        # nothing per account; the first unknown row is named as a row-by-row check would.
        table, known = self.imported, {s.name for s in self.segments}
        unknown = np.array([name not in known for name in table.segment_names], dtype=bool)
        if unknown.any():
            i = int(np.flatnonzero(unknown[table.segment])[0])
            acc = table[i]
            raise ValueError(
                f"imported[{i}] (account {acc.account_id}): segment {acc.segment!r} is not one of"
                f" {sorted(known)}; add it to outbound.portfolio.segments or fix the file"
            )
        for zone in table.timezone_names:
            if zone:
                parse_tz(zone)
        for region in table.region_names:
            if region:
                check_region(region)
        return self

    @property
    def size(self) -> int:
        """Number of accounts in the portfolio."""
        return len(self.imported) if self.imported else self.accounts


# --------------------------------------------------------------------------------------------
# Dial attempts and answering-machine detection
# --------------------------------------------------------------------------------------------


def _flat_hours() -> tuple[float, ...]:
    return (1.0,) * 24


class Attempts(Model):
    """What happens when a number is dialed.

    A valid number is busy with probability `busy`; otherwise someone (person or machine)
    picks up with the segment's contact probability × `live_by_hour[local hour]`, after an
    answer delay; a pick-up later than `ring_timeout_s` is a no-answer. A pick-up is an
    answering machine with probability `machine`, otherwise a live person.
    """

    ring_timeout_s: float = Field(default=25.0, ge=15, le=120)
    answer_delay: Duration = Duration(distribution="lognormal", mean_s=9.0, cv=0.5)
    busy: float = Field(default=0.05, ge=0, le=1)
    machine: float = Field(default=0.35, ge=0, le=1)
    invalid_s: float = Field(default=4.0, gt=0, le=60)
    busy_s: float = Field(default=6.0, gt=0, le=60)
    live_by_hour: Annotated[tuple[float, ...], BeforeValidator(tuple)] = Field(default_factory=_flat_hours)

    _curve = field_validator("live_by_hour")(_probability_curve)


class Amd(Model):
    """Answering-machine detection: listening time, true-detection and false-positive rates.

    A machine detected in time is hung up on; an undetected machine goes to an agent. A live
    person classified as a machine (false positive) is hung up on: a dropped call. The default
    false-positive rate (1%) sits below the usual 3% drop cap: at 4% (the former default) the
    false positives alone broke the cap, even in progressive mode (`Outbound.warnings`).
    """

    enabled: bool = False
    detection_s: float = Field(default=2.5, ge=0, le=10)
    true_detection: float = Field(default=0.85, ge=0, le=1)
    false_positive: float = Field(default=0.01, ge=0, le=1)


# --------------------------------------------------------------------------------------------
# Dialer
# --------------------------------------------------------------------------------------------


class Dialer(Model):
    """How lines are dialed for the agents.

    Attributes:
        mode: preview, progressive, power or predictive.
        preview_s: preview mode: seconds the agent reviews the account before the dial.
        lines_per_agent: power mode: lines dialed per free agent.
        fixed_level: pin power/predictive to this many lines per available agent (0 = off; for tests).
        initial_level: predictive: dial level at the start of the campaign.
        max_level: predictive: upper clamp of the dial level (lines per available agent).
        target_drop_rate: predictive: drop rate the pacing aims at (below the compliance cap).
        adapt_every_s: predictive: seconds between two adjustments of the dial level.
        gain: predictive: proportional gain of the level controller (per unit of relative error).
        connect_wait_s: how long a live answer may wait for an agent before it is dropped, counted from the
            AMD verdict; under a preset with the 2-second rule (`Rules.max_silence_s`, uk) counted from the
            end of the debtor's greeting (the pick-up), AMD listening included, and at most the rule's 2 s.
        agent_gap_s: pause of an agent between a call and being offered the next line.
    """

    mode: Literal["preview", "progressive", "power", "predictive"] = "predictive"
    preview_s: float = Field(default=20.0, ge=0, le=600)
    lines_per_agent: float = Field(default=2.0, ge=1, le=10)
    fixed_level: float = Field(default=0.0, ge=0, le=10)
    initial_level: float = Field(default=1.5, ge=1, le=10)
    max_level: float = Field(default=4.0, ge=1, le=10)
    target_drop_rate: float = Field(default=0.02, gt=0, lt=0.5)
    adapt_every_s: float = Field(default=60.0, gt=0, le=HOUR_S)
    gain: float = Field(default=0.15, gt=0, le=5)
    connect_wait_s: float = Field(default=2.0, ge=0, le=10)

    @model_validator(mode="after")
    def _levels_ordered(self) -> Dialer:
        if self.initial_level > self.max_level:
            raise ValueError(
                f"initial_level {self.initial_level:g} is above max_level {self.max_level:g};"
                " lower initial_level or raise max_level"
            )
        if self.fixed_level and self.fixed_level < 1:
            raise ValueError(f"fixed_level {self.fixed_level:g} is below 1 line per agent; use >= 1 or 0 for off")
        return self


# --------------------------------------------------------------------------------------------
# Conversations and promises
# --------------------------------------------------------------------------------------------


class Conversation(Model):
    """Talk times and how a right-party conversation ends.

    PTP probability = segment ptp × DPD decay × agent conversion factor (clipped to [0, 1]); the
    rest of the RPCs split into refusal, dispute and callback in proportion to their weights.
    """

    rpc_talk: Duration = Duration(distribution="lognormal", mean_s=240, cv=0.6)
    third_party_talk: Duration = Duration(distribution="lognormal", mean_s=40, cv=0.5)
    machine_talk: Duration = Duration(distribution="fixed", mean_s=15, cv=0)
    acw: Duration = Duration(distribution="fixed", mean_s=30, cv=0)
    refusal: float = Field(default=0.6, ge=0)
    dispute: float = Field(default=0.1, ge=0)
    callback: float = Field(default=0.3, ge=0)
    callback_delay_h: float = Field(default=48.0, gt=0, le=24 * 60)
    instalment_fraction: float = Field(default=0.25, gt=0, le=1)
    due_days_min: int = Field(default=3, ge=0, le=90)
    due_days_max: int = Field(default=14, ge=0, le=90)
    retry_after_refusal_h: float = Field(default=72.0, ge=0, le=24 * 90)

    @model_validator(mode="after")
    def _weights_and_due(self) -> Conversation:
        if self.refusal + self.dispute + self.callback <= 0:
            raise ValueError("refusal, dispute and callback weights are all zero; give one of them a weight > 0")
        if self.due_days_max < self.due_days_min:
            raise ValueError(
                f"due_days_max {self.due_days_max} is below due_days_min {self.due_days_min}; swap them"
            )
        return self


# --------------------------------------------------------------------------------------------
# Compliance
# --------------------------------------------------------------------------------------------


class Window(Model):
    """Calling window on one weekday, in the account's local time."""

    start: TimeOfDay
    end: ClosingTime

    @model_validator(mode="after")
    def _start_before_end(self) -> Window:
        if self.end <= self.start:
            raise ValueError(
                f"end {format_time_of_day(self.end)} must be after start {format_time_of_day(self.start)};"
                " a calling window cannot run past midnight"
            )
        return self


PresetName = Literal["reg_f", "italy", "colombia", "uk"]


def _w(start: str, end: str) -> dict[str, str]:
    return {"start": start, "end": end}


_EVERY_DAY_8_21: dict[Weekday, dict[str, str] | None] = {d: _w("08:00", "21:00") for d in WEEKDAYS}


class Preset(NamedTuple):
    """A preset's calling windows per weekday (as a file writes them), its other rules (`Rules` keys), its holidays.

    `holidays`: the jurisdictions whose public holidays close the calling day when `no_holidays`
    holds ("IT", "US-NY": ISO country, optionally "-" and the subdivision, as the `holidays`
    package knows them); an account's own `country`/`subdivision` replaces them for that debtor.
    """

    windows: dict[Weekday, dict[str, str] | None]
    limits: dict[str, float]
    holidays: tuple[str, ...] = ()


# Preset rules; `Compliance.rules()` combines the chosen presets (strictest wins) and the custom keys.
PRESETS: dict[PresetName, Preset] = {
    # US CFPB Regulation F (12 CFR 1006.14(b)(2)): 7 calls in 7 days, none for 7 days after a
    # conversation; the calls §1006.14(b)(3) excludes (placed with the consumer's consent given
    # within the past 7 days, not connected to the dialed number) are not counted unless the
    # stricter `count_consented_calls` / `count_unconnected_calls` say so. FDCPA §805(a)(1)
    # (15 USC 1692c(a)(1)): no calls before 08:00 or after 21:00 local.
    "reg_f": Preset(_EVERY_DAY_8_21, {"max_attempts_7d": 7, "rest_after_rpc_days": 7.0}),
    # Italy-style code of conduct: at most 4 attempts a day over all numbers, no Sundays or public holidays.
    "italy": Preset({**{d: _w("08:00", "21:00") for d in WEEKDAYS[:6]}, "sun": None},
                    {"max_attempts_day": 4, "no_holidays": True}, ("IT",)),
    # Colombia Ley 2300 de 2023: Mon–Fri 07–19, Sat 08–15, never Sundays or holidays, one contact a day.
    "colombia": Preset({**{d: _w("07:00", "19:00") for d in WEEKDAYS[:5]}, "sat": _w("08:00", "15:00"),
                        "sun": None},
                       {"max_contacts_day": 1, "no_holidays": True, "one_channel_per_week": True}, ("CO",)),
    # UK Ofcom persistent-misuse policy (2016 statement, Annex: abandoned and silent calls): 3% abandoned
    # over 24 h; no repeat call within 72 h of an abandoned call; after an AMD-detected machine no
    # repeat call within 24 h unless an agent is guaranteed; a live answer reaches an agent within
    # 2 s of the end of its greeting.
    "uk": Preset(_EVERY_DAY_8_21, {"no_redial_after_drop_h": 72.0, "drop_cap": 0.03, "drop_window_days": 1,
                                   "no_redial_after_amd_h": 24.0, "max_silence_s": 2.0}),
}

_OFCOM = "Ofcom persistent-misuse policy (2016 statement), abandoned and silent calls"
_ITALY = "Italian debt-collection code of conduct (preset reading)"
_LEY_2300 = "Colombia Ley 2300 de 2023, art. 3"
# The legal source of each rule a preset sets, keyed by `Rules` field: what the Compliance sheet cites.
LEGAL_SOURCES: dict[PresetName, dict[str, str]] = {
    "reg_f": {
        "windows": "FDCPA §805(a)(1), 15 USC 1692c(a)(1)",
        "max_attempts_7d": "Reg F 12 CFR 1006.14(b)(2)(i); exclusions §1006.14(b)(3)",
        "rest_after_rpc_days": "Reg F 12 CFR 1006.14(b)(2)(ii); exclusions §1006.14(b)(3)",
    },
    "italy": {"windows": f"{_ITALY}: no Sundays", "max_attempts_day": _ITALY, "no_holidays": _ITALY},
    "colombia": {"windows": _LEY_2300, "max_contacts_day": f"{_LEY_2300}: one contact a day over every channel",
                 "no_holidays": _LEY_2300,
                 "one_channel_per_week": f"{_LEY_2300}: not through several channels in the same week"},
    "uk": {
        "windows": "FCA CONC 7 (no contact at unreasonable hours; preset reading 08:00-21:00)",
        "drop_cap": f"{_OFCOM}: 3% of live answers over 24 h",
        "drop_window_days": f"{_OFCOM}: 3% of live answers over 24 h",
        "no_redial_after_drop_h": f"{_OFCOM}: 72 h after an abandoned call",
        "no_redial_after_amd_h": f"{_OFCOM}: 24 h after an AMD-detected machine unless an agent is guaranteed",
        "max_silence_s": f"{_OFCOM}: an agent within 2 s of the end of the greeting",
    },
}
DEFAULT_WINDOWS = "default 08:00-21:00 (no preset)"
DEFAULT_SOURCES = {"drop_cap": "default: 3% over 30 days (as the US TSR, 16 CFR 310.4(b)(4)(i))"}
CUSTOM_SOURCE = "custom key of the scenario"
CUSTOM_LOOSENED = "custom key, looser than the presets (loosen = true)"
# The rules `Compliance.rule_sources` cites, each with the custom keys that set it.
_SOURCE_KEYS: dict[str, tuple[str, ...]] = {
    "windows": ("windows",), "no_holidays": ("no_holidays", "holiday_regions"),
    "max_attempts_7d": ("max_attempts_7d",), "rest_after_rpc_days": ("rest_after_rpc_days",),
    "max_attempts_day": ("max_attempts_day",), "max_contacts_day": ("max_contacts_day",),
    "no_redial_after_drop_h": ("no_redial_after_drop_h",), "min_gap_min": ("min_gap_min",),
    "drop_cap": ("drop_cap", "drop_window_days"), "no_redial_after_amd_h": ("no_redial_after_amd_h",),
    "max_silence_s": ("max_silence_s",), "one_channel_per_week": ("one_channel_per_week",),
}


class Rules(Model):
    """The resolved contact rules the dialer enforces on every attempt (0 = no such rule).

    Attributes:
        windows: calling window per local weekday (missing or None = no calls that day).
        no_holidays: never call a debtor on a public holiday of their jurisdiction (local date): the account's
            `country`/`subdivision`, else `holiday_regions`. The center's own closing days
            (`calendar.holidays`) are apart: they close the center, not the debtors' day.
        holiday_regions: jurisdictions whose public holidays count for accounts without their own ("IT",
            "US-NY", "GB-SCT": ISO country and optional subdivision, from the `holidays` package).
        max_attempts_7d: attempts per account in any rolling 7 days (dropped calls count). Reg F
            §1006.14(b)(3) excludes calls placed with the consumer's consent given within the past 7 days
            (a callback the debtor asked for) and calls not connected to the dialed number (busy, not in
            service); they are not counted unless `count_consented_calls` / `count_unconnected_calls`.
        rest_after_rpc_days: days without calls after a right-party conversation (a consented callback
            may still be placed, §1006.14(b)(3)(i), unless `count_consented_calls`).
        count_consented_calls: stricter than Reg F: count consented callbacks in the 7-day cap and the rest.
        count_unconnected_calls: stricter than Reg F: count busy and not-in-service calls in the 7-day cap.
        max_attempts_day: attempts per account per day over all its numbers.
        max_contacts_day: right-party conversations per account per day.
        no_redial_after_drop_h: hours without calls after a dropped call to the account.
        no_redial_after_amd_h: hours without a paced call to a number after AMD detected a machine on it
            (Ofcom: 24 h); a bound line (an agent guaranteed: preview, progressive, the guard's fallback) may.
        max_silence_s: the longest a live answer may wait for an agent from the end of its greeting, AMD
            listening included (Ofcom's 2-second rule; 0 = none): `dialer.connect_wait_s` may not exceed it.
        min_gap_min: minutes between two attempts to the same account.
        drop_cap: cap on dropped / live answers over the regulatory window.
        drop_window_days: length of the drop-rate window (30 for the US TSR, 1 for Ofcom).
        one_channel_per_week: a debtor is contacted through one channel a week (Ley 2300): a message
            in a local week (Monday to Sunday) keeps the dialer off the account that week, and a
            right-party conversation or a message of another channel keeps other messages off; with
            `max_contacts_day` a message counts as the day's contact. Letters are not such a channel.
    """

    windows: dict[Weekday, Window | None]
    no_holidays: bool = False
    holiday_regions: tuple[str, ...] = ()
    max_attempts_7d: int = 0
    rest_after_rpc_days: float = 0.0
    count_consented_calls: bool = False
    count_unconnected_calls: bool = False
    max_attempts_day: int = 0
    max_contacts_day: int = 0
    no_redial_after_drop_h: float = 0.0
    no_redial_after_amd_h: float = 0.0
    max_silence_s: float = 0.0
    min_gap_min: float = 0.0
    drop_cap: float = 0.03
    drop_window_days: int = 30
    one_channel_per_week: bool = False

    @field_validator("holiday_regions")
    @classmethod
    def _known_regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for region in value:
            check_region(region)
        return value


_FLAGS = ("no_holidays", "count_consented_calls", "count_unconnected_calls", "one_channel_per_week")  # True: stricter


def _strictest(key: str, values: list[float]) -> float:
    if key in _FLAGS:
        return any(values)
    if key in ("max_attempts_7d", "max_attempts_day", "max_contacts_day", "drop_cap", "max_silence_s"):
        positive = [v for v in values if v]
        return min(positive) if positive else 0
    if key == "drop_window_days":
        return min(values)
    return max(values)


# How a custom value loosens a preset's: caps where 0 means "no cap" (a higher cap is looser),
# rest periods and gaps (a shorter one is looser), the drop-rate window (a longer one averages bursts away).
_CAPS = ("max_attempts_7d", "max_attempts_day", "max_contacts_day", "drop_cap", "max_silence_s")
_MINIMUMS = ("rest_after_rpc_days", "no_redial_after_drop_h", "no_redial_after_amd_h", "min_gap_min")


def _looser(key: str, preset: float, custom: float) -> bool:
    """Whether `custom` allows more calls than the preset's `preset` for rule `key`."""
    if key in _CAPS:
        return bool(preset) and (not custom or custom > preset)
    if key in _MINIMUMS:
        return custom < preset
    if key in _FLAGS:
        return bool(preset) and not custom
    return custom > preset  # drop_window_days


def _value_text(key: str, value: float) -> str:
    if key in _CAPS and not value:
        return "0 (no cap)"
    if key in _FLAGS:
        return "true" if value else "false"
    return f"{value:g}"


def check_region(region: str) -> None:
    """Raise a ValueError naming the fix unless `region` ("IT", "US-NY") is a jurisdiction `holidays` knows."""
    import holidays  # here: only scenarios with debtor holidays need the package

    country, _, subdivision = region.partition("-")
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise ValueError(f"{region!r}: {country!r} is not a country the holidays package knows; use an ISO code"
                         " such as \"IT\", \"US\", \"GB\", \"CO\", \"ES\"")
    if subdivision and subdivision not in supported[country]:
        raise ValueError(f"{region!r}: {subdivision!r} is not a subdivision of {country}; use one of"
                         f" {', '.join(supported[country][:12])}{', …' if len(supported[country]) > 12 else ''}")


def _window_text(w: Window | None) -> str:
    return "closed" if w is None else f"{format_time_of_day(w.start)}-{format_time_of_day(w.end)}"


class Loosened(NamedTuple):
    """A custom rule that allows more calls than the presets: the rule, the presets' value, the custom value."""

    rule: str
    preset: str
    custom: str


def _intersect(a: Window | None, b: Window | None) -> Window | None:
    if a is None or b is None:
        return None
    start, end = max(a.start, b.start), min(a.end, b.end)
    return Window(start=start, end=end) if end > start else None


DEFAULT_PACK = ""
"""The rule pack of the accounts whose jurisdiction has no `Compliance.by_country` entry (or no jurisdiction)."""


class RulePack(NamedTuple):
    """The rules in force for the debtors of one jurisdiction (`Compliance.packs`).

    `name` is the `by_country` key ("US", "US-MA") or `DEFAULT_PACK` for the accounts without an
    entry; `presets` are the presets combined in it (strictest wins), custom keys on top.
    """

    name: str
    presets: tuple[PresetName, ...]
    rules: Rules

    @property
    def label(self) -> str:
        """How reports name the pack: its jurisdiction, or "default" for the accounts without one."""
        return self.name or "default"


@lru_cache(maxsize=256)
def country_code(country: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country the `holidays` package knows under any alias ("UK" -> "GB")."""
    import holidays  # here: only scenarios with jurisdictions need the package

    return str(holidays.country_holidays(country).country)


def canonical_region(region: str) -> str:
    """A jurisdiction with its country as its alpha-2 code ("uk-sct" -> "GB-SCT"); "" stays ""."""
    if not region:
        return ""
    country, _, subdivision = region.strip().upper().partition("-")
    try:
        country = country_code(country)
    except (NotImplementedError, KeyError, AttributeError):  # unknown: left for `check_region` to name
        pass
    return f"{country}-{subdivision}" if subdivision else country


def pack_name_of(region: str, names: Collection[str]) -> str:
    """The rule pack of a debtor of jurisdiction `region`: its own subdivision's, else its country's, else the default.

    `names` are the `by_country` keys; "US-MA" takes "US-MA" when listed, else "US", else `DEFAULT_PACK`.
    """
    region = canonical_region(region)
    if region in names:
        return region
    country = region.partition("-")[0]
    return country if country in names else DEFAULT_PACK


class Compliance(Model):
    """Contact strategy and regulatory rules: presets plus custom keys (custom replaces preset), per jurisdiction.

    A custom key may only tighten what the presets set: a scenario that proves a strategy lawful
    must not weaken the law by a stray key. Loosening is allowed only with `loosen = true`, and
    the loosened rules are then listed (`loosened`) by `wfm validate` and the Compliance sheet.

    Rule packs: a portfolio that mixes jurisdictions gives each debtor its own country's presets
    (`by_country`); a debtor's jurisdiction is its account's region (the portfolio file's
    country/subdivision, or `Portfolio.regions` per time zone). Accounts without one, or of a
    country not listed, take `presets`. The custom keys apply on top of every pack, and may only
    tighten each (or loosen it with `loosen = true`, each loosened rule then named per pack).

    Attributes:
        presets: any of reg_f, italy, colombia, uk; several combine, the strictest rule winning.
        by_country: the presets in force for the debtors of a jurisdiction ({"US": ["reg_f"], "GB": ["uk"]}): an ISO
            country (aliases such as "UK" become "GB"), or a country and subdivision ("US-MA") for a
            subdivision's own pack, which wins over its country's.
        loosen: allow custom keys that are looser than the presets (each is reported).
        windows: custom calling windows per local weekday ({} = no calls that day).
        no_holidays, holiday_regions, max_attempts_7d, rest_after_rpc_days, count_consented_calls,
        count_unconnected_calls, max_attempts_day, max_contacts_day, no_redial_after_drop_h,
        no_redial_after_amd_h, max_silence_s, min_gap_min, drop_cap, drop_window_days, one_channel_per_week:
            see `Rules`; unset
            keys come from the presets or from the defaults (08:00–21:00 every day, 3% over 30 days).
    """

    presets: tuple[PresetName, ...] = ()
    by_country: dict[str, tuple[PresetName, ...]] = Field(default_factory=dict)
    loosen: bool = False
    windows: dict[Weekday, Window | None] | None = None
    no_holidays: bool | None = None
    holiday_regions: tuple[str, ...] | None = None
    max_attempts_7d: int | None = Field(default=None, ge=0, le=1000)
    rest_after_rpc_days: float | None = Field(default=None, ge=0, le=365)
    count_consented_calls: bool | None = None
    count_unconnected_calls: bool | None = None
    max_attempts_day: int | None = Field(default=None, ge=0, le=100)
    max_contacts_day: int | None = Field(default=None, ge=0, le=100)
    no_redial_after_drop_h: float | None = Field(default=None, ge=0, le=24 * 365)
    no_redial_after_amd_h: float | None = Field(default=None, ge=0, le=24 * 365)
    max_silence_s: float | None = Field(default=None, ge=0, le=10)
    min_gap_min: float | None = Field(default=None, ge=0, le=24 * 60 * 30)
    drop_cap: float | None = Field(default=None, gt=0, lt=1)
    drop_window_days: int | None = Field(default=None, ge=1, le=365)
    one_channel_per_week: bool | None = None

    @field_validator("windows", mode="before")
    @classmethod
    def _empty_means_closed(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: (None if v in ({}, [], "closed") else v) for k, v in value.items()}
        return value

    @field_validator("holiday_regions")
    @classmethod
    def _known_regions(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for region in value or ():
            check_region(region)
        return value

    @field_validator("by_country", mode="before")
    @classmethod
    def _canonical_countries(cls, value: object) -> object:
        """Keys as alpha-2 codes ("uk" -> "GB"); two keys for one jurisdiction are an error."""
        if not isinstance(value, dict):
            return value
        out: dict[str, object] = {}
        given: dict[str, str] = {}
        for key, presets in value.items():
            name = canonical_region(str(key))
            if name in out:
                raise ValueError(f"{given[name]!r} and {key!r} are the same jurisdiction ({name}); give it once")
            out[name], given[name] = presets, str(key)
        return out

    @field_validator("by_country")
    @classmethod
    def _known_countries(cls, value: dict[str, tuple[PresetName, ...]]) -> dict[str, tuple[PresetName, ...]]:
        for name, presets in value.items():
            if not name:
                raise ValueError("an empty jurisdiction is not a country; use an ISO code such as \"US\" or \"GB\"")
            check_region(name)
            if not presets:
                raise ValueError(f"{name}: no presets given; list the presets in force there (any of"
                                 f" {', '.join(PRESETS)}) or remove {name} so that its debtors take `presets`")
        return value

    @model_validator(mode="after")
    def _only_tighten(self) -> Compliance:
        loose = self.loosened()
        if loose and not self.loosen:
            detail = "; ".join(f"{r.rule} = {r.custom} is looser than the presets' {r.preset}" for r in loose)
            raise ValueError(
                f"{detail}. Custom keys may only tighten the presets: remove the key or give a value at least as"
                " strict as the preset's, or set loosen = true under [outbound.compliance] to loosen it on purpose"
                " (the loosened rules are then listed in validate and in the report)"
            )
        return self

    # ---- rule packs ------------------------------------------------------------------------

    def pack_presets(self, pack: str = DEFAULT_PACK) -> tuple[PresetName, ...]:
        """The presets of pack `pack` (a `by_country` key, or `DEFAULT_PACK` for `presets`)."""
        if pack == DEFAULT_PACK:
            return self.presets
        if pack not in self.by_country:
            raise KeyError(f"{pack!r} is not a by_country jurisdiction; use one of {sorted(self.by_country)}")
        return self.by_country[pack]

    def packs(self) -> tuple[RulePack, ...]:
        """The rule packs: the default (`presets`) first, then one per `by_country` entry, in the scenario's order."""
        names = (DEFAULT_PACK, *self.by_country)
        return tuple(RulePack(name, self.pack_presets(name), self.rules(name)) for name in names)

    def pack_index(self, region: str) -> int:
        """The index in `packs()` of the pack of a debtor of jurisdiction `region` ("" = none: the default)."""
        name = pack_name_of(region, self.by_country)
        return 0 if name == DEFAULT_PACK else 1 + list(self.by_country).index(name)

    # ---- one pack --------------------------------------------------------------------------

    @staticmethod
    def _preset_holidays(presets: tuple[PresetName, ...]) -> tuple[str, ...]:
        """The presets' holiday jurisdictions, all of them (a combination is as strict as each)."""
        return tuple(dict.fromkeys(r for name in presets for r in PRESETS[name].holidays))

    @staticmethod
    def _preset_rules(presets: tuple[PresetName, ...]) -> tuple[dict[str, float], dict[Weekday, Window | None] | None]:
        """The presets combined, strictest wins: (limits they set, windows or None without presets)."""
        limits: dict[str, float] = {}
        windows: dict[Weekday, Window | None] | None = None
        for name in presets:
            preset = PRESETS[name]
            parsed = {d: (Window.model_validate(w) if w else None) for d, w in preset.windows.items()}
            windows = parsed if windows is None else {
                d: _intersect(windows.get(d), parsed.get(d)) for d in WEEKDAYS
            }
            for key, value in preset.limits.items():
                limits[key] = value if key not in limits else _strictest(key, [limits[key], value])
        return limits, windows

    def loosened(self, pack: str | None = None) -> tuple[Loosened, ...]:
        """The custom keys that allow more calls than the presets (rule, preset value, custom value).

        `pack`: that pack's only, by their plain rule names; None: every pack's, the rules of a
        `by_country` pack named "GB: drop_cap" (the default pack's keep their plain names).
        """
        if pack is not None:
            return self._loosened(self.pack_presets(pack))
        out = list(self._loosened(self.presets))
        for name, presets in self.by_country.items():
            out += [r._replace(rule=f"{name}: {r.rule}") for r in self._loosened(presets)]
        return tuple(out)

    def _loosened(self, presets: tuple[PresetName, ...]) -> tuple[Loosened, ...]:
        limits, windows = self._preset_rules(presets)
        out = []
        theirs_regions = self._preset_holidays(presets)
        if self.holiday_regions is not None and not set(theirs_regions) <= set(self.holiday_regions):
            out.append(Loosened("holiday_regions", f"{', '.join(theirs_regions)} ({', '.join(presets)})",
                                ", ".join(self.holiday_regions) or "none"))
        for key, preset in limits.items():
            custom = getattr(self, key)
            if custom is not None and _looser(key, preset, custom):
                source = [n for n in presets if PRESETS[n].limits.get(key) == preset]
                out.append(Loosened(key, f"{_value_text(key, preset)} ({', '.join(source)})", _value_text(key, custom)))
        if windows is not None and self.windows is not None:
            for day in WEEKDAYS:
                mine, theirs = self.windows.get(day), windows.get(day)
                if mine is not None and (theirs is None or mine.start < theirs.start or mine.end > theirs.end):
                    out.append(Loosened(f"windows.{day}", f"{_window_text(theirs)} ({', '.join(presets)})",
                                        _window_text(mine)))
        return tuple(out)

    def rules(self, pack: str = DEFAULT_PACK) -> Rules:
        """The rules in force in pack `pack` (default: `presets`'): its presets combined, custom keys on top.

        Presets combine by the strictest rule of each; a custom key replaces the presets' value.
        """
        presets = self.pack_presets(pack)
        limits, windows = self._preset_rules(presets)
        custom = {key: value for key in Rules.model_fields
                  if key not in ("windows", "holiday_regions") and (value := getattr(self, key)) is not None}
        if self.windows is not None:
            windows = self.windows
        if windows is None:
            windows = {d: Window(start=8 * HOUR_S, end=21 * HOUR_S) for d in WEEKDAYS}
        regions = self.holiday_regions if self.holiday_regions is not None else self._preset_holidays(presets)
        return Rules.model_validate({**limits, **custom, "windows": windows, "holiday_regions": regions})

    def rule_sources(self, pack: str = DEFAULT_PACK) -> dict[str, str]:
        """Where each rule in force in pack `pack` comes from: the law its presets cite, the scenario, or a default.

        Keyed by the `Rules` field that sets the rule ("windows", "drop_cap" for the cap and its
        window, ...); a rule that is not in force maps to "".
        """
        presets = self.pack_presets(pack)
        rules = self.rules(pack)
        limits, _ = self._preset_rules(presets)
        loose = {r.rule.partition(".")[0] for r in self.loosened(pack)}
        out: dict[str, str] = {}
        for key, custom_keys in _SOURCE_KEYS.items():
            value = getattr(rules, key)
            if not value:
                out[key] = ""
            elif any(getattr(self, k) is not None for k in custom_keys):
                out[key] = CUSTOM_LOOSENED if loose & set(custom_keys) else CUSTOM_SOURCE
            elif key == "windows":
                out[key] = "; ".join(dict.fromkeys(LEGAL_SOURCES[n]["windows"] for n in presets)) or DEFAULT_WINDOWS
            else:
                setting = [n for n in presets if key in PRESETS[n].limits and limits.get(key) == PRESETS[n].limits[key]]
                out[key] = "; ".join(dict.fromkeys(LEGAL_SOURCES[n][key] for n in setting)) or DEFAULT_SOURCES.get(
                    key, CUSTOM_SOURCE)
        return out


# --------------------------------------------------------------------------------------------
# Selection, blending, the section
# --------------------------------------------------------------------------------------------


class Selection(Model):
    """Which account the dialer calls next among those the rules allow.

    expected_value: balance × the segment's chance to promise (decayed with days past due) × its
    kept rate; oldest_dpd and fewest_attempts break ties of the expected value (oldest first,
    least tried first); score: the expected value scaled by what the collection strategy's score
    says of the debtor (the expected payer factor given the score; needs `strategy.enabled`).
    """

    priority: Literal["expected_value", "oldest_dpd", "fewest_attempts", "score"] = "expected_value"


class Blending(Model):
    """How blended agents share their time: inbound first, with an optional idle reserve.

    `inbound_reserve` idle blended agents are kept off the dialer so that an arriving
    inbound call finds someone at once.
    """

    inbound_reserve: int = Field(default=0, ge=0, le=1000)


class Outbound(Model):
    """The collections campaign: portfolio, dial outcomes, dialer, conversations and rules."""

    enabled: bool = False
    portfolio: Portfolio = Portfolio()
    attempts: Attempts = Attempts()
    amd: Amd = Amd()
    dialer: Dialer = Dialer()
    conversation: Conversation = Conversation()
    compliance: Compliance = Compliance()
    selection: Selection = Selection()
    blending: Blending = Blending()

    @model_validator(mode="after")
    def _two_second_rule(self) -> Outbound:
        """A pack with the 2-second rule (Ofcom) bounds the connect wait, AMD listening included."""
        if not self.enabled:
            return self
        for pack in self.compliance.packs():
            limit = pack.rules.max_silence_s
            if not limit:
                continue
            source = ", ".join(n for n in pack.presets if PRESETS[n].limits.get("max_silence_s")) or "custom"
            if pack.name:
                source += f" ({pack.name} debtors)"
            wait = self.dialer.connect_wait_s
            if wait > limit:
                raise ValueError(
                    f"dialer.connect_wait_s = {wait:g} s is longer than the {limit:g}-second rule of {source} (Ofcom:"
                    f" a live answer must reach an agent within {limit:g} s of the end of its greeting, or it is an"
                    f" abandoned call); set connect_wait_s to {limit:g} or less"
                )
            if self.amd.enabled and self.amd.detection_s >= wait:
                raise ValueError(
                    f"amd.detection_s = {self.amd.detection_s:g} s leaves no time to connect under the"
                    f" {limit:g}-second rule of {source}: the connect wait ({wait:g} s) counts from the end of the"
                    f" debtor's greeting, AMD listening included; set amd.detection_s below {wait:g} s or disable AMD"
                )
        return self

    def warnings(self) -> list[str]:
        """What a planner should know before running: settings that are lawful to enter but cannot keep a rule."""
        out: list[str] = []
        if not self.enabled:
            return out
        packs = self.compliance.packs()
        if self.amd.enabled:
            over = [p for p in packs if self.amd.false_positive >= p.rules.drop_cap]
            caps = "; ".join(dict.fromkeys(
                f"{'' if len(packs) == 1 else f'{p.label}: '}{p.rules.drop_cap:.1%} over {p.rules.drop_window_days}"
                " day(s)" for p in over))
            if over:
                out.append(
                    f"amd.false_positive = {self.amd.false_positive:.1%} alone reaches the drop cap ({caps}): every"
                    " live person AMD takes for a machine is a dropped call, so the cap breaks even in preview or"
                    " progressive mode; lower false_positive below the cap or disable AMD"
                )
            out += self._small_window_warnings(packs, over)
        out += self._coverage_warnings()
        return out

    def _small_window_warnings(self, packs: tuple[RulePack, ...], over: list[RulePack]) -> list[str]:
        """Short drop windows (Ofcom's 24 h) where one AMD false positive breaks the cap on a small day.

        No pacing prevents a false positive: AMD hangs up on a live person whatever line it is. A
        window with fewer live answers than 1 / cap cannot absorb a single one, so a small campaign
        under such a rule breaks the cap by chance; the planner is told before the run.
        """
        if self.amd.false_positive <= 0:
            return []
        out = []
        for pack in packs:
            rules = pack.rules
            if pack in over or rules.drop_window_days > 1 or rules.drop_cap <= 0:
                continue
            needed = math.ceil(1 / rules.drop_cap)
            who = "" if len(packs) == 1 else f" to {pack.label} debtors"
            out.append(
                f"with AMD on (false_positive = {self.amd.false_positive:.1%}), a day with fewer than {needed} live"
                f" answers{who} breaks the {rules.drop_cap:.1%} cap over {rules.drop_window_days} day(s) with a"
                " single false positive, and no pacing prevents one: a small campaign under this rule breaks it by"
                " chance; disable AMD for these debtors or plan enough calls a day"
            )
        return out

    def _coverage_warnings(self) -> list[str]:
        """Rule packs that no debtor takes, and debtors' jurisdictions that fall back on `presets`."""
        by_country = self.compliance.by_country
        if not by_country:
            return []
        out = []
        regions = self.portfolio.jurisdictions()
        taken = {pack_name_of(r, by_country) for r in regions}
        unused = [name for name in by_country if name not in taken]
        if unused:
            out.append(
                f"by_country lists {', '.join(unused)}, but no account of the portfolio is of that jurisdiction;"
                " give the accounts their jurisdiction (portfolio.regions per time zone, or a country column in the"
                " portfolio file)"
            )
        who = []
        fallback = sorted(r for r in regions if pack_name_of(r, by_country) == DEFAULT_PACK)
        if fallback:
            who.append(f"debtors of {', '.join(fallback)}")
        portfolio = self.portfolio
        zones = [] if portfolio.imported else [z for z in portfolio.timezones if z not in portfolio.regions]
        if zones:
            who.append(f"accounts in {', '.join(zones)} (no region)")
        if who:
            out.append(f"{' and '.join(who)} take the default pack, presets = [{', '.join(self.compliance.presets)}];"
                       " add their jurisdiction to by_country, or to portfolio.regions, if other rules hold for them")
        return out

    def connect_wait_after_amd(self, pack: str = DEFAULT_PACK) -> float:
        """Seconds a live answer of a debtor of pack `pack` may wait for an agent once AMD has let it through.

        Under the 2-second rule the wait counts from the end of the greeting, so AMD's listening
        time is taken off it; otherwise the whole `connect_wait_s` follows the verdict.
        """
        wait = self.dialer.connect_wait_s
        if self.compliance.rules(pack).max_silence_s and self.amd.enabled:
            return max(0.0, wait - self.amd.detection_s)
        return wait


def local_weekday(start: date, local_day: int) -> str:
    """Weekday name of local calendar day `local_day` counted from `start`."""
    return WEEKDAYS[(start.weekday() + local_day) % 7]
