"""The progress and cancel callbacks every long computation takes, and their do-nothing defaults.

One run, a backend, an experiment, a sweep and a solver all report the fraction done and poll
whether to stop; defined once here (in the simulation core, which every other layer may import)
so that they share one meaning and one default.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[float], None]
"""Called with the fraction of the work done, in [0, 1]."""

Cancel = Callable[[], bool]
"""Polled between pieces of work; True asks the computation to stop by raising `wfm.sim.Cancelled`."""


def no_progress(fraction: float) -> None:
    """The default `Progress`: nobody is watching."""
    return None


def never_cancel() -> bool:
    """The default `Cancel`: run to the end."""
    return False
