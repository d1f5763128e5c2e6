"""Tests for wfm.analytic: textbook values, brute-force references and internal consistency."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from itertools import pairwise

import numpy as np
import pytest
from scipy.linalg import expm
from scipy.stats import gamma

from wfm.analytic import (
    SL_CEILING,
    ErlangAResult,
    erlang_a,
    erlang_a_staffing,
    erlang_b,
    erlang_c,
    erlang_c_asa,
    erlang_c_occupancy,
    erlang_c_service_level,
    erlang_c_staffing,
)

# --------------------------------------------------------------------------- independent references


def naive_erlang_b(n: int, load: float) -> float:
    """Textbook formula with exact rationals: (a^n/n!) / sum_k a^k/k!."""
    a = Fraction(load)
    terms = [a**k / math.factorial(k) for k in range(n + 1)]
    return float(terms[-1] / sum(terms))


def naive_erlang_c(n: int, load: float) -> float:
    """Textbook formula with exact rationals: P(wait) of M/M/n."""
    a = Fraction(load)
    top = a**n / math.factorial(n) * n / (n - a)
    return float(top / (sum(a**k / math.factorial(k) for k in range(n)) + top))


def mm_n_m_distribution(n: int, lam: float, mu: float, theta: float, states: int) -> np.ndarray:
    """Stationary distribution of M/M/n+M by the plain product formula over a long truncation."""
    weights = [1.0]
    for k in range(1, states):
        weights.append(weights[-1] * lam / (mu * min(k, n) + theta * max(k - n, 0)))
    p = np.array(weights)
    return p / p.sum()


def position_chain(n: int, mu: float, theta: float, positions: int) -> np.ndarray:
    """Generator of a tagged caller's queue position: states 1..positions, then served, abandoned."""
    served, abandoned = positions, positions + 1
    q = np.zeros((positions + 2, positions + 2))
    for i in range(1, positions + 1):
        row = i - 1
        q[row, served if i == 1 else row - 1] = n * mu + (i - 1) * theta
        q[row, abandoned] = theta
        q[row, row] = -(n * mu + i * theta)
    return q


CALL_CENTRE = {"arrival_rate": 100 / 1800, "mean_handle": 180.0}  # 100 calls / 30 min, 3 min AHT: 10 Erlangs


# --------------------------------------------------------------------------- Erlang B


def test_erlang_b_textbook_value():
    assert erlang_b(10, 5.0) == pytest.approx(0.018385, abs=5e-7)


@pytest.mark.parametrize("n", [1, 2, 5, 10, 17, 30])
@pytest.mark.parametrize("load", [0.1, 1.0, 4.5, 9.75, 25.0, 40.0])
def test_erlang_b_matches_exact_fractions(n, load):
    assert erlang_b(n, load) == pytest.approx(naive_erlang_b(n, load), rel=1e-12)


def test_erlang_b_zero_load_blocks_nothing():
    assert erlang_b(3, 0.0) == 0.0


def test_erlang_b_decreases_with_agents():
    values = [erlang_b(n, 20.0) for n in range(1, 60)]
    assert all(b > c for b, c in pairwise(values))


# --------------------------------------------------------------------------- Erlang C


def test_erlang_c_classic_call_centre_example():
    # The usual worked example: 10 Erlangs, 80/20 target. 11 agents wait 68.2 %, SL 39 %.
    assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=5e-5)
    assert erlang_c_service_level(11, threshold=20.0, **CALL_CENTRE) == pytest.approx(0.3896, abs=5e-5)
    assert erlang_c_service_level(14, threshold=20.0, **CALL_CENTRE) == pytest.approx(0.8884, abs=5e-5)
    assert erlang_c_asa(14, **CALL_CENTRE) == pytest.approx(0.17413 * 180 / 4, rel=1e-4)


@pytest.mark.parametrize("n", [1, 2, 5, 10, 17, 30])
@pytest.mark.parametrize("utilisation", [0.05, 0.5, 0.9, 0.99])
def test_erlang_c_matches_exact_fractions(n, utilisation):
    load = utilisation * n
    assert erlang_c(n, load) == pytest.approx(naive_erlang_c(n, load), rel=1e-12)


def test_erlang_c_service_level_matches_waiting_time_mixture():
    # Independent route: a caller finding j-1 others queued waits Gamma(j, n·mu); sum over PASTA.
    n, lam, h, t = 4, 3.0 / 60, 60.0, 30.0
    a, n_mu = lam * h, n / h
    p = mm_n_m_distribution(n, lam, 1 / h, 0.0, 400)
    j = np.arange(1, p.size - n + 1)
    answered_late = p[n:] @ gamma.cdf(t, j, scale=1 / n_mu)
    assert erlang_c(n, a) == pytest.approx(p[n:].sum(), rel=1e-12)
    assert erlang_c_service_level(n, lam, h, t) == pytest.approx(p[:n].sum() + answered_late, rel=1e-12)


@pytest.mark.parametrize("rho", [0.1, 0.5, 0.95])
def test_erlang_c_single_agent_is_mm1(rho):
    mu = 1 / 240
    lam = rho * mu
    assert erlang_c(1, rho) == pytest.approx(rho, rel=1e-14)
    assert erlang_c_asa(1, lam, 240.0) == pytest.approx(rho / (mu - lam), rel=1e-12)
    assert erlang_c_service_level(1, lam, 240.0, 30.0) == pytest.approx(
        1 - rho * math.exp(-(mu - lam) * 30.0), rel=1e-12
    )
    assert erlang_c_occupancy(1, lam, 240.0) == pytest.approx(rho, rel=1e-14)


def test_erlang_c_is_monotone_in_agents():
    ns = range(11, 40)
    waits = [erlang_c(n, 10.0) for n in ns]
    levels = [erlang_c_service_level(n, threshold=20.0, **CALL_CENTRE) for n in ns]
    asas = [erlang_c_asa(n, **CALL_CENTRE) for n in ns]
    assert all(x > y for x, y in pairwise(waits))
    assert all(x < y for x, y in pairwise(levels))
    assert all(x > y for x, y in pairwise(asas))


def test_erlang_c_unstable_system():
    assert erlang_c(10, 10.0) == 1.0
    assert erlang_c(10, 12.5) == 1.0
    assert erlang_c_service_level(10, threshold=20.0, **CALL_CENTRE) == 0.0
    assert erlang_c_asa(10, **CALL_CENTRE) == math.inf
    assert erlang_c_occupancy(8, **CALL_CENTRE) == 1.0


def test_erlang_c_service_level_limits():
    assert erlang_c_service_level(12, threshold=0.0, **CALL_CENTRE) == pytest.approx(1 - erlang_c(12, 10.0))
    assert erlang_c_service_level(12, threshold=math.inf, **CALL_CENTRE) == 1.0


@pytest.mark.parametrize("load", [1500.0, 1950.0, 1999.0, 2000.0, 2500.0])
def test_large_systems_stay_finite(load):
    b = erlang_b(2000, load)
    assert math.isfinite(b) and 0 < b < 1
    if load < 2000:
        c = erlang_c(2000, load)
        assert math.isfinite(c) and 0 < c < 1
        assert c > b


# --------------------------------------------------------------------------- Erlang A

SMALL_A = {"n": 3, "arrival_rate": 2.5 / 60, "mean_handle": 90.0, "mean_patience": 45.0}
OVERLOADED_A = {"n": 20, "arrival_rate": 30 / 300, "mean_handle": 300.0, "mean_patience": 120.0}
BIG_A = {"n": 2000, "arrival_rate": 1990 / 300, "mean_handle": 300.0, "mean_patience": 180.0}


@pytest.mark.parametrize("case", [SMALL_A, OVERLOADED_A, BIG_A], ids=["small", "overloaded", "n2000"])
def test_erlang_a_service_level_at_infinity_is_all_answered(case):
    result = erlang_a(**case, threshold=math.inf)
    assert result.service_level == pytest.approx(1 - result.p_abandon, rel=1e-12)


@pytest.mark.parametrize("case", [SMALL_A, OVERLOADED_A, BIG_A], ids=["small", "overloaded", "n2000"])
def test_erlang_a_littles_law(case):
    result = erlang_a(**case, threshold=20.0)
    assert result.mean_queue == pytest.approx(case["arrival_rate"] * result.mean_wait_all, rel=1e-12)


@pytest.mark.parametrize("case", [SMALL_A, OVERLOADED_A, BIG_A], ids=["small", "overloaded", "n2000"])
def test_erlang_a_internal_consistency(case):
    result = erlang_a(**case, threshold=20.0)
    lam, h = case["arrival_rate"], case["mean_handle"]
    # Agents handle exactly the calls that do not abandon.
    assert result.occupancy * case["n"] == pytest.approx(lam * h * (1 - result.p_abandon), rel=1e-12)
    # Answered and abandoned calls together account for all waiting.
    assert erlang_a(**case, threshold=0.0).service_level == pytest.approx(1 - result.p_wait, rel=1e-12)
    assert 0 < result.service_level < 1 and 0 < result.p_abandon < result.p_wait < 1
    assert result.asa > 0 and result.mean_wait_all > 0


def test_erlang_a_single_agent_by_direct_sum():
    lam, h, patience, t = 1 / 60, 40.0, 30.0, 15.0
    mu, theta = 1 / h, 1 / patience
    p = mm_n_m_distribution(1, lam, mu, theta, 200)
    queue = np.arange(p.size) - 1.0
    queue[0] = 0.0
    mean_queue = queue @ p
    result = erlang_a(1, lam, h, patience, t)
    assert result.p_wait == pytest.approx(1 - p[0], rel=1e-12)
    assert result.occupancy == pytest.approx(1 - p[0], rel=1e-12)
    assert result.mean_queue == pytest.approx(mean_queue, rel=1e-12)
    assert result.p_abandon == pytest.approx(theta * mean_queue / lam, rel=1e-12)
    # By hand for n = 1: from position j the caller is served with probability mu / (mu + j·theta).
    answered = p[0] + sum(p[k] * mu / (mu + k * theta) for k in range(1, p.size))
    assert 1 - result.p_abandon == pytest.approx(answered, rel=1e-12)


@pytest.mark.parametrize("threshold", [0.0, 5.0, 20.0, 60.0, 300.0])
def test_erlang_a_waits_match_absorbing_chain(threshold):
    n, lam, h, patience = SMALL_A.values()
    mu, theta = 1 / h, 1 / patience
    p = mm_n_m_distribution(n, lam, mu, theta, 120)
    positions = p.size - n
    q = position_chain(n, mu, theta, positions)
    arrive = p[n : n + positions]  # seeing state n + j - 1 means joining at position j
    served_by_t = expm(q * threshold)[:positions, positions]
    # E[wait · 1{served} | start] = sum_i (time spent in i) · P(served | i).
    time_in = np.linalg.inv(-q[:positions, :positions])
    p_served = time_in @ q[:positions, positions]
    result = erlang_a(n, lam, h, patience, threshold)
    assert result.service_level == pytest.approx(p[:n].sum() + arrive @ served_by_t, rel=1e-10)
    answered = p[:n].sum() + arrive @ p_served
    assert result.asa == pytest.approx(arrive @ (time_in @ p_served) / answered, rel=1e-10)
    assert result.mean_wait_all == pytest.approx(arrive @ time_in.sum(axis=1), rel=1e-10)


@pytest.mark.parametrize("n, load", [(1, 0.7), (12, 10.0), (2000, 1990.0)])
def test_erlang_a_converges_to_erlang_c_for_patient_callers(n, load):
    h, t = 300.0, 20.0
    lam = load / h
    result = erlang_a(n, lam, h, 1e9, t)
    assert result.p_wait == pytest.approx(erlang_c(n, load), rel=1e-5)
    assert result.service_level == pytest.approx(erlang_c_service_level(n, lam, h, t), rel=1e-5)
    assert result.asa == pytest.approx(erlang_c_asa(n, lam, h), rel=1e-4)
    assert result.mean_wait_all == pytest.approx(erlang_c_asa(n, lam, h), rel=1e-4)
    assert result.occupancy == pytest.approx(erlang_c_occupancy(n, lam, h), rel=1e-5)
    assert result.p_abandon < 1e-6


def test_erlang_a_is_monotone_in_agents():
    results = [
        erlang_a(n, **{k: v for k, v in OVERLOADED_A.items() if k != "n"}, threshold=20.0)
        for n in range(1, 45)
    ]
    for worse, better in pairwise(results):
        assert better.service_level > worse.service_level
        assert better.p_abandon < worse.p_abandon
        assert better.p_wait < worse.p_wait


def test_erlang_a_overload_is_stable():
    # 50 Erlangs on 10 agents with patient callers: Erlang C would have no answer at all.
    result = erlang_a(10, 50 / 300, 300.0, 600.0, 20.0)
    assert result.occupancy == pytest.approx(1.0, abs=1e-12)
    # Agents are saturated, so they answer n·mu calls per second and the rest abandon.
    assert result.p_abandon == pytest.approx(1 - (10 / 300) / (50 / 300), rel=1e-12)
    # The queue settles where abandonment (theta per caller) absorbs the excess: (lambda - n·mu) / theta.
    assert result.mean_queue == pytest.approx((50 / 300 - 10 / 300) * 600, rel=1e-12)


def test_erlang_a_large_n_is_finite():
    # Speed is measured in benchmarks/, not here.
    result = erlang_a(**BIG_A, threshold=20.0)
    assert isinstance(result, ErlangAResult)
    for value in (result.p_wait, result.p_abandon, result.service_level, result.occupancy):
        assert math.isfinite(value) and 0 < value < 1


def test_erlang_a_result_is_frozen():
    result = erlang_a(**SMALL_A, threshold=20.0)
    with pytest.raises(AttributeError):
        result.p_wait = 0.5


# --------------------------------------------------------------------------- staffing


@pytest.mark.parametrize("target", [0.5, 0.8, 0.9, 0.99])
def test_erlang_c_staffing_is_the_smallest_meeting_target(target):
    n = erlang_c_staffing(threshold=20.0, target_sl=target, **CALL_CENTRE)
    assert erlang_c_service_level(n, threshold=20.0, **CALL_CENTRE) >= target
    assert erlang_c_service_level(n - 1, threshold=20.0, **CALL_CENTRE) < target


def test_erlang_c_staffing_classic_answer():
    assert erlang_c_staffing(threshold=20.0, target_sl=0.8, **CALL_CENTRE) == 14


def test_erlang_c_staffing_large_centre():
    lam, h = 1800 / 300, 300.0
    n = erlang_c_staffing(lam, h, 20.0, 0.8)
    assert 1800 < n < 1900
    assert erlang_c_service_level(n, lam, h, 20.0) >= 0.8 > erlang_c_service_level(n - 1, lam, h, 20.0)


@pytest.mark.parametrize("target", [0.5, 0.8, 0.95])
@pytest.mark.parametrize("max_abandon", [None, 0.05, 0.002])
def test_erlang_a_staffing_is_the_smallest_meeting_targets(target, max_abandon):
    lam, h, patience, t = 100 / 1800, 180.0, 60.0, 20.0

    def meets(n):
        r = erlang_a(n, lam, h, patience, t)
        return r.service_level >= target and (max_abandon is None or r.p_abandon <= max_abandon)

    n = erlang_a_staffing(lam, h, patience, t, target, max_abandon)
    assert meets(n)
    assert n == 1 or not meets(n - 1)


@pytest.mark.parametrize("staffing", [
    lambda target: erlang_c_staffing(threshold=20.0, target_sl=target, **CALL_CENTRE),
    lambda target: erlang_a_staffing(100 / 1800, 180.0, 60.0, 20.0, target),
])
def test_a_full_target_is_sized_as_all_but_one_call_in_a_billion(staffing):
    # No finite staff answers every call in time; 100% is read as SL >= 1 - 1e-9, the same everywhere.
    assert staffing(1.0) == staffing(SL_CEILING) > staffing(0.999)
    assert SL_CEILING == 1 - 1e-9


def test_erlang_a_staffing_abandon_cap_can_bind():
    args = (100 / 1800, 180.0, 60.0, 20.0, 0.5)
    assert erlang_a_staffing(*args, max_abandon=0.001) > erlang_a_staffing(*args)


def test_erlang_a_staffing_can_be_below_load_and_at_one():
    # Impatient callers shed load, so a loose target needs fewer agents than Erlangs offered.
    assert erlang_a_staffing(10 / 60, 60.0, 5.0, 60.0, 0.3) < 10
    assert erlang_a_staffing(1 / 3600, 60.0, 60.0, 20.0, 0.8) == 1


# --------------------------------------------------------------------------- argument validation


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: erlang_b(0, 1.0), "n must be an integer >= 1, but got 0"),
        (lambda: erlang_b(2.0, 1.0), "n must be an integer >= 1, but got 2.0"),
        (lambda: erlang_b(True, 1.0), "n must be an integer >= 1, but got True"),
        (lambda: erlang_b(3, -1.0), "load must be non-negative, but got -1.0"),
        (lambda: erlang_c(3, math.nan), "load must be finite, but got nan"),
        (lambda: erlang_c_service_level(3, -1.0, 60.0, 20.0), "arrival_rate must be positive, but got -1.0"),
        (lambda: erlang_c_asa(3, 0.1, 0.0), "mean_handle must be positive, but got 0.0"),
        (lambda: erlang_c_occupancy(3, math.inf, 60.0), "arrival_rate must be finite, but got inf"),
        (lambda: erlang_c_service_level(3, 0.01, 60.0, -5.0), "threshold must be non-negative"),
        (lambda: erlang_a(3, 0.01, 60.0, -30.0, 20.0), "mean_patience must be positive, but got -30.0"),
        (lambda: erlang_a(3, 0.01, 60.0, math.inf, 20.0), "mean_patience must be finite, but got inf"),
        (lambda: erlang_a(3, "fast", 60.0, 30.0, 20.0), "arrival_rate must be a number, but got 'fast'"),
        (
            lambda: erlang_c_staffing(0.1, 60.0, 20.0, 1.01),
            "target_sl must be in (0, 1], but got 1.01",
        ),
        (lambda: erlang_a_staffing(0.1, 60.0, 30.0, 20.0, 0.0), "target_sl must be in (0, 1]"),
        (
            lambda: erlang_a_staffing(0.1, 60.0, 30.0, 20.0, 0.8, 1.5),
            "max_abandon must be in (0, 1], but got 1.5",
        ),
    ],
)
def test_invalid_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_erlang_a_refuses_hopeless_truncation():
    with pytest.raises(ValueError, match="mean_patience is too long"):
        erlang_a(1, 1.0, 300.0, 1e9, 20.0)
