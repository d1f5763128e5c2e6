"""Each debtor's hidden type, the score that sees it, and the champion/challenger split.

A share of each segment are payers (`Strategy.payer_share_of`). A payer is `payer_lift` times as
likely as a non-payer to promise, to keep a promise, to respond to a message and to pay without
contact; the two factors are set so that the segment's average chances stay those the scenario
gives (π·r₁ + (1 − π)·r₀ = 1 with r₁ = L·r₀), up to the clipping of a chance at 1.

The score is the binormal model of a scoring model's output: payer·d + N(0, 1) with
d = √2·Φ⁻¹(AUC), whose AUC against the payer type is the asked one (Hanley & McNeil 1982 for
the binormal AUC Φ(d/√2)). Paths read its percentile in the placed portfolio, so a band such as
[0.7, 1] is "the best-scored 30%" whatever the AUC.

Everything is drawn at placement from the strategy stream, a fixed number of draws per account,
so the same debtors are payers, score the same and fall in the same arm whatever the paths do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from wfm.scenario.strategy import Strategy


@dataclass(frozen=True)
class Behaviour:
    """Per account: hidden type, its chance factor, score percentile, challenger draw.

    Attributes:
        payer: the hidden type.
        lift: the account's factor on promise, keep, response and self-cure chances.
        score: the score (binormal), higher = more likely a payer.
        percentile: the score's percentile in the portfolio, in (0, 1).
        challenger_u: uniform draw deciding the champion/challenger arm.
    """

    payer: np.ndarray
    lift: np.ndarray
    score: np.ndarray
    percentile: np.ndarray
    challenger_u: np.ndarray


def separation(auc: float) -> float:
    """The binormal separation d whose AUC is `auc`: d = √2·Φ⁻¹(AUC)."""
    return math.sqrt(2.0) * float(stats.norm.ppf(auc))


def lift_factors(payer_share: float, lift: float) -> tuple[float, float]:
    """(non-payer, payer) factors keeping the segment's mean: π·r₁ + (1 − π)·r₀ = 1, r₁ = L·r₀."""
    r0 = 1.0 / (payer_share * lift + 1.0 - payer_share)
    return r0, lift * r0


def expected_lift(strategy: Strategy, segment_names: list[str], segment: np.ndarray, score: np.ndarray) -> np.ndarray:
    """E[lift | score]: the payer factor a scoring model's user expects of each debtor given their score.

    Bayes with the binormal model the score is drawn from: P(payer | s) = π·φ(s − d) / (π·φ(s − d)
    + (1 − π)·φ(s)), so the factor is r₀ + (r₁ − r₀)·P(payer | s). It reads only what a collector
    knows (the score, the segment's payer share, the model's AUC), never the hidden type.
    """
    d = separation(strategy.score_auc)
    share = np.array([strategy.payer_share_of(name) for name in segment_names])[segment]
    factors = np.array([lift_factors(strategy.payer_share_of(name), strategy.payer_lift) for name in segment_names])
    payer_density = share * stats.norm.pdf(score - d)
    posterior = payer_density / (payer_density + (1.0 - share) * stats.norm.pdf(score))
    r0, r1 = factors[segment, 0], factors[segment, 1]
    return r0 + (r1 - r0) * posterior


def draw_behaviour(strategy: Strategy, segment_names: list[str], segment: np.ndarray,
                   rng: np.random.Generator) -> Behaviour:
    """Draw the hidden types, the score and the arm draw of the accounts (3 draws per account)."""
    n = len(segment)
    u_type = rng.random(n)
    noise = rng.standard_normal(n)
    u_arm = rng.random(n)
    share = np.array([strategy.payer_share_of(name) for name in segment_names])[segment]
    payer = u_type < share
    factors = np.array([lift_factors(strategy.payer_share_of(name), strategy.payer_lift) for name in segment_names])
    lift = np.where(payer, factors[segment, 1], factors[segment, 0]) if n else np.zeros(0)
    score = separation(strategy.score_auc) * payer + noise
    percentile = (stats.rankdata(score) - 0.5) / max(n, 1)
    return Behaviour(payer=payer, lift=lift, score=score, percentile=percentile, challenger_u=u_arm)
