"""The debtor portfolio as numpy arrays: generated from the scenario's distributions or imported.

Everything per account that does not change during the run (segment, DPD at placement,
phone numbers and which of them are dead, time zone, do-not-call flag) is drawn here, up
front, from the `accounts` stream, so the portfolio is the same whatever the dialer does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, tzinfo
from zoneinfo import ZoneInfo

import numpy as np

from wfm.scenario import DAY_S, Calendar
from wfm.scenario.accounts import AccountTable
from wfm.scenario.outbound import Portfolio, parse_tz
from wfm.sim.sampling import lognormal_params


@dataclass(frozen=True)
class PortfolioArrays:
    """The placed accounts, one entry per account.

    Attributes:
        segment: index of the account's segment in the scenario.
        balance: balance at placement (money).
        dpd: days past due at placement.
        phones: number of phone numbers.
        dead_number: (accounts, max phones) True where a number is invalid.
        tz: index into `tz_names`.
        tz_names: the distinct time zones of the accounts.
        offset_s: (zones, days + 2) seconds to add to the center's clock to get the zone's
            local clock, per center day (day -1 … horizon, so local days at the edges resolve).
        do_not_call: accounts never to be dialed.
    """

    segment: np.ndarray
    balance: np.ndarray
    dpd: np.ndarray
    phones: np.ndarray
    dead_number: np.ndarray
    tz: np.ndarray
    tz_names: tuple[str, ...]
    offset_s: np.ndarray
    do_not_call: np.ndarray

    @property
    def size(self) -> int:
        """Number of accounts."""
        return len(self.balance)


def zone_offsets(calendar: Calendar, zones: list[str]) -> np.ndarray:
    """Seconds between each zone's local clock and the center's, per center day (noon, DST-aware).

    Computed once per run, outside the hot path: the dialer adds the offset of the current
    day to its clock to know the account's local time.
    """
    center = ZoneInfo(calendar.timezone)
    out = np.zeros((len(zones), calendar.horizon_days + 2))
    tzs: list[tzinfo] = [parse_tz(z) for z in zones]
    for d in range(-1, calendar.horizon_days + 1):
        noon = datetime.combine(calendar.date_of(d), time(12), tzinfo=center)
        base = noon.utcoffset()
        for i, zone in enumerate(tzs):
            other = noon.astimezone(zone).utcoffset()
            out[i, d + 1] = (other - base).total_seconds() if other is not None and base is not None else 0.0
    return out


def imported_columns(
    table: AccountTable, segment_names: list[str], center_tz: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Writable copies of an imported table's columns, coded as the dialer wants them.

    Returns segment (index into the scenario's segments), balance, dpd, phones, tz (index into
    the zones) and the zones: the accounts' distinct time zones, the center's for "", sorted.
    """
    segment = np.array([segment_names.index(name) for name in table.segment_names], dtype=np.int64)[table.segment]
    zone_of = [name or center_tz for name in table.timezone_names]
    tz_names = sorted(set(zone_of))
    tz = np.array([tz_names.index(z) for z in zone_of], dtype=np.int64)[table.timezone]
    return (segment, table.balance.astype(float), table.dpd.astype(np.int64), table.phones.astype(np.int64), tz,
            tz_names)


def build_portfolio(spec: Portfolio, calendar: Calendar, rng: np.random.Generator) -> PortfolioArrays:
    """Draw (or import) the portfolio; the draws use the `accounts` stream in a fixed order."""
    names = [s.name for s in spec.segments]
    if spec.imported:
        n = len(spec.imported)
        segment, balance, dpd, phones, tz, tz_names = imported_columns(spec.imported, names, calendar.timezone)
    else:
        n = spec.accounts
        shares = np.array([s.share for s in spec.segments])
        segment = rng.choice(len(shares), size=n, p=shares / shares.sum())
        balance = np.empty(n)
        dpd = np.empty(n, dtype=np.int64)
        z = rng.standard_normal(n)
        u = rng.random(n)
        for k, seg in enumerate(spec.segments):
            mask = segment == k
            mu, sigma = lognormal_params(seg.balance_mean, seg.balance_cv)
            balance[mask] = np.round(np.exp(mu + sigma * z[mask]), 2)
            dpd[mask] = seg.dpd_min + np.floor(u[mask] * (seg.dpd_max - seg.dpd_min + 1)).astype(np.int64)
        balance = np.maximum(balance, 1.0)
        phones = 1 + rng.choice(len(spec.phones), size=n, p=np.array(spec.phones) / sum(spec.phones))
        if spec.timezones:
            tz_names = list(spec.timezones)
            tz_shares = np.array(list(spec.timezones.values()))
            tz = rng.choice(len(tz_names), size=n, p=tz_shares / tz_shares.sum())
        else:
            tz_names = [calendar.timezone]
            tz = np.zeros(n, dtype=np.int64)
    max_phones = int(phones.max()) if n else 1
    dead = rng.random((n, max_phones)) < spec.invalid_number_share
    dnc = rng.random(n) < spec.do_not_call_share
    return PortfolioArrays(
        segment=segment.astype(np.int64), balance=balance, dpd=dpd, phones=phones.astype(np.int64),
        dead_number=dead, tz=tz.astype(np.int64), tz_names=tuple(tz_names),
        offset_s=zone_offsets(calendar, list(tz_names)), do_not_call=dnc,
    )


def local_clock(offset_s: np.ndarray, zone: int, t: float) -> float:
    """The zone's local clock (seconds since 00:00 local of day 0) at center time `t`."""
    return t + float(offset_s[zone, int(t // DAY_S) + 1])
