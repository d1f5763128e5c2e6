"""Callers' patience from abandoned calls, on censored data.

A caller's patience is seen only when they abandon: an answered caller's wait is a lower bound
on their patience (right-censored at the moment of answer), so the mean wait of the abandoned
calls underestimates patience, badly so when most calls are answered quickly. Brown et al.
(2005) show it on real call-center data and estimate patience with the Kaplan-Meier estimator,
which needs every call's wait and outcome.

An interval export has no per-call waits, only totals per interval: abandoned calls and their
average wait, answered calls and their average speed of answer. With those, the exponential
model is the one that can be fitted: with hazard θ = 1 / mean patience, the likelihood of
d abandons over a total waiting time E (abandoned and answered callers' waits summed, the
answered ones censored) is θ^d · exp(−θE), so the maximum-likelihood estimate is

    mean patience = E / d,    standard error = mean / √d   (observed Fisher information).

This is the relation P(abandon) = θ · E[wait] that Zeltyn and Mandelbaum (2005) derive for
the M/M/n+M (Erlang A) queue and use to estimate patience from aggregate data. It is
consistent when patience is exponential and the answering order ignores each caller's
patience (first come, first served). The shape of the patience distribution (say, a lognormal)
cannot be told from aggregates; the fitted mean is what `wfm.analytic` Erlang A uses.

References:
    L. Brown, N. Gans, A. Mandelbaum, A. Sakov, H. Shen, S. Zeltyn, L. Zhao (2005), "Statistical
    analysis of a telephone call center: a queueing-science perspective", Journal of the American
    Statistical Association 100(469), 36-50.
    S. Zeltyn, A. Mandelbaum (2005), "Call centers with impatient customers: many-server asymptotics
    of the M/M/n+G queue", Queueing Systems 51, 361-402.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from wfm.planning.history import History

METHOD = "exponential maximum likelihood on censored waits (answered calls censored at answer)"


@dataclass(frozen=True)
class PatienceEstimate:
    """The callers' mean patience and how well the history pins it down.

    Attributes:
        mean_s: estimated mean patience, seconds (inf when nobody abandoned).
        std_error_s: its standard error, seconds (mean / √abandons).
        abandons: abandoned calls the estimate rests on.
        exposure_s: total waiting time of all callers, answered and abandoned, seconds.
        method: how it was estimated (see the module docstring).
    """

    mean_s: float
    std_error_s: float
    abandons: float
    exposure_s: float
    method: str = METHOD

    @property
    def low_s(self) -> float:
        """Lower end of the 95% confidence interval (normal approximation)."""
        return self.mean_s - 1.96 * self.std_error_s

    @property
    def high_s(self) -> float:
        """Upper end of the 95% confidence interval (normal approximation)."""
        return self.mean_s + 1.96 * self.std_error_s


def exponential_patience(abandons: float, abandon_wait_s: float, answer_wait_s: float) -> PatienceEstimate:
    """Mean patience from totals: abandons, their total wait, and the answered calls' total wait.

    Raises:
        ValueError: for negative or infinite totals, or abandons without any waiting time.
    """
    for name, value in (("abandons", abandons), ("abandon_wait_s", abandon_wait_s), ("answer_wait_s", answer_wait_s)):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0, but got {value!r}")
    exposure = abandon_wait_s + answer_wait_s
    if abandons == 0:
        return PatienceEstimate(math.inf, math.inf, 0.0, exposure)
    if exposure <= 0:
        raise ValueError(f"{abandons:g} abandons but no waiting time at all; the history needs waits (the average"
                         " abandon time and the ASA) to estimate patience")
    mean = exposure / abandons
    return PatienceEstimate(mean, mean / math.sqrt(abandons), float(abandons), exposure)


def patience_from_history(history: History, mask: np.ndarray | None = None) -> PatienceEstimate:
    """Mean patience from an interval history's abandons, abandon times and speeds of answer.

    Args:
        history: the export; it needs the abandoned, average abandon time and ASA columns.
        mask: optional boolean array (days, intervals) choosing the intervals to use (e.g. the
            last weeks only); None = all.

    Raises:
        ValueError: when the history lacks a column the estimate needs (named in the message).
    """
    missing = [c for c in ("abandoned", "abandon_time", "asa") if not history.has(c)]
    if missing:
        raise ValueError(
            f"{history.source} has no {', '.join(missing)} column(s); patience on censored data needs the abandoned"
            " calls, their average wait and the answered calls' average speed of answer (ASA)"
        )
    chosen = np.ones(history.offered.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    return exponential_patience(float(history.abandoned[chosen].sum()), float(history.abandon_wait_s[chosen].sum()),
                                float(history.answer_wait_s[chosen].sum()))
