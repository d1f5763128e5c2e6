"""Inbound by day: the daily KPIs of `wfm.kpi.by_day` (ratios of each day's sums), banded over replications.

`Summary.daily` holds their means; the bands add the replications' spread for the plots.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from wfm import kpi
from wfm.experiment import Summary
from wfm.views.common import Band, kpi_range

DAILY_KEYS: tuple[str, ...] = ("offered", "answered", "service_level", "abandon_rate", "asa", "occupancy")
"""The daily KPIs the inbound dashboards draw."""


def daily_bands(summary: Summary, keys: Sequence[str] = DAILY_KEYS) -> dict[str, Band]:
    """Per-day KPI bands over replications (keys of `wfm.kpi.by_day`), within each KPI's range.

    Their means are `Summary.daily`.
    """
    tables = [kpi.by_day(run) for run in summary.runs]
    return {k: Band.of(np.vstack([t[k] for t in tables]), within=kpi_range(k)) for k in keys}
