"""Erlang B, C and A: the analytic answers the simulator must reproduce on Markovian scenarios.

Everything here is a pure function of its arguments. The formulas are written so that they stay
finite and accurate for thousands of agents and thousands of Erlangs: Erlang B uses its
recursion, and the Erlang A chain is normalised in log space, so no factorial or power of the
load is ever formed.

Conventions: rates are per second, times are in seconds, `n` is the number of agents and
`load = arrival_rate * mean_handle` is the offered load in Erlangs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from scipy.special import betainc, gammaln, logsumexp

_TAIL_TOL = 1e-14
"""Stationary mass the Erlang A chain may leave out beyond its truncated queue."""

_MAX_QUEUE_STATES = 4_000_000
"""Largest queue the Erlang A chain may need before the inputs are treated as unreasonable."""


# --------------------------------------------------------------------------- argument checks


def _check_agents(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
        raise ValueError(f"n must be an integer >= 1, but got {n!r}")
    return int(n)


def _as_float(name: str, value: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, but got {value!r}") from None


def _check_positive(name: str, value: float) -> float:
    x = _as_float(name, value)
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"{name} must be finite, but got {value!r}")
    if x <= 0:
        raise ValueError(f"{name} must be positive, but got {value!r}")
    return x


def _check_load(load: float) -> float:
    x = _as_float("load", load)
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"load must be finite, but got {load!r}")
    if x < 0:
        raise ValueError(f"load must be non-negative, but got {load!r}")
    return x


def _check_threshold(threshold: float) -> float:
    x = _as_float("threshold", threshold)
    if math.isnan(x) or x < 0:
        raise ValueError(f"threshold must be non-negative (seconds, inf allowed), but got {threshold!r}")
    return x


def _check_fraction(name: str, value: float, *, allow_one: bool) -> float:
    x = _as_float(name, value)
    upper_ok = x <= 1 if allow_one else x < 1
    if not (x > 0 and upper_ok):
        rule = "in (0, 1]" if allow_one else "strictly between 0 and 1"
        raise ValueError(f"{name} must be {rule}, but got {value!r}")
    return x


# --------------------------------------------------------------------------- Erlang B and C


def erlang_b(n: int, load: float) -> float:
    """Probability that an arrival finds all `n` agents busy in a loss system (M/M/n/n).

    It is also the building block of Erlang C. The recursion B(k) = a·B(k-1) / (k + a·B(k-1))
    only ever divides numbers of order one, so it cannot overflow where a^n / n! would.

    Args:
        n: Number of agents (servers), >= 1.
        load: Offered load in Erlangs, >= 0.

    Returns:
        The blocking probability in [0, 1].

    Raises:
        ValueError: If an argument is out of range.
    """
    n = _check_agents(n)
    a = _check_load(load)
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(n: int, load: float) -> float:
    """Probability that a call has to wait in M/M/n without abandonment.

    Derived from Erlang B as C = n·B / (n - a·(1 - B)), which inherits the recursion's
    stability. At `load >= n` the queue grows without bound, so every call eventually waits
    and 1.0 is returned rather than a meaningless value.

    Args:
        n: Number of agents, >= 1.
        load: Offered load in Erlangs (arrival rate times mean handle time), >= 0.

    Returns:
        The probability of waiting in [0, 1].

    Raises:
        ValueError: If an argument is out of range.
    """
    n = _check_agents(n)
    a = _check_load(load)
    if a >= n:
        return 1.0
    b = erlang_b(n, a)
    return n * b / (n - a * (1.0 - b))


def _erlang_c_inputs(n: int, arrival_rate: float, mean_handle: float) -> tuple[int, float, float]:
    n = _check_agents(n)
    arrival_rate = _check_positive("arrival_rate", arrival_rate)
    mean_handle = _check_positive("mean_handle", mean_handle)
    return n, arrival_rate * mean_handle, mean_handle


def erlang_c_service_level(n: int, arrival_rate: float, mean_handle: float, threshold: float) -> float:
    """Fraction of calls answered within `threshold` seconds in M/M/n without abandonment.

    The classic call-centre KPI: 1 - C·exp(-(n - a)·threshold / mean_handle). When the system is
    unstable (a >= n) waits grow without bound, so no call is answered within any finite
    threshold and 0.0 is returned.

    Args:
        n: Number of agents, >= 1.
        arrival_rate: Calls per second, > 0.
        mean_handle: Mean handle time in seconds, > 0.
        threshold: Service-level threshold in seconds, >= 0 (may be inf).

    Returns:
        P(wait <= threshold) in [0, 1].

    Raises:
        ValueError: If an argument is out of range.
    """
    n, a, h = _erlang_c_inputs(n, arrival_rate, mean_handle)
    t = _check_threshold(threshold)
    if a >= n:
        return 0.0
    if math.isinf(t):
        return 1.0
    return 1.0 - erlang_c(n, a) * math.exp(-(n - a) * t / h)


def erlang_c_asa(n: int, arrival_rate: float, mean_handle: float) -> float:
    """Average speed of answer in M/M/n: C·h / (n - a).

    Every call is eventually answered, so this is both the mean wait of answered calls and of
    all calls. An unstable system (a >= n) has no finite mean and returns inf.

    Args:
        n: Number of agents, >= 1.
        arrival_rate: Calls per second, > 0.
        mean_handle: Mean handle time in seconds, > 0.

    Returns:
        The mean wait in seconds (inf when unstable).

    Raises:
        ValueError: If an argument is out of range.
    """
    n, a, h = _erlang_c_inputs(n, arrival_rate, mean_handle)
    if a >= n:
        return math.inf
    return erlang_c(n, a) * h / (n - a)


def erlang_c_occupancy(n: int, arrival_rate: float, mean_handle: float) -> float:
    """Share of agent time spent handling calls in M/M/n: a / n, capped at 1.

    Without abandonment every offered call is eventually handled, so agents work exactly the
    offered load; past saturation they are simply always busy.

    Args:
        n: Number of agents, >= 1.
        arrival_rate: Calls per second, > 0.
        mean_handle: Mean handle time in seconds, > 0.

    Returns:
        Occupancy in (0, 1].

    Raises:
        ValueError: If an argument is out of range.
    """
    n, a, _ = _erlang_c_inputs(n, arrival_rate, mean_handle)
    return min(a / n, 1.0)


# --------------------------------------------------------------------------- Erlang A


@dataclass(frozen=True)
class ErlangAResult:
    """Steady-state KPIs of M/M/n+M, in the same terms the simulator reports.

    Attributes:
        p_wait: Probability that an arrival finds every agent busy and has to queue (PASTA).
        p_abandon: Fraction of offered calls that hang up before being answered.
        service_level: Fraction of offered calls answered within the threshold; abandoned
            calls count against it, calls that find a free agent count for it.
        asa: Mean wait of answered calls, in seconds.
        mean_wait_all: Mean time in queue of all offered calls, abandoners included, in seconds.
        occupancy: Mean number of busy agents divided by n.
        mean_queue: Mean number of calls waiting.
    """

    p_wait: float
    p_abandon: float
    service_level: float
    asa: float
    mean_wait_all: float
    occupancy: float
    mean_queue: float


def _initial_queue_length(n: int, arrival_rate: float, mu: float, theta: float) -> int:
    """A first guess at how many queue states hold all but a negligible part of the mass.

    Beyond the queue's mode the weights fall like a Gaussian of width sqrt(λ/θ) (abandonment),
    or geometrically when the agents alone already outpace arrivals; whichever is shorter.
    """
    mode = max(0.0, (arrival_rate - n * mu) / theta)
    guess = mode + 10.0 * math.sqrt(arrival_rate / theta)
    first_ratio = arrival_rate / (n * mu + theta)
    if first_ratio < 1.0:
        guess = min(guess, 40.0 / -math.log(first_ratio))
    return int(min(_MAX_QUEUE_STATES, math.ceil(guess) + 16))


def _log_queue_weights(
    n: int, arrival_rate: float, mu: float, theta: float, log_full: float, log_scale: float
) -> np.ndarray:
    """Unnormalised log π(n + j), j = 1..J, with J just large enough to drop < 1e-14 of the mass.

    π(n + j) = π(n + j - 1)·λ / (nμ + jθ). Once that ratio r is below one it keeps falling, so
    the mass beyond a state is at most its own weight times r / (1 - r); the queue is cut at
    the first state where that bound is negligible against `log_scale` (a lower bound on the
    log of the total mass). The guess for J is doubled until such a state exists.
    """
    length = _initial_queue_length(n, arrival_rate, mu, theta)
    while True:
        j = np.arange(1, length + 1)
        log_ratio = math.log(arrival_rate) - np.log(n * mu + j * theta)
        log_w = np.concatenate(([log_full], log_full + np.cumsum(log_ratio)))
        falling = np.minimum(log_ratio, -1e-300)
        log_tail = log_w[:-1] + falling - np.log(-np.expm1(falling))
        log_tail[log_ratio >= 0] = np.inf
        small = np.flatnonzero(log_tail - max(log_scale, log_w.max()) < math.log(_TAIL_TOL))
        if small.size:
            return log_w[1 : small[0] + 1]
        if length >= _MAX_QUEUE_STATES:
            raise ValueError(
                f"mean_patience is too long for this overload: the queue would need more than "
                f"{_MAX_QUEUE_STATES} states (arrival_rate={arrival_rate}, n={n}); "
                f"add agents or shorten the patience"
            )
        length = min(2 * length, _MAX_QUEUE_STATES)


def _stationary(n: int, arrival_rate: float, mu: float, theta: float) -> tuple[np.ndarray, np.ndarray]:
    """Stationary probabilities of M/M/n+M, split into states k = 0..n (no queue) and k > n (queue).

    Weights are built in log space (k·log a - log k!, via gammaln) so that a^k and k! are never
    formed, then normalised with logsumexp. A second normalisation in linear space removes the
    rounding that builds up over hundreds of thousands of states, so sums stay within [0, 1].
    """
    k = np.arange(n + 1)
    log_agents = k * math.log(arrival_rate / mu) - gammaln(k + 1)
    log_scale = float(log_agents.max())
    log_queue = _log_queue_weights(n, arrival_rate, mu, theta, float(log_agents[-1]), log_scale)
    log_total = logsumexp(np.concatenate((log_agents, log_queue)))
    p_agents, p_queue = np.exp(log_agents - log_total), np.exp(log_queue - log_total)
    total = math.fsum(p_agents) + math.fsum(p_queue)
    return p_agents / total, p_queue / total


def _answered_within(j: np.ndarray, n_mu: float, theta: float, threshold: float) -> np.ndarray:
    """P(a caller at queue position j is answered within `threshold`), for each j.

    From position i the caller moves up at rate nμ + (i-1)θ and abandons at rate θ, so it is
    answered with probability ∏ (nμ + (i-1)θ) / (nμ + iθ) = nμ / (nμ + jθ). Given that, its wait
    is a sum of exponentials with rates nμ + iθ, i = 1..j, whose CDF is the regularised
    incomplete beta I_{1-exp(-θt)}(j, nμ/θ + 1): exact, vectorised, and free of the cancellation
    of the partial-fraction form.
    """
    p_answer = n_mu / (n_mu + j * theta)
    reach = -math.expm1(-theta * threshold) if math.isfinite(threshold) else 1.0
    return p_answer * betainc(j, n_mu / theta + 1.0, reach)


def _clip_probability(x: float) -> float:
    """Keep a probability inside [0, 1] despite rounding in sums over many states."""
    return min(max(x, 0.0), 1.0)


def erlang_a(
    n: int, arrival_rate: float, mean_handle: float, mean_patience: float, threshold: float
) -> ErlangAResult:
    """Steady-state KPIs of M/M/n+M (Erlang A): Erlang C plus exponential patience.

    Real callers hang up, which both keeps the queue stable under overload and makes Erlang C
    far too pessimistic, so this is the reference the simulator is held to when abandonment is
    on. The birth-death chain (birth λ, death μ·min(k, n) + θ·max(k - n, 0)) is solved in log
    space and truncated where the remaining mass is below 1e-14; waiting-time quantities follow
    the arriving caller from the queue position it finds (PASTA) to service or abandonment.

    Args:
        n: Number of agents, >= 1.
        arrival_rate: Calls per second, > 0.
        mean_handle: Mean handle time in seconds, > 0.
        mean_patience: Mean patience in seconds, > 0 and finite (use the Erlang C functions
            for callers who never hang up).
        threshold: Service-level threshold in seconds, >= 0 (may be inf).

    Returns:
        The KPIs as an `ErlangAResult`.

    Raises:
        ValueError: If an argument is out of range, or if the patience is so long relative to
            the overload that the queue would need millions of states.
    """
    n = _check_agents(n)
    arrival_rate = _check_positive("arrival_rate", arrival_rate)
    mu = 1.0 / _check_positive("mean_handle", mean_handle)
    theta = 1.0 / _check_positive("mean_patience", mean_patience)
    threshold = _check_threshold(threshold)

    p_agents, p_queue = _stationary(n, arrival_rate, mu, theta)
    queued = np.arange(1, p_queue.size + 1)
    mean_queue = float(queued @ p_queue)

    # An arrival that sees state n + j - 1 joins at position j (j = 1 when it finds k = n).
    p_arrive_at = np.concatenate((p_agents[-1:], p_queue))
    j = np.arange(1, p_arrive_at.size + 1)
    n_mu = n * mu
    leave_rate = n_mu + j * theta
    p_answer = n_mu / leave_rate
    answered_wait = p_answer * np.cumsum(1.0 / leave_rate)  # E[wait · 1{answered} | j]

    p_abandon = theta * mean_queue / arrival_rate
    answered_late = float(p_arrive_at @ _answered_within(j, n_mu, theta, threshold))
    busy = float(np.arange(n + 1) @ p_agents) + n * float(p_queue.sum())
    return ErlangAResult(
        p_wait=_clip_probability(math.fsum(p_arrive_at)),
        p_abandon=_clip_probability(p_abandon),
        service_level=_clip_probability(math.fsum(p_agents[:-1]) + answered_late),
        asa=float(p_arrive_at @ answered_wait) / (1.0 - p_abandon),
        mean_wait_all=float(p_arrive_at @ (j / leave_rate)),
        occupancy=_clip_probability(busy / n),
        mean_queue=mean_queue,
    )
