"""Comparison rows: each KPI of a scenario against the base, paired replication by replication.

One row type serves the GUI's comparison table, the Excel Comparison sheet and the CLI. The
difference is paired (`wfm.experiment.paired_difference`, common random numbers), significant
when its 95% CI excludes zero, and judged better or worse by the KPI's direction. Money in two
currencies is not compared (no exchange rate), nor are experiments on different seeds (no pairing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wfm.experiment import Comparison, Estimate, Summary, paired_difference
from wfm.kpi import KPI_BY_KEY
from wfm.views.common import currency_of

DIFFERENT_SEEDS = "different seeds"
CURRENCIES_DIFFER = "currencies differ"


def is_significant(low: float, high: float) -> bool:
    """Whether a paired-difference CI excludes zero (NaN bounds are never significant)."""
    if math.isnan(low) or math.isnan(high):
        return False
    return low > 0 or high < 0


@dataclass(frozen=True)
class Delta:
    """One KPI of one scenario against the base.

    Attributes:
        key: KPI key (`wfm.kpi.KPI_DEFS`).
        base: the base scenario's estimate.
        other: the compared scenario's estimate.
        paired: CI of the mean paired difference other − base; None when the two cannot be
            compared (`note` says why).
        significant: whether the paired 95% CI excludes zero.
        verdict: "better" or "worse" when significant and the KPI has a good direction, else None.
        note: why there is no difference (`DIFFERENT_SEEDS`, `CURRENCIES_DIFFER`), else "".
    """

    key: str
    base: Estimate
    other: Estimate
    paired: Estimate | None
    significant: bool
    verdict: str | None
    note: str


def delta(base: Summary, other: Summary, key: str, currencies: tuple[str, str] | None = None) -> Delta:
    """The comparison row of KPI `key` of `other` against `base`.

    `currencies` are the two scenarios' currencies when the caller holds the scenarios (the
    report); by default they are read from the runs (`currency_of`).
    """
    definition = KPI_BY_KEY.get(key)
    estimates = (base.kpis[key], other.kpis[key])
    base_currency, other_currency = currencies or (currency_of(base), currency_of(other))
    if definition is not None and definition.unit == "money" and base_currency != other_currency:
        return Delta(key, *estimates, None, False, None, CURRENCIES_DIFFER)
    if base.seed != other.seed:
        return Delta(key, *estimates, None, False, None, DIFFERENT_SEEDS)
    paired = paired_difference(base, other, key)
    significant = is_significant(paired.low, paired.high)
    verdict = None
    if significant and definition is not None and definition.higher_is_better is not None:
        verdict = "better" if (paired.mean > 0) == definition.higher_is_better else "worse"
    return Delta(key, *estimates, paired, significant, verdict, "")


def comparison_rows(comparison: Comparison) -> list[tuple[int, Delta]]:
    """Every (compared scenario, KPI) of a comparison as (scenario index, row), scenario-major."""
    base = comparison.summaries[0]
    return [(row.scenario_index, delta(base, comparison.summaries[row.scenario_index], row.key))
            for row in comparison.differences]
