"""`wfm run` with a collection strategy: the paths table and the champion/challenger line.

The printed numbers are checked against `wfm.views.strategy` of the same experiment run again
through `replicate` (same seed: identical runs, whatever the backend), and the paths' money
against the KPI table's money collected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wfm.cli import EXIT_OK, main
from wfm.experiment import RunPlan, replicate
from wfm.kpi import format_money
from wfm.scenario import Scenario
from wfm.scenario.io import load_scenario, save_scenario
from wfm.views.common import kpi_interval
from wfm.views.strategy import gain_verdict, strategy_view

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SEED = 11


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # one line per table row and message


def short_omnichannel(days: int = 2, accounts: int = 300) -> Scenario:
    base = load_scenario(SCENARIOS / "omnichannel.toml")
    ob = base.outbound
    return base.model_copy(update={
        "calendar": base.calendar.model_copy(update={"horizon_days": days}),
        "outbound": ob.model_copy(update={"portfolio": ob.portfolio.model_copy(update={"accounts": accounts})}),
    })


def test_run_prints_the_paths_and_the_challenger_line(tmp_path, capsys):
    scenario = short_omnichannel()
    path = save_scenario(scenario, tmp_path / "omni.toml")
    assert main(["run", str(path), "--reps", "2", "--seed", str(SEED), "--backend", "serial"]) == EXIT_OK
    out = capsys.readouterr().out
    summary = replicate(load_scenario(path), RunPlan(replications=2, seed=SEED))
    view = strategy_view(summary)
    assert view is not None and view.challenger_gain is not None
    p = view.paths
    assert p["collected"].sum() == pytest.approx(summary.kpis["amount_collected"].mean)
    assert "Treatment paths" in out
    for i, name in enumerate(p["path"]):
        row = next(line for line in out.splitlines() if line.startswith(f"│ {name} "))
        cells = [c.strip() for c in row.strip("│").split("│")]
        assert cells == [name, f"{p['accounts'][i]:,.0f}", format_money(p["collected"][i], "EUR"),
                         f"{p['recovery_rate'][i]:.2%}", format_money(p["message_cost_per_euro"][i], "EUR", 3)]
    gain = view.challenger_gain
    low, high = kpi_interval("challenger_recovery_gain", gain)
    line = next(line for line in out.splitlines() if line.startswith("Challenger call_first − champion sms_first"))
    assert line == (f"Challenger call_first − champion sms_first recovery rate: {gain.mean * 100:+.2f} pt (95% CI "
                    f"{low * 100:+.2f} … {high * 100:+.2f} pt, paired within each of 2 replications): "
                    f"{gain_verdict(gain)}")


def test_run_without_a_strategy_prints_no_paths(tmp_path, capsys):
    scenario = short_omnichannel(days=1)
    plain = scenario.model_copy(update={"strategy": scenario.strategy.model_copy(update={"enabled": False})})
    path = save_scenario(plain, tmp_path / "plain.toml")
    assert main(["run", str(path), "--reps", "1", "--backend", "serial"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Service level" in out  # the KPI table
    assert "Treatment paths" not in out and "Challenger" not in out
