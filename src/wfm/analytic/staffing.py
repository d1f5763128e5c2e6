"""The staffing requirement: agents needed for a service-level target, by Erlang A (or C).

One function answers "how many agents does this interval need": `StaffingRule.agents` (and
its vectorised `per_interval`). The views, the solvers and anything else that sizes a queue call
it, so a requirement shown in the GUI, written to Excel or used as a solver's start is the same
number. The integer search behind every "fewest n such that ..." question is `smallest_meeting`.

A 100% target: in a Markovian queue some caller always risks waiting beyond any finite
threshold, so no finite staff reaches SL = 1 exactly. A target of 1 is read as `SL_CEILING`
(all but one call in a billion): a finite, large answer that shows what "everyone" costs,
rather than an error in one place, a silent 99.9% in another and NaN in a third.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from wfm.analytic.erlang import (
    _check_fraction,
    _check_positive,
    _check_threshold,
    erlang_a,
    erlang_c_service_level,
)

if TYPE_CHECKING:
    from wfm.scenario import Inbound

SL_CEILING = 1.0 - 1e-9
"""The service level a 100% target asks for: all but one call in a billion (see the module docstring)."""

_CALLS_DECIMALS = 9
"""Calls per interval are rounded to this many decimals for the cache: far below one call, so no answer changes."""


def reachable_target(target: float) -> float:
    """The service level the search aims at: the target itself, or `SL_CEILING` for a 100% target."""
    return min(float(target), SL_CEILING)


def smallest_meeting(meets: Callable[[int], bool], start: int, lowest: int, highest: int | None = None) -> int:
    """Smallest n in [lowest, highest] with meets(n), for a criterion that is monotone in n.

    Gallops away from `start` with doubling steps (downwards while it holds, upwards while it
    fails), then bisects the last step, so an answer near the start costs a few evaluations and
    a far one a logarithmic number. `highest` None means no upper bound.

    Raises:
        ValueError: not even `highest` meets the criterion.
    """
    start = max(start, lowest) if highest is None else min(max(start, lowest), highest)
    if meets(start):
        high, step = start, 1
        while high - step >= lowest and meets(high - step):
            high, step = high - step, 2 * step
        low = max(lowest - 1, high - step)
    else:
        low, step = start, 1
        while True:
            if low == highest:
                raise ValueError(f"even {highest} agents miss the target; check the target and the demand")
            candidate = low + step if highest is None else min(low + step, highest)
            if meets(candidate):
                high = candidate
                break
            low, step = candidate, 2 * step
    while high - low > 1:
        mid = (low + high) // 2
        if meets(mid):
            high = mid
        else:
            low = mid
    return high


def _check_target(target_sl: float) -> float:
    return reachable_target(_check_fraction("target_sl", target_sl, allow_one=True))


def _checked(arrival_rate: float, mean_handle: float, threshold: float, target_sl: float) -> tuple[
        float, float, float, float]:
    """The queue arguments both staffing searches share, each checked against its range."""
    return (_check_positive("arrival_rate", arrival_rate), _check_positive("mean_handle", mean_handle),
            _check_threshold(threshold), _check_target(target_sl))


def erlang_c_staffing(arrival_rate: float, mean_handle: float, threshold: float, target_sl: float) -> int:
    """Fewest agents whose Erlang C service level reaches `target_sl`; arguments as in `erlang_a_staffing`.

    Without abandonment the queue is only stable above the offered load, so the search starts
    just above it. Raises ValueError if an argument is out of range.
    """
    arrival_rate, mean_handle, threshold, target = _checked(arrival_rate, mean_handle, threshold, target_sl)

    def meets(n: int) -> bool:
        return erlang_c_service_level(n, arrival_rate, mean_handle, threshold) >= target

    above_load = math.floor(arrival_rate * mean_handle) + 1
    return smallest_meeting(meets, above_load, above_load)


def erlang_a_staffing(
    arrival_rate: float,
    mean_handle: float,
    mean_patience: float,
    threshold: float,
    target_sl: float,
    max_abandon: float | None = None,
) -> int:
    """Fewest agents whose Erlang A service level reaches `target_sl` (and abandonment stays capped).

    With abandonment the queue is stable at any staffing and callers who give up lighten the
    load, so the answer may lie below the offered load; the search therefore starts at one
    agent. Both criteria improve monotonically with n.

    Args:
        arrival_rate: Calls per second, > 0.
        mean_handle: Mean handle time in seconds, > 0.
        mean_patience: Mean patience in seconds, > 0 and finite.
        threshold: Service-level threshold in seconds, >= 0 (may be inf).
        target_sl: Required fraction of offered calls answered within the threshold, in (0, 1];
            1 is read as `SL_CEILING`.
        max_abandon: Optional cap on the fraction of offered calls that abandon, in (0, 1].

    Returns:
        The smallest number of agents meeting every target.

    Raises:
        ValueError: If an argument is out of range.
    """
    arrival_rate, mean_handle, threshold, target = _checked(arrival_rate, mean_handle, threshold, target_sl)
    mean_patience = _check_positive("mean_patience", mean_patience)
    if max_abandon is not None:
        max_abandon = _check_fraction("max_abandon", max_abandon, allow_one=True)

    def meets(n: int) -> bool:
        result = erlang_a(n, arrival_rate, mean_handle, mean_patience, threshold)
        abandon_ok = max_abandon is None or result.p_abandon <= max_abandon
        return result.service_level >= target and abandon_ok

    return smallest_meeting(meets, 1, 1)


@dataclass(frozen=True)
class StaffingRule:
    """Everything an interval's requirement depends on besides its calls.

    Attributes:
        handle_s: mean handle time (talk + after-call work), seconds.
        patience_s: mean patience, seconds; None when callers never abandon (then Erlang C).
            A lognormal patience is represented by an exponential one of the same mean.
        threshold_s: service-level threshold, seconds.
        target: service-level target in (0, 1]; 1 is read as `SL_CEILING`.
        max_abandon: optional cap on the abandon rate (Erlang A only).
    """

    handle_s: float
    patience_s: float | None
    threshold_s: float
    target: float
    max_abandon: float | None = None

    @classmethod
    def for_inbound(cls, inbound: Inbound, target: float | None = None, max_abandon: float | None = None
                    ) -> StaffingRule:
        """The rule of a scenario's inbound queue; `target` defaults to its SL target."""
        patience = None if inbound.patience.distribution == "none" else inbound.patience.mean_s
        sl = inbound.service_level
        return cls(inbound.talk.mean_s + inbound.acw.mean_s, patience, sl.threshold_s,
                   sl.target if target is None else target, max_abandon)

    @property
    def formula(self) -> str:
        """The queueing model the rule sizes with, for legends and notes."""
        return "Erlang C" if self.patience_s is None else "Erlang A"

    def agents(self, calls: float, period_s: float) -> int:
        """Agents needed for `calls` offered over `period_s` seconds, treated as a steady state.

        0 when no call is expected (or calls take no time).
        """
        return _agents(round(float(calls), _CALLS_DECIMALS), float(period_s), self.handle_s, self.patience_s,
                       self.threshold_s, self.target, self.max_abandon)

    def per_interval(self, calls: np.ndarray, period_s: float) -> np.ndarray:
        """`agents` of every value of `calls` (any shape), as integers."""
        calls = np.asarray(calls, dtype=float)
        out = np.zeros(calls.shape, dtype=int)
        for value in np.unique(calls[calls > 0]):
            out[calls == value] = self.agents(float(value), period_s)
        return out


@lru_cache(maxsize=100_000)  # bounded: a long GUI session sizes many scenarios
def _agents(calls: float, period_s: float, handle_s: float, patience_s: float | None, threshold_s: float,
            target: float, max_abandon: float | None) -> int:
    """Cached `StaffingRule.agents`: a year of intervals asks for a few hundred distinct volumes."""
    if not calls > 0 or handle_s <= 0:
        return 0
    rate = calls / period_s
    if patience_s is None:
        return erlang_c_staffing(rate, handle_s, threshold_s, target)
    return erlang_a_staffing(rate, handle_s, patience_s, threshold_s, target, max_abandon)
