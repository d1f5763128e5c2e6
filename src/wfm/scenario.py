"""The typed, frozen scenario: the single input of a simulation run.

Every field a planner may tweak lives here, validated before the engine starts so that a
run never fails half-way on bad input. Parsing the TOML file is `wfm.scenario_io`'s job.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_S = 86_400

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def parse_time_of_day(value: object, *, allow_24: bool = False) -> int:
    """Turn 'HH:MM' into seconds after midnight.

    Times are written as text in TOML files because planners think in clock times, not
    in seconds; the engine wants seconds.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, str):
        parts = value.strip().split(":")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[1]) != 2:
            raise ValueError(f"{value!r} is not a time of day; use HH:MM between 00:00 and 23:59")
        hours, minutes = int(parts[0]), int(parts[1])
        if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not allow_24)):
            upper = "24:00" if allow_24 else "23:59"
            raise ValueError(f"{value!r} is not a time of day; use HH:MM between 00:00 and {upper}")
        seconds = hours * 3600 + minutes * 60
    else:
        raise ValueError(f"{value!r} is not a time of day; write it as a string \"HH:MM\"")
    if not 0 <= seconds <= DAY_S:
        raise ValueError(f"{value!r} is not a time of day; use HH:MM between 00:00 and 23:59")
    return seconds


def format_time_of_day(seconds: int) -> str:
    """Inverse of `parse_time_of_day`, for writing scenarios and reports."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


TimeOfDay = Annotated[int, BeforeValidator(parse_time_of_day)]
ClosingTime = Annotated[int, BeforeValidator(lambda v: parse_time_of_day(v, allow_24=True))]


class Model(BaseModel):
    """Base of every scenario section: unknown keys are errors and values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


# --------------------------------------------------------------------------------------------
# Distributions
# --------------------------------------------------------------------------------------------


class Duration(Model):
    """A random duration in seconds: fixed, exponential or lognormal (mean and CV)."""

    distribution: Literal["fixed", "exponential", "lognormal"] = "lognormal"
    mean_s: float = Field(ge=0, le=86_400)
    cv: float = Field(default=0.5, ge=0, le=10)

    @model_validator(mode="after")
    def _cv_matches_distribution(self) -> Duration:
        if self.mean_s == 0 and self.distribution != "fixed":
            raise ValueError(
                f"a {self.distribution} duration needs mean_s > 0; use distribution = \"fixed\" for none at all"
            )
        if self.distribution == "lognormal" and self.cv == 0:
            raise ValueError("a lognormal duration needs cv > 0; use distribution = \"fixed\" for a constant")
        return self


class Patience(Model):
    """How long a caller waits before hanging up; `none` means callers never abandon."""

    distribution: Literal["none", "exponential", "lognormal"] = "exponential"
    mean_s: float = Field(default=180.0, gt=0, le=86_400)
    cv: float = Field(default=1.0, gt=0, le=10)


# --------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------


class OpeningHours(Model):
    """Opening time and closing time for one weekday; a closing time of 24:00 means midnight."""

    open: TimeOfDay
    close: ClosingTime

    @model_validator(mode="after")
    def _open_before_close(self) -> OpeningHours:
        if self.close <= self.open:
            raise ValueError(
                f"close {format_time_of_day(self.close)} must be after open {format_time_of_day(self.open)};"
                " the center cannot be open past midnight, use close = \"24:00\""
            )
        return self


def _default_hours() -> dict[str, OpeningHours | None]:
    weekday = OpeningHours(open="08:00", close="20:00")
    return {"mon": weekday, "tue": weekday, "wed": weekday, "thu": weekday, "fri": weekday,
            "sat": OpeningHours(open="09:00", close="14:00"), "sun": None}


class Calendar(Model):
    """The horizon, the time grid of the reports and when the center is open.

    The simulation clock starts at 00:00 of `start_date` (local time of the center).
    """

    start_date: date = date(2026, 1, 5)
    horizon_days: int = Field(default=5, ge=1, le=365)
    interval_minutes: Literal[15, 30, 60] = 15
    timezone: str = "Europe/Rome"
    opening_hours: dict[Weekday, OpeningHours | None] = Field(default_factory=_default_hours)
    holidays: tuple[date, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a known time zone; use an IANA name such as \"Europe/Rome\""
            ) from None
        return value

    @field_validator("opening_hours", mode="before")
    @classmethod
    def _empty_means_closed(cls, value: object) -> object:
        # TOML has no null: a closed day is written as an empty table or an empty list.
        if isinstance(value, dict):
            return {k: (None if v in ({}, [], "closed") else v) for k, v in value.items()}
        return value

    @property
    def interval_s(self) -> int:
        """Length of a reporting interval in seconds."""
        return self.interval_minutes * 60

    @property
    def horizon_s(self) -> int:
        """Length of the horizon in seconds."""
        return self.horizon_days * DAY_S

    @property
    def intervals_per_day(self) -> int:
        """Number of reporting intervals in one day."""
        return DAY_S // self.interval_s

    def date_of(self, day: int) -> date:
        """Calendar date of simulation day `day` (0-based)."""
        return self.start_date + timedelta(days=day)

    def weekday_of(self, day: int) -> str:
        """Weekday name ('mon'…'sun') of simulation day `day`."""
        return WEEKDAYS[self.date_of(day).weekday()]

    def hours_on(self, day: int) -> OpeningHours | None:
        """Opening hours on simulation day `day`, or None when the center is closed."""
        if self.date_of(day) in self.holidays:
            return None
        return self.opening_hours.get(self.weekday_of(day))  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Inbound
# --------------------------------------------------------------------------------------------

DEFAULT_INTRADAY_SHAPE: tuple[float, ...] = (
    0, 0, 0, 0, 0, 0, 0, 0.2,          # 00-08
    0.8, 1.2, 1.25, 1.15, 1.0, 0.85,    # 08-14
    0.95, 1.05, 1.0, 0.9, 0.75, 0.55,   # 14-20
    0.2, 0, 0, 0,                       # 20-24
)


class Demand(Model):
    """Expected inbound calls: daily volume × intraday shape, or a table per interval and weekday.

    Calls are only offered while the center is open; shape weights outside opening hours
    are ignored and the rest renormalised, so the daily volume is what the center receives.
    """

    daily_volume: dict[Weekday, float] = Field(
        default_factory=lambda: {"mon": 1400, "tue": 1200, "wed": 1150, "thu": 1100, "fri": 1050, "sat": 450}
    )
    intraday_shape: tuple[float, ...] = DEFAULT_INTRADAY_SHAPE
    interval_table: dict[Weekday, tuple[float, ...]] | None = None
    day_cv: float = Field(default=0.0, ge=0, le=2)

    @field_validator("daily_volume")
    @classmethod
    def _non_negative_volume(cls, value: dict[str, float]) -> dict[str, float]:
        for day, volume in value.items():
            if not math.isfinite(volume) or volume < 0:
                raise ValueError(f"{day}: {volume} calls is not a volume; use a number >= 0")
        return value

    @field_validator("intraday_shape")
    @classmethod
    def _shape_covers_the_day(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if len(value) not in (24, 48, 96):
            raise ValueError(
                f"has {len(value)} weights; give 24 (hourly), 48 (half-hourly) or 96 (15-minute) weights"
            )
        if any(w < 0 or not math.isfinite(w) for w in value):
            raise ValueError("weights must be finite numbers >= 0")
        if sum(value) <= 0:
            raise ValueError("all weights are zero; give at least one positive weight")
        return value

    @field_validator("interval_table")
    @classmethod
    def _table_rows_cover_the_day(
        cls, value: dict[str, tuple[float, ...]] | None
    ) -> dict[str, tuple[float, ...]] | None:
        for day, row in (value or {}).items():
            if len(row) not in (24, 48, 96):
                raise ValueError(f"{day}: has {len(row)} values; give 24, 48 or 96 expected calls per day")
            if any(x < 0 or not math.isfinite(x) for x in row):
                raise ValueError(f"{day}: expected calls must be finite numbers >= 0")
        return value


class Redial(Model):
    """Share of abandoning callers who call back, and after how long (exponential delay)."""

    probability: float = Field(default=0.0, ge=0, le=1)
    delay_mean_s: float = Field(default=900.0, gt=0)


class ServiceLevel(Model):
    """Service-level objective X% answered within Y seconds, and how short abandons count."""

    threshold_s: float = Field(default=20.0, ge=0)
    target: float = Field(default=0.8, gt=0, le=1)
    short_abandon_s: float = Field(default=5.0, ge=0)
    exclude_short_abandons: bool = True


class Inbound(Model):
    """Callers who phone the center: demand, handle time, patience and redials."""

    enabled: bool = True
    demand: Demand = Demand()
    talk: Duration = Duration(distribution="lognormal", mean_s=300, cv=0.6)
    acw: Duration = Duration(distribution="fixed", mean_s=30, cv=0)
    patience: Patience = Patience()
    redial: Redial = Redial()
    service_level: ServiceLevel = ServiceLevel()


# --------------------------------------------------------------------------------------------
# Agents and shifts
# --------------------------------------------------------------------------------------------


class Break(Model):
    """A break or lunch at a fixed offset from the shift start.

    `stagger_min` spreads the start over the agents of the template (agent i of n starts
    i/n of the way through the window), as a planner would, so the floor never empties.
    """

    name: str = "break"
    offset_min: float = Field(ge=0)
    duration_min: float = Field(gt=0, le=180)
    stagger_min: float = Field(default=0.0, ge=0)
    paid: bool = True


class Shift(Model):
    """A shift template: which weekdays, start, length, breaks and how many agents work it.

    A shift may run past midnight (start 22:00, 9 hours): it belongs to the day it starts.
    """

    name: str = "shift"
    days: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
    start: TimeOfDay
    length_h: float = Field(gt=0, le=16)
    headcount: int = Field(ge=0, le=5000)
    breaks: tuple[Break, ...] = ()

    @field_validator("days")
    @classmethod
    def _distinct_days(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError(f"{list(value)} repeats a weekday; list each day once")
        return value

    @model_validator(mode="after")
    def _breaks_fit_and_do_not_overlap(self) -> Shift:
        length_min = self.length_h * 60
        windows = []
        for i, brk in enumerate(self.breaks):
            end = brk.offset_min + brk.stagger_min + brk.duration_min
            if end > length_min:
                raise ValueError(
                    f"breaks[{i}] ({brk.name}) ends {end:g} min after the shift start but the shift lasts"
                    f" {length_min:g} min; move it earlier or shorten it"
                )
            windows.append((brk.offset_min, end, i, brk.name))
        windows.sort()
        for (_, end_a, i, name_a), (start_b, _, j, name_b) in zip(windows, windows[1:], strict=False):
            if start_b < end_a:
                raise ValueError(
                    f"breaks[{i}] ({name_a}) and breaks[{j}] ({name_b}) overlap (including stagger);"
                    " move one of them so that each ends before the next starts"
                )
        return self

    @property
    def start_s(self) -> int:
        """Start as seconds after midnight."""
        return int(self.start)

    @property
    def length_s(self) -> int:
        """Length in seconds."""
        return int(round(self.length_h * 3600))


class AgentGroup(Model):
    """A team of agents sharing a skill set (inbound, outbound or blended) and shift templates."""

    name: str
    kind: Literal["inbound", "outbound", "blended"] = "inbound"
    absence_rate: float = Field(default=0.0, ge=0, lt=1)
    shifts: tuple[Shift, ...] = Field(min_length=1)

    @property
    def headcount(self) -> int:
        """Agents rostered in this group over all its shift templates."""
        return sum(s.headcount for s in self.shifts)

    @property
    def takes_inbound(self) -> bool:
        """Whether the ACD may route inbound calls to this group."""
        return self.kind in ("inbound", "blended")


class RunSettings(Model):
    """Defaults for experiments started from this scenario (the CLI and GUI may override)."""

    replications: int = Field(default=5, ge=1, le=10_000)
    seed: int = Field(default=20_260_105, ge=0)


# --------------------------------------------------------------------------------------------
# Scenario
# --------------------------------------------------------------------------------------------

# Imported here, not at the top: the outbound models build on Model and Duration above.
from wfm.scenario_outbound import Outbound  # noqa: E402


class Scenario(Model):
    """Everything a run needs; a run is a pure function of (scenario, seed)."""

    schema_version: Literal[1] = SCHEMA_VERSION
    name: str = "Untitled scenario"
    description: str = ""
    calendar: Calendar = Calendar()
    inbound: Inbound = Inbound()
    groups: tuple[AgentGroup, ...] = Field(min_length=1)
    run: RunSettings = RunSettings()
    outbound: Outbound = Outbound()

    @field_validator("groups")
    @classmethod
    def _distinct_group_names(cls, value: tuple[AgentGroup, ...]) -> tuple[AgentGroup, ...]:
        names = [g.name for g in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"group names {dupes} are used twice; give every group its own name")
        return value

    @model_validator(mode="after")
    def _someone_answers_inbound(self) -> Scenario:
        if self.inbound.enabled and not any(g.takes_inbound and g.headcount > 0 for g in self.groups):
            raise ValueError(
                "inbound is enabled but no inbound or blended group has agents;"
                " add headcount to such a group or set inbound.enabled = false"
            )
        return self

    @model_validator(mode="after")
    def _someone_dials(self) -> Scenario:
        if self.outbound.enabled and not any(g.kind != "inbound" and g.headcount > 0 for g in self.groups):
            raise ValueError(
                "outbound is enabled but no outbound or blended group has agents;"
                " add headcount to such a group or set outbound.enabled = false"
            )
        return self

    @property
    def headcount(self) -> int:
        """Agents rostered over all groups."""
        return sum(g.headcount for g in self.groups)

    def content_hash(self) -> str:
        """A short fingerprint of every input, stored with each result for traceability."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]
