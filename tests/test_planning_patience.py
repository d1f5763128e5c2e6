"""Patience on censored data: the exponential MLE recovers a known mean within its standard error.

Two sources of data: censored exponential waits drawn directly (the estimator's own model), and
the simulator's interval counters of an overloaded M/M/n+M queue, read the way an ACD export
gives them (abandons, their total wait, the answered calls' total wait). Each test also checks
that the naive estimate (mean wait of the abandoned calls) and a wrong mean are rejected, so the
tolerance has teeth.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from stationary import stationary_scenario
from wfm.planning.patience import exponential_patience
from wfm.sim import run

Z = 3.0  # |estimate − truth| <= 3 standard errors: a 0.3% false alarm rate for a correct estimator


def test_censored_exponential_waits() -> None:
    rng = np.random.default_rng(7)
    patience = rng.exponential(200.0, 4000)
    answer_at = rng.exponential(60.0, 4000)  # when an agent would answer: independent of the caller's patience
    abandoned = patience < answer_at
    waits = np.minimum(patience, answer_at)
    estimate = exponential_patience(abandoned.sum(), waits[abandoned].sum(), waits[~abandoned].sum())
    assert estimate.abandons == abandoned.sum()
    assert estimate.std_error_s == pytest.approx(estimate.mean_s / math.sqrt(abandoned.sum()))
    assert abs(estimate.mean_s - 200.0) <= Z * estimate.std_error_s
    assert abs(estimate.mean_s - 240.0) > Z * estimate.std_error_s
    naive = waits[abandoned].mean()  # ignoring the censored answered calls
    assert abs(naive - 200.0) > Z * estimate.std_error_s


def test_simulated_erlang_a_queue_as_an_interval_export() -> None:
    truth = 120.0
    scenario = stationary_scenario(agents=9, calls_per_hour=120, mean_handle_s=300, patience_s=truth, hours=16)
    ib = run(scenario, 20260105, replication=0).inbound
    estimate = exponential_patience(float(ib.abandoned.sum()), float(ib.wait_abandoned_s.sum()),
                                    float(ib.wait_answered_s.sum()))
    assert estimate.abandons > 100  # overloaded (10 Erlangs on 9 agents): abandons to learn from
    assert abs(estimate.mean_s - truth) <= Z * estimate.std_error_s
    assert abs(estimate.mean_s - 1.5 * truth) > Z * estimate.std_error_s
    naive = ib.wait_abandoned_s.sum() / ib.abandoned.sum()
    assert naive < estimate.low_s


def test_no_abandons_and_bad_totals() -> None:
    assert math.isinf(exponential_patience(0, 0, 1000).mean_s)
    with pytest.raises(ValueError, match="abandons must be a finite number >= 0"):
        exponential_patience(-1, 0, 0)
    with pytest.raises(ValueError, match="no waiting time at all"):
        exponential_patience(3, 0, 0)
