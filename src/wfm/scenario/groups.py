"""Agent groups and their shift templates, with breaks."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from wfm.scenario.units import HOUR_S, Model, TimeOfDay, Weekday


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
        return int(round(self.length_h * HOUR_S))


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

