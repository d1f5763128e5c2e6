"""The rich tables the commands print: KPIs with CIs, paired comparisons, sweeps and staffing searches."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.table import Table

from wfm.cli.common import lit
from wfm.experiment import Comparison, Estimate, Summary
from wfm.kpi import DEFAULT_CURRENCY, HEADLINE, KPI_BY_KEY, KpiDef, format_kpi, format_money
from wfm.scenario import Costs, Strategy
from wfm.solvers import StaffingSolution
from wfm.sweep import SweepResult
from wfm.views import currency_of
from wfm.views.channel_economics import channel_economics
from wfm.views.common import interval_caveat, kpi_interval
from wfm.views.comparison import comparison_rows
from wfm.views.strategy import gain_verdict, strategy_view


def kpi_table(summary: Summary) -> Table:
    """The headline KPIs with their 95% confidence intervals, money in the scenario's currency."""
    currency = currency_of(summary)
    table = Table(title=f"{lit(summary.scenario_name)} — {summary.replications} replication(s), seed {summary.seed}")
    table.add_column("KPI")
    table.add_column("mean", justify="right")
    table.add_column("95% CI", justify="right")
    table.caption = interval_caveat(summary.replications) or None
    for key in HEADLINE + tuple(k for k in summary.kpis if k not in HEADLINE):
        if key not in summary.kpis or key not in KPI_BY_KEY:
            continue
        est, definition = summary.kpis[key], KPI_BY_KEY[key]
        table.add_row(definition.label, format_kpi(est.mean, definition, currency), kpi_ci_text(key, est, currency))
    return table


def kpi_ci_text(key: str, est: Estimate, currency: str = DEFAULT_CURRENCY) -> str:
    """A KPI's 95% interval as text, within the values the KPI can take (an SL never above 100%)."""
    low, high = kpi_interval(key, est)
    return ci_text(low, high, KPI_BY_KEY[key], currency)


def ci_text(low: float, high: float, definition: KpiDef, currency: str = DEFAULT_CURRENCY) -> str:
    """A confidence interval as "low – high" in the KPI's unit; empty without one."""
    if math.isnan(low):
        return ""
    return f"{format_kpi(low, definition, currency)} – {format_kpi(high, definition, currency)}"


def _delta(value: float, definition: KpiDef, currency: str) -> str:
    if math.isnan(value):
        return "–"
    if definition.unit == "ratio":
        return f"{value * 100:+.2f} pt"
    if definition.unit == "money":
        return format_money(value, currency, signed=True)
    return ("+" if value >= 0 else "") + format_kpi(value, definition, currency)


def comparison_table(comparison: Comparison) -> Table:
    """Each KPI of each scenario against the base (`wfm.views.comparison`): paired difference, CI, significance."""
    base = comparison.summaries[0]
    table = Table(title=f"Compared with {lit(base.scenario_name)} — {base.replications} paired replication(s), "
                        f"seed {base.seed}")
    for name, justify in (("scenario", "left"), ("KPI", "left"), ("base", "right"), ("scenario value", "right"),
                          ("difference", "right"), ("95% CI (paired)", "right"), ("significant", "center")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for index, row in comparison_rows(comparison):
        other = comparison.summaries[index]
        definition, currency = KPI_BY_KEY[row.key], currency_of(other)
        paired = row.paired
        if paired is None:
            difference, ci = lit(row.note), ""
        else:
            difference = _delta(paired.mean, definition, currency)
            ci = "" if math.isnan(paired.half_width) else (
                f"{_delta(paired.low, definition, currency)} … {_delta(paired.high, definition, currency)}")
        table.add_row(
            lit(other.scenario_name), definition.label, format_kpi(row.base.mean, definition, currency_of(base)),
            format_kpi(row.other.mean, definition, currency), difference, ci,
            "[bold green]yes[/]" if row.significant else "no",
        )
    return table


# More KPIs than this make one column pair each too narrow to read: the sweep table turns to one row per KPI.
WIDE_SWEEP_KPIS = 3


def sweep_table(result: SweepResult, keys: Sequence[str]) -> Table:
    """The swept values, then each KPI's mean and 95% CI: one row per grid point, or per point and KPI when many."""
    table = Table(title=f"Sweep — {result.replications} replication(s) per point, seed {result.seed}")
    for axis in result.axes:
        table.add_column(lit(axis.path), justify="right")
    long = len(keys) > WIDE_SWEEP_KPIS
    if long:
        for name in ("KPI", "mean", "95% CI"):
            table.add_column(name, justify="left" if name == "KPI" else "right")
    for key in keys if not long else ():
        table.add_column(KPI_BY_KEY[key].label, justify="right")
        table.add_column("95% CI", justify="right")
    for row in result.rows:
        point = [lit(row.values[axis.path]) for axis in result.axes]
        currency = currency_of(row.summary)
        cells = [_mean_and_ci(key, row.kpis[key], currency) for key in keys]
        if long:
            for i, (key, (mean, ci)) in enumerate(zip(keys, cells, strict=True)):
                table.add_row(*(point if i == 0 else [""] * len(point)), KPI_BY_KEY[key].label, mean, ci,
                              end_section=i == len(keys) - 1)
        else:
            table.add_row(*point, *(text for pair in cells for text in pair))
    return table


def _mean_and_ci(key: str, est: Estimate, currency: str) -> tuple[str, str]:
    return format_kpi(est.mean, KPI_BY_KEY[key], currency), kpi_ci_text(key, est, currency)


def staffing_table(solution: StaffingSolution) -> Table:
    """Every simulated candidate with its service level and abandon rate."""
    sl, ab = KPI_BY_KEY["service_level"], KPI_BY_KEY["abandon_rate"]
    table = Table(title=f"Staffing search on {lit(solution.path)} (Erlang A start: {solution.analytic_start})")
    for name in ("headcount", "service level", "abandon rate", "meets target"):
        table.add_column(name, justify="right")
    for point in solution.evaluated:
        table.add_row(str(point.headcount), format_kpi(point.service_level, sl),
                      format_kpi(point.abandon_rate, ab), "[green]yes[/]" if point.meets else "no")
    return table


def verification_line(label: str, summary: Summary) -> str:
    """Service level and abandon rate of a fresh-seed check, with their CIs."""
    sl, ab = summary.kpis["service_level"], summary.kpis["abandon_rate"]
    sl_def, ab_def = KPI_BY_KEY["service_level"], KPI_BY_KEY["abandon_rate"]
    return (f"{label}: service level {format_kpi(sl.mean, sl_def)} ({kpi_ci_text('service_level', sl)}), "
            f"abandon rate {format_kpi(ab.mean, ab_def)} ({kpi_ci_text('abandon_rate', ab)})")


def strategy_table(summary: Summary) -> Table | None:
    """The collection strategy's paths (`wfm.views.strategy`): accounts, collected, recovery, message cost per euro.

    None when the run had no strategy.
    """
    view = strategy_view(summary)
    if view is None:
        return None
    currency = currency_of(summary)
    table = Table(title="Treatment paths (means over replications)")
    for name in ("path", "accounts", "collected", "recovery", "message cost per euro"):
        table.add_column(name, justify="left" if name == "path" else "right")
    p = view.paths
    for i, name in enumerate(p["path"]):
        table.add_row(lit(name), f"{p['accounts'][i]:,.0f}", format_money(p["collected"][i], currency),
                      "–" if math.isnan(p["recovery_rate"][i]) else f"{p['recovery_rate'][i]:.2%}",
                      format_money(p["message_cost_per_euro"][i], currency, 3))
    return table


def channel_table(summary: Summary, costs: Costs) -> Table | None:
    """Cost, money and cost per euro collected by channel (`wfm.views.channel_economics`); None without a strategy."""
    economics = channel_economics(summary, costs)
    if economics is None:
        return None
    currency = currency_of(summary)
    table = Table(title="Cost per euro collected by channel (means over replications)")
    for name in ("channel", "cost", "collected", "cost per euro"):
        table.add_column(name, justify="left" if name == "channel" else "right")
    ch = economics.channels
    for i, name in enumerate(ch["channel"]):
        per_euro = ch["cost_per_euro"][i]
        table.add_row(str(name), format_money(ch["cost"][i], currency), format_money(ch["collected"][i], currency),
                      "–" if math.isnan(per_euro) else format_money(per_euro, currency, 3))
    return table


def challenger_line(summary: Summary, strategy: Strategy) -> str | None:
    """Challenger − champion recovery rate with its paired 95% interval and verdict; None without a challenger."""
    view = strategy_view(summary)
    if view is None or view.challenger_gain is None:
        return None
    gain = view.challenger_gain
    low, high = kpi_interval("challenger_recovery_gain", gain)
    interval = "" if math.isnan(low) else (
        f" (95% CI {low * 100:+.2f} … {high * 100:+.2f} pt, paired within each of {gain.n} replications)")
    return (f"Challenger {lit(strategy.challenger)} − champion {lit(strategy.champion)} recovery rate: "
            f"{gain.mean * 100:+.2f} pt{interval}: {gain_verdict(gain)}")
