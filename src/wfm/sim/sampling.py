"""Vectorised draws from the scenario's duration distributions."""

from __future__ import annotations

import math

import numpy as np

from wfm.scenario import Duration, Patience


def lognormal_params(mean: float, cv: float) -> tuple[float, float]:
    """(mu, sigma) of the underlying normal for a lognormal with the given mean and CV."""
    sigma2 = math.log1p(cv * cv)
    return math.log(mean) - sigma2 / 2, math.sqrt(sigma2)


def draw_durations(rng: np.random.Generator, spec: Duration, size: int) -> np.ndarray:
    """`size` durations in seconds, drawn in one call so that caller i always gets draw i."""
    if spec.distribution == "fixed":
        return np.full(size, spec.mean_s)
    if spec.distribution == "exponential":
        return rng.exponential(spec.mean_s, size)
    mu, sigma = lognormal_params(spec.mean_s, spec.cv)
    return rng.lognormal(mu, sigma, size)


def draw_patience(rng: np.random.Generator, spec: Patience, size: int) -> np.ndarray:
    """Patience in seconds; infinite when callers never abandon.

    Draws are made even for `none` so that switching abandonment on or off keeps the
    stream aligned with the callers.
    """
    if spec.distribution == "lognormal":
        mu, sigma = lognormal_params(spec.mean_s, spec.cv)
        draws = rng.lognormal(mu, sigma, size)
    else:
        draws = rng.exponential(spec.mean_s, size)
    if spec.distribution == "none":
        return np.full(size, math.inf)
    return draws
