"""What the outbound campaign counts as it runs, and the frozen result it becomes.

The counters are Python lists (fast scalar increments in the hot path), sized once from the
calendar; `freeze` turns them into the plain `OutboundSeries` the KPIs, reports and GUI read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from wfm.scenario.outbound import RulePack
from wfm.sim.outbound.accounts import AccountBook
from wfm.sim.outbound.result import (
    OUTCOMES,
    RPC_RESULTS,
    RULES,
    AttemptLog,
    OutboundSeries,
    PackTable,
    SegmentTable,
)

_FLOAT_LOG_COLUMNS = ("time", "local_s", "end", "pickup", "connect")  # the rest of `AttemptLog` holds integers


class WindowCounts(NamedTuple):
    """Live answers and drops over the regulatory window ending today (calendar days)."""

    live: int
    dropped: int
    today: int  # live answers today alone


class SegmentCounts:
    """Campaign totals per risk segment, as lists indexed by segment."""

    __slots__ = ("attempts", "live", "dropped", "rpc", "ptp", "due", "kept", "collected")

    def __init__(self, n_segments: int) -> None:
        for name in self.__slots__:
            setattr(self, name, [0.0] * n_segments)

    attempts: list[float]
    live: list[float]
    dropped: list[float]
    rpc: list[float]
    ptp: list[float]
    due: list[float]
    kept: list[float]
    collected: list[float]


class Counters:
    """Per-interval, per-day and per-segment counters of one run (see `OutboundSeries` for each)."""

    def __init__(self, n_intervals: int, interval_s: int, n_days: int, n_segments: int, record: bool,
                 n_packs: int = 1) -> None:
        """Counters of one run; each of `n_packs` rule packs gets its blocks, attempts, live answers, drops by day."""
        ni, nd = n_intervals, n_days
        self.n_intervals = ni
        self.interval_s = interval_s
        self.n_days = nd
        self.outcomes = [[0] * len(OUTCOMES) for _ in range(ni)]
        self.amd_fp = [0] * ni
        self.rpc_results = [[0] * len(RPC_RESULTS) for _ in range(ni)]
        self.ptp_full = [0] * ni
        self.first_rpc = [0] * ni
        self.handled = [0] * ni
        self.talk_s = [0.0] * ni
        self.acw_s = [0.0] * ni
        self.connects = [0] * ni
        self.agent_wait_s = [0.0] * ni
        self.ring_s = [0.0] * ni
        self.dial_level = [math.nan] * ni
        self.fallback_attempts = [0] * ni
        self.fallback_s = [0.0] * ni
        self.promises_due = [0] * nd
        self.promises_kept = [0] * nd
        self.promises_broken = [0] * nd
        self.amount_promised = [0.0] * nd
        self.amount_collected = [0.0] * nd
        self.paid_off = [0] * nd
        self.day_live = [0] * nd
        self.day_dropped = [0] * nd
        self._window_key = (-1, 0)  # (day, window days) of the closed days summed in _window_past
        self._window_past = (0, 0)
        self.n_packs = n_packs
        self.blocked = [0] * (n_packs * len(RULES))  # pack p's rule r at p * len(RULES) + r
        self.pack_attempts = [0] * n_packs
        # Live answers and drops per pack and day; with one pack they are the campaign's own lists.
        self.pack_day_live = [[0] * nd for _ in range(n_packs)] if n_packs > 1 else [self.day_live]
        self.pack_day_dropped = [[0] * nd for _ in range(n_packs)] if n_packs > 1 else [self.day_dropped]
        self._pack_window_key = [(-1, 0)] * n_packs
        self._pack_window_past = [(0, 0)] * n_packs
        self.seg = SegmentCounts(n_segments)
        self.attempts_dialed = 0
        self.record = record
        self.log: dict[str, list[float]] = {k: [] for k in AttemptLog.__dataclass_fields__}

    def slot(self, now: float) -> int:
        """The reporting interval of time `now` (the horizon's end counts in the last one)."""
        return min(int(now // self.interval_s), self.n_intervals - 1)

    def book_fallback(self, start: float, end: float) -> None:
        """Add the span [start, end) the guard held a dialer that could dial to bound lines, interval by interval."""
        step = self.interval_s
        t = start
        while t < end:
            slot = self.slot(t)
            stop = min(end, (int(t // step) + 1) * step)
            self.fallback_s[slot] += stop - t
            t = stop

    def window(self, day: int, window_days: int) -> WindowCounts:
        """Live answers and drops in the `window_days` calendar days ending with `day`.

        The guard asks at every pacing; the days before `day` are closed, so their sums are
        taken once per day and only today's counts are added each time.
        """
        if self._window_key != (day, window_days):
            first = max(0, day - window_days + 1)
            self._window_key = (day, window_days)
            self._window_past = (sum(self.day_live[first:day]), sum(self.day_dropped[first:day]))
        live, dropped = self._window_past
        today = self.day_live[day]
        return WindowCounts(live + today, dropped + self.day_dropped[day], today)

    def pack_window(self, pack: int, day: int, window_days: int) -> WindowCounts:
        """Live answers and drops of pack `pack`'s debtors in the `window_days` calendar days ending with `day`.

        As `window`, the closed days' sums are taken once per day and pack.
        """
        if self.n_packs == 1:
            return self.window(day, window_days)
        live, dropped = self.pack_day_live[pack], self.pack_day_dropped[pack]
        if self._pack_window_key[pack] != (day, window_days):
            first = max(0, day - window_days + 1)
            self._pack_window_key[pack] = (day, window_days)
            self._pack_window_past[pack] = (sum(live[first:day]), sum(dropped[first:day]))
        past_live, past_dropped = self._pack_window_past[pack]
        return WindowCounts(past_live + live[day], past_dropped + dropped[day], live[day])

    def log_attempt(self, now: float, account: int, local_s: float, local_weekday: int, local_day: int,
                    phone: int, bound: bool, pickup: float) -> int:
        """Add a row to the attempt trace; returns its index (outcome, end, AMD verdict, connect, result come later)."""
        log = self.log
        index = len(log["time"])
        for key, value in (("time", now), ("account", account), ("outcome", -1), ("local_s", local_s),
                           ("local_weekday", local_weekday), ("local_day", local_day), ("end", math.nan),
                           ("phone", phone), ("bound", int(bound)), ("detected", 0), ("result", -1),
                           ("pickup", pickup), ("connect", math.nan)):
            log[key].append(value)
        return index

    def freeze(self, mode: str, packs: Sequence[RulePack], book: AccountBook, pack: Sequence[int],
               segment_names: tuple[str, ...], violations: list[int]) -> OutboundSeries:
        """The campaign's counters as a plain result.

        `packs`: the scenario's rule packs, `pack` each account's, `violations` the auditor's per
        pack (flat, as `blocked`). With several packs, the campaign-wide drop-rate fields are a
        headline: the whole campaign over the shortest pack window against the lowest cap (each
        pack is judged on its own in `OutboundSeries.packs`); `drop_windows_over_cap` counts the
        packs' own windows over their caps.
        """
        n_rules = len(RULES)
        caps = np.array([p.rules.drop_cap for p in packs])
        windows = np.array([p.rules.drop_window_days for p in packs], dtype=np.int64)
        pack_rates = np.vstack([window_rates(self.pack_day_live[k], self.pack_day_dropped[k], int(windows[k]))
                                for k in range(len(packs))])
        over = np.sum(np.where(np.isnan(pack_rates), False, pack_rates > caps[:, None]), axis=1).astype(np.int64)
        w, cap = int(windows.min()), float(caps.min())
        rate = pack_rates[0] if len(packs) == 1 else window_rates(self.day_live, self.day_dropped, w)
        blocked = np.asarray(self.blocked, dtype=np.int64).reshape(len(packs), n_rules)
        broken = np.asarray(violations, dtype=np.int64).reshape(len(packs), n_rules)
        pack_idx = np.asarray(pack, dtype=np.int64)
        pf = book.pf
        ns = len(segment_names)
        seg_idx = pf.segment
        had_rpc = np.asarray(book.had_rpc, dtype=bool)
        log = None
        if self.record:
            log = AttemptLog(**{
                k: np.asarray(v, dtype=float if k in _FLOAT_LOG_COLUMNS else np.int64) for k, v in self.log.items()
            })
        sc = self.seg
        ni = self.n_intervals
        return OutboundSeries(
            mode=mode,
            outcomes=np.asarray(self.outcomes, dtype=np.int64).reshape(ni, len(OUTCOMES)),
            amd_false_positive=np.asarray(self.amd_fp, dtype=np.int64),
            rpc_results=np.asarray(self.rpc_results, dtype=np.int64).reshape(ni, len(RPC_RESULTS)),
            ptp_full=np.asarray(self.ptp_full, dtype=np.int64),
            first_rpc=np.asarray(self.first_rpc, dtype=np.int64),
            handled=np.asarray(self.handled, dtype=np.int64),
            talk_s=np.asarray(self.talk_s), acw_s=np.asarray(self.acw_s),
            connects=np.asarray(self.connects, dtype=np.int64),
            agent_wait_s=np.asarray(self.agent_wait_s), ring_s=np.asarray(self.ring_s),
            dial_level=np.asarray(self.dial_level),
            fallback_attempts=np.asarray(self.fallback_attempts, dtype=np.int64),
            fallback_s=np.asarray(self.fallback_s),
            promises_due=np.asarray(self.promises_due, dtype=np.int64),
            promises_kept=np.asarray(self.promises_kept, dtype=np.int64),
            promises_broken=np.asarray(self.promises_broken, dtype=np.int64),
            amount_promised=np.asarray(self.amount_promised), amount_collected=np.asarray(self.amount_collected),
            accounts_paid_off=np.asarray(self.paid_off, dtype=np.int64),
            drop_rate_window=rate, drop_cap=cap, drop_window_days=w,
            drop_windows_over_cap=int(over.sum()),
            blocked=blocked.sum(axis=0),
            violations=broken.sum(axis=0),
            accounts=pf.size, callable_accounts=int(pf.size - pf.do_not_call.sum()),
            balance_placed=float(pf.balance.sum()), accounts_with_rpc=int(had_rpc.sum()),
            min_balance=float(book.min_balance),
            segments=SegmentTable(
                names=segment_names,
                accounts=np.bincount(seg_idx, minlength=ns).astype(np.int64),
                balance_placed=np.bincount(seg_idx, weights=pf.balance, minlength=ns),
                attempts=np.asarray(sc.attempts, dtype=np.int64), live=np.asarray(sc.live, dtype=np.int64),
                dropped=np.asarray(sc.dropped, dtype=np.int64), rpc=np.asarray(sc.rpc, dtype=np.int64),
                ptp=np.asarray(sc.ptp, dtype=np.int64), promises_due=np.asarray(sc.due, dtype=np.int64),
                promises_kept=np.asarray(sc.kept, dtype=np.int64), collected=np.asarray(sc.collected),
                accounts_with_rpc=np.bincount(seg_idx, weights=had_rpc, minlength=ns).astype(np.int64),
            ),
            in_flight_end=self.attempts_dialed - int(np.sum(self.outcomes)),
            log=log,
            packs=PackTable(
                names=tuple(p.name for p in packs), presets=tuple(p.presets for p in packs),
                accounts=np.bincount(pack_idx, minlength=len(packs)).astype(np.int64),
                attempts=np.asarray(self.pack_attempts, dtype=np.int64),
                live=np.asarray([sum(d) for d in self.pack_day_live], dtype=np.int64),
                dropped=np.asarray([sum(d) for d in self.pack_day_dropped], dtype=np.int64),
                blocked=blocked, violations=broken, drop_rate_window=pack_rates, drop_cap=caps,
                drop_window_days=windows, drop_windows_over_cap=over,
            ),
        )


def window_rates(day_live: Sequence[int], day_dropped: Sequence[int], window_days: int) -> np.ndarray:
    """Dropped / live answers over the `window_days` calendar days ending with each day (NaN without a live answer)."""
    live = np.asarray(day_live, dtype=float)
    dropped = np.asarray(day_dropped, dtype=float)
    c_live, c_drop = np.concatenate(([0.0], np.cumsum(live))), np.concatenate(([0.0], np.cumsum(dropped)))
    days = np.arange(len(live))
    lo = np.maximum(0, days - window_days + 1)
    win_live, win_drop = c_live[days + 1] - c_live[lo], c_drop[days + 1] - c_drop[lo]
    rate = np.full(len(live), np.nan)
    np.divide(win_drop, win_live, out=rate, where=win_live > 0)
    return rate
