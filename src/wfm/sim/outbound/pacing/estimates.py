"""What the dialer learns about its lines as the run goes: hit rate, ring times, the odds of a ringing line.

The predictive pacer reads all of it; the drop-cap guard's exposure reads the hit rate.
"""

from __future__ import annotations

import math

from wfm.scenario import Duration
from wfm.sim.outbound.attempts import Line
from wfm.sim.sampling import lognormal_params

HIT_WEIGHT = 1 / 500  # EWMA weight of the hit-rate and ring-time estimates: about the last 500 lines
PRIOR_HIT = 0.25  # hit rate (lines reaching an agent) assumed before any line has resolved
PRIOR_CAP = 0.999  # a line's prior chance is capped below 1, so its odds p / (1 - p) stay finite
ONLY_CONNECTS_LEFT = 1e12  # odds factor once only connected lines were still unresolved at this age
NEVER_ANSWERED = 1e-9  # floor of P(answer within the timeout): keeps the connect-time prior finite
SURVIVAL_ZERO = 1e-12  # below this a duration has certainly ended
GUARD_LEARN = 200  # resolved lines before the drop-cap guard trusts the learned hit rate over the pick-up chance


class RingSurvival:
    """How a line's chance to reach an agent falls while it rings unanswered, learned from resolved lines.

    A line dialed with prior chance p that has rung e seconds without resolving reaches an agent
    with odds p / (1 - p) × S_c(e) / S_f(e), where S_c and S_f are the shares of connected and of
    failed lines still unresolved after e seconds (Bayes). Most failures ring the full timeout,
    so a line ringing past the usual answer delay is nearly dead: counting it as a coming
    connect would hold the dialer back.
    """

    def __init__(self, answer_delay: Duration, timeout_s: float, detection_s: float) -> None:
        n_bins = int(timeout_s + detection_s) + 2
        self.connected = [0] * n_bins  # resolved lines by whole seconds rung
        self.failed = [0] * n_bins
        self.ratio = [1.0] * n_bins  # S_c / S_f at the middle of each second; 1 until both kinds are seen
        # S_c at the start of each second, P(a connect comes after b seconds): from the scenario's
        # answer delay until connects have been seen.
        answered = max(cdf(answer_delay, timeout_s), NEVER_ANSWERED)
        self.later = [max(0.0, 1.0 - cdf(answer_delay, b - detection_s) / answered) for b in range(n_bins)]
        self.recorded = 0  # lines counted so far ...
        self.refreshed = 0  # ... and at the last refresh: nothing new, nothing to recompute

    def record(self, elapsed: float, connected: bool) -> None:
        """Count a resolved line."""
        b = min(int(elapsed), len(self.ratio) - 1)
        self.recorded += 1
        if connected:
            self.connected[b] += 1
        else:
            self.failed[b] += 1

    def refresh(self) -> None:
        """Recompute the odds factors from the counts (every pacing step, not per line: cheap and stable).

        The factors are a function of the counts alone, so a step with no line resolved since the
        last one (nights, breaks, quiet minutes) keeps them as they are.
        """
        if self.recorded == self.refreshed:
            return
        self.refreshed = self.recorded
        n_c, n_f = sum(self.connected), sum(self.failed)
        if not n_c or not n_f:
            return
        left_c, left_f = float(n_c), float(n_f)
        for b in range(len(self.ratio)):
            self.later[b] = left_c / n_c
            mid_c = left_c - self.connected[b] / 2
            mid_f = left_f - self.failed[b] / 2
            if mid_f > 0:
                self.ratio[b] = (mid_c / n_c) / (mid_f / n_f)
            else:
                self.ratio[b] = ONLY_CONNECTS_LEFT if mid_c > 0 else 0.0
            left_c -= self.connected[b]
            left_f -= self.failed[b]


class LineStats:
    """Hit rate, prior odds and ring times learned from the lines that resolved (EWMAs, survival).

    A line's chance to reach an agent = scale × segment contact × hour multiplier; the scale
    (busy, dead numbers, machines, AMD) is the ratio of two EWMAs started at 0, unbiased from the
    first line. `hit_rate` is the plain EWMA of lines reaching an agent, used before any line resolved.
    """

    def __init__(self, answer_delay: Duration, timeout_s: float, detection_s: float) -> None:
        self.hit_rate = PRIOR_HIT
        self.hit_num = 0.0
        self.hit_den = 0.0
        self.survival = RingSurvival(answer_delay, timeout_s, detection_s)
        self.connect_s = answer_delay.mean_s + detection_s  # mean ring time of lines that reach an agent
        self.resolved = 0  # lines learned from

    def prior(self, base: float) -> float:
        """A new line's chance to reach an agent, given its contact propensity × hour multiplier."""
        return min(base * self.hit_num / self.hit_den, PRIOR_CAP) if self.hit_den > 0 else self.hit_rate

    def reach(self, base: float) -> float:
        """A new line's chance to reach an agent as the drop-cap guard counts it: never below the truth early on.

        Until `GUARD_LEARN` lines have resolved, the chance that someone picks up at all (`base`,
        contact × hour multiplier, capped at 1): an upper bound of reaching an agent, as a
        pick-up may still be busy, late, or hung up on by AMD. The learned estimate after that.
        """
        return min(base, 1.0) if self.resolved < GUARD_LEARN else self.prior(base)

    def learn(self, line: Line, connected: bool, now: float) -> None:
        """Update the estimates from a line that just resolved (reached an agent or ended)."""
        line.done = True
        self.resolved += 1
        hit = 1.0 if connected else 0.0
        self.hit_rate += HIT_WEIGHT * (hit - self.hit_rate)
        self.hit_num += HIT_WEIGHT * (hit - self.hit_num)
        self.hit_den += HIT_WEIGHT * (line.base - self.hit_den)
        elapsed = now - line.dialed
        self.survival.record(elapsed, connected)
        if connected:
            self.connect_s += HIT_WEIGHT * (elapsed - self.connect_s)


_FIXED, _EXPONENTIAL, _LOGNORMAL = range(3)
_CODES = {"fixed": _FIXED, "exponential": _EXPONENTIAL, "lognormal": _LOGNORMAL}


class DurationCdf:
    """P(duration <= x) of a scenario duration, its lognormal parameters computed once (the pacer asks often)."""

    __slots__ = ("code", "mean_s", "mu", "sigma_root2")

    def __init__(self, spec: Duration) -> None:
        self.code = _CODES[spec.distribution]
        self.mean_s = spec.mean_s
        mu, sigma = lognormal_params(spec.mean_s, spec.cv) if self.code == _LOGNORMAL else (0.0, 1.0)
        self.mu = mu
        self.sigma_root2 = sigma * math.sqrt(2.0)

    def __call__(self, x: float) -> float:
        """P(duration <= x)."""
        if x <= 0:
            return 0.0 if self.mean_s > 0 or x < 0 else 1.0
        if self.code == _FIXED:
            return 1.0 if x >= self.mean_s else 0.0
        if self.code == _EXPONENTIAL:
            return 1.0 - math.exp(-x / self.mean_s)
        return 0.5 * (1.0 + math.erf((math.log(x) - self.mu) / self.sigma_root2))

    def done_within(self, elapsed: float, within: float) -> float:
        """P(a duration ends within `within` seconds | it has lasted `elapsed` seconds)."""
        if within <= 0:
            return 0.0
        at = self(elapsed)
        survived = 1.0 - at
        if survived <= SURVIVAL_ZERO:
            return 1.0
        return (self(elapsed + within) - at) / survived


def cdf(spec: Duration, x: float) -> float:
    """P(duration <= x) for a scenario duration."""
    return DurationCdf(spec)(x)
