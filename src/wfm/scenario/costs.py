"""Unit costs of the center (DESIGN §6)."""

from __future__ import annotations

from pydantic import Field, field_validator

from wfm.scenario.units import Model, non_negative_values


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
        return non_negative_values(value, lambda group, wage: f"{group}: wage {wage} per hour is not a wage")

    def wage_of(self, group: str) -> float:
        """Hourly wage of an agent of `group`."""
        return self.wage_per_hour_by_group.get(group, self.wage_per_hour)
