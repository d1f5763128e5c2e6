"""Workforce dynamics over weeks and months (DESIGN §5): stress, learning, attrition, hiring, incentives."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from wfm.scenario.units import Model

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
