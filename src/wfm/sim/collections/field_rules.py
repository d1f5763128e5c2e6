"""An independent audit of the home visits made against the visit rules of each debtor's jurisdiction.

The field teams (`wfm.sim.collections.field`) plan on the run's `LocalClock` and their own
holiday tables; `FieldAuditor` re-checks every visit made with the outbound auditor's own
zoneinfo clock (`compliance.Auditor.local`: no table of the dialer's), its own reading of which
rules apply to a debtor (the `by_region` entry of the debtor's jurisdiction, else the top-level
rules) and its own `holidays` lookups, so a planner that visits at the wrong local hour, on a
Sunday or holiday of the debtor's region, or too often, shows up as violations.

Every visit made counts, whatever it found (a void visit too: the agent rang the bell).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Protocol

from wfm.scenario import DAY_S, WEEKDAYS
from wfm.scenario.field import FieldVisits

FIELD_RULES: tuple[str, ...] = ("hours", "weekday", "holiday", "frequency")
"""The visit rules the auditor counts violations of, in the order of `StrategySeries.field_violations`."""
HOURS, WEEKDAY, HOLIDAY, FREQUENCY = range(len(FIELD_RULES))
SLACK_S = 1e-6  # float noise allowed on the instants compared with the visiting hours


class Clock(Protocol):
    """The auditor's clock: (real instant, local wall seconds since the start date's midnight) of run time `t`."""

    def local(self, zone: int, t: float) -> tuple[float, float]:
        """`compliance.Auditor.local`."""
        ...


class FieldAuditor:
    """Counts the visits that break a rule of their debtor's jurisdiction (zero for a correct planner)."""

    def __init__(self, spec: FieldVisits, start: date, clock: Clock, account_zone: Sequence[int],
                 account_region: Sequence[str]) -> None:
        self.spec = spec
        self.start = start
        self.clock = clock
        self.account_zone = account_zone
        self.account_region = account_region
        self.holidays: dict[tuple[str, int], set[date]] = {}  # (jurisdiction, year) -> its holidays, as met
        self.visits: dict[int, list[int]] = {}  # account -> local days of its visits
        self.violations = [0] * len(FIELD_RULES)

    def _rules(self, region: str) -> tuple[int, int, tuple[str, ...], str, int, int]:
        """(start, end, days, holiday jurisdiction, max visits, per days) for a debtor of `region`."""
        spec = self.spec
        own = spec.by_region.get(region)
        if own is not None:
            return (own.visiting_start, own.visiting_end, own.days, region if own.no_holidays else "",
                    own.max_visits, own.per_days)
        jurisdiction = (region or spec.holiday_region) if spec.holiday_region else ""
        return spec.visiting_start, spec.visiting_end, spec.days, jurisdiction, spec.max_visits, spec.per_days

    def _is_holiday(self, jurisdiction: str, day: date) -> bool:
        if not jurisdiction:
            return False
        key = (jurisdiction, day.year)
        if key not in self.holidays:
            import holidays  # here: only runs with visits need the package

            country, _, subdivision = jurisdiction.partition("-")
            self.holidays[key] = set(holidays.country_holidays(country, subdiv=subdivision or None, years=day.year))
        return day in self.holidays[key]

    def visit(self, a: int, start_t: float, end_t: float) -> None:
        """Check the visit to `a` from run time `start_t` to `end_t` against its debtor's rules."""
        zone = self.account_zone[a]
        _, local_start = self.clock.local(zone, start_t)
        _, local_end = self.clock.local(zone, end_t)
        local_day = int(local_start // DAY_S)
        opens, closes, days, jurisdiction, max_visits, per_days = self._rules(self.account_region[a])
        v = self.violations
        if (local_start - local_day * DAY_S < opens - SLACK_S
                or local_end - local_day * DAY_S > closes + SLACK_S):
            v[HOURS] += 1
        when = self.start + timedelta(days=local_day)
        if WEEKDAYS[when.weekday()] not in days:
            v[WEEKDAY] += 1
        if self._is_holiday(jurisdiction, when):
            v[HOLIDAY] += 1
        past = self.visits.setdefault(a, [])
        if sum(1 for d in past if local_day - d < per_days) >= max_visits:
            v[FREQUENCY] += 1
        past.append(local_day)
