"""The daily rhythm several processes share: do a day's work at the start of each simulated day."""

from __future__ import annotations

from collections.abc import Callable, Generator

import simpy

from wfm.scenario import DAY_S


def each_day(env: simpy.Environment, n_days: int, begin_day: Callable[[int], None]) -> Generator[simpy.Event]:
    """A process calling `begin_day(day)` at 00:00 of each of `n_days` days (at once for days already begun).

    The dialer, the workforce and the inbound feed each prepare a day when it starts; one loop
    keeps their timing the same, so their order within an instant is only their start order.
    """
    for day in range(n_days):
        if day * DAY_S > env.now:
            yield env.timeout(day * DAY_S - env.now)
        begin_day(day)
