"""Inbound callers: demand, handle time, patience, redials and the service-level objective."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator

from wfm.scenario.units import DAY_S, Duration, Model, Weekday, non_negative_values

DEFAULT_INTRADAY_SHAPE: tuple[float, ...] = (
    0, 0, 0, 0, 0, 0, 0, 0.2,          # 00-08
    0.8, 1.2, 1.25, 1.15, 1.0, 0.85,    # 08-14
    0.95, 1.05, 1.0, 0.9, 0.75, 0.55,   # 14-20
    0.2, 0, 0, 0,                       # 20-24
)


def _default_daily_volume() -> dict[Weekday, float]:
    return {"mon": 1400, "tue": 1200, "wed": 1150, "thu": 1100, "fri": 1050, "sat": 450}


class Demand(Model):
    """Expected inbound calls: daily volume × intraday shape, or a table per interval and weekday.

    Calls are only offered while the center is open; shape weights outside opening hours
    are ignored and the rest renormalised, so the daily volume is what the center receives.
    """

    daily_volume: dict[Weekday, float] = Field(default_factory=_default_daily_volume)
    intraday_shape: tuple[float, ...] = DEFAULT_INTRADAY_SHAPE
    interval_table: dict[Weekday, tuple[float, ...]] | None = None
    day_cv: float = Field(default=0.0, ge=0, le=2)

    @field_validator("daily_volume")
    @classmethod
    def _non_negative_volume(cls, value: dict[str, float]) -> dict[str, float]:
        return non_negative_values(value, lambda day, volume: f"{day}: {volume} calls is not a volume")

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


class Patience(Model):
    """How long a caller waits before hanging up; `none` means callers never abandon."""

    distribution: Literal["none", "exponential", "lognormal"] = "exponential"
    mean_s: float = Field(default=180.0, gt=0, le=DAY_S)
    cv: float = Field(default=1.0, gt=0, le=10)



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

