"""The drop-cap guard: falls back to one bound line per agent while the window's cap is at risk.

Bound lines cannot drop for want of an agent, so whatever a pacer does, the guard keeps the
regulatory window's drop rate (dropped / live answers over `drop_window_days` calendar days)
under its cap. A pacer hands the guard its exposure (the drops the lines in flight could still
add); the guard decides when to step in and when to let go, and keeps the time spent in fallback.
"""

from __future__ import annotations

from wfm.scenario import DAY_S
from wfm.scenario.outbound import Rules
from wfm.sim.outbound.compliance import DROP_CAP
from wfm.sim.outbound.counters import Counters

MIN_LIVE = 100  # the window's rate is judged on at least this many live answers (a first drop is not 100%)
RESUME_FACTOR = 2.0  # pacing resumes once the room under the cap holds this many times the exposure that tripped


class DropGuard:
    """Backstop of the drop cap: trips when the window's drops plus the exposure reach the cap.

    The room left under the cap is measured in drops: the window's live answers (at least
    `MIN_LIVE`) × cap minus its drops. The guard trips when the exposure would fill it, and lets
    go once the room is `RESUME_FACTOR` times the exposure that tripped it. A trip counts as a
    block by the DROP_CAP rule.
    """

    def __init__(self, rules: Rules, counters: Counters) -> None:
        self.cap = rules.drop_cap
        self.window_days = rules.drop_window_days
        self.counters = counters
        self.active = False
        self.room = 0.0  # the exposure when the guard tripped

    def _window(self, now: float) -> tuple[int, int]:
        day = min(int(now // DAY_S), self.counters.n_days - 1)
        live, dropped, _ = self.counters.window(day, self.window_days)
        return max(live, MIN_LIVE), dropped

    def check(self, now: float, exposure: float) -> bool:
        """Step in or let go; True when the guard has just tripped."""
        live, dropped = self._window(now)
        cap = self.cap
        if not self.active and dropped + exposure >= cap * live:
            self.active = True
            self.room = exposure
            self.counters.blocked[DROP_CAP] += 1
            return True
        if self.active and dropped + RESUME_FACTOR * self.room <= cap * live:
            self.active = False
        return False
