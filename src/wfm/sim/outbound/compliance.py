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

Rule packs (`Compliance.packs`): each account is judged by the rules of its jurisdiction's pack.
The dialer's side indexes them by a small int per account (`account_packs`: the pack id), so
the hot path reads `limits[pack[a]]`, never a dict keyed by jurisdiction. The auditor finds each
account's pack on its own, from the account's region and the packs' names, so a dialer that
applies the wrong pack to an account is caught. Blocks and violations are counted per pack:
flat lists of `len(packs) × len(RULES)`, pack p's rule r at `p * len(RULES) + r`.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from wfm.scenario import WEEKDAYS
from wfm.scenario.outbound import DEFAULT_PACK, Compliance, RulePack, Rules, Window, parse_tz
from wfm.scenario.units import DAY_S, HOUR_S, MINUTE_S, WEEK_S
from wfm.sim.outbound.result import RULES

(WINDOW, HOLIDAY, MAX_7D, REST_RPC, MAX_DAY, MAX_CONTACTS, DROP_REDIAL, MIN_GAP, DROP_CAP, AMD_REDIAL,
 SILENCE, CHANNEL_WEEK) = range(len(RULES))
NO_WEEK = -(10**9)
NEVER = -math.inf
SILENCE_SLACK_S = 1e-6  # seconds of float noise allowed on instants the auditor compares with the dialer's


def _same_week(a: date, b: date) -> bool:
    """Whether two dates fall in the same calendar week (ISO: Monday to Sunday)."""
    return a.isocalendar()[:2] == b.isocalendar()[:2]


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


def account_packs(compliance: Compliance, region_names: Sequence[str], region: Sequence[int]) -> list[int]:
    """Each account's rule pack (index into `compliance.packs()`), from its region (index into `region_names`)."""
    of_region = [compliance.pack_index(name) for name in region_names]
    return [of_region[r] for r in region]


class LocalCalendar:
    """Calling windows by local weekday and the debtors' public holidays, as plain tuples for the hot path.

    Windows are per rule pack; holidays per calendar key, one per (pack, region): `key(pack,
    region)` = pack × regions + region, so with one pack the key is the account's region index.
    A debtor's holidays are their account region's (else their pack's `holiday_regions`), on
    their local date, when their pack says `no_holidays`. The center's own closing days are not
    here (they close the center: nobody works then).
    """

    def __init__(self, packs: Rules | Sequence[Rules], start: date, horizon_days: int = 0,
                 region_names: Sequence[str] = ("",)) -> None:
        """`packs`: one set of rules for every debtor, or one per rule pack; `region_names`: the accounts' regions."""
        packs = [packs] if isinstance(packs, Rules) else list(packs)
        self.start_weekday = start.weekday()
        self.n_regions = len(region_names)
        self.windows: list[list[tuple[int, int] | None]] = []  # by pack, by weekday
        for rules in packs:
            by_day: list[tuple[int, int] | None] = []
            for name in WEEKDAYS:
                w = rules.windows.get(name)
                by_day.append((int(w.start), int(w.end)) if w is not None else None)
            self.windows.append(by_day)
        years = holiday_years(start, horizon_days)
        known: dict[str, set[date]] = {}  # jurisdiction -> its holidays, looked up once

        def holidays_of(regions: tuple[str, ...]) -> set[date]:
            for r in regions:
                if r not in known:
                    known[r] = public_holidays(r, years)
            return set().union(*(known[r] for r in regions))

        self.holiday_days: list[set[int]] = []  # by calendar key: local days that are public holidays
        for rules in packs:
            for regions in debtor_regions(rules, region_names):
                dates = holidays_of(regions) if rules.no_holidays else set()
                self.holiday_days.append({(h - start).days for h in dates})
        self.any_holidays = any(self.holiday_days)

    def key(self, pack: int, region: int) -> int:
        """The calendar key of a debtor of rule pack `pack` and region `region` (index into the region names)."""
        return pack * self.n_regions + region

    def weekday(self, local_day: int) -> int:
        """0 = Monday, for local day `local_day` counted from the run's first date."""
        return (self.start_weekday + local_day) % 7

    def window_rule(self, local_day: int, local_s: float, pack: int = 0) -> int:
        """WINDOW when pack `pack`'s calling window is closed at this local time, else -1."""
        w = self.windows[pack][(self.start_weekday + local_day) % 7]
        if w is None or not w[0] <= local_s < w[1]:
            return WINDOW
        return -1

    def closed_rule(self, local_day: int, local_s: float, key: int = 0) -> int:
        """HOLIDAY or WINDOW when no call is allowed at this local time to a debtor of calendar key `key`, else -1.

        With one rule pack the key is the debtor's region (index into the region names).
        """
        if local_day in self.holiday_days[key]:
            return HOLIDAY
        return self.window_rule(local_day, local_s, key // self.n_regions)


class PackLimits:
    """One pack's per-account limits in the units the hot path compares (seconds, counts, flags)."""

    __slots__ = ("amd_gap_s", "consent_counts", "drop_gap_s", "max_7d", "max_contacts", "max_day", "min_gap_s",
                 "one_channel_week", "rest_rpc_s", "unconnected_counts")

    def __init__(self, rules: Rules) -> None:
        self.max_7d = rules.max_attempts_7d
        self.rest_rpc_s = rules.rest_after_rpc_days * DAY_S
        self.max_day = rules.max_attempts_day
        self.max_contacts = rules.max_contacts_day
        self.drop_gap_s = rules.no_redial_after_drop_h * HOUR_S
        self.amd_gap_s = rules.no_redial_after_amd_h * HOUR_S
        self.min_gap_s = rules.min_gap_min * MINUTE_S
        self.consent_counts = rules.count_consented_calls
        self.unconnected_counts = rules.count_unconnected_calls
        self.one_channel_week = rules.one_channel_per_week


class ContactRules:
    """Per-account rule state and the check the dialer makes before every attempt.

    Every time given to it is a real instant (`LocalClock.real`), every day a debtor's local day.
    Each account is held to its own pack's limits (`pack[a]` indexes `limits`).

    Reg F §1006.14(b)(3) reading (unless the stricter `count_consented_calls` /
    `count_unconnected_calls`): a call placed while the debtor's consent is fresh (a callback
    they asked for, from the time asked until 7 days after they asked) is not counted in the
    7-in-7 cap and may be placed during the 7-day rest after a conversation; a call that does
    not connect to the dialed number (busy, not in service) leaves the 7-day count once its
    outcome is known (while it rings it counts: it may yet connect).
    """

    def __init__(self, rules: Rules | Sequence[Rules], n_accounts: int, callback_delay_s: float,
                 pack: Sequence[int] | None = None, start_weekday: int = 0) -> None:
        """`rules`: one set for every account, or one per pack with `pack` giving each account's (default: 0).

        `start_weekday`: weekday of the run's first date (0 = Monday), for the debtors' calendar weeks.
        """
        self.limits = [PackLimits(r) for r in ([rules] if isinstance(rules, Rules) else rules)]
        self.pack = list(pack) if pack is not None else [0] * n_accounts
        # Any pack's: whether the rules that need bookkeeping or a paced/bound split are in force at all.
        self.amd_gap_s = max(lim.amd_gap_s for lim in self.limits)
        self.max_7d = max(lim.max_7d for lim in self.limits)
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
        # Contacts by message (a collection strategy): the local week and channel of the last message,
        # the local week of the last right-party conversation (Ley 2300's one channel a week).
        self.start_weekday = start_weekday
        self.message_week = [NO_WEEK] * n_accounts
        self.message_channel = [-1] * n_accounts
        self.rpc_week = [NO_WEEK] * n_accounts

    def week(self, local_day: int) -> int:
        """The debtor's calendar week (Monday to Sunday) of local day `local_day`, counted from the run's."""
        return (local_day + self.start_weekday) // 7

    def consented(self, a: int, now: float) -> bool:
        """Whether a call to `a` at `now` is placed with consent the Reg F counts leave out."""
        return (not self.limits[self.pack[a]].consent_counts
                and self.consent_from[a] <= now <= self.consent_until[a])

    def account_rule(self, a: int, now: float, local_day: int, phone: int = 0, bound: bool = True) -> int:
        """The first per-account rule that forbids calling number `phone` of `a` at instant `now`, or -1.

        `bound`: an agent is guaranteed for the call (Ofcom's AMD rule does not hold such calls back).
        """
        r = self.limits[self.pack[a]]
        consented = not r.consent_counts and self.consent_from[a] <= now <= self.consent_until[a]
        if r.rest_rpc_s and not consented and now - self.last_rpc[a] < r.rest_rpc_s:
            return REST_RPC
        if r.drop_gap_s and now - self.last_drop[a] < r.drop_gap_s:
            return DROP_REDIAL
        if r.amd_gap_s and not bound and now - self.last_amd.get((a, phone), NEVER) < r.amd_gap_s:
            return AMD_REDIAL
        if r.max_7d and not consented:
            recent = self.counted[a]
            while recent and now - recent[0] >= WEEK_S:
                recent.pop(0)
            if len(recent) >= r.max_7d:
                return MAX_7D
        if self.day_stamp[a] == local_day:
            if r.max_day and self.day_attempts[a] >= r.max_day:
                return MAX_DAY
            if r.max_contacts and self.day_contacts[a] >= r.max_contacts:
                return MAX_CONTACTS
        if r.min_gap_s and now - self.last_attempt[a] < r.min_gap_s:
            return MIN_GAP
        if r.one_channel_week and self.message_week[a] == self.week(local_day):
            return CHANNEL_WEEK
        return -1

    def message_rule(self, a: int, local_day: int, channel: int) -> int:
        """The rule that forbids a message of `channel` to `a` on its local day `local_day`, or -1.

        A message is a contact: with a contact cap it is the day's contact (a conversation that
        day already took it), and under one channel a week it may not follow a conversation or a
        message of another channel in the same week.
        """
        r = self.limits[self.pack[a]]
        if r.max_contacts and self.day_stamp[a] == local_day and self.day_contacts[a] >= r.max_contacts:
            return MAX_CONTACTS
        week = self.week(local_day)
        if r.one_channel_week and (self.rpc_week[a] == week
                                   or (self.message_week[a] == week and self.message_channel[a] != channel)):
            return CHANNEL_WEEK
        return -1

    def record_message(self, a: int, local_day: int, channel: int) -> None:
        """A message of `channel` went out to `a` on its local day `local_day` (a contact that day and week)."""
        self._today(a, local_day)
        self.day_contacts[a] += 1
        self.message_week[a] = self.week(local_day)
        self.message_channel[a] = channel

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
        if self.limits[self.pack[a]].max_7d and not self.consented(a, now):
            self.counted[a].append(now)

    def unconnected(self, a: int, dialed: float) -> None:
        """The attempt dialed at instant `dialed` did not connect (busy, not in service): Reg F does not count it."""
        r = self.limits[self.pack[a]]
        if r.max_7d and not r.unconnected_counts and dialed in self.counted[a]:
            self.counted[a].remove(dialed)

    def record_rpc(self, a: int, end: float, local_day: int, callback: bool) -> None:
        """A right-party conversation with `a` ended at `end` (dialed on local day `local_day`).

        `callback`: the debtor asked to be called back: calls from the time asked until 7 days
        after this conversation are placed with their consent (§1006.14(b)(3)(i)).
        """
        self.last_rpc[a] = end
        self._today(a, local_day)
        self.day_contacts[a] += 1
        self.rpc_week[a] = self.week(local_day)
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
    and simulated hour when the offsets do not change within that hour. Each account is judged
    by its own rule pack, which the auditor finds itself from the account's region
    (`own_pack`), not from the dialer's pack ids.
    """

    def __init__(self, rules: Rules | Sequence[RulePack], start: date, center_tz: str, zones: Sequence[str],
                 account_zone: Sequence[int], callback_delay_s: float = 0.0, account_region: Sequence[str] = (),
                 horizon_days: int = 0) -> None:
        """Set up the audit of one run.

        `rules`: one set for every account, or the scenario's rule packs (`Compliance.packs`).
        `account_region`: each account's jurisdiction ("" = none); it picks the account's pack and
        its holidays (else its pack's `holiday_regions`), the auditor's own `holidays` lookups,
        judged on the debtor's local date.
        """
        packs = [RulePack(DEFAULT_PACK, (), rules)] if isinstance(rules, Rules) else list(rules)
        self.pack_rules = [pack.rules for pack in packs]
        self.rules = self.pack_rules[0]
        self.callback_delay_s = callback_delay_s
        self.start = start
        self.wall0 = datetime.combine(start, time())
        self.utc0 = datetime.combine(start, time(), tzinfo=UTC)
        self.center = parse_tz(center_tz)
        self.zones: list[tzinfo] = [parse_tz(z) for z in zones]
        self.account_zone = account_zone
        regions = list(account_region) or [""] * len(account_zone)
        names = {pack.name: i for i, pack in enumerate(packs)}
        pack_of: dict[str, int] = {}
        self.account_pack = [pack_of[r] if r in pack_of else pack_of.setdefault(r, own_pack(r, names))
                             for r in regions]
        # Each account's public holidays (one shared set per pack and region): empty unless its pack says no_holidays.
        years = holiday_years(start, horizon_days)
        shared: dict[tuple[int, str], set[date]] = {}
        for key in set(zip(self.account_pack, regions, strict=True)):
            pack_rules = self.pack_rules[key[0]]
            jurisdictions = (key[1],) if key[1] else pack_rules.holiday_regions
            shared[key] = (set().union(*(public_holidays(r, years) for r in jurisdictions))
                           if pack_rules.no_holidays else set())
        self.account_holidays = [shared[key] for key in zip(self.account_pack, regions, strict=True)]
        self.hour_cache: dict[tuple[int, int], tuple[float, float] | None] = {}
        self.day_rules: list[dict[int, tuple[Window | None, date]]] = [{} for _ in packs]
        self.attempts: dict[int, deque[tuple[float, int]]] = {}  # account -> [(instant, local day)], oldest first
        self.uncounted: set[tuple[int, float]] = set()  # (account, instant) of attempts Reg F leaves out of 7 in 7
        self.rpcs: dict[int, list[tuple[float, int]]] = {}  # account -> [(end instant, local day of the dial)]
        self.consent: dict[int, tuple[float, float]] = {}  # account -> (from, until) instants of a callback asked for
        self.drops: dict[int, float] = {}
        self.machines: dict[tuple[int, int], float] = {}  # (account, phone) -> AMD hung up on a machine
        self.messages: dict[int, list[tuple[float, int, date, int]]] = {}  # account -> [(instant, local day, date,
        # channel)] of the messages a collection strategy sent (contacts too)
        self.violations = [0] * (len(packs) * len(RULES))  # pack p's rule r at p * len(RULES) + r
        # How far back a rule can look (the longest of any pack): 7 days of attempts (plus a day of
        # slack), the rest period after an RPC or today's contact count, the no-redial time after a drop.
        self.attempt_memory_s = WEEK_S + DAY_S
        self.rpc_memory_s = (max(max(r.rest_after_rpc_days for r in self.pack_rules), 1) + 1) * DAY_S
        self.drop_memory_s = max(r.no_redial_after_drop_h for r in self.pack_rules) * HOUR_S
        self.amd_memory_s = max(r.no_redial_after_amd_h for r in self.pack_rules) * HOUR_S
        self._swept_day = 0
        # (instant, key) of every write to the histories below, in time order: the daily sweep reads
        # only the writes old enough to matter instead of every account with a history.
        self._written: dict[str, deque[tuple[float, Any]]] = {name: deque() for name in _HISTORIES}

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
        """Count the rules of its pack that an attempt to number `phone` of `a` dialed at run time `t` breaks.

        `bound`: an agent was guaranteed for the call. Reg F's exclusions (§1006.14(b)(3)) are
        read as the law has them: a call with fresh consent (a callback asked for, within 7 days
        of asking) is neither counted nor held by the rest; a call known not to have connected
        is not counted; this call is judged as one that counts (its outcome is not known yet).
        """
        pack = self.account_pack[a]
        r, v, base = self.pack_rules[pack], self.violations, pack * len(RULES)
        now, local = self.local(self.account_zone[a], t)
        window_of_consent = self.consent.get(a)
        consented = (not r.count_consented_calls and window_of_consent is not None
                     and window_of_consent[0] - SILENCE_SLACK_S <= now <= window_of_consent[1] + SILENCE_SLACK_S)
        if now // DAY_S > self._swept_day:
            self._sweep(now)
        local_day, local_date = self._calendar_checks(a, pack, local)
        past = self.attempts.get(a)
        if past is None:
            past = self.attempts[a] = deque()
        else:  # in time order: forget from the left what no rule can look at any more
            while past and now - past[0][0] >= self.attempt_memory_s:
                past.popleft()
        week = [s for s, _ in past if now - s < WEEK_S] if r.max_attempts_7d or r.min_gap_min else []
        if (r.max_attempts_7d and not consented
                and sum(1 for s in week if (a, s) not in self.uncounted) + 1 > r.max_attempts_7d):
            v[base + MAX_7D] += 1
        rpcs = self.rpcs.get(a, ())
        if (r.rest_after_rpc_days and not consented
                and any(now - end < r.rest_after_rpc_days * DAY_S for end, _ in rpcs)):
            v[base + REST_RPC] += 1
        if (r.no_redial_after_amd_h and not bound
                and now - self.machines.get((a, phone), NEVER) < r.no_redial_after_amd_h * HOUR_S):
            v[base + AMD_REDIAL] += 1
        if r.max_attempts_day and sum(1 for _, d in past if d == local_day) + 1 > r.max_attempts_day:
            v[base + MAX_DAY] += 1
        messages = self.messages.get(a, ())
        if r.max_contacts_day and (sum(1 for _, d in rpcs if d == local_day)
                                   + sum(1 for _, d, _, _ in messages if d == local_day)) >= r.max_contacts_day:
            v[base + MAX_CONTACTS] += 1
        if r.one_channel_per_week and any(_same_week(day, local_date) for _, _, day, _ in messages):
            v[base + CHANNEL_WEEK] += 1
        if r.no_redial_after_drop_h and now - self.drops.get(a, NEVER) < r.no_redial_after_drop_h * HOUR_S:
            v[base + DROP_REDIAL] += 1
        if r.min_gap_min and week and now - max(week) < r.min_gap_min * MINUTE_S:
            v[base + MIN_GAP] += 1
        past.append((now, local_day))
        self._written["attempts"].append((now, a))
        if consented:
            self.uncounted.add((a, now))

    def message(self, a: int, t: float, channel: int) -> None:
        """Count the rules of its pack that a message of `channel` sent to `a` at run time `t` breaks.

        A message is a contact: it keeps to the debtor's calling window and days, counts in the
        day's contacts, and under one channel a week may not follow a conversation or a message of
        another channel in the debtor's calendar week (Monday to Sunday, local date).
        """
        pack = self.account_pack[a]
        r, v, base = self.pack_rules[pack], self.violations, pack * len(RULES)
        now, local = self.local(self.account_zone[a], t)
        local_day, local_date = self._calendar_checks(a, pack, local)
        rpcs = self.rpcs.get(a, ())
        sent = self.messages.setdefault(a, [])
        if r.max_contacts_day and (sum(1 for _, d in rpcs if d == local_day)
                                   + sum(1 for _, d, _, _ in sent if d == local_day)) >= r.max_contacts_day:
            v[base + MAX_CONTACTS] += 1
        if r.one_channel_per_week and (
                any(_same_week(self.start + timedelta(days=d), local_date) for _, d in rpcs)
                or any(c != channel and _same_week(day, local_date) for _, _, day, c in sent)):
            v[base + CHANNEL_WEEK] += 1
        sent.append((now, local_day, local_date, channel))
        self._written["messages"].append((now, a))

    def _calendar_checks(self, a: int, pack: int, local: float) -> tuple[int, date]:
        """Count a contact at local wall time `local` outside its pack's window or on a holiday; (local day, date)."""
        v, base = self.violations, pack * len(RULES)
        local_day = int(local // DAY_S)
        local_s = local - local_day * DAY_S
        window, local_date = self.day_rules[pack].get(local_day) or self._day_rules(pack, local_day)
        if window is None or not (window.start <= local_s < window.end):
            v[base + WINDOW] += 1
        holidays = self.account_holidays[a]
        if holidays and local_date in holidays:
            v[base + HOLIDAY] += 1
        return local_day, local_date

    def _day_rules(self, pack: int, local_day: int) -> tuple[Window | None, date]:
        """(pack `pack`'s calling window, date) of the debtor's local day `local_day`, worked out once per day."""
        local_date = self.start + timedelta(days=local_day)
        rules = self.day_rules[pack][local_day] = (self.pack_rules[pack].windows.get(WEEKDAYS[local_date.weekday()]),
                                                   local_date)
        return rules

    def _sweep(self, now: float) -> None:
        """Once a day, forget the accounts whose history no rule can look at any more.

        Per-account pruning only happens when an account is dialed again; without this sweep
        the histories of accounts left alone (paid, resting, exhausted) would pile up with the horizon.
        """
        self._swept_day = int(now // DAY_S)
        self._forget(self.attempts, "attempts", now, self.attempt_memory_s)
        self._forget(self.rpcs, "rpcs", now, self.rpc_memory_s)
        self._forget(self.drops, "drops", now, self.drop_memory_s)
        self.uncounted = {(a, s) for a, s in self.uncounted if now - s < self.attempt_memory_s}
        self._forget(self.machines, "machines", now, self.amd_memory_s)
        self._forget(self.messages, "messages", now, WEEK_S + DAY_S)

    def _forget(self, history: dict[Any, Any], name: str, now: float, memory_s: float) -> None:
        """Drop the entries of `history` whose last instant is `memory_s` or more before `now`.

        Every write to a history is noted in `_written[name]` in time order (instants never go
        back), so an entry's last write is among the old notes at the queue's front exactly when
        the entry is old: the same entries go as a scan of the whole history would drop.
        """
        written = self._written[name]
        while written and now - written[0][0] >= memory_s:
            key = written.popleft()[1]
            entry = history.get(key)
            if entry is not None and now - _last_instant(entry) >= memory_s:
                del history[key]

    def unconnected(self, a: int, t_dialed: float) -> None:
        """The attempt to `a` dialed at run time `t_dialed` did not connect (busy, not in service)."""
        if not self.pack_rules[self.account_pack[a]].count_unconnected_calls:
            self.uncounted.add((a, self.local(self.account_zone[a], t_dialed)[0]))  # the instant `check` noted

    def machine(self, a: int, phone: int, t: float) -> None:
        """Note that AMD detected a machine on number `phone` of `a` and hung up at run time `t`."""
        when = self.machines[(a, phone)] = self.local(self.account_zone[a], t)[0]
        self._written["machines"].append((when, (a, phone)))

    def silence(self, a: int, t_pickup: float, t_connect: float) -> None:
        """A live answer of `a` picked up at `t_pickup` reached an agent at `t_connect`: within its pack's 2 s rule?"""
        pack = self.account_pack[a]
        limit = self.pack_rules[pack].max_silence_s
        if limit and self.instant(t_connect) - self.instant(t_pickup) > limit + SILENCE_SLACK_S:
            self.violations[pack * len(RULES) + SILENCE] += 1

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
        self._written["rpcs"].append((end, a))

    def drop(self, a: int, t: float) -> None:
        """Note a dropped live answer at run time `t`."""
        when = self.drops[a] = self.local(self.account_zone[a], t)[0]
        self._written["drops"].append((when, a))


_HISTORIES = ("attempts", "rpcs", "drops", "machines", "messages")
"""The auditor's per-key histories the daily sweep forgets (`Auditor._forget`)."""


def _last_instant(entry: Any) -> float:
    """The last instant of a history entry: an instant, or a time-ordered list of (instant, ...) rows."""
    return float(entry[-1][0]) if isinstance(entry, (list, deque)) else float(entry)


def own_pack(region: str, names: Mapping[str, int]) -> int:
    """The auditor's own reading of a debtor's rule pack: its subdivision's ("US-MA"), else its country's, else 0.

    `names` maps the packs' jurisdictions to their index (the default pack is 0). Country aliases
    are resolved by the `holidays` package itself ("UK" is "GB"), not by the scenario's helper.
    """
    if not region:
        return 0
    import holidays  # here: only runs with jurisdictions need the package

    country, _, subdivision = region.upper().partition("-")
    country = str(holidays.country_holidays(country).country)
    if subdivision and f"{country}-{subdivision}" in names:
        return names[f"{country}-{subdivision}"]
    return names.get(country, 0)
