"""Every derived table of an experiment, computed once from a `Summary` (no Qt, no openpyxl).

The GUI (`wfm.gui`), the Excel report (`wfm.report`) and the CLI read these views and only
lay them out, so a number shown in one place is the number shown in the others. Rates are
ratios of sums over the rows they cover (intervals of a day, days of a profile), as
`wfm.kpi` states; replications are then averaged, as every KPI estimate is.

Layout (module → job):
    common      bands over replications (`Band`), KPI intervals within their possible range, the currency
                of a summary, the runs with a campaign
    profile     inbound by interval: the typical day and the interval table, with the staffing requirement
    daily       inbound KPIs by day, banded over replications
    dialer      pacing, outcomes by hour and day, drop rate against the cap, rule blocks and violations
    funnel      the collections funnel, overall and per risk segment
    recovery    promises and payments by day, cumulative recovery
    workforce   headcount, flows, absence, stress and cost by day or week
    comparison  each KPI of a scenario against the base: paired difference, significance, verdict
"""

from wfm.views.common import (
    MEANINGFUL_REPLICATIONS,
    SPREAD_BELOW,
    Band,
    band_over,
    currency_of,
    interval_caveat,
    kpi_interval,
    kpi_range,
)

__all__ = ["MEANINGFUL_REPLICATIONS", "SPREAD_BELOW", "Band", "band_over", "currency_of", "interval_caveat",
           "kpi_interval", "kpi_range"]
