"""One independent random stream per stochastic source (DESIGN §8).

The list is fixed and ordered in code, never derived from which features a scenario
enables: switching a feature on must not reshuffle the draws of any other source, which is
what makes comparisons between scenarios run on common random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Append new sources at the end only: reordering would change every existing result.
SOURCES: tuple[str, ...] = (
    "arrivals",
    "handle_times",
    "patience",
    "dial_outcomes",
    "accounts",
    "absence",
    "attrition",
    "hiring",
    "redials",
    "agents",
    "strategy",
)


@dataclass(frozen=True)
class Streams:
    """The generators of one replication, one attribute per source."""

    arrivals: np.random.Generator
    handle_times: np.random.Generator
    patience: np.random.Generator
    dial_outcomes: np.random.Generator
    accounts: np.random.Generator
    absence: np.random.Generator
    attrition: np.random.Generator
    hiring: np.random.Generator
    redials: np.random.Generator
    agents: np.random.Generator
    strategy: np.random.Generator


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of replication `replication` of an experiment seeded with `seed`.

    Equal to `SeedSequence(seed).spawn(n)[replication]` for any n > replication, so adding
    replications never changes the earlier ones.
    """
    return np.random.SeedSequence(seed, spawn_key=(replication,))


def make_streams(seed: int, replication: int = 0) -> Streams:
    """Spawn the fixed, ordered set of child streams for one replication."""
    children = replication_seed(seed, replication).spawn(len(SOURCES))
    return Streams(**{name: np.random.default_rng(child) for name, child in zip(SOURCES, children, strict=True)})
