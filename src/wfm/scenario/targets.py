"""The targets a planner judges results against, beyond the service-level objective and the drop cap.

Each is optional: a KPI without a target gets no red/amber/green status, because a status
against a goal nobody set would be invented. The service-level target (`inbound.service_level`)
and the drop-rate cap (`outbound.compliance`) live with the rules they belong to. Targets do
not change what is simulated, so they are left out of the scenario's content hash.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from wfm.scenario.units import Model


class Targets(Model):
    """Planner-set KPI targets; None = no target for that KPI.

    Attributes:
        abandon_rate_max: abandoned / offered at most this share.
        occupancy_min: occupancy at least this share (agents busy enough).
        occupancy_max: occupancy at most this share (agents not burnt out).
        cost_per_call_max: total cost per handled call at most this amount (scenario currency).
        recovery_rate_min: amount collected / balance placed at least this share.
    """

    abandon_rate_max: float | None = Field(default=None, ge=0, le=1)
    occupancy_min: float | None = Field(default=None, ge=0, le=1)
    occupancy_max: float | None = Field(default=None, ge=0, le=1)
    cost_per_call_max: float | None = Field(default=None, ge=0)
    recovery_rate_min: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _band_in_order(self) -> Targets:
        low, high = self.occupancy_min, self.occupancy_max
        if low is not None and high is not None and low > high:
            raise ValueError(
                f"occupancy_min {low:g} is above occupancy_max {high:g};"
                " give the band's low end first"
            )
        return self
