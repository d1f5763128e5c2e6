"""The drop-cap guard: falls back to one bound line per agent while the window's cap is at risk.

Bound lines cannot drop for want of an agent, so whatever a pacer does, the guard keeps the
regulatory window's drop rate (dropped / live answers over `drop_window_days` calendar days)
under its cap. A pacer hands the guard its exposure (what the lines in flight could still add
to the window); the guard decides when to step in and when to let go and counts each trip as a
block by the DROP_CAP rule. The dialer books the time spent in fallback (`OutboundSeries.fallback_s`).
"""

from __future__ import annotations

from typing import NamedTuple

from wfm.scenario import DAY_S
from wfm.scenario.outbound import Rules
from wfm.sim.outbound.compliance import DROP_CAP
from wfm.sim.outbound.counters import Counters

MIN_LIVE = 100  # the window's rate is judged on at least this many live answers (a first drop is not 100%)
RESUME_FACTOR = 2.0  # pacing resumes once the window could take this many times the exposure that tripped


class Exposure(NamedTuple):
    """What the lines in flight could still add to the window, as a pacer estimates it."""

    drops: float  # drops they could add
    live: float  # live answers they would add (dropped or not); 0 judges the drops on today's answers only


class DropGuard:
    """Steps in when the window's drops plus the exposure's would reach the cap; lets go once there is room.

    At risk: dropped + exposure.drops >= cap × (live + exposure.live), with the window's live
    answers counted as at least `MIN_LIVE`. The guard lets go when the window could take
    `RESUME_FACTOR` times the exposure that tripped it; a pacer checks it when a live answer
    is dropped and at the moments it chooses (`check`).
    """

    def __init__(self, rules: Rules, counters: Counters) -> None:
        self.cap = rules.drop_cap
        self.window_days = rules.drop_window_days
        self.counters = counters
        self.active = False
        self.tripped_at = Exposure(0.0, 0.0)

    def check(self, now: float, exposure: Exposure) -> bool:
        """Step in or let go; True when the guard has just tripped."""
        day = min(int(now // DAY_S), self.counters.n_days - 1)
        live, dropped, _ = self.counters.window(day, self.window_days)
        live = max(live, MIN_LIVE)
        cap = self.cap
        if not self.active and dropped + exposure.drops >= cap * (live + exposure.live):
            self.active = True
            self.tripped_at = exposure
            self.counters.blocked[DROP_CAP] += 1
            return True
        room = self.tripped_at
        if self.active and dropped + RESUME_FACTOR * room.drops <= cap * (live + RESUME_FACTOR * room.live):
            self.active = False
        return False
