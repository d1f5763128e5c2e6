"""One finished experiment as the GUI keeps it: the inputs with the views it draws (no Qt here).

Every number a dashboard draws comes from `wfm.views`, computed in the worker thread with the
run, so showing a result costs the GUI thread drawing only, and the plots, the KPI table and the
Excel report can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from wfm.experiment import Summary
from wfm.scenario import Scenario
from wfm.views import Band, currency_of
from wfm.views.channel_economics import ChannelEconomics, channel_economics
from wfm.views.daily import daily_bands
from wfm.views.dialer import DialerView, dialer_view
from wfm.views.funnel import FunnelView, funnel_view
from wfm.views.profile import IntradayProfile, intraday_profile
from wfm.views.recovery import RecoveryView, recovery_view
from wfm.views.strategy import StrategyView, strategy_view
from wfm.views.workforce import WorkforceView, workforce_view


@dataclass(frozen=True)
class Outcome:
    """One finished experiment as the GUI keeps it: the inputs with what they produced.

    Attributes:
        name: the label shown in tables and legends (unique among kept results).
        scenario: the exact scenario that was run.
        summary: the experiment's summary (KPI estimates, tables and raw runs).
        profile_avg: the intraday profile of a typical day over the horizon, with the requirement.
        daily: per-day KPI bands (`wfm.views.daily.daily_bands`).
        dialer: dialer pacing and drop rates (None without an outbound campaign).
        funnel: the collections funnel (None without an outbound campaign).
        recovery: cumulative money collected (None without an outbound campaign).
        workforce: headcount, turnover, stress and cost over days or weeks (None without days).
        strategy: the collection strategy's channels, paths and arms (None without a strategy).
        economics: cost and money by channel and by path (None without a strategy).
    """

    name: str
    scenario: Scenario
    summary: Summary = field(repr=False)
    profile_avg: IntradayProfile = field(repr=False)
    daily: dict[str, Band] = field(repr=False)
    dialer: DialerView | None = field(default=None, repr=False)
    funnel: FunnelView | None = field(default=None, repr=False)
    recovery: RecoveryView | None = field(default=None, repr=False)
    workforce: WorkforceView | None = field(default=None, repr=False)
    strategy: StrategyView | None = field(default=None, repr=False)
    economics: ChannelEconomics | None = field(default=None, repr=False)

    @property
    def currency(self) -> str:
        """The currency the experiment counted money in."""
        return currency_of(self.summary)

    @property
    def required_avg(self) -> np.ndarray:
        """Agents required per interval of the typical day (the profile's requirement)."""
        return self.profile_avg.required

    @classmethod
    def analyse(cls, name: str, scenario: Scenario, summary: Summary) -> Outcome:
        """Everything the dashboards draw for one experiment."""
        currency = currency_of(summary)
        return cls(name, scenario, summary, intraday_profile(summary, scenario), daily_bands(summary),
                   dialer_view(summary), funnel_view(summary, currency), recovery_view(summary, currency),
                   workforce_view(summary, scenario.workforce.stress.enabled, currency), strategy_view(summary),
                   channel_economics(summary, scenario.costs))
