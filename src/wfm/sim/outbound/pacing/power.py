"""Power: a fixed number of paced lines per free agent; a live answer takes whoever is free first."""

from __future__ import annotations

from wfm.sim.outbound.guard import DropGuard
from wfm.sim.outbound.pacing.base import FALLBACK_LEVEL, FLOAT_SLACK, DialPort, Pacer
from wfm.sim.outbound.pacing.estimates import LineStats

MIN_LEVEL = 1.0  # floor of the level (reports and the GUI read dial_level >= 1)
LEVEL_CUT = 0.8  # a guard trip multiplies the level by this


class GuardedPacer(Pacer):
    """A pacer of unbound lines, watched by the drop-cap guard: bound lines while it holds."""

    def __init__(self, level: float, guard: DropGuard, stats: LineStats) -> None:
        self.level = level
        self.guard = guard
        self.stats = stats

    def pace(self, port: DialPort) -> None:
        """Bound lines while the guard holds, else the mode's own pacing."""
        if self.guard.active:
            while port.dial_bound(0.0, True):
                pass
            return
        self.pace_unbound(port)

    def pace_unbound(self, port: DialPort) -> None:
        """The mode's pacing of unbound lines."""
        raise NotImplementedError

    def dial_level(self) -> float:
        """The level, or one bound line per agent in fallback."""
        return FALLBACK_LEVEL if self.guard.active else self.level

    def drop_seen(self, port: DialPort) -> None:
        """Let the guard look at the window, with the lines in flight as exposure (and one more drop)."""
        self.check_guard(port)

    def check_guard(self, port: DialPort) -> None:
        """The connects expected from the paced lines, the answers waiting and one more could all drop."""
        in_flight = self.stats.hit_rate * port.lines_out + len(port.waiting_lines) + 1
        if self.guard.check(port.now, in_flight):
            self.level = max(MIN_LEVEL, LEVEL_CUT * self.level)


class PowerPacer(GuardedPacer):
    """`level` lines per free agent, counting the lines still out (also a predictive level pinned by the scenario)."""

    def pace_unbound(self, port: DialPort) -> None:
        """Top the paced lines and waiting answers up to level × free agents."""
        available = port.free_agents()
        if available == 0:
            return  # nobody to talk to: never dial into the void
        wanted = int(self.level * available + FLOAT_SLACK) - port.lines_out - len(port.waiting_lines)
        for _ in range(wanted):
            if port.dial_next() is None:
                return
