"""The drop-cap guard: a paced line only when the window can take the worst the lines in flight could do.

The regulatory window's drop rate (dropped / live answers over `drop_window_days` calendar days)
must stay under its cap in every window of the run, small campaigns and the bursts at the
opening of a calling window included. So the guard is asked before EACH paced (unbound) line,
and judges the window on the live answers it really holds (no floor):

    dropped + X <= cap × (live + X + s × min(C, A))

- C: the connects the paced lines in flight could bring, the new line included: the mean plus
  `Z` standard deviations of a sum of independent lines, each at its chance to reach an agent
  (`LineStats.reach`: the pick-up chance until the hit rate is learned, never below the truth);
- A: the agents free now; the drops in that case are X = answers waiting + (C − A)+ + the AMD
  false positives such lines bring (each drop is a live answer too, hence X on both sides);
- s: the share of lines reaching an agent that are live people (the rest are undetected machines,
  which are neither live answers nor drops).

A refused line trips the guard: the free agents the paced lines in flight do not need get one
bound line each (a bound line cannot drop for want of an agent) and the pacer tries paced lines
again at its next pacing; a paced line allowed lets the guard go. Each trip counts as a block by
the DROP_CAP rule; the dialer books the time spent in fallback (`OutboundSeries.fallback_s`).
A power dialer keeps its ratio whenever the window can take it: the guard never scales it down.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from wfm.scenario import DAY_S
from wfm.scenario.outbound import Outbound
from wfm.sim.outbound.attempts import Line
from wfm.sim.outbound.compliance import DROP_CAP
from wfm.sim.outbound.counters import Counters

Z = 3.0  # the connects of the lines in flight are counted this many standard deviations above their mean


class Mix(NamedTuple):
    """What a line that reaches an agent is, from the scenario: live person or machine, and AMD's false positives."""

    live_share: float  # s: live people among the lines that reach an agent
    false_positive_ratio: float  # live answers hung up on by AMD per line that reaches an agent


def line_mix(spec: Outbound) -> Mix:
    """The scenario's split of picked-up lines: live kept by AMD, undetected machines, AMD false positives."""
    machine = spec.attempts.machine
    amd = spec.amd
    detect, false_pos = (amd.true_detection, amd.false_positive) if amd.enabled else (0.0, 0.0)
    live = (1.0 - machine) * (1.0 - false_pos)
    reached = live + machine * (1.0 - detect)
    if reached <= 0:
        return Mix(0.0, 0.0)
    return Mix(live / reached, (1.0 - machine) * false_pos / reached)


class DropGuard:
    """Allows a paced line while the window can take what the paced lines in flight could drop.

    It keeps the sum and variance of the chances to reach an agent of the paced lines in flight
    (`line_out`, `line_in`); `look` reads the window once per pacing, `allows` judges one more line.
    """

    def __init__(self, spec: Outbound, counters: Counters) -> None:
        rules = spec.compliance.rules()
        self.cap = rules.drop_cap
        self.window_days = rules.drop_window_days
        self.mix = line_mix(spec)
        self.fp_ratio = self.mix.false_positive_ratio
        self.live_cap = self.cap * self.mix.live_share  # cap × s
        self.counters = counters
        self.active = False
        self.since = 0.0  # when it last tripped
        self.n_flight = 0
        self.mean = 0.0  # expected connects of the paced lines in flight
        self.var = 0.0
        self.credit = 0.0  # cap × live − dropped of the window, as last looked at
        self.free = 0
        self.waiting = 0
        self.now = 0.0

    # -- the paced lines in flight --------------------------------------------------------------

    def line_out(self, line: Line, reach: float) -> None:
        """A paced line was dialed with chance `reach` to reach an agent."""
        line.reach = reach
        self.n_flight += 1
        self.mean += reach
        self.var += reach * (1.0 - reach)

    def line_in(self, line: Line) -> None:
        """A paced line answered or ended: it no longer adds to the connects to come."""
        self.n_flight -= 1
        if self.n_flight <= 0:
            self.n_flight, self.mean, self.var = 0, 0.0, 0.0  # no float residue once nothing is in flight
            return
        self.mean -= line.reach
        self.var -= line.reach * (1.0 - line.reach)

    def connects_high(self, extra: float = 0.0) -> float:
        """C: the connects the lines in flight (and one more line of chance `extra`) could bring, high side."""
        var = max(self.var + extra * (1.0 - extra), 0.0)
        return max(self.mean + extra, 0.0) + Z * math.sqrt(var)

    # -- the decision ---------------------------------------------------------------------------

    def look(self, now: float, free: int, waiting: int) -> None:
        """Read the window's live answers and drops, the free agents and the answers waiting (once per pacing)."""
        day = min(int(now // DAY_S), self.counters.n_days - 1)
        window = self.counters.window(day, self.window_days)  # the closed days' sums are kept by the counters
        self.credit = self.cap * window.live - window.dropped
        self.free = free
        self.waiting = waiting
        self.now = now

    def allows(self, reach: float) -> bool:
        """Whether one more paced line of chance `reach` keeps the window under its cap in the high case.

        Asked before every paced line, so `connects_high` is written out here.
        """
        c = max(self.mean + reach, 0.0) + Z * math.sqrt(max(self.var + reach * (1.0 - reach), 0.0))
        free = self.free
        x = self.waiting + (c - free if c > free else 0.0) + self.fp_ratio * c
        return (1.0 - self.cap) * x <= self.credit + self.live_cap * (c if c < free else free)

    def reserve(self) -> int:
        """Free agents the paced lines in flight may need (kept off bound lines while they ring)."""
        return min(self.free, math.ceil(self.connects_high() - 1e-9) if self.n_flight else 0)

    def refuse(self) -> bool:
        """A paced line was refused: hold the dialer to bound lines; True when the guard has just tripped."""
        if self.active:
            return False
        self.active = True
        self.since = self.now
        self.counters.blocked[DROP_CAP] += 1
        return True

    def release(self) -> None:
        """A paced line was allowed: the dialer paces again."""
        self.active = False
