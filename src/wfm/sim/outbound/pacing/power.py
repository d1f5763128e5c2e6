"""Power: a fixed ratio of paced lines per free agent; a live answer takes whoever is free first.

The fixed-ratio rule: launch lines while ringing lines + live answers waiting < ratio × idle
agents. The ratio is the scenario's and never changes; each paced line is first allowed by the
drop-cap guard, and when it refuses one the free agents the paced lines in flight do not need get
one bound line each instead, until a paced line is allowed again.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from wfm.sim.outbound.attempts import Line
from wfm.sim.outbound.guard import DropGuard
from wfm.sim.outbound.pacing.base import BOUND_LEVEL, HELD, DialPort, Pacer
from wfm.sim.outbound.pacing.estimates import LineStats


class Paced(Enum):
    """How a pacing of unbound lines ended."""

    IDLE = 0  # nothing to dial (the lines in flight cover the agents, or nobody may be called)
    DIALED = 1  # every line it wanted was allowed (at least one)
    REFUSED = 2  # the guard refused a line


# Module names for the members: the pacing loop reads them per line, and an Enum attribute costs ~0.1 µs.
IDLE, DIALED, REFUSED = Paced.IDLE, Paced.DIALED, Paced.REFUSED


class GuardedPacer(Pacer):
    """A pacer of unbound lines whose every line the drop-cap guard allows first; bound lines while it refuses.

    `max_base` is the highest pick-up chance (contact × hour multiplier) a line of the scenario can
    have: the guard judges the next line at it, before the account is chosen.
    """

    def __init__(self, level: float, guard: DropGuard, stats: LineStats, max_base: float) -> None:
        self.level = level
        self.guard = guard
        self.stats = stats
        self.max_base = max_base
        self.next_reach = 1.0  # the next paced line's chance to reach an agent, as the guard counts it

    @property
    def in_fallback(self) -> bool:
        """Whether the drop-cap guard holds the dialer to bound lines now."""
        return self.guard.active

    @property
    def fallback_since(self) -> float:
        """When the guard last stepped in."""
        return self.guard.since

    def pace(self, port: DialPort) -> None:
        """The mode's own pacing, each line allowed by the guard; bound lines for the spare agents when it refuses."""
        guard = self.guard
        guard.look(port.now, port.free_agents_staying(guard.horizon_s), port.waiting_lines)
        self.next_reach = self.stats.reach(self.max_base)  # the estimates do not move while it paces
        paced = self.pace_unbound(port)
        if paced is DIALED:
            guard.release()
        elif paced is REFUSED:
            if guard.refuse():
                self.tripped()
            spare = guard.free - guard.reserve()
            while spare > 0 and port.dial_bound(review_s=0.0, fallback=True):
                spare -= 1

    def allowed(self) -> bool:
        """Whether the guard allows one more paced line (judged at the scenario's highest pick-up chance)."""
        return self.guard.allows(self.next_reach)

    def guarded_line(self, port: DialPort) -> float | None:
        """Dial one paced line if the guard allows it.

        Returns its prior, `HELD` when the guard (or the account's pack) held it back, None when
        nobody may be called now.
        """
        if not self.allowed():
            return HELD
        return port.dial_next()

    def admission(self) -> Callable[[int], bool] | None:
        """With rule packs, the guard judges each paced line once its account's pack is known."""
        return self._admits if self.guard.by_pack else None

    def _admits(self, pack: int) -> bool:
        return self.guard.admits(pack, self.next_reach)  # type: ignore[attr-defined]  # a PackDropGuard (by_pack)

    def pace_unbound(self, port: DialPort) -> Paced:
        """The mode's pacing of unbound lines, asking `allowed` before each."""
        raise NotImplementedError

    def tripped(self) -> None:
        """The guard has just stepped in."""
        return None

    def dial_level(self) -> float:
        """The level, or one bound line per agent in fallback."""
        return BOUND_LEVEL if self.guard.active else self.level

    def line_dialed(self, line: Line) -> None:
        """A paced line left: the guard counts its chance to reach an agent."""
        self.guard.line_out(line, self.stats.reach(line.base))

    def line_resolved(self, line: Line) -> None:
        """A paced line answered or ended."""
        self.guard.line_in(line)


class PowerPacer(GuardedPacer):
    """The fixed-ratio dialer (also a predictive dialer whose level the scenario pins with `fixed_level`)."""

    def pace_unbound(self, port: DialPort) -> Paced:
        """Launch lines while ringing lines + live answers waiting < ratio × idle agents, each allowed by the guard."""
        target = self.level * self.guard.free
        in_flight = port.lines_out + len(port.waiting_lines)
        paced = IDLE
        while in_flight < target:
            prior = self.guarded_line(port)
            if prior is None:
                return paced
            if prior == HELD:
                return REFUSED
            paced = DIALED
            in_flight += 1
        return paced

    def answer_taken(self, port: DialPort) -> None:
        """A freed agent took a waiting answer: one fewer waiting, so the rule may launch a line."""
        self.pace(port)
