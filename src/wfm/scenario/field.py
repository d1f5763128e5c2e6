"""Field collection: agents who visit debtors at home, as a step of the treatment paths (issue #13).

`[strategy.field]` describes the field teams and their rules; a path step `{ kind = "visit" }`
puts an account in the field queue when it passes the visit selection (`selection`: balance,
score, failed phone attempts, days past due). Every working day the queue is taken in priority
order (as far as the week's visit budget lets); each account goes to the team whose territory
holds its zone (`teams`, each with its own agents, base, shift and costs; or the single team
`agents` covering every zone), each team splits its share between its agents by direction from
its base (a sweep, so each agent drives one sector), routes each agent's share (nearest
neighbour and 2-opt, `wfm.sim.collections.routes`) and visits what fits in the shift and the
visiting hours; the rest wait for the next day.

Where accounts live: imported coordinates (`x_km`, `y_km` of the portfolio file), else an
imported postcode's centre from the `postcodes` table (plus a normal offset of its
`spread_km`), else a zone drawn by the zones' shares at the zone's centre plus a normal offset
of `spread_km` per axis (a map in km). An imported point's zone is the nearest zone centre.

Visit rules (the visiting hours, `days`, public holidays, at most `max_visits` per `per_days`
days per account) are judged in the debtor's local time and jurisdiction: `by_region` gives a
jurisdiction ("IT", "US-NY", as the accounts' regions) its own rules; a debtor without one
follows the top-level rules and the holidays of their own region, else of `holiday_region`.
The defaults are this model's reading of Italian practice, not a statute: the Garante per la
protezione dei dati personali's general provision on debt collection (30 November 2005) bans
pressure that harms the debtor's dignity and telling third parties at the door, and repeated,
insistent visits can be harassment ("molestia", art. 660 c.p.), which courts judge by how
often and at what hour; so 09:00-19:00, never on Sundays or public holidays, and at most one
visit per account a week.

What a visit finds depends on the debtor's segment (`outcomes_by_segment` replaces `outcomes`
for a segment) and, for nobody home, on the debtor's local hour and weekday
(`nobody_home_by_hour`, `nobody_home_by_weekday`: factors on `nobody_home`). Survey fieldwork
finds households more often at home on weekday evenings and at weekends than on weekday
daytimes (Weeks, Kulka & Pierson 1987, Public Opinion Quarterly 51(4); Purdon, Campanelli &
Sturgis 1999, Journal of Official Statistics 15(2), on face-to-face calls); the factors of
`scenarios/field.toml` follow that direction with illustrative sizes, not measured ones.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from wfm.scenario.outbound import check_region
from wfm.scenario.units import WEEKDAYS, ClosingTime, Model, TimeOfDay, Weekday, format_time_of_day

NO_SUNDAY = "home visits are not allowed on Sundays; remove \"sun\""


class FieldAgents(Model):
    """The field agents of a team: how many, where they start, their shift and what they cost.

    Attributes:
        count: field agents (each works every working day).
        base_km: the base's map position (x, y) in km; every route starts and ends there.
        shift_start: when the agents leave the base (center time).
        shift_hours: the shift's length; an agent must be back at the base by its end.
        wage_per_hour: pay per shift hour (the whole shift is paid on every working day).
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


class FieldGroup(FieldAgents):
    """A field team with a territory (`[[strategy.field.teams]]`): its agents and the zones it covers.

    Attributes:
        name: the team's name (reports).
        zones: names of the zones it covers; empty = every zone no other team names.
    """

    name: str = Field(min_length=1)
    zones: tuple[str, ...] = ()


class VisitOutcomes(Model):
    """What a visit finds, and what a debtor reached at the door does.

    Attributes:
        nobody_home: share of visits where nobody opens (before the hour and weekday factors).
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

    def nobody_home_scaled(self, factor: float) -> float:
        """`nobody_home` × `factor`, capped so that the door's three shares still fit in 1."""
        return min(self.nobody_home * factor, 1.0 - self.wrong_address - self.third_party)


class HourBand(Model):
    """A factor on `nobody_home` for visits starting in [start, end) of the debtor's local day."""

    start: TimeOfDay
    end: ClosingTime
    factor: float = Field(ge=0, le=10)

    @model_validator(mode="after")
    def _ordered(self) -> HourBand:
        if self.end <= self.start:
            raise ValueError(f"hour band end {format_time_of_day(self.end)} must be after its start"
                             f" {format_time_of_day(self.start)}")
        return self


class Zone(Model):
    """An area where accounts live: its centre on the map, how far they spread, its share of the accounts."""

    name: str = Field(min_length=1)
    centre_km: tuple[float, float]
    spread_km: float = Field(gt=0, le=500)
    share: float = Field(gt=0, le=1)


class Postcode(Model):
    """A postcode of the zone table: the zone it lies in and its centre (accounts spread `spread_km` around it)."""

    code: str = Field(min_length=1)
    zone: str = Field(min_length=1)
    centre_km: tuple[float, float]
    spread_km: float = Field(default=0.5, ge=0, le=500)


def postcode_key(code: str) -> str:
    """A postcode as the zone table matches it: trimmed, upper case, inner spaces removed ("sw1a 1aa" = "SW1A1AA")."""
    return "".join(code.split()).upper()


class VisitRules(Model):
    """One jurisdiction's visit rules, judged on the debtor's local clock and calendar.

    Attributes:
        visiting_start: no visit starts earlier (debtor's local time).
        visiting_end: every visit ends by then.
        days: local weekdays with visits; never Sunday.
        no_holidays: no visits on the jurisdiction's public holidays.
        max_visits: most visits to one account ...
        per_days: ... within any `per_days` consecutive local days (1 and 7: at most one a week).
    """

    visiting_start: TimeOfDay = 9 * 3600
    visiting_end: ClosingTime = 19 * 3600
    days: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat")
    no_holidays: bool = True
    max_visits: int = Field(default=1, ge=1, le=100)
    per_days: int = Field(default=7, ge=1, le=365)

    @model_validator(mode="after")
    def _rules(self) -> VisitRules:
        _check_hours_and_days(self.visiting_start, self.visiting_end, self.days)
        return self

    def weekday_allowed(self, weekday: int) -> bool:
        """Whether visits may happen on `weekday` (0 = Monday, as `date.weekday()`)."""
        return WEEKDAYS[weekday] in self.days


def _check_hours_and_days(start: int, end: int, days: tuple[str, ...]) -> None:
    if end <= start:
        raise ValueError(f"visiting_end {format_time_of_day(end)} must be after visiting_start"
                         f" {format_time_of_day(start)}")
    if "sun" in days:
        raise ValueError(f"days lists \"sun\": {NO_SUNDAY}")
    if not days:
        raise ValueError("days is empty; list the weekdays with visits, e.g. [\"mon\", \"tue\"]")


class VisitSelection(Model):
    """Which accounts reaching a visit step join the field queue, and in which order the teams take them.

    An account failing a condition skips the visit step (its path goes on at once).

    Attributes:
        balance_min: the balance now is at least this.
        score_percentile_min: the score's percentile in the portfolio is at least this (0 to 1).
        failed_attempts_min: at least this many phone attempts without ever reaching the debtor
            (0 = no condition; an account reached by any channel has no failed attempts).
        dpd_min: days past due today at least this.
        priority: order of the queue: "queue" (first come), "balance" (highest first), "score"
            (best-scored first), "expected_value" (balance × the score's expected payer factor ×
            what a visit reaching the debtor brings: pay × pay_fraction + promise × the segment's keep rate).
    """

    balance_min: float = Field(default=0.0, ge=0)
    score_percentile_min: float = Field(default=0.0, ge=0, le=1)
    failed_attempts_min: int = Field(default=0, ge=0, le=1_000)
    dpd_min: int = Field(default=0, ge=0, le=100_000)
    priority: Literal["queue", "balance", "score", "expected_value"] = "queue"


def _default_zones() -> tuple[Zone, ...]:
    return (Zone(name="city", centre_km=(0.0, 0.0), spread_km=4.0, share=1.0),)


class FieldVisits(Model):
    """The field teams and their rules (`[strategy.field]`).

    Attributes:
        agents: the single team covering every zone, when `teams` is empty.
        teams: teams with territories; each account is visited by the team covering its zone.
        visiting_start: visiting hours open (debtor's local time; no visit starts earlier).
        visiting_end: visiting hours close (every visit ends by then).
        days: weekdays with visits; never Sunday. The teams work (and are paid) on these days of
            the center's calendar that are not public holidays of `holiday_region`.
        holiday_region: jurisdiction whose public holidays have no visits for debtors without a
            region of their own ("IT", "US-NY"; "" = none).
        max_visits: most visits to one account ...
        per_days: ... within any `per_days` consecutive days of the debtor's local calendar.
        by_region: visit rules of a debtor jurisdiction (the accounts' regions) replacing the above.
        weekly_budget: most visits planned per run week (days 0-6, 7-13, ...), all teams together.
        selection: which accounts join the queue and its order.
        outcomes: what visits find.
        outcomes_by_segment: what visits find, per segment name (replaces `outcomes` for that segment).
        nobody_home_by_hour: factors on nobody_home by the visit's local start hour (bands that do
            not overlap; outside them 1).
        nobody_home_by_weekday: factors on nobody_home by the visit's local weekday (not named: 1).
        zones: where the accounts live (shares add up to 1).
        postcodes: the zone table of imported postcodes.
    """

    agents: FieldAgents = FieldAgents()
    teams: tuple[FieldGroup, ...] = ()
    visiting_start: TimeOfDay = 9 * 3600
    visiting_end: ClosingTime = 19 * 3600
    days: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat")
    holiday_region: str = "IT"
    max_visits: int = Field(default=1, ge=1, le=100)
    per_days: int = Field(default=7, ge=1, le=365)
    by_region: dict[str, VisitRules] = Field(default_factory=dict)
    weekly_budget: int = Field(default=200, ge=1, le=1_000_000)
    selection: VisitSelection = VisitSelection()
    outcomes: VisitOutcomes = VisitOutcomes()
    outcomes_by_segment: dict[str, VisitOutcomes] = Field(default_factory=dict)
    nobody_home_by_hour: tuple[HourBand, ...] = ()
    nobody_home_by_weekday: dict[Weekday, float] = Field(default_factory=dict)
    zones: tuple[Zone, ...] = Field(default_factory=_default_zones, min_length=1)
    postcodes: tuple[Postcode, ...] = ()

    @field_validator("nobody_home_by_weekday")
    @classmethod
    def _factors(cls, value: dict[str, float]) -> dict[str, float]:
        for day, factor in value.items():
            if not 0 <= factor <= 10:
                raise ValueError(f"{day} = {factor:g} is not a factor from 0 to 10")
        return value

    @model_validator(mode="after")
    def _rules(self) -> FieldVisits:
        _check_hours_and_days(self.visiting_start, self.visiting_end, self.days)
        for region in self.by_region:
            try:
                check_region(region)
            except ValueError as exc:
                raise ValueError(f"by_region: {exc}") from None
        total = sum(z.share for z in self.zones)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the zones' shares add up to {total:g}; they split the accounts, so they must add"
                             " up to 1")
        zones = [z.name for z in self.zones]
        if len(set(zones)) != len(zones):
            raise ValueError(f"zone names {zones} repeat; give every zone its own name")
        bands = sorted(self.nobody_home_by_hour, key=lambda b: b.start)
        for a, b in zip(bands, bands[1:], strict=False):
            if b.start < a.end:
                raise ValueError(f"nobody_home_by_hour bands starting {format_time_of_day(a.start)} and"
                                 f" {format_time_of_day(b.start)} overlap; let each hour fall in one band")
        self._check_teams(zones)
        self._check_postcodes(zones)
        return self

    def _check_teams(self, zones: list[str]) -> None:
        if not self.teams:
            return
        if self.agents != FieldAgents():
            raise ValueError("give either agents (one team for every zone) or teams (with territories), not both;"
                             " move the agents' settings into the teams")
        names = [t.name for t in self.teams]
        if len(set(names)) != len(names):
            raise ValueError(f"team names {names} repeat; give every team its own name")
        owner: dict[str, str] = {}
        for team in self.teams:
            for zone in team.zones:
                if zone not in zones:
                    raise ValueError(f"team {team.name!r} covers zone {zone!r}, which is not a zone; use some of"
                                     f" {zones}")
                if zone in owner:
                    raise ValueError(f"zone {zone!r} is in the territories of teams {owner[zone]!r} and {team.name!r};"
                                     " give each zone to one team")
                owner[zone] = team.name
        rest = [t.name for t in self.teams if not t.zones]
        if len(rest) > 1:
            raise ValueError(f"teams {rest} list no zones; only one team may take the zones no other team covers")
        uncovered = [z for z in zones if z not in owner]
        if uncovered and not rest:
            raise ValueError(f"zone(s) {uncovered} are in no team's territory; add them to a team's zones or leave"
                             " one team's zones empty (it takes the rest)")

    def _check_postcodes(self, zones: list[str]) -> None:
        seen: set[str] = set()
        for p in self.postcodes:
            key = postcode_key(p.code)
            if key in seen:
                raise ValueError(f"postcode {p.code!r} is in the zone table twice; keep one row per postcode")
            seen.add(key)
            if p.zone not in zones:
                raise ValueError(f"postcode {p.code!r} lies in zone {p.zone!r}, which is not a zone; use one of"
                                 f" {zones}")

    def groups(self) -> tuple[FieldGroup, ...]:
        """The teams, or the single team `agents` (named "field") covering every zone."""
        if self.teams:
            return self.teams
        return (FieldGroup(name="field", zones=(), **self.agents.model_dump()),)

    def team_of_zone(self) -> list[int]:
        """Each zone's team (index into `groups()`), in the order of `zones`."""
        groups = self.groups()
        rest = next((k for k, g in enumerate(groups) if not g.zones), -1)
        of = {zone: k for k, g in enumerate(groups) for zone in g.zones}
        return [of.get(z.name, rest) for z in self.zones]

    def default_rules(self) -> VisitRules:
        """The rules of debtors whose jurisdiction has no `by_region` entry."""
        return VisitRules(visiting_start=self.visiting_start, visiting_end=self.visiting_end, days=self.days,
                          no_holidays=bool(self.holiday_region), max_visits=self.max_visits, per_days=self.per_days)

    def rules_for(self, region: str) -> VisitRules:
        """The visit rules of a debtor of jurisdiction `region` ("" = none of their own)."""
        return self.by_region.get(region) or self.default_rules()

    def holiday_jurisdiction(self, region: str) -> str:
        """Whose public holidays a debtor of `region` rests on ("" = none)."""
        if not self.rules_for(region).no_holidays:
            return ""
        return region or self.holiday_region

    def outcomes_of(self, segment: str) -> VisitOutcomes:
        """What visits find for a debtor of `segment`."""
        return self.outcomes_by_segment.get(segment, self.outcomes)

    def home_factor(self, weekday: int, local_s: float) -> float:
        """The factor on nobody_home of a visit starting at `local_s` seconds of a local `weekday` (0 = Monday)."""
        factor = self.nobody_home_by_weekday.get(WEEKDAYS[weekday], 1.0)
        for band in self.nobody_home_by_hour:
            if band.start <= local_s < band.end:
                factor *= band.factor
        return factor

    def weekday_allowed(self, weekday: int) -> bool:
        """Whether the teams work on `weekday` (0 = Monday, as `date.weekday()`)."""
        return WEEKDAYS[weekday] in self.days
