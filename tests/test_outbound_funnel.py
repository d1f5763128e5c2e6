"""Conservation laws of the campaign, and the inbound model left untouched by the outbound one."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

import wfm.sim.engine as engine
from outbound_scenarios import outbound_scenario
from wfm import kpi
from wfm.scenario.io import default_scenario_text, scenario_from_mapping
from wfm.sim import run, same_values


@pytest.mark.parametrize("mode", ["preview", "progressive", "power", "predictive"])
def test_funnel_conservation(mode: str) -> None:
    scenario = outbound_scenario(agents=6, days=8, mode=mode, accounts=800, blended=3, inbound=True,
                                 amd={"enabled": True}, conversation={"due_days_min": 1, "due_days_max": 4})
    result = run(scenario, 2)
    ob = result.outbound
    assert int(ob.outcomes.sum()) == int(ob.attempts.sum())
    assert ob.rpc_results.sum() <= ob.outcome("rpc").sum()
    assert ob.ptp.sum() <= ob.outcome("rpc").sum()
    assert ob.amd_false_positive.sum() <= ob.outcome("dropped").sum()
    assert ob.promises_kept.sum() + ob.promises_broken.sum() == ob.promises_due.sum()
    assert ob.amount_collected.sum() <= ob.balance_placed + 1e-6
    assert ob.min_balance >= 0
    assert ob.accounts_with_rpc == ob.first_rpc.sum() <= ob.accounts
    assert ob.violations.sum() == 0
    assert ob.segments.attempts.sum() == ob.attempts.sum() + ob.in_flight_end
    if mode in ("preview", "progressive"):
        assert ob.outcome("dropped").sum() == ob.amd_false_positive.sum()
    for agent in result.agents:
        total = agent.idle_s + agent.busy_s + agent.break_s + agent.absent_s + agent.off_s + agent.dialing_s
        assert total == pytest.approx(result.horizon_s)
    inbound_agents = [a for a in result.agents if a.group == "Outbound"]
    assert inbound_agents
    k = kpi.overall(result)
    assert 0 <= k["drop_rate"] <= 1 and 0 <= k["occupancy"] <= 1
    assert k["amount_collected"] == pytest.approx(ob.amount_collected.sum())


def _inbound_baseline() -> dict:
    """The shipped baseline without absence (absence draws are shaped by headcount) or outbound."""
    data = tomllib.loads(default_scenario_text())
    data["groups"] = [g for g in data["groups"] if g["kind"] != "outbound"]
    for group in data["groups"]:
        group["absence_rate"] = 0.0
    data["outbound"] = {"enabled": False}
    return data


def test_outbound_only_agents_leave_inbound_results_unchanged() -> None:
    inbound_only = scenario_from_mapping(_inbound_baseline())
    with_outbound = _inbound_baseline()
    with_outbound["groups"] = [g for g in with_outbound["groups"] if g["kind"] == "inbound"]
    inbound_only = scenario_from_mapping(with_outbound | {"outbound": {"enabled": False}})
    with_outbound["groups"] = with_outbound["groups"] + [{"name": "Dialer team", "kind": "outbound",
                                    "shifts": [{"start": "09:00", "length_h": 8, "headcount": 5}]}]
    with_outbound["outbound"] = {"enabled": True, "portfolio": {"accounts": 2_000}}
    a = run(inbound_only, 3)
    b = run(scenario_from_mapping(with_outbound), 3)
    assert b.outbound is not None and b.outbound.attempts.sum() > 0
    assert same_values(a.inbound, b.inbound)
    n_inbound = len(a.agents)
    assert same_values(a.agents, b.agents[:n_inbound])


def test_outbound_disabled_builds_no_dialer(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args, **kwargs):
        raise AssertionError("the dialer must not be built (nor draw random numbers) when outbound is disabled")

    monkeypatch.setattr(engine, "Dialer", forbidden)
    result = run(scenario_from_mapping(_inbound_baseline()), 1)
    assert result.outbound is None
    assert "contact_rate" not in kpi.overall(result)


def test_same_seed_same_campaign() -> None:
    scenario = outbound_scenario(agents=4, days=3, mode="predictive", accounts=500, blended=2, inbound=True)
    assert same_values(run(scenario, 9), run(scenario, 9))
    assert not np.array_equal(run(scenario, 9).outbound.outcomes, run(scenario, 10).outbound.outcomes)
