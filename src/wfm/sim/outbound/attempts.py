"""One dial attempt: the line record, and the draws that decide how it ends and how long it talks.

Everything random about an attempt is drawn from the `dial_outcomes` stream when it is dialed
(five uniforms and one answer delay, always, so the stream stays aligned whatever the outcome),
and its talk times when it connects. Only whether an agent is free when it answers is left to
the simulation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import NamedTuple

import numpy as np

from wfm.scenario import Duration
from wfm.scenario.outbound import Outbound
from wfm.sim.agents import Agent
from wfm.sim.outbound.result import BUSY, DROPPED, INVALID, MACHINE, NO_ANSWER, RPC, RPC_RESULTS, THIRD_PARTY
from wfm.sim.sampling import lognormal_params

PTP, REFUSAL, DISPUTE, CALLBACK = range(len(RPC_RESULTS))
NO_RESULT = -1  # a conversation that was not with the right party has no result
DRAW_BLOCK = 8192  # uniforms / normals drawn per numpy call: amortises the call, a few tens of kB


class CallKind(IntEnum):
    """What an agent talks to once a line connects; indexes `AttemptDraws.talk_specs`."""

    RPC = 0
    THIRD_PARTY = 1
    MACHINE = 2


_FIXED, _EXPONENTIAL, _LOGNORMAL = range(3)
_CODES = {"fixed": _FIXED, "exponential": _EXPONENTIAL, "lognormal": _LOGNORMAL}


@dataclass(frozen=True, slots=True)
class Sampler:
    """A scenario duration prepared for the hot path (its lognormal parameters computed once)."""

    code: int
    mean_s: float
    mu: float
    sigma: float

    @classmethod
    def of(cls, spec: Duration) -> Sampler:
        """Prepare `spec`."""
        mu, sigma = lognormal_params(spec.mean_s, spec.cv) if spec.distribution == "lognormal" else (0.0, 0.0)
        return cls(_CODES[spec.distribution], spec.mean_s, mu, sigma)


class Draws:
    """Uniform and standard-normal draws from one stream, taken in blocks for speed."""

    def __init__(self, rng: np.random.Generator, block: int = DRAW_BLOCK) -> None:
        self.rng = rng
        self.block = block
        self._u: list[float] = []
        self._z: list[float] = []

    def u(self) -> float:
        """One uniform on [0, 1)."""
        if not self._u:
            self._u = self.rng.random(self.block).tolist()
        return self._u.pop()

    def uniforms(self, n: int) -> list[float]:
        """`n` uniforms, in the order `n` calls of `u` would give them (one call on the hot path)."""
        block = self._u
        if len(block) < n:
            return [self.u() for _ in range(n)]
        out = block[:-n - 1:-1]
        del block[-n:]
        return out

    def z(self) -> float:
        """One standard normal."""
        if not self._z:
            self._z = self.rng.standard_normal(self.block).tolist()
        return self._z.pop()

    def duration(self, spec: Sampler) -> float:
        """A duration from `spec`, always using one normal and one uniform (keeps the stream aligned)."""
        z, u = self.z(), self.u()
        if spec.code == _FIXED:
            return spec.mean_s
        if spec.code == _EXPONENTIAL:
            return -spec.mean_s * math.log(1.0 - u)
        return math.exp(spec.mu + spec.sigma * z)


@dataclass(slots=True, eq=False)
class Line:
    """One dial attempt in progress.

    Attributes:
        account: index of the account dialed.
        agent: the agent the line is bound to (preview, progressive, fallback), None for a paced line.
        dialed: when it was dialed (seconds from the start of the run).
        slot: reporting interval it was dialed in (its outcome is counted there).
        local_day: the account's local day at the dial (daily caps and contacts count on it).
        phone: which of the account's numbers was dialed.
        log_index: row of the attempt in the trace, -1 when no trace is kept.
        outcome: index into `OUTCOMES`; set by the draws, a waiting live answer may become DROPPED.
        pickup: when it was picked up (the end of the greeting; NaN when nobody picked up).
        live: a person answered (dropped, third party or RPC).
        to_agent: the line goes to an agent when it answers (live and kept by AMD, or an undetected machine).
        amd_drop: a live answer hung up on by AMD (a false positive).
        waiting: a live answer waiting for an agent.
        done: answered or ended (no longer ringing).
        base: contact propensity × hour multiplier: what the learned hit rate scales.
        odds: prior odds of reaching an agent.
        reach: the drop-cap guard's chance that this paced line reaches an agent (0 for bound lines).
    """

    account: int
    agent: Agent | None
    dialed: float
    slot: int
    local_day: int
    # what was dialed and where it is logged
    phone: int = 0
    log_index: int = -1
    # how it ends (drawn at the dial)
    outcome: int = NO_ANSWER
    pickup: float = math.nan
    live: bool = False
    to_agent: bool = False
    amd_drop: bool = False
    # where it stands
    waiting: bool = False
    done: bool = False
    # what the pacing and the guard expect of it
    base: float = 0.0
    odds: float = 0.0
    reach: float = 0.0


class Talk(NamedTuple):
    """How long a connected line keeps its agent, and what they talked to."""

    kind: CallKind
    talk_s: float
    acw_s: float


class Talking(NamedTuple):
    """An agent in an outbound conversation, as the dialer sees it (the talk end is read once it is past)."""

    start: float
    talk_end: float
    kind: CallKind


class AttemptDraws:
    """The scenario's attempt and conversation settings, with the stream their draws come from."""

    def __init__(self, spec: Outbound, rng: np.random.Generator) -> None:
        self.draw = Draws(rng)
        att, amd, conv = spec.attempts, spec.amd, spec.conversation
        self.busy = att.busy
        self.machine = att.machine
        self.invalid_s = att.invalid_s
        self.busy_s = att.busy_s
        self.timeout_s = att.ring_timeout_s
        self.answer_delay = Sampler.of(att.answer_delay)
        self.amd = amd.enabled
        self.detection_s = amd.detection_s if amd.enabled else 0.0
        self.true_detection = amd.true_detection
        self.false_positive = amd.false_positive
        self.talk_specs = tuple(Sampler.of(d) for d in (conv.rpc_talk, conv.third_party_talk, conv.machine_talk))
        self.acw = Sampler.of(conv.acw)

    def ring(self, line: Line, dead_number: bool, p_pick: float, p_right_party: float) -> float:
        """Decide how `line` ends; sets its outcome flags and returns the seconds until then.

        A dead number is invalid; a valid one is busy, or picked up (by a machine or a person)
        with chance `p_pick` within the ring timeout, or not answered. AMD listens
        `detection_s` after a pick-up: it hangs up on the machines it recognises and on the
        live people it takes for machines.
        """
        draw = self.draw
        u_busy, u_pick, u_machine, u_amd, u_party = draw.uniforms(5)
        delay = draw.duration(self.answer_delay)
        if dead_number:
            line.outcome = INVALID
            return self.invalid_s
        if u_busy < self.busy:
            line.outcome = BUSY
            return self.busy_s
        if u_pick < p_pick and delay < self.timeout_s:
            if u_machine < self.machine:
                line.outcome = MACHINE
                line.to_agent = not (self.amd and u_amd < self.true_detection)
            else:
                line.live = True
                if self.amd and u_amd < self.false_positive:
                    line.outcome = DROPPED
                    line.amd_drop = True
                else:
                    line.to_agent = True
                    line.outcome = RPC if u_party < p_right_party else THIRD_PARTY
            return delay + self.detection_s
        line.outcome = NO_ANSWER
        return self.timeout_s

    def talk(self, outcome: int, agent: Agent) -> Talk:
        """Talk and after-call work of a line connected to `agent`.

        An undetected machine is a fixed routine: the agent's handle factor does not stretch it
        and it has no wrap-up.
        """
        draw = self.draw
        if outcome == MACHINE:
            return Talk(CallKind.MACHINE, draw.duration(self.talk_specs[CallKind.MACHINE]), 0.0)
        kind = CallKind.THIRD_PARTY if outcome == THIRD_PARTY else CallKind.RPC
        talk = draw.duration(self.talk_specs[kind]) * agent.handle_factor()
        return Talk(kind, talk, draw.duration(self.acw))


def conversation_result(u: float, p_ptp: float, p_refusal: float, p_dispute: float) -> int:
    """PTP with chance `p_ptp`; the rest split into refusal, dispute and callback by their weights.

    One uniform decides: below `p_ptp` a promise, the rest of [0, 1) rescaled to the other results.
    """
    p_ptp = min(1.0, max(0.0, p_ptp))
    if u < p_ptp:
        return PTP
    rest = (u - p_ptp) / (1.0 - p_ptp) if p_ptp < 1 else 0.0
    if rest < p_refusal:
        return REFUSAL
    return DISPUTE if rest < p_refusal + p_dispute else CALLBACK
