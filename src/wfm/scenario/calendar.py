"""The scenario's calendar: horizon, reporting grid, time zone, opening hours and holidays."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from wfm.scenario.units import (
    DAY_S,
    HOUR_S,
    MINUTE_S,
    WEEKDAYS,
    ClosingTime,
    Model,
    TimeOfDay,
    Weekday,
    format_time_of_day,
)


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


def _default_hours() -> dict[Weekday, OpeningHours | None]:
    weekday = OpeningHours(open=8 * HOUR_S, close=20 * HOUR_S)
    return {"mon": weekday, "tue": weekday, "wed": weekday, "thu": weekday, "fri": weekday,
            "sat": OpeningHours(open=9 * HOUR_S, close=14 * HOUR_S), "sun": None}


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
        return self.interval_minutes * MINUTE_S

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

    def weekday_of(self, day: int) -> Weekday:
        """Weekday name ('mon'…'sun') of simulation day `day`."""
        return WEEKDAYS[self.date_of(day).weekday()]

    def hours_on(self, day: int) -> OpeningHours | None:
        """Opening hours on simulation day `day`, or None when the center is closed."""
        if self.date_of(day) in self.holidays:
            return None
        return self.opening_hours.get(self.weekday_of(day))
