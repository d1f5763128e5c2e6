"""The typed, frozen scenario: the single input of a simulation run.

Every field a planner may tweak lives here, validated before the engine starts so that a
run never fails half-way on bad input. Parsing the TOML file is `wfm.scenario.io`'s job.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

SCHEMA_VERSION = 1
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_S = 86_400

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def parse_time_of_day(value: object, *, allow_24: bool = False) -> int:
    """Turn 'HH:MM' into seconds after midnight.

    Times are written as text in TOML files because planners think in clock times, not
    in seconds; the engine wants seconds.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value % 60 == 0:
        seconds = value  # seconds after midnight, as the model stores it (whole minutes only)
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

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_numbers(cls, value: object, info: ValidationInfo) -> object:
        # pydantic would read `headcount = true` as 1 and `"40"` as 40; in a scenario file
        # either is a slip the planner should see, not a number silently made up.
        field = cls.model_fields.get(info.field_name or "")
        parsed_from_text = field is not None and any(isinstance(m, BeforeValidator) for m in field.metadata)
        if field is not None and field.annotation in (int, float) and not parsed_from_text \
                and isinstance(value, bool | str):
            if isinstance(value, bool):
                raise ValueError(f"{str(value).lower()} is a yes/no value, but this is a number; write a number")
            raise ValueError(f"{value!r} is text, but this is a number; write the number without quotes")
        return value


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


# --------------------------------------------------------------------------------------------
# Workforce dynamics (DESIGN §5) and costs (DESIGN §6)
# --------------------------------------------------------------------------------------------

# Call outcomes the floor reports to the stress model: 'inbound' for an inbound call, the
# others are the results of an outbound right-party conversation.
CALL_OUTCOMES: tuple[str, ...] = ("inbound", "ptp", "refusal", "dispute", "callback")


class Stress(Model):
    """Per-agent stress s in [0, 1]: rises with each handled call, decays when not on the phone.

    Each handled call adds `gain` × (1 − s), so s stays below 1 and grows fastest when low;
    `gain` is `gain_per_call` plus the extra of the call's outcome, times 1 + `back_to_back_gain`
    when the call started within `back_to_back_s` of the previous one. Idle and break time
    recover at `recovery_per_hour`, time off shift (evenings, weekends) at
    `recovery_off_per_hour`: s × exp(−rate × hours). Chronic stress, the mean of end-of-shift
    stress over about `chronic_window_days` worked shifts, drives absence and attrition.
    """

    enabled: bool = False
    gain_per_call: float = Field(default=0.01, ge=0, le=1)
    outcome_gain: dict[str, float] = Field(default_factory=lambda: {"refusal": 0.02, "dispute": 0.04})
    back_to_back_s: float = Field(default=5.0, ge=0)
    back_to_back_gain: float = Field(default=0.5, ge=0, le=10)
    recovery_per_hour: float = Field(default=0.5, ge=0, le=100)
    recovery_off_per_hour: float = Field(default=0.15, ge=0, le=100)
    aht_effect: float = Field(default=0.25, ge=0, le=5)
    conversion_effect: float = Field(default=0.3, ge=0, le=1)
    absence_effect: float = Field(default=0.10, ge=0, le=1)
    attrition_effect: float = Field(default=2.0, ge=0, le=50)
    chronic_window_days: float = Field(default=14.0, gt=0, le=365)

    @field_validator("outcome_gain")
    @classmethod
    def _known_outcomes(cls, value: dict[str, float]) -> dict[str, float]:
        for outcome, gain in value.items():
            if outcome not in CALL_OUTCOMES:
                raise ValueError(f"{outcome!r} is not a call outcome; use one of {', '.join(CALL_OUTCOMES)}")
            if not 0 <= gain <= 1:
                raise ValueError(f"{outcome}: extra gain {gain} is outside [0, 1]; use a share such as 0.02")
        return value


class Learning(Model):
    """Learning curve: productivity p = 1 − (1 − p0) · exp(−days nested / time constant).

    Handle time is divided by p and conversion multiplied by it, so p0 = 0.65 makes a new
    hire's handle time 1/0.65 ≈ 1.54 × the tenured one (the usual range is 1.3–1.8×).
    """

    enabled: bool = False
    p0: float = Field(default=0.65, gt=0, le=1)
    time_constant_days: float = Field(default=30.0, gt=0, le=3650)


class Attrition(Model):
    """Resignations: a daily hazard from an annual rate, higher in early tenure.

    `annual_rate` is leavers / average headcount per year for tenured agents without stress
    or incentives (daily hazard = annual_rate / 365). Agents in their first `early_days`
    since hire have the hazard × `early_multiplier`. A leaver works to the end of the shift.
    """

    enabled: bool = False
    annual_rate: float = Field(default=0.35, ge=0, le=5)
    early_days: float = Field(default=90.0, ge=0, le=3650)
    early_multiplier: float = Field(default=2.0, ge=0, le=20)


class Hiring(Model):
    """Replacement hiring: requisitions open when committed headcount falls below target.

    Committed headcount is employed agents who have not resigned plus hires on their way.
    A hire arrives `lead_time_days` after the requisition opens, spends the first
    `training_days` shifts of the vacated slot in class (paid, not productive), then takes
    calls with the learning curve. `target_headcount` maps group names to targets; a group
    left out keeps its rostered headcount as target.
    """

    enabled: bool = False
    target_headcount: dict[str, int] = Field(default_factory=dict)
    lead_time_days: int = Field(default=21, ge=1, le=365)
    training_days: int = Field(default=10, ge=0, le=120)


class Incentives(Model):
    """Pay scheme: flat wages, or a bonus per euro collected and/or per kept promise to pay.

    The strength of a bonus scheme is x = bonus_per_kept_ptp / half_effect_per_kept_ptp +
    bonus_per_euro / half_effect_per_euro, and its effect share x / (1 + x) (half of the
    maximal effect when x = 1). Conversion is multiplied by 1 + max_conversion_lift × share,
    the attrition hazard by 1 − max_attrition_reduction × share, and `pressure` × share is
    added to the stress gain of every handled call.
    """

    scheme: Literal["flat", "bonus"] = "flat"
    bonus_per_kept_ptp: float = Field(default=0.0, ge=0)
    bonus_per_euro: float = Field(default=0.0, ge=0, le=1)
    half_effect_per_kept_ptp: float = Field(default=5.0, gt=0)
    half_effect_per_euro: float = Field(default=0.02, gt=0)
    max_conversion_lift: float = Field(default=0.15, ge=0, le=2)
    max_attrition_reduction: float = Field(default=0.3, ge=0, le=1)
    pressure: float = Field(default=0.0, ge=0, le=1)

    @model_validator(mode="after")
    def _bonus_matches_scheme(self) -> Incentives:
        has_bonus = self.bonus_per_kept_ptp > 0 or self.bonus_per_euro > 0
        if self.scheme == "flat" and has_bonus:
            raise ValueError(
                "scheme is \"flat\" but a bonus rate is set; use scheme = \"bonus\" or set the bonus rates to 0"
            )
        if self.scheme == "bonus" and not has_bonus:
            raise ValueError(
                "scheme is \"bonus\" but bonus_per_kept_ptp and bonus_per_euro are both 0;"
                " set one of them or use scheme = \"flat\""
            )
        return self

    @property
    def share(self) -> float:
        """Share of the maximal effects this scheme reaches: x / (1 + x)."""
        x = self.bonus_per_kept_ptp / self.half_effect_per_kept_ptp + self.bonus_per_euro / self.half_effect_per_euro
        return x / (1 + x)


class Workforce(Model):
    """The people over weeks and months: tenure, stress, learning, turnover, hiring, incentives.

    Every feature is off by default; with all of them off a run is the plain model, draw for
    draw. `initial_tenure_mean_days` is the mean tenure (exponential) of the agents on the
    roster at day 0, so that early-tenure attrition and the learning curve start realistic.
    """

    initial_tenure_mean_days: float = Field(default=720.0, ge=0, le=36_500)
    stress: Stress = Stress()
    learning: Learning = Learning()
    attrition: Attrition = Attrition()
    hiring: Hiring = Hiring()
    incentives: Incentives = Incentives()


class Costs(Model):
    """Unit costs (DESIGN §6), in the scenario's currency.

    Wages are paid for scheduled hours of present agents (unpaid breaks excluded), the time
    spent finishing a call after the shift end, and training. A seat-day is one agent on one
    shift (working or in training); dialer seat licences are paid per seat-day of outbound and
    blended agents at work.
    """

    currency: str = "EUR"
    wage_per_hour: float = Field(default=16.0, ge=0)
    wage_per_hour_by_group: dict[str, float] = Field(default_factory=dict)
    telephony_per_minute: float = Field(default=0.012, ge=0)
    telephony_per_attempt: float = Field(default=0.002, ge=0)
    dialer_seat_per_day: float = Field(default=3.5, ge=0)
    cost_per_hire: float = Field(default=2500.0, ge=0)
    overhead_per_seat_day: float = Field(default=22.0, ge=0)

    @field_validator("wage_per_hour_by_group")
    @classmethod
    def _non_negative_wages(cls, value: dict[str, float]) -> dict[str, float]:
        for group, wage in value.items():
            if not math.isfinite(wage) or wage < 0:
                raise ValueError(f"{group}: wage {wage} per hour is not a wage; use a number >= 0")
        return value

    def wage_of(self, group: str) -> float:
        """Hourly wage of an agent of `group`."""
        return self.wage_per_hour_by_group.get(group, self.wage_per_hour)


class RunSettings(Model):
    """Defaults for experiments started from this scenario (the CLI and GUI may override)."""

    replications: int = Field(default=5, ge=1, le=10_000)
    seed: int = Field(default=20_260_105, ge=0)


# --------------------------------------------------------------------------------------------
# Scenario
# --------------------------------------------------------------------------------------------

# Imported here, not at the top: the outbound models build on Model and Duration above.
from wfm.scenario.outbound import Outbound  # noqa: E402


class Scenario(Model):
    """Everything a run needs; a run is a pure function of (scenario, seed)."""

    schema_version: Literal[1] = SCHEMA_VERSION
    name: str = "Untitled scenario"
    description: str = ""
    calendar: Calendar = Calendar()
    inbound: Inbound = Inbound()
    groups: tuple[AgentGroup, ...] = Field(min_length=1)
    workforce: Workforce = Workforce()
    costs: Costs = Costs()
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

    @model_validator(mode="after")
    def _workforce_names_known_groups(self) -> Scenario:
        sizes = {g.name: g.headcount for g in self.groups}
        for name, target in self.workforce.hiring.target_headcount.items():
            if name not in sizes:
                raise ValueError(
                    f"workforce.hiring.target_headcount names group {name!r}, which does not exist;"
                    f" use one of {sorted(sizes)}"
                )
            if not 0 <= target <= sizes[name]:
                raise ValueError(
                    f"workforce.hiring.target_headcount.{name} = {target} but the group's shift templates have"
                    f" {sizes[name]} slots; use a target between 0 and {sizes[name]} or add headcount to its shifts"
                )
        for name in self.costs.wage_per_hour_by_group:
            if name not in sizes:
                raise ValueError(
                    f"costs.wage_per_hour_by_group names group {name!r}, which does not exist;"
                    f" use one of {sorted(sizes)}"
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
