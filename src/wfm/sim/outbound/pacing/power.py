"""Power: a fixed ratio of paced lines per free agent; a live answer takes whoever is free first.

The fixed-ratio rule: launch lines while ringing lines + live answers waiting < ratio × idle
agents. The ratio is the scenario's and never changes; while the drop-cap guard holds, the
dialer gives each free agent one bound line instead, and goes back to the ratio when it lets go.
"""

from __future__ import annotations

import math

from wfm.sim.outbound.guard import DropGuard, Exposure
from wfm.sim.outbound.pacing.base import BOUND_LEVEL, DialPort, Pacer
from wfm.sim.outbound.pacing.estimates import LineStats

EXPOSURE_Z = 2.0  # the ringing lines may bring this many standard deviations (Poisson) more connects than expected


class GuardedPacer(Pacer):
    """A pacer of unbound lines watched by the drop-cap guard: one bound line per free agent while it holds."""

    def __init__(self, level: float, guard: DropGuard, stats: LineStats) -> None:
        self.level = level
        self.guard = guard
        self.stats = stats

    @property
    def in_fallback(self) -> bool:
        """Whether the drop-cap guard holds the dialer to bound lines now."""
        return self.guard.active

    def pace(self, port: DialPort) -> None:
        """Bound lines while the guard holds, else the mode's own pacing."""
        if self.guard.active:
            while port.dial_bound(review_s=0.0, fallback=True):
                pass
            return
        self.pace_unbound(port)

    def pace_unbound(self, port: DialPort) -> None:
        """The mode's pacing of unbound lines."""
        raise NotImplementedError

    def exposure(self, port: DialPort) -> Exposure:
        """What the lines in flight could still add to the drop window (the guard weighs it against the cap)."""
        raise NotImplementedError

    def tripped(self) -> None:
        """The guard has just stepped in."""
        return None

    def dial_level(self) -> float:
        """The level, or one bound line per agent in fallback."""
        return BOUND_LEVEL if self.guard.active else self.level

    def drop_seen(self, port: DialPort) -> None:
        """A drop moved the window: let the guard look."""
        self.check_guard(port)

    def check_guard(self, port: DialPort) -> None:
        """Hand the guard the exposure now; react if it trips."""
        if self.guard.check(port.now, self.exposure(port)):
            self.tripped()


class PowerPacer(GuardedPacer):
    """The fixed-ratio dialer (also a predictive dialer whose level the scenario pins with `fixed_level`)."""

    def pace_unbound(self, port: DialPort) -> None:
        """Launch lines while ringing lines + live answers waiting < ratio × idle agents."""
        target = self.level * port.free_agents()
        in_flight = port.lines_out + len(port.waiting_lines)
        while in_flight < target:
            if port.dial_next() is None:
                return
            in_flight += 1

    def answer_taken(self, port: DialPort) -> None:
        """A freed agent took a waiting answer: one fewer waiting, so the rule may launch a line."""
        self.pace(port)

    def tick(self, port: DialPort) -> None:
        """Let the guard look every clock step too, so a fallback ends as soon as the window has room."""
        self.check_guard(port)

    def exposure(self, port: DialPort) -> Exposure:
        """Answers waiting could all drop; ringing lines drop only by the connects they bring beyond the free agents.

        Every connect they bring (at the learned hit rate) and every answer waiting joins the
        window's live answers, dropped or not.
        """
        waiting = len(port.waiting_lines)
        connects = self.stats.hit_rate * port.lines_out
        return Exposure(waiting + connects + EXPOSURE_Z * math.sqrt(connects), waiting + connects)
