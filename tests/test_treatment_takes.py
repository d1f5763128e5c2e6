"""The whole-portfolio path entry (`treatment.takes`) agrees with `TreatmentPath.takes` account by account."""

from __future__ import annotations

import numpy as np
import pytest

from wfm.scenario.strategy import TreatmentPath
from wfm.sim.collections.treatment import takes

SEGMENTS = ["early", "mid", "late"]
PHONE = [{"kind": "phone", "attempts": 3}]


@pytest.mark.parametrize("rule", [
    {},
    {"segments": ["late"]},
    {"segments": ["early", "mid"], "score_band": [0.3, 0.7]},
    {"score_band": [0.7, 1.0], "balance_min": 1000.0},
    {"balance_min": 500.0, "balance_max": 2500.0},
    {"score_band": [0.0, 0.25], "balance_max": 800.0},
])
def test_takes_matches_the_path_rule(rule: dict[str, object]) -> None:
    path = TreatmentPath.model_validate({"name": "p", "steps": PHONE, **rule})
    rng = np.random.default_rng(7)
    n = 4000
    segment = rng.integers(0, len(SEGMENTS), n)
    percentile = rng.random(n)
    balance = np.round(rng.lognormal(7.0, 1.0, n), 2)
    # The boundaries themselves: band edges, percentile 1, the balance limits.
    percentile[:6] = [0.0, 0.25, 0.3, 0.7, 1.0, 0.9999999]
    balance[:6] = [500.0, 800.0, 1000.0, 2500.0, 0.0, 499.99]
    expected = [path.takes(SEGMENTS[s], p, b)
                for s, p, b in zip(segment.tolist(), percentile.tolist(), balance.tolist(), strict=True)]
    got = takes(path, SEGMENTS, segment, percentile, balance)
    assert got.tolist() == expected
    assert 0 < sum(expected) < n or not rule  # a rule splits the portfolio: the comparison can fail
