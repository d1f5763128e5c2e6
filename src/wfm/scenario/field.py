"""Field collection: agents who visit debtors at home, as a step of the treatment paths (issue #13, first slice).

`[strategy.field]` describes the team and its rules; a path step `{ kind = "visit" }` puts an
account in the team's queue. Every allowed day the team takes the queue in order (as far as the
week's visit budget lets), splits it between the agents by direction from the base (a sweep,
so each agent drives one sector), routes each agent's share (nearest neighbour and 2-opt,
`wfm.sim.collections.routes`) and visits what fits in the shift and the visiting hours; the
rest wait for the next day.

Where accounts live is drawn per zone: each account falls in a zone by the zones' shares and
lies at the zone's centre plus a normal offset of `spread_km` on each axis (a map in km around
the agents' base). Times are the center's clock: the team and the debtors are taken to share it.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from wfm.scenario.units import WEEKDAYS, ClosingTime, Model, TimeOfDay, Weekday, format_time_of_day


class FieldAgents(Model):
    """The field agents: how many, where they start, their shift and what they cost.

    Attributes:
        count: field agents (each works every allowed day).
        base_km: the base's map position (x, y) in km; every route starts and ends there.
        shift_start: when the agents leave the base.
        shift_hours: the shift's length; an agent must be back at the base by its end.
        wage_per_hour: pay per shift hour (the whole shift is paid on every allowed day).
        cost_per_km: car cost per km driven.
        speed_kmh: average travel speed (straight-line km per hour).
        visit_minutes: length of one visit, door to door.
    """

    count: int = Field(default=2, ge=1, le=1_000)
    base_km: tuple[float, float] = (0.0, 0.0)
    shift_start: TimeOfDay = 8 * 3600
    shift_hours: float = Field(default=8.0, gt=0, le=16)
    wage_per_hour: float = Field(default=22.0, ge=0, le=1_000)
    cost_per_km: float = Field(default=0.35, ge=0, le=100)
    speed_kmh: float = Field(default=30.0, gt=0, le=200)
    visit_minutes: float = Field(default=20.0, gt=0, le=480)


class VisitOutcomes(Model):
    """What a visit finds, and what a debtor reached at the door does.

    Attributes:
        nobody_home: share of visits where nobody opens.
        wrong_address: share where the debtor does not live there (the account is not visited again).
        third_party: share where someone else opens (a relative, a neighbour): no conversation.
        pay: of the debtors reached, share paying on the spot (`pay_fraction` of the balance).
        promise: of the debtors reached, share promising to pay (booked like a phone promise).
        dispute: of the debtors reached, share disputing the debt (the treatment ends).
        pay_fraction: share of the balance paid on the spot.

    The rest of the visits reach the debtor; of those, the rest refuse.
    """

    nobody_home: float = Field(default=0.45, ge=0, le=1)
    wrong_address: float = Field(default=0.05, ge=0, le=1)
    third_party: float = Field(default=0.10, ge=0, le=1)
    pay: float = Field(default=0.10, ge=0, le=1)
    promise: float = Field(default=0.35, ge=0, le=1)
    dispute: float = Field(default=0.05, ge=0, le=1)
    pay_fraction: float = Field(default=0.5, gt=0, le=1)

    @model_validator(mode="after")
    def _shares_fit(self) -> VisitOutcomes:
        door = self.nobody_home + self.wrong_address + self.third_party
        if door > 1 + 1e-9:
            raise ValueError(f"nobody_home + wrong_address + third_party = {door:g} is above 1; they are shares of"
                             " the visits (the rest reach the debtor), so their sum may be at most 1")
        reached = self.pay + self.promise + self.dispute
        if reached > 1 + 1e-9:
            raise ValueError(f"pay + promise + dispute = {reached:g} is above 1; they are shares of the debtors"
                             " reached (the rest refuse), so their sum may be at most 1")
        return self


class Zone(Model):
    """An area where accounts live: its centre on the map, how far they spread, its share of the accounts."""

    name: str = Field(min_length=1)
    centre_km: tuple[float, float]
    spread_km: float = Field(gt=0, le=500)
    share: float = Field(gt=0, le=1)


def _default_zones() -> tuple[Zone, ...]:
    return (Zone(name="city", centre_km=(0.0, 0.0), spread_km=4.0, share=1.0),)


class FieldVisits(Model):
    """The field team and its rules (`[strategy.field]`).

    Attributes:
        agents: the team.
        visiting_start: visiting hours open (no visit starts earlier).
        visiting_end: visiting hours close (every visit ends by then).
        days: weekdays with visits; never Sunday.
        holiday_region: jurisdiction whose public holidays have no visits ("IT", "US-NY"; "" = none).
        weekly_budget: most visits planned per run week (days 0-6, 7-13, ...).
        outcomes: what visits find.
        zones: where the accounts live (shares add up to 1).
    """

    agents: FieldAgents = FieldAgents()
    visiting_start: TimeOfDay = 9 * 3600
    visiting_end: ClosingTime = 19 * 3600
    days: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat")
    holiday_region: str = "IT"
    weekly_budget: int = Field(default=200, ge=1, le=1_000_000)
    outcomes: VisitOutcomes = VisitOutcomes()
    zones: tuple[Zone, ...] = Field(default_factory=_default_zones, min_length=1)

    @model_validator(mode="after")
    def _rules(self) -> FieldVisits:
        if self.visiting_end <= self.visiting_start:
            raise ValueError(f"visiting_end {format_time_of_day(self.visiting_end)} must be after visiting_start"
                             f" {format_time_of_day(self.visiting_start)}")
        if "sun" in self.days:
            raise ValueError("field.days lists \"sun\": home visits are not allowed on Sundays; remove it")
        if not self.days:
            raise ValueError("field.days is empty; list the weekdays with visits, e.g. [\"mon\", \"tue\"]")
        total = sum(z.share for z in self.zones)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the zones' shares add up to {total:g}; they split the accounts, so they must add"
                             " up to 1")
        return self

    def weekday_allowed(self, weekday: int) -> bool:
        """Whether visits may happen on `weekday` (0 = Monday, as `date.weekday()`)."""
        return WEEKDAYS[weekday] in self.days
