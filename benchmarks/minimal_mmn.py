"""The yardstick: a minimal hand-written SimPy M/M/n+M model, as anyone would write it in ten minutes.

n agents are a `simpy.Resource`; each caller is a process that waits for an agent or its own
patience (`request | timeout`), whichever comes first, and then talks for an exponential time.
It counts no interval tables, keeps no ledger and knows no shifts: whatever wfm spends beyond
this model is the price of its bookkeeping.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import numpy as np
import simpy


@dataclass
class Tally:
    """What the minimal model counts."""

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    answered_in_sl: int = 0
    wait_answered_s: float = 0.0


def simulate(agents: int, calls_per_hour: float, mean_handle_s: float, mean_patience_s: float,
             hours: float, seed: int, sl_threshold_s: float = 20.0) -> Tally:
    """One day of M/M/n+M with Poisson arrivals during `hours`; returns the counts."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=agents)
    tally = Tally()

    def caller(handle: float, patience: float) -> Generator[simpy.Event, object, None]:
        arrived = env.now
        with desk.request() as req:
            outcome = yield req | env.timeout(patience)
            if req in outcome:
                wait = env.now - arrived
                tally.answered += 1
                tally.wait_answered_s += wait
                tally.answered_in_sl += wait <= sl_threshold_s
                yield env.timeout(handle)
            else:
                tally.abandoned += 1

    def arrivals() -> Generator[simpy.Event, None, None]:
        horizon = hours * 3600
        mean_gap = 3600 / calls_per_hour
        while True:
            yield env.timeout(rng.exponential(mean_gap))
            if env.now >= horizon:
                return
            tally.offered += 1
            env.process(caller(rng.exponential(mean_handle_s), rng.exponential(mean_patience_s)))

    env.process(arrivals())
    env.run(until=hours * 3600)
    return tally
