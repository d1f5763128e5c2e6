"""Units, clock times and the base of every scenario model.

The one place that says how long a minute, an hour, a day and a week are in simulation
seconds, how a planner's "HH:MM" becomes seconds after midnight, and what every scenario
section has in common (`Model`: unknown keys are errors, values are frozen).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

MINUTE_S = 60
"""Seconds in a minute: the simulation clock counts seconds."""
HOUR_S = 60 * MINUTE_S
"""Seconds in an hour."""
DAY_S = 24 * HOUR_S
"""Seconds in a day; simulation day d runs from d × DAY_S (00:00 local time of the center)."""
WEEK_S = 7 * DAY_S
"""Seconds in a week (rolling 7-day compliance rules)."""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names in `date.weekday()` order, as scenario files write them."""


def parse_time_of_day(value: object, *, allow_24: bool = False) -> int:
    """Turn 'HH:MM' into seconds after midnight.

    Times are written as text in TOML files because planners think in clock times, not
    in seconds; the engine wants seconds.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value % MINUTE_S == 0:
        seconds = value  # seconds after midnight, as the model stores it (whole minutes only)
    elif isinstance(value, str):
        parts = value.strip().split(":")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[1]) != 2:
            raise ValueError(f"{value!r} is not a time of day; use HH:MM between 00:00 and 23:59")
        hours, minutes = int(parts[0]), int(parts[1])
        if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not allow_24)):
            upper = "24:00" if allow_24 else "23:59"
            raise ValueError(f"{value!r} is not a time of day; use HH:MM between 00:00 and {upper}")
        seconds = hours * HOUR_S + minutes * MINUTE_S
    else:
        raise ValueError(f"{value!r} is not a time of day; write it as a string \"HH:MM\"")
    if not 0 <= seconds <= DAY_S:
        raise ValueError(f"{value!r} is not a time of day; use HH:MM between 00:00 and 23:59")
    return seconds


def format_time_of_day(seconds: int) -> str:
    """Inverse of `parse_time_of_day`, for writing scenarios and reports."""
    return f"{seconds // HOUR_S:02d}:{seconds % HOUR_S // MINUTE_S:02d}"


def non_negative_values(values: dict[str, float], what: Callable[[str, float], str]) -> dict[str, float]:
    """Refuse a negative, infinite or NaN value of a mapping; `what(key, value)` names the offending entry."""
    for key, value in values.items():
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{what(key, value)}; use a number >= 0")
    return values


# Control characters: a workbook (XML 1.0) cannot hold C0 controls other than tab and line breaks,
# and a terminal acts on them (and on DEL and the C1 range) instead of printing them.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable_text(value: str) -> str:
    """Refuse text with control characters, naming the first one and where it is."""
    found = _CONTROL_CHARACTER.search(value)
    if found is not None:
        raise ValueError(
            f"{value!r} contains the control character U+{ord(found.group()):04X} at position {found.start() + 1};"
            " remove it (text may hold tabs and line breaks, no other control characters)"
        )
    return value


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

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_printable(cls, value: object) -> object:
        # Names and descriptions end up in workbooks and on terminals: a stray control
        # character (pasted from another program) made openpyxl fail after the whole
        # simulation had run (issue 15, item 14), so it is refused with the other input errors.
        if isinstance(value, str):
            printable_text(value)
        return value


class Duration(Model):
    """A random duration in seconds: fixed, exponential or lognormal (mean and CV)."""

    distribution: Literal["fixed", "exponential", "lognormal"] = "lognormal"
    mean_s: float = Field(ge=0, le=DAY_S)
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
