"""Predictive: dial for the agents free now and soon, at a level that adapts to the recent drop rate.

The pacer dials until the lines in flight are expected to bring level × p live connects per
agent expected free when they answer (p: a new line's chance to reach an agent, learned by
segment and local hour). A line still ringing counts by its chance to connect given how long
it has rung (learned), an agent by their chance to be free within the answer delay (wrap-up
end, or remaining talk). The level adapts to the recent drop rate toward an aim below the cap
by a margin that shrinks as the window fills (`drop_aim`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from wfm.scenario import DAY_S, Duration
from wfm.scenario.outbound import Dialer as DialerSettings
from wfm.scenario.outbound import Rules
from wfm.sim.outbound.counters import Counters
from wfm.sim.outbound.guard import DropGuard
from wfm.sim.outbound.pacing.base import FLOAT_SLACK, HELD, DialPort
from wfm.sim.outbound.pacing.estimates import DurationCdf, LineStats
from wfm.sim.outbound.pacing.power import DIALED, IDLE, REFUSED, GuardedPacer, Paced

MIN_LEVEL = 1.0  # floor of the level (reports and the GUI read dial_level >= 1)
LEVEL_CUT = 0.8  # a guard trip multiplies the level by this: the controller restarts from a safer level
MIN_LIVE = 100  # the aim's margin is judged on at least this many live answers (the guard uses the real count)
SURE = 0.85  # an agent in wrap-up counts once a line dialed now is this likely to connect after they are free
STEP_LIVE = 100  # the level controller takes a full `gain` step per this many new live answers
EWMA_WEIGHT = 1 / 300  # recent drop rate: about the last 300 live answers
AIM_Z = 2.0  # the pacing aims this many standard errors of the window's drop rate below the cap
DROP_DISPERSION = 2.0  # variance of window drops / binomial variance (drops come in bursts)
MIN_HIT = 1e-3  # floor of the hit rate in the need per agent (nothing connected yet must not stall the pacing)
HALF_LINE = 0.5  # dial while the shortfall is at least half of a new line's expected connects
ERROR_FLOOR, ERROR_CEILING = -3.0, 1.0  # the controller's relative error is clamped to this range
NO_AIM = 1e-4  # a drop aim at or below this (false positives use it all up) sends the level to its floor


class PredictivePacer(GuardedPacer):
    """The adaptive predictive dialer (DESIGN §4)."""

    def __init__(self, settings: DialerSettings, acw: Duration, talk_specs: tuple[Duration, ...],
                 rules: Sequence[Rules], counters: Counters, guard: DropGuard, stats: LineStats,
                 max_base: float) -> None:
        """`rules`: each rule pack's (the aim keeps every pack's window under its own cap)."""
        super().__init__(settings.initial_level, guard, stats, max_base)
        self.settings = settings
        self.acw_s = acw.mean_s
        self.talk_cdfs = tuple(DurationCdf(spec) for spec in talk_specs)  # by CallKind
        self.rules = rules
        self.counters = counters
        self.drop_ewma = 0.0
        self.amd_ewma = 0.0
        self.live_seen = 0
        self.live_at_adapt = 0

    def pace_unbound(self, port: DialPort) -> Paced:
        """Dial until the expected connects in flight match level × p per agent expected free.

        Agents count if they are free now or expected free within the mean ring time of a
        connect (when a line dialed now would answer); each ringing line counts by its chance
        to still reach an agent; live answers waiting for an agent count in full. New lines
        add their own chance (`dial_next` returns it) until the shortfall is under half a line,
        each allowed by the drop-cap guard first.
        """
        now = port.now
        available = self.guard.free + self._soon_free(port, self.stats.connect_s, now)
        if available <= 0:
            return IDLE  # nobody to talk to: never dial into the void
        p = max(self.stats.hit_rate, MIN_HIT)
        waiting = len(port.waiting_lines)
        need = self.level * p * available - self._expected_connects(port, now) - waiting
        room = int(self.settings.max_level * available + FLOAT_SLACK) - port.lines_out - waiting
        paced = IDLE
        while need >= HALF_LINE * p and room > 0:
            prior = self.guarded_line(port)
            if prior is None:
                return paced
            if prior == HELD:
                return REFUSED
            paced = DIALED
            need -= prior
            room -= 1
        return paced

    def _soon_free(self, port: DialPort, within: float, now: float) -> float:
        """Expected number of agents in outbound conversations free in time for a line dialed now.

        The dialer sees a conversation end (wrap-up starts) and knows the mean after-call work,
        so an agent in wrap-up due free in τ seconds counts once a connect to a line dialed now
        is `SURE` to come no earlier than τ minus the connect wait (learned ring times of
        connects): counted sooner, the agent's line would often answer before them and drop.
        For an agent still talking it knows only how long the talk has lasted, so it
        takes the chance that the rest of the talk and a mean wrap-up fit in `within` seconds.
        """
        acw_s = self.acw_s
        talk_may_end = within > acw_s  # else no talking agent can be free in time
        later = self.stats.survival.later
        last = len(later) - 1
        grace = self.settings.connect_wait_s
        cdfs = self.talk_cdfs
        total = 0.0
        for start, talk_end, kind in port.in_conversation.values():
            if talk_end <= now:
                b = int(talk_end + acw_s - now - grace)
                total += 1.0 if b <= 0 or (b < last and later[b] >= SURE) else 0.0
            elif talk_may_end:
                total += cdfs[kind].done_within(now - start, within - acw_s)
        return total

    def _expected_connects(self, port: DialPort, now: float) -> float:
        """Expected agent connects still to come from the paced lines ringing now."""
        ringing = port.ringing
        while ringing and ringing[0].done:
            ringing.popleft()
        ratio = self.stats.survival.ratio
        last = len(ratio) - 1
        total = 0.0
        for line in ringing:
            if line.done:
                continue
            b = int(now - line.dialed)
            odds = line.odds * ratio[b if b < last else last]
            total += odds / (1.0 + odds)
        return total

    def tripped(self) -> None:
        """Restart the level controller from a safer level."""
        self.level = max(MIN_LEVEL, LEVEL_CUT * self.level)

    def look_again_after(self, talk_s: float) -> float:
        """Look again when this agent starts to count as soon free (the wrap-up end is one ring time away)."""
        return max(talk_s, talk_s + self.acw_s - self.stats.connect_s)

    def live_closed(self, dropped: bool, amd_drop: bool) -> None:
        """Follow the recent drop rate: the pacing controls only drops for want of an agent.

        AMD false positives eat into its target: they are followed apart.
        """
        self.live_seen += 1
        self.drop_ewma += EWMA_WEIGHT * ((1.0 if dropped and not amd_drop else 0.0) - self.drop_ewma)
        self.amd_ewma += EWMA_WEIGHT * ((1.0 if amd_drop else 0.0) - self.amd_ewma)

    def tick(self, port: DialPort) -> None:
        """Refresh the ring-time odds and adapt the level."""
        self.stats.survival.refresh()
        self._adapt(port)

    def _adapt(self, port: DialPort) -> None:
        """Move the dial level toward the pacing's drop aim (multiplicative controller on the recent rate).

        The aim covers all drops (DESIGN §4: AMD false positives included), so the pacing's own
        share is the aim minus the recent false-positive share; when false positives alone use
        up the aim, the level goes down to its floor. Without a live answer since the last step
        (nights, everyone on a break) there is nothing new to learn and the level is held.
        """
        news = self.live_seen - self.live_at_adapt
        if not news:
            return
        self.live_at_adapt = self.live_seen
        d = self.settings
        target = self.drop_aim(port.now) - self.amd_ewma
        if target <= NO_AIM:
            error = ERROR_FLOOR
        else:
            error = max(ERROR_FLOOR, min(ERROR_CEILING, (target - self.drop_ewma) / target))
        # The step grows with the evidence: `gain` per STEP_LIVE new live answers, so the level moves
        # no faster than the recent drop rate it reads (an EWMA over hundreds of answers) can follow.
        step = d.gain * error * min(1.0, news / STEP_LIVE)
        self.level = min(d.max_level, max(MIN_LEVEL, self.level * math.exp(step)))

    def drop_aim(self, now: float) -> float:
        """The drop rate (all drops) the pacing aims at now: the target, kept below the cap by a margin.

        The cap is judged on the window's rate at the end of each day, so the margin is
        `AIM_Z` standard errors of that rate: binomial, inflated by `DROP_DISPERSION` for
        bursts, over the live answers the window will hold tonight (past days plus a day like
        the window's average; on the first day only what has been seen). A young window
        therefore paces cautiously and a full one close to the cap. The drops the window can
        still take at the aim (or its overshoot) are spread over the rest of the day.
        With rule packs, each pack's aim is worked out on its own window and cap, and the
        pacing aims at the lowest: drops for want of an agent fall on every pack alike.
        """
        day = min(int(now // DAY_S), self.counters.n_days - 1)
        return min(self._pack_aim(k, day) for k in range(len(self.rules)))

    def _pack_aim(self, pack: int, day: int) -> float:
        """The aim of one rule pack on center day `day` (`drop_aim`)."""
        rules = self.rules[pack]
        cap = rules.drop_cap
        counters = self.counters
        live_w, drop_w, today = counters.pack_window(pack, day, rules.drop_window_days)
        first = max(0, day - rules.drop_window_days + 1)
        past = [n for n in counters.pack_day_live[pack][first:day] if n]
        expected_today = max(today, sum(past) / len(past)) if past else today
        tonight = live_w - today + expected_today
        ceiling = cap - AIM_Z * math.sqrt(DROP_DISPERSION * cap * (1 - cap) / max(tonight, MIN_LIVE))
        aim = min(self.settings.target_drop_rate, ceiling)
        slack = aim * live_w - drop_w
        aim += slack / max(expected_today - today, 1 / EWMA_WEIGHT)
        return max(0.0, min(ceiling, aim))
