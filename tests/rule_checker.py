"""An independent checker of the contact rules, written from the rule texts, reading the raw attempt log.

It shares no code with the dialer or its auditor: each attempt's simulated time is turned into
a real instant with zoneinfo (the run's clock counts 24 wall hours per center calendar day, from
midnight of `start_date` in the center's zone), then into the debtor's local date and time.
Every interval rule is measured in real elapsed seconds, every per-day rule on the debtor's
local date.

Rule texts, as the checker reads them:
- window: an attempt is placed inside the calling window of the debtor's local weekday;
- holidays: never on a public holiday of the debtor's jurisdiction (their local date) when the rules say
  so: the account's own country/subdivision, else the rules' `holiday_regions` (the `holidays` package);
- max_attempts_7d: at most N counted attempts in any 7 x 24 real hours (the attempt itself included);
- max_attempts_day: at most N attempts on one local date of the debtor;
- max_contacts_day: no attempt once N right-party conversations were dialed that local date;
- rest_after_rpc_days: no counted attempt until N x 24 real hours after a right-party conversation ended;
- Reg F 12 CFR 1006.14(b)(3), which attempts are counted by the two rules above: not one placed with
  the consumer's consent given directly within the past seven days (here: a conversation that ended
  with a callback request, consent for calls from the time asked, `callback_delay_h` later, until 7
  x 24 real hours after the request), and not one that did not connect to the dialed number (busy,
  not in service); `count_consented_calls` / `count_unconnected_calls` count them all the same;
- no_redial_after_drop_h: no attempt until N real hours after a dropped call (the UK 72-hour rule);
- no_redial_after_amd_h: no attempt to a number until N real hours after AMD detected a machine on it,
  unless an agent is guaranteed (a bound line);
- max_silence_s: a live answer put through to an agent reaches them within N real seconds of its pick-up;
- min_gap_min: two attempts to one account at least N real minutes apart.

Rule packs: each account is judged by the rules of its own jurisdiction. The checker finds the
jurisdiction from the portfolio (the account's region: its file's country/subdivision, else its
time zone's `portfolio.regions`) and reads `by_country` itself: the subdivision's entry ("US-MA"),
else the country's (ISO alpha-2, aliases resolved by the `holidays` package), else `presets`.
A test may pass its own `packs` (the pack name of every account) to judge a run by another mapping.
The drop cap is checked per pack by `pack_drop_rates`: dropped / live answers of the pack's
debtors over the pack's window, counted on the center day each answer ended.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as holiday_calendars
import numpy as np

from wfm.scenario import Scenario
from wfm.scenario.outbound import parse_tz
from wfm.sim import make_streams
from wfm.sim.outbound.accounts import build_portfolio
from wfm.sim.outbound.result import OUTCOMES, RPC_RESULTS

RPC, DROPPED = OUTCOMES.index("rpc"), OUTCOMES.index("dropped")
NOT_CONNECTED = {OUTCOMES.index("busy"), OUTCOMES.index("invalid")}  # 1006.14(b)(3)(ii)
LIVE_TALKED = {OUTCOMES.index("third_party"), OUTCOMES.index("rpc")}
CALLBACK = RPC_RESULTS.index("callback")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTE = timedelta(minutes=1)
EPS = 1e-6  # seconds: float noise on the simulated clock


def real_instant(scenario: Scenario, t: float) -> datetime:
    """The UTC instant of simulated time `t`.

    A wall time that does not exist (the hour skipped in spring) stands for the instant of the
    change, i.e. the first wall time after the gap.
    """
    cal = scenario.calendar
    center = ZoneInfo(cal.timezone)
    wall = datetime.combine(cal.start_date, time()) + timedelta(seconds=float(t))
    utc = wall.replace(tzinfo=center).astimezone(UTC)
    if utc.astimezone(center).replace(tzinfo=None) == wall:
        return utc
    later = wall.replace(second=0, microsecond=0) + MINUTE
    while (u := later.replace(tzinfo=center).astimezone(UTC)).astimezone(center).replace(tzinfo=None) != later:
        later += MINUTE
    return u


@dataclass
class Verdict:
    """What the checker found: violations per rule, a few examples, and the local times it computed."""

    violations: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    local: list[datetime] = field(default_factory=list)
    zone: list[str] = field(default_factory=list)

    def add(self, rule: str, text: str) -> None:
        self.violations[rule] += 1
        self.examples.setdefault(rule, [])
        if len(self.examples[rule]) < 5:
            self.examples[rule].append(text)

    @property
    def total(self) -> int:
        return sum(self.violations.values())


def debtor_jurisdictions(scenario: Scenario, seed: int) -> list[str]:
    """Each account's jurisdiction ("US-NY", "" for none): its file's country, else its time zone's `regions`."""
    portfolio = scenario.outbound.portfolio
    pf = build_portfolio(portfolio, scenario.calendar, make_streams(seed).accounts)
    zones = [pf.tz_names[z] for z in pf.tz]
    table = portfolio.imported
    own = [table.region_names[r] for r in table.region.tolist()] if table else [""] * pf.size
    return [mine or portfolio.regions.get(zone, "") for mine, zone in zip(own, zones, strict=True)]


def pack_of(jurisdiction: str, by_country) -> str:
    """The `by_country` entry holding a debtor of `jurisdiction`: its subdivision's, its country's, or "" (presets)."""
    if not jurisdiction:
        return ""
    country, _, subdivision = jurisdiction.upper().partition("-")
    country = holiday_calendars.country_holidays(country).country
    if subdivision and f"{country}-{subdivision}" in by_country:
        return f"{country}-{subdivision}"
    return country if country in by_country else ""


def account_packs(scenario: Scenario, seed: int) -> list[str]:
    """Each account's pack name, read from the scenario by the checker itself."""
    by_country = scenario.outbound.compliance.by_country
    return [pack_of(j, by_country) for j in debtor_jurisdictions(scenario, seed)]


def check_attempts(scenario: Scenario, seed: int, log, packs: list[str] | None = None) -> Verdict:
    """Check every attempt of `log` (a run with record_calls=True) against the rules of each account's own pack.

    `packs`: the pack name of every account ("" = `presets`); by default the checker's own reading of the scenario.
    """
    compliance = scenario.outbound.compliance
    pf = build_portfolio(scenario.outbound.portfolio, scenario.calendar, make_streams(seed).accounts)
    zones = [pf.tz_names[z] for z in pf.tz]
    own = debtor_jurisdictions(scenario, seed)
    packs = account_packs(scenario, seed) if packs is None else packs
    pack_rules = {name: compliance.rules(name) for name in set(packs)}
    years = range(scenario.calendar.start_date.year - 1, scenario.calendar.start_date.year + 3)

    def public(region: str) -> set:
        country, _, subdivision = region.partition("-")
        return set(holiday_calendars.country_holidays(country, subdiv=subdivision or None, years=years))

    holidays_of = {}
    for pack, region in set(zip(packs, own, strict=True)):
        r = pack_rules[pack]
        holidays_of[pack, region] = (set().union(*(public(j) for j in ((region,) if region else r.holiday_regions)))
                                     if r.no_holidays else set())
    verdict = Verdict()
    real = [real_instant(scenario, t).timestamp() for t in log.time]
    ends = [real_instant(scenario, e).timestamp() if np.isfinite(e) else np.inf for e in log.end]
    for i in np.flatnonzero(np.isin(log.outcome, list(LIVE_TALKED)) & np.isfinite(log.connect)).tolist():
        limit = pack_rules[packs[int(log.account[i])]].max_silence_s
        if limit:
            wait = real_instant(scenario, log.connect[i]) - real_instant(scenario, log.pickup[i])
            if wait.total_seconds() > limit + EPS:
                verdict.add("silence", f"attempt {i}: {wait.total_seconds():.2f} s of silence after the greeting")
    for i, a in enumerate(log.account.tolist()):
        rules = pack_rules[packs[a]]
        when = datetime.fromtimestamp(real[i], UTC).astimezone(parse_tz(zones[a]))
        verdict.local.append(when)
        verdict.zone.append(zones[a])
        window = rules.windows.get(WEEKDAYS[when.weekday()])
        sec = when.hour * 3600 + when.minute * 60 + when.second + when.microsecond / 1e6
        if window is None or not (window.start - EPS <= sec < window.end):
            verdict.add("window", f"account {a} ({zones[a]}, pack {packs[a] or 'default'}) at"
                                  f" {when:%a %Y-%m-%d %H:%M:%S %Z}")
        if when.date() in holidays_of[packs[a], own[a]]:
            verdict.add("holiday", f"account {a} ({own[a] or rules.holiday_regions}) on {when.date()}")
    by_account: dict[int, list[int]] = {}
    for i, a in enumerate(log.account.tolist()):
        by_account.setdefault(a, []).append(i)
    outcome = log.outcome.tolist()
    result, phone, bound, detected = log.result.tolist(), log.phone.tolist(), log.bound.tolist(), log.detected.tolist()
    delay_s = scenario.outbound.conversation.callback_delay_h * 3600

    def consented(rules, i: int, before: list[int]) -> bool:
        """A callback the debtor asked for: from the time asked until 7 days after asking."""
        return not rules.count_consented_calls and any(
            result[k] == CALLBACK and ends[k] + delay_s - EPS <= real[i] <= ends[k] + 7 * 86_400 + EPS
            for k in before)

    def counted(rules, i: int, before: list[int]) -> bool:
        """Whether Reg F's frequency limits count attempt i (1006.14(b)(3))."""
        if outcome[i] in NOT_CONNECTED and not rules.count_unconnected_calls:
            return False
        return not consented(rules, i, before)

    for a, idx in by_account.items():
        rules = pack_rules[packs[a]]
        idx = sorted(idx, key=lambda i: real[i])
        for j, i in enumerate(idx):
            t, date_i = real[i], verdict.local[i].date()
            before = idx[:j]
            counts = counted(rules, i, before)
            if rules.max_attempts_7d and counts:
                n = 1 + sum(1 for m, k in enumerate(before)
                            if t - real[k] < 7 * 86_400 - EPS and counted(rules, k, idx[:m]))
                if n > rules.max_attempts_7d:
                    verdict.add("max_7d", f"account {a}: counted attempt {n} within 7 real days")
            if rules.max_attempts_day:
                n = 1 + sum(1 for k in before if verdict.local[k].date() == date_i)
                if n > rules.max_attempts_day:
                    verdict.add("max_day", f"account {a}: attempt {n} on local {date_i}")
            if rules.max_contacts_day:
                n = sum(1 for k in before if outcome[k] == RPC and verdict.local[k].date() == date_i)
                if n >= rules.max_contacts_day:
                    verdict.add("max_contacts", f"account {a}: attempt after {n} conversations on local {date_i}")
            if rules.no_redial_after_amd_h and not bound[i]:
                gaps = [t - ends[k] for k in before if detected[k] and phone[k] == phone[i]]
                if any(g < rules.no_redial_after_amd_h * 3600 - EPS for g in gaps):
                    verdict.add("amd_redial", f"account {a} number {phone[i]}: paced {min(gaps) / 3600:.2f} real h"
                                              " after AMD hung up on its machine")
            if rules.rest_after_rpc_days and counts:
                gaps = [t - ends[k] for k in before if outcome[k] == RPC]
                if any(g < rules.rest_after_rpc_days * 86_400 - EPS for g in gaps):
                    verdict.add("rest_rpc", f"account {a}: {min(gaps) / 3600:.2f} real h after a conversation")
            if rules.no_redial_after_drop_h:
                gaps = [t - ends[k] for k in before if outcome[k] == DROPPED]
                if any(g < rules.no_redial_after_drop_h * 3600 - EPS for g in gaps):
                    verdict.add("drop_redial", f"account {a}: {min(gaps) / 3600:.2f} real h after a dropped call")
            if rules.min_gap_min and before and t - real[before[-1]] < rules.min_gap_min * 60 - EPS:
                verdict.add("min_gap", f"account {a}: {(t - real[before[-1]]) / 60:.2f} real min after the last")
    return verdict


def pack_drop_rates(scenario: Scenario, seed: int, log, packs: list[str] | None = None
                    ) -> dict[str, list[tuple[int, int]]]:
    """(dropped, live answers) over each pack's own regulatory window ending each center day, from the attempt log.

    A live answer counts on the center day it ended (dropped, or hung up after the talk), as the run counts it.
    """
    packs = account_packs(scenario, seed) if packs is None else packs
    days = scenario.calendar.horizon_days
    live = np.isin(log.outcome, [DROPPED, *LIVE_TALKED])
    end_day = np.minimum(np.floor(np.nan_to_num(log.end, nan=np.inf) / 86_400), days - 1)
    of_attempt = np.array([packs[a] for a in log.account.tolist()], dtype=object)
    out = {}
    for name in sorted(set(packs)):
        window = scenario.outbound.compliance.rules(name).drop_window_days
        mine = live & (of_attempt == name)
        rates = []
        for d in range(days):
            inside = mine & (end_day >= d - window + 1) & (end_day <= d)
            rates.append((int(np.sum(inside & (log.outcome == DROPPED))), int(np.sum(inside))))
        out[name] = rates
    return out
