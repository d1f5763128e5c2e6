"""The shortened default scenario several test modules run, and its comparison partner."""

from __future__ import annotations

from wfm.scenario import Scenario
from wfm.scenario.io import default_scenario

SEED = 20260105
SHORT_DAYS = 2  # two days: daily tables and charts have more than one row, and a replication takes about a second
SHORT_REPS = 2  # two replications: the fewest that give a confidence interval


def short_baseline(days: int = SHORT_DAYS) -> Scenario:
    """The shipped default scenario (inbound, blended and predictive outbound), shortened to `days`."""
    base = default_scenario()
    return base.model_copy(update={"calendar": base.calendar.model_copy(update={"horizon_days": days})})


def more_agents(scenario: Scenario, extra: int = 2) -> Scenario:
    """`scenario` named "More agents", with `extra` more agents on every shift: a comparison's other side."""
    groups = tuple(
        g.model_copy(update={"shifts": tuple(s.model_copy(update={"headcount": s.headcount + extra})
                                             for s in g.shifts)})
        for g in scenario.groups
    )
    return scenario.model_copy(update={"name": "More agents", "groups": groups})
