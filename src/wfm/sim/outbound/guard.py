"""The drop-cap guard: a paced line only when the window can take the worst the lines in flight could do.

The regulatory window's drop rate (dropped / live answers over `drop_window_days` calendar days)
must stay under its cap in every window of the run, small campaigns and the bursts at the
opening of a calling window included. So the guard is asked before EACH paced (unbound) line,
and judges the window on the live answers it really holds (no floor):

    dropped + X <= cap × (live + X + s × min(C, A))

- C: the connects the paced lines in flight could bring, the new line included: the mean plus
  `Z` standard deviations of a sum of independent lines, each at its chance to reach an agent
  (`LineStats.reach`: the pick-up chance until the hit rate is learned, never below the truth);
- A: the agents free now and still at the phones when these lines may need them (not due on a
  break or at the end of their shift within a ring and the connect wait: an agent who leaves
  while the line rings leaves it to drop); the drops in that case are X = answers waiting +
  (C − A)+ + the AMD false positives such lines bring (each drop is a live answer too, hence X
  on both sides);
- s: the share of lines reaching an agent that are live people (the rest are undetected machines,
  which are neither live answers nor drops).

A refused line trips the guard: the free agents the paced lines in flight do not need get one
bound line each (a bound line cannot drop for want of an agent) and the pacer tries paced lines
again at its next pacing; a paced line allowed lets the guard go. Each trip counts as a block by
the DROP_CAP rule; the dialer books the time spent in fallback (`OutboundSeries.fallback_s`).
A power dialer keeps its ratio whenever the window can take it: the guard never scales it down.

Rule packs (`PackDropGuard`): a portfolio that mixes jurisdictions has one window per pack, each
under its own cap and over its own length (Ofcom 3% over 24 h, the US 3% over 30 days), counted
over that pack's live answers only. Which pack's debtors the lines in flight will drop is not
known, so each pack p is judged in its own worst case: its lines in flight connect at their high
count C_p, the overflow of all the lines in flight O = (C − A)+ falls on p's lines first, and p
is credited only the live answers left of C_p:

    dropped_p + X_p <= cap_p × (live_p + X_p + s × (C_p − min(C_p, O))),  X_p = waiting_p + min(C_p, O) + fp × C_p

With one pack this is the inequality above. The next paced line is judged once its account is
chosen (`admits`), so its own pack counts it in C_p and every other pack meets it only through
O: a pack whose window is full holds back its own debtors' paced lines (they get bound lines,
which the pacer dials for the spare agents) and the lines of other packs as far as their
overflow could fall on its lines in flight. Every pack's inequality must hold for the line to go.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from typing import NamedTuple

from wfm.scenario import DAY_S
from wfm.scenario.outbound import Outbound
from wfm.sim.outbound.attempts import Line
from wfm.sim.outbound.compliance import DROP_CAP
from wfm.sim.outbound.counters import Counters
from wfm.sim.outbound.result import RULES

Z = 3.0  # the connects of the lines in flight are counted this many standard deviations above their mean


def whole(connects: float, lines: int) -> float:
    """The high case of connects as the whole number it is, never more than the lines that could connect.

    Connects and drops come in whole calls: a high case of 1.4 connects against one free agent
    is one call dropped, not 0.4 of one, and on a window of a hundred live answers that one call
    is the cap's whole margin.
    """
    return float(min(math.ceil(connects - 1e-9), lines))


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

    by_pack = False  # whether the line is judged once its account (and so its pack) is chosen: `PackDropGuard`

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
        self.refused_pack = 0  # the pack of the account whose paced line was held back last
        # The longest a paced line dialed now may take to need an agent: its ring and the connect wait.
        # Only the free agents still at the phones by then count (one due on a break would leave it to drop).
        self.horizon_s = spec.attempts.ring_timeout_s + spec.dialer.connect_wait_s

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

    def look(self, now: float, free: int, waiting: deque[Line]) -> None:
        """Read the window's live answers and drops, the free agents and the answers waiting (once per pacing)."""
        day = min(int(now // DAY_S), self.counters.n_days - 1)
        window = self.counters.window(day, self.window_days)  # the closed days' sums are kept by the counters
        self.credit = self.cap * window.live - window.dropped
        self.free = free
        self.waiting = len(waiting)
        self.now = now

    def allows(self, reach: float) -> bool:
        """Whether one more paced line of chance `reach` keeps the window under its cap in the high case.

        Asked before every paced line, so `connects_high` is written out here.
        """
        c = whole(max(self.mean + reach, 0.0) + Z * math.sqrt(max(self.var + reach * (1.0 - reach), 0.0)),
                  self.n_flight + 1)
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
        self.counters.blocked[self.refused_pack * len(RULES) + DROP_CAP] += 1
        return True

    def release(self) -> None:
        """A paced line was allowed: the dialer paces again."""
        self.active = False


class PackDropGuard(DropGuard):
    """The guard of a portfolio of several rule packs: every pack's window under its own cap (module docstring).

    Keeps the paced lines in flight per pack besides their totals; `allows` lets every line
    through to the choice of its account and `admits` judges it with its pack known.
    """

    by_pack = True

    def __init__(self, spec: Outbound, counters: Counters, pack: Sequence[int]) -> None:
        """`pack`: each account's rule pack (index into `spec.compliance.packs()`)."""
        super().__init__(spec, counters)
        packs = spec.compliance.packs()
        n = len(packs)
        self.pack = list(pack)
        self.caps = [p.rules.drop_cap for p in packs]
        self.windows = [p.rules.drop_window_days for p in packs]
        self.live_caps = [cap * self.mix.live_share for cap in self.caps]
        self.n_packs = n
        self.n_flight_p = [0] * n
        self.mean_p = [0.0] * n
        self.var_p = [0.0] * n
        self.credits = [0.0] * n
        self.waiting_p = [0] * n
        self.day = -1  # the center day whose closed days `past_live`, `past_dropped` sum
        self.past_live = [0] * n
        self.past_dropped = [0] * n

    def line_out(self, line: Line, reach: float) -> None:
        """A paced line was dialed: it adds to its pack's connects to come and to the total."""
        super().line_out(line, reach)
        p = self.pack[line.account]
        self.n_flight_p[p] += 1
        self.mean_p[p] += reach
        self.var_p[p] += reach * (1.0 - reach)

    def line_in(self, line: Line) -> None:
        """A paced line answered or ended."""
        super().line_in(line)
        p = self.pack[line.account]
        self.n_flight_p[p] -= 1
        if self.n_flight_p[p] <= 0:
            self.n_flight_p[p], self.mean_p[p], self.var_p[p] = 0, 0.0, 0.0
            return
        self.mean_p[p] -= line.reach
        self.var_p[p] -= line.reach * (1.0 - line.reach)

    def look(self, now: float, free: int, waiting: deque[Line]) -> None:
        """Read each pack's own window and its answers waiting, and the free agents (once per pacing).

        Asked at every pacing: the closed days of each pack's window are summed once per day
        (`Counters.pack_window`), today's counts are read from the day lists.
        """
        counters = self.counters
        day = min(int(now // DAY_S), counters.n_days - 1)
        if day != self.day:
            self.day = day
            for p in range(self.n_packs):
                window = counters.pack_window(p, day, self.windows[p])
                self.past_live[p] = window.live - window.today
                self.past_dropped[p] = window.dropped - counters.pack_day_dropped[p][day]
        live, dropped, waiting_p = counters.pack_day_live, counters.pack_day_dropped, self.waiting_p
        for p in range(self.n_packs):
            self.credits[p] = (self.caps[p] * (self.past_live[p] + live[p][day])
                               - (self.past_dropped[p] + dropped[p][day]))
            waiting_p[p] = 0
        for line in waiting:
            waiting_p[self.pack[line.account]] += 1
        self.free = free
        self.waiting = len(waiting)
        self.now = now

    def allows(self, reach: float) -> bool:
        """Before the account is chosen its pack is not known: the line is judged by `admits` once it is."""
        return True

    def admits(self, pack: int, reach: float) -> bool:
        """Whether one more paced line of chance `reach` to a debtor of `pack` keeps every pack under its cap."""
        extra = reach * (1.0 - reach)
        total = whole(max(self.mean + reach, 0.0) + Z * math.sqrt(max(self.var + extra, 0.0)), self.n_flight + 1)
        overflow = total - self.free if total > self.free else 0.0
        fp = self.fp_ratio
        for q in range(self.n_packs):
            if q == pack:
                c = whole(max(self.mean_p[q] + reach, 0.0) + Z * math.sqrt(max(self.var_p[q] + extra, 0.0)),
                          self.n_flight_p[q] + 1)
            elif self.n_flight_p[q] or self.waiting_p[q]:
                c = whole(max(self.mean_p[q], 0.0) + Z * math.sqrt(max(self.var_p[q], 0.0)),
                          self.n_flight_p[q]) if self.n_flight_p[q] else 0.0
            else:
                continue  # nothing of q's in flight or waiting: this line cannot drop one of its debtors
            spill = c if c < overflow else overflow
            x = self.waiting_p[q] + spill + fp * c
            if (1.0 - self.caps[q]) * x > self.credits[q] + self.live_caps[q] * (c - spill):
                self.refused_pack = pack
                return False
        return True
