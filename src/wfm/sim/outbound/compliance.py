"""Contact rules enforced on every attempt, and an independent audit of the attempts made.

`ContactRules` is what the dialer asks before each dial ("may I call account a now?"); it
keeps the per-account state the rules need in flat lists sized by the portfolio (O(1) per
check: the rolling 7-day cap is a ring of the last k attempt times). It works on real instants
and the debtor's local day, both from the dialer's `LocalClock`, so every interval is real
elapsed time and every per-day cap counts the debtor's local date.

`Auditor` re-checks every attempt with separate, deliberately plain bookkeeping AND its own
clock: it turns the run's time into a real instant and the debtor's local time with its own
zoneinfo calls, never with the dialer's tables, so a wrong dialer clock shows up as violations
instead of going unnoticed.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from wfm.scenario import WEEKDAYS
from wfm.scenario.outbound import Rules, Window, parse_tz
from wfm.scenario.units import DAY_S, HOUR_S, MINUTE_S, WEEK_S
from wfm.sim.outbound.result import RULES

(WINDOW, HOLIDAY, MAX_7D, REST_RPC, MAX_DAY, MAX_CONTACTS, DROP_REDIAL, MIN_GAP, DROP_CAP, AMD_REDIAL,
 SILENCE) = range(len(RULES))
NEVER = -math.inf
SILENCE_SLACK_S = 1e-6  # seconds of float noise allowed on instants the auditor compares with the dialer's


def holiday_years(start: date, horizon_days: int) -> range:
    """The years whose holidays a run can meet (local dates run a day past either end of the horizon)."""
    return range((start - timedelta(days=1)).year, (start + timedelta(days=horizon_days + 1)).year + 1)


def public_holidays(region: str, years: range) -> set[date]:
    """The public holidays of jurisdiction `region` ("IT", "US-NY") in `years`, from the `holidays` package."""
    import holidays  # here: only runs with debtor holidays need the package

    country, _, subdivision = region.partition("-")
    return set(holidays.country_holidays(country, subdiv=subdivision or None, years=list(years)))


def debtor_regions(rules: Rules, region_names: Sequence[str]) -> list[tuple[str, ...]]:
    """Each account region's holiday jurisdictions: its own, or the rules' for accounts without one ("")."""
    return [(name,) if name else rules.holiday_regions for name in region_names]


class LocalCalendar:
    """Calling windows by local weekday and the debtors' public holidays, as plain tuples for the hot path.

    Holidays are the debtor's (their account's region, else the rules' `holiday_regions`), on
    their local date, when the rules say `no_holidays`; the center's own closing days are not
    here (they close the center: nobody works then).
    """

    def __init__(self, rules: Rules, start: date, horizon_days: int = 0, region_names: Sequence[str] = ("",)) -> None:
        self.start_weekday = start.weekday()
        self.windows: list[tuple[int, int] | None] = []
        for name in WEEKDAYS:
            w = rules.windows.get(name)
            self.windows.append((int(w.start), int(w.end)) if w is not None else None)
        self.holiday_days: list[set[int]] = []  # by account region: local days that are public holidays
        years = holiday_years(start, horizon_days)
        for regions in debtor_regions(rules, region_names):
            dates = set().union(*(public_holidays(r, years) for r in regions)) if rules.no_holidays else set()
            self.holiday_days.append({(h - start).days for h in dates})
        self.any_holidays = any(self.holiday_days)

    def weekday(self, local_day: int) -> int:
        """0 = Monday, for local day `local_day` counted from the run's first date."""
        return (self.start_weekday + local_day) % 7

    def window_rule(self, local_day: int, local_s: float) -> int:
        """WINDOW when the calling window is closed at this local time, else -1."""
        w = self.windows[(self.start_weekday + local_day) % 7]
        if w is None or not w[0] <= local_s < w[1]:
            return WINDOW
        return -1

    def closed_rule(self, local_day: int, local_s: float, region: int = 0) -> int:
        """HOLIDAY or WINDOW when no call is allowed at this local time to a debtor of `region`, else -1."""
        if local_day in self.holiday_days[region]:
            return HOLIDAY
        return self.window_rule(local_day, local_s)


class ContactRules:
    """Per-account rule state and the check the dialer makes before every attempt.

    Every time given to it is a real instant (`LocalClock.real`), every day a debtor's local day.

    Reg F §1006.14(b)(3) reading (unless the stricter `count_consented_calls` /
    `count_unconnected_calls`): a call placed while the debtor's consent is fresh (a callback
    they asked for, from the time asked until 7 days after they asked) is not counted in the
    7-in-7 cap and may be placed during the 7-day rest after a conversation; a call that does
    not connect to the dialed number (busy, not in service) leaves the 7-day count once its
    outcome is known (while it rings it counts: it may yet connect).
    """

    def __init__(self, rules: Rules, n_accounts: int, callback_delay_s: float) -> None:
        self.max_7d = rules.max_attempts_7d
        self.rest_rpc_s = rules.rest_after_rpc_days * DAY_S
        self.max_day = rules.max_attempts_day
        self.max_contacts = rules.max_contacts_day
        self.drop_gap_s = rules.no_redial_after_drop_h * HOUR_S
        self.amd_gap_s = rules.no_redial_after_amd_h * HOUR_S
        self.min_gap_s = rules.min_gap_min * MINUTE_S
        self.consent_counts = rules.count_consented_calls
        self.unconnected_counts = rules.count_unconnected_calls
        self.callback_delay_s = callback_delay_s
        self.last_attempt = [NEVER] * n_accounts
        self.last_rpc = [NEVER] * n_accounts
        self.last_drop = [NEVER] * n_accounts
        self.last_amd: dict[tuple[int, int], float] = {}  # (account, phone) -> when AMD last hung up on a machine
        self.consent_from = [math.inf] * n_accounts  # a callback the debtor asked for: consented calls from ...
        self.consent_until = [NEVER] * n_accounts  # ... until 7 days after they asked
        self.day_stamp = [-(10**9)] * n_accounts  # local day of the counts below
        self.day_attempts = [0] * n_accounts
        self.day_contacts = [0] * n_accounts
        # The real instants of the last 7 days' attempts that the 7-day cap counts, oldest first.
        self.counted: list[list[float]] = [[] for _ in range(n_accounts)] if self.max_7d else []

    def consented(self, a: int, now: float) -> bool:
        """Whether a call to `a` at `now` is placed with consent the Reg F counts leave out."""
        return not self.consent_counts and self.consent_from[a] <= now <= self.consent_until[a]

    def account_rule(self, a: int, now: float, local_day: int, phone: int = 0, bound: bool = True) -> int:
        """The first per-account rule that forbids calling number `phone` of `a` at instant `now`, or -1.

        `bound`: an agent is guaranteed for the call (Ofcom's AMD rule does not hold such calls back).
        """
        consented = self.consented(a, now)
        if self.rest_rpc_s and not consented and now - self.last_rpc[a] < self.rest_rpc_s:
            return REST_RPC
        if self.drop_gap_s and now - self.last_drop[a] < self.drop_gap_s:
            return DROP_REDIAL
        if self.amd_gap_s and not bound and now - self.last_amd.get((a, phone), NEVER) < self.amd_gap_s:
            return AMD_REDIAL
        if self.max_7d and not consented:
            recent = self.counted[a]
            while recent and now - recent[0] >= WEEK_S:
                recent.pop(0)
            if len(recent) >= self.max_7d:
                return MAX_7D
        if self.day_stamp[a] == local_day:
            if self.max_day and self.day_attempts[a] >= self.max_day:
                return MAX_DAY
            if self.max_contacts and self.day_contacts[a] >= self.max_contacts:
                return MAX_CONTACTS
        if self.min_gap_s and now - self.last_attempt[a] < self.min_gap_s:
            return MIN_GAP
        return -1

    def _today(self, a: int, local_day: int) -> None:
        if self.day_stamp[a] != local_day:
            self.day_stamp[a] = local_day
            self.day_attempts[a] = 0
            self.day_contacts[a] = 0

    def record_attempt(self, a: int, now: float, local_day: int) -> None:
        """An attempt to `a` was dialed (dropped calls count like any other)."""
        self.last_attempt[a] = now
        self._today(a, local_day)
        self.day_attempts[a] += 1
        if self.max_7d and not self.consented(a, now):
            self.counted[a].append(now)

    def unconnected(self, a: int, dialed: float) -> None:
        """The attempt dialed at instant `dialed` did not connect (busy, not in service): Reg F does not count it."""
        if self.max_7d and not self.unconnected_counts and dialed in self.counted[a]:
            self.counted[a].remove(dialed)

    def record_rpc(self, a: int, end: float, local_day: int, callback: bool) -> None:
        """A right-party conversation with `a` ended at `end` (dialed on local day `local_day`).

        `callback`: the debtor asked to be called back: calls from the time asked until 7 days
        after this conversation are placed with their consent (§1006.14(b)(3)(i)).
        """
        self.last_rpc[a] = end
        self._today(a, local_day)
        self.day_contacts[a] += 1
        if callback:
            self.consent_from[a] = end + self.callback_delay_s
            self.consent_until[a] = end + WEEK_S

    def record_drop(self, a: int, now: float) -> None:
        """A live answer of `a` was dropped."""
        self.last_drop[a] = now

    def record_amd(self, a: int, phone: int, now: float) -> None:
        """AMD detected a machine on number `phone` of `a` and hung up."""
        self.last_amd[(a, phone)] = now


MINUTE = timedelta(minutes=1)


class Auditor:
    """Independent re-check of each attempt against the rules, from the history of the account.

    Keeps full recent histories (lists of real instants) rather than the dialer's rings and
    stamps, and counts every attempt that breaks a rule; a correct dialer leaves every count at 0.
    It is given only the run's time and the account: the real instant and the debtor's local
    date and time come from its own zoneinfo conversions (`instant`, `local`), cached per zone
    and simulated hour when the offsets do not change within that hour.
    """

    def __init__(self, rules: Rules, start: date, center_tz: str, zones: Sequence[str], account_zone: Sequence[int],
                 callback_delay_s: float = 0.0, account_region: Sequence[str] = (), horizon_days: int = 0) -> None:
        """Set up the audit of one run.

        `account_region`: each account's holiday jurisdiction ("" = the rules'); its holidays are the
        auditor's own `holidays` lookups, judged on the debtor's local date.
        """
        self.rules = rules
        self.callback_delay_s = callback_delay_s
        self.start = start
        self.wall0 = datetime.combine(start, time())
        self.utc0 = datetime.combine(start, time(), tzinfo=UTC)
        self.center = parse_tz(center_tz)
        self.zones: list[tzinfo] = [parse_tz(z) for z in zones]
        self.account_zone = account_zone
        self.account_region = account_region
        self.holidays: dict[str, set[date]] = {}  # region name -> its public holidays (the rules' for "")
        if rules.no_holidays:
            years = holiday_years(start, horizon_days)
            for name in set(account_region) | {""}:
                self.holidays[name] = set().union(*(public_holidays(r, years) for r in ((name,) if name else
                                                                                         rules.holiday_regions)))
        self.hour_cache: dict[tuple[int, int], tuple[float, float] | None] = {}
        self.day_rules: dict[int, tuple[Window | None, date]] = {}
        self.attempts: dict[int, deque[tuple[float, int]]] = {}  # account -> [(instant, local day)], oldest first
        self.uncounted: set[tuple[int, float]] = set()  # (account, instant) of attempts Reg F leaves out of 7 in 7
        self.rpcs: dict[int, list[tuple[float, int]]] = {}  # account -> [(end instant, local day of the dial)]
        self.consent: dict[int, tuple[float, float]] = {}  # account -> (from, until) instants of a callback asked for
        self.drops: dict[int, float] = {}
        self.machines: dict[tuple[int, int], float] = {}  # (account, phone) -> AMD hung up on a machine
        self.violations = [0] * len(RULES)
        # How far back a rule can look: 7 days of attempts (plus a day of slack), the rest period
        # after an RPC or today's contact count, the no-redial time after a drop.
        self.attempt_memory_s = WEEK_S + DAY_S
        self.rpc_memory_s = (max(rules.rest_after_rpc_days, 1) + 1) * DAY_S
        self.drop_memory_s = rules.no_redial_after_drop_h * HOUR_S
        self._swept_day = 0

    # -- its own clock --------------------------------------------------------------------------

    def instant(self, t: float) -> float:
        """Real instant (seconds since midnight UTC of the start date) of the run's time `t`.

        A wall time in the spring gap stands for the change itself (the first wall time after it).
        """
        wall = self.wall0 + timedelta(seconds=t)
        utc = wall.replace(tzinfo=self.center).astimezone(UTC)
        if utc.astimezone(self.center).replace(tzinfo=None) != wall:
            later = wall.replace(second=0, microsecond=0) + MINUTE
            while (utc := later.replace(tzinfo=self.center).astimezone(UTC)).astimezone(
                    self.center).replace(tzinfo=None) != later:
                later += MINUTE
        return (utc - self.utc0).total_seconds()

    def zone_offset(self, zone: int, real: float) -> float:
        """UTC offset (seconds) of zone `zone` at instant `real`."""
        offset = (self.utc0 + timedelta(seconds=real)).astimezone(self.zones[zone]).utcoffset()
        return offset.total_seconds() if offset is not None else 0.0

    def local(self, zone: int, t: float) -> tuple[float, float]:
        """(real instant, local wall seconds since the start date's midnight) in `zone` at run time `t`."""
        hour = int(t // HOUR_S)
        key = (zone, hour)
        if key not in self.hour_cache:
            # One (center, debtor) offset pair serves the whole simulated hour when both ends agree.
            first, last = hour * HOUR_S, (hour + 1) * HOUR_S - 1
            r0, r1 = self.instant(first), self.instant(last)
            same = r1 - r0 == last - first and self.zone_offset(zone, r0) == self.zone_offset(zone, r1)
            self.hour_cache[key] = (first - r0, self.zone_offset(zone, r0)) if same else None
        cached = self.hour_cache[key]
        if cached is None:
            real = self.instant(t)
            return real, real + self.zone_offset(zone, real)
        real = t - cached[0]
        return real, real + cached[1]

    # -- the checks -----------------------------------------------------------------------------

    def check(self, a: int, t: float, phone: int = 0, bound: bool = True) -> None:
        """Count the rules that an attempt to number `phone` of `a` dialed at run time `t` breaks.

        `bound`: an agent was guaranteed for the call. Reg F's exclusions (§1006.14(b)(3)) are
        read as the law has them: a call with fresh consent (a callback asked for, within 7 days
        of asking) is neither counted nor held by the rest; a call known not to have connected
        is not counted; this call is judged as one that counts (its outcome is not known yet).
        """
        r, v = self.rules, self.violations
        now, local = self.local(self.account_zone[a], t)
        window_of_consent = self.consent.get(a)
        consented = (not r.count_consented_calls and window_of_consent is not None
                     and window_of_consent[0] - SILENCE_SLACK_S <= now <= window_of_consent[1] + SILENCE_SLACK_S)
        local_day = int(local // DAY_S)
        local_s = local - local_day * DAY_S
        if now // DAY_S > self._swept_day:
            self._sweep(now)
        window, local_date = self.day_rules.get(local_day) or self._day_rules(local_day)
        if window is None or not (window.start <= local_s < window.end):
            v[WINDOW] += 1
        if self.holidays and local_date in self.holidays[self.account_region[a] if self.account_region else ""]:
            v[HOLIDAY] += 1
        past = self.attempts.get(a)
        if past is None:
            past = self.attempts[a] = deque()
        else:  # in time order: forget from the left what no rule can look at any more
            while past and now - past[0][0] >= self.attempt_memory_s:
                past.popleft()
        week = [s for s, _ in past if now - s < WEEK_S] if r.max_attempts_7d or r.min_gap_min else []
        if (r.max_attempts_7d and not consented
                and sum(1 for s in week if (a, s) not in self.uncounted) + 1 > r.max_attempts_7d):
            v[MAX_7D] += 1
        rpcs = self.rpcs.get(a, ())
        if (r.rest_after_rpc_days and not consented
                and any(now - end < r.rest_after_rpc_days * DAY_S for end, _ in rpcs)):
            v[REST_RPC] += 1
        if (r.no_redial_after_amd_h and not bound
                and now - self.machines.get((a, phone), NEVER) < r.no_redial_after_amd_h * HOUR_S):
            v[AMD_REDIAL] += 1
        if r.max_attempts_day and sum(1 for _, d in past if d == local_day) + 1 > r.max_attempts_day:
            v[MAX_DAY] += 1
        if r.max_contacts_day and sum(1 for _, d in rpcs if d == local_day) >= r.max_contacts_day:
            v[MAX_CONTACTS] += 1
        if r.no_redial_after_drop_h and now - self.drops.get(a, NEVER) < r.no_redial_after_drop_h * HOUR_S:
            v[DROP_REDIAL] += 1
        if r.min_gap_min and week and now - max(week) < r.min_gap_min * MINUTE_S:
            v[MIN_GAP] += 1
        past.append((now, local_day))
        if consented:
            self.uncounted.add((a, now))

    def _day_rules(self, local_day: int) -> tuple[Window | None, date]:
        """(calling window, date) of the debtor's local day `local_day`, worked out once per day."""
        rules = self.day_rules.get(local_day)
        if rules is None:
            local_date = self.start + timedelta(days=local_day)
            rules = self.day_rules[local_day] = (self.rules.windows.get(WEEKDAYS[local_date.weekday()]), local_date)
        return rules

    def _sweep(self, now: float) -> None:
        """Once a day, forget the accounts whose history no rule can look at any more.

        Per-account pruning only happens when an account is dialed again; without this sweep
        the histories of accounts left alone (paid, resting, exhausted) would pile up with the horizon.
        """
        self._swept_day = int(now // DAY_S)
        self.attempts = {a: h for a, h in self.attempts.items() if now - h[-1][0] < self.attempt_memory_s}
        self.rpcs = {a: h for a, h in self.rpcs.items() if now - h[-1][0] < self.rpc_memory_s}
        self.drops = {a: t for a, t in self.drops.items() if now - t < self.drop_memory_s}
        self.uncounted = {(a, s) for a, s in self.uncounted if now - s < self.attempt_memory_s}
        amd_memory_s = self.rules.no_redial_after_amd_h * HOUR_S
        self.machines = {k: s for k, s in self.machines.items() if now - s < amd_memory_s}

    def unconnected(self, a: int, t_dialed: float) -> None:
        """The attempt to `a` dialed at run time `t_dialed` did not connect (busy, not in service)."""
        if not self.rules.count_unconnected_calls:
            self.uncounted.add((a, self.local(self.account_zone[a], t_dialed)[0]))  # the instant `check` noted

    def machine(self, a: int, phone: int, t: float) -> None:
        """Note that AMD detected a machine on number `phone` of `a` and hung up at run time `t`."""
        self.machines[(a, phone)] = self.local(self.account_zone[a], t)[0]

    def silence(self, t_pickup: float, t_connect: float) -> None:
        """A live answer picked up at `t_pickup` reached an agent at `t_connect`: within the 2-second rule?"""
        limit = self.rules.max_silence_s
        if limit and self.instant(t_connect) - self.instant(t_pickup) > limit + SILENCE_SLACK_S:
            self.violations[SILENCE] += 1

    def rpc(self, a: int, t: float, callback: bool = False) -> None:
        """Note a right-party conversation that ended at run time `t` (it counts on the local day of its dial).

        `callback`: the debtor asked to be called back (consent from the time asked until 7 days after).
        """
        end, local = self.local(self.account_zone[a], t)
        if callback:
            self.consent[a] = (end + self.callback_delay_s, end + WEEK_S)
        history = self.attempts.get(a)
        dial_day = history[-1][1] if history else int(local // DAY_S)
        keep = [(s, d) for s, d in self.rpcs.get(a, []) if end - s < self.rpc_memory_s]
        keep.append((end, dial_day))
        self.rpcs[a] = keep

    def drop(self, a: int, t: float) -> None:
        """Note a dropped live answer at run time `t`."""
        self.drops[a] = self.local(self.account_zone[a], t)[0]
