"""The home visits panel of the Strategy results tab (pytest-qt, offscreen; issue #13, item 5).

The panel is checked against `wfm.views.strategy.field_view` of the same runs and against the
first run's visit log itself: one point per visit, each in its outcome's colour and at the
visited address, the base marked. It shows only for runs that made visits, and fits a laptop.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QScrollArea

from test_field_visits import FIELD, START, STEPS
from test_gui_campaign import open_window
from test_gui_strategy import run_and_wait
from test_strategy import SEED, scenario
from wfm.experiment import RunPlan, replicate
from wfm.gui.analysis import Outcome
from wfm.gui.dashboards_strategy import StrategyDashboard
from wfm.scenario import Scenario
from wfm.sim.collections.field import FIELD_OUTCOMES
from wfm.views.strategy import FIELD_KPIS, FIELD_OUTCOME_COLORS


def field_scenario(visit: bool = True, replications: int = 2) -> Scenario:
    """Two field agents over a week on 500 accounts; without the visit step the team has nobody to visit."""
    steps = STEPS if visit else STEPS[::2]
    spec = scenario({"paths": [{"name": "visit", "steps": steps}], "field": FIELD}, accounts=500, horizon_days=6,
                    start_date=START.isoformat())
    return spec.model_copy(update={"run": spec.run.model_copy(update={"replications": replications})})


def outcome_of(spec: Scenario) -> Outcome:
    return Outcome.analyse("field", spec, replicate(spec, RunPlan(spec.run.replications, SEED)))


def drawn(qtbot, outcome: Outcome) -> StrategyDashboard:
    dashboard = StrategyDashboard()
    qtbot.addWidget(dashboard)
    dashboard.show()
    dashboard.show_outcome(outcome)
    return dashboard


def test_the_map_has_one_point_per_visit_in_its_outcomes_colour(qtbot) -> None:
    outcome = outcome_of(field_scenario())
    assert outcome.strategy is not None and outcome.strategy.field_view is not None
    field = outcome.strategy.field_view
    dashboard = drawn(qtbot, outcome)
    panel = dashboard.field_panel
    assert panel.isVisible()
    first = outcome.summary.runs[0].strategy
    assert first is not None and first.field_log is not None
    log = first.field_log
    assert len(log) > 50 and sum(len(item.data) for item in panel.points.values()) == len(log)
    for name, item in panel.points.items():
        rows = log[log["outcome"] == FIELD_OUTCOMES.index(name)]
        x, y = item.getData()
        np.testing.assert_allclose(np.sort(x), np.sort(rows["km_x"]))
        np.testing.assert_allclose(np.sort(y), np.sort(rows["km_y"]))
        assert item.opts["brush"].color().name() == QColor(FIELD_OUTCOME_COLORS[name]).name()
        assert item.opts["pen"].color().name() == QColor(FIELD_OUTCOME_COLORS[name]).name()
    present = {FIELD_OUTCOMES[k] for k in np.unique(log["outcome"])}
    assert set(panel.points) == present and {"nobody_home", "promise"} <= present
    assert panel.bases is not None
    np.testing.assert_allclose(np.column_stack(panel.bases.getData()), [FIELD["agents"].get("base_km", [0, 0])])
    legend = panel.map.getPlotItem().legend
    assert len(legend.items) == len(present) + 1  # the outcomes drawn and the base
    # the KPI table shows the view's numbers, with the interval from the two replications
    texts = {panel.cell(r, 0): (panel.cell(r, 1), panel.cell(r, 2)) for r in range(panel.table.rowCount())}
    assert panel.table.rowCount() == len(FIELD_KPIS)
    assert texts["Visits"][0] == f"{field.mean('visits'):,.0f}"
    low, high = field.interval("promise_rate")
    assert texts["Promise per visit"] == (f"{field.mean('promise_rate'):.1%}", f"{low:.1%} – {high:.1%}")
    assert texts["Agent utilisation (busy / paid)"][0] == f"{field.mean('utilisation'):.1%}"
    assert texts["Kilometres per visit"][0] == f"{field.mean('km_per_visit'):,.2f}"


def test_the_panel_shows_only_when_the_run_made_visits(qtbot) -> None:
    idle = outcome_of(field_scenario(visit=False, replications=1))
    assert idle.strategy is not None and idle.strategy.field_view is not None  # a team, nobody visited
    assert idle.strategy.field_view.mean("visits") == 0
    dashboard = drawn(qtbot, idle)
    assert dashboard.field_panel.isHidden() and not dashboard.field_panel.points
    dashboard.show_outcome(outcome_of(field_scenario(replications=1)))
    assert dashboard.field_panel.isVisible() and dashboard.field_panel.points
    assert dashboard.field_panel.cell(1, 2) == "–"  # one replication: no interval
    dashboard.show_outcome(idle)  # and it goes again, map and all
    assert dashboard.field_panel.isHidden() and not dashboard.field_panel.map.getPlotItem().listDataItems()


@pytest.fixture
def window(qtbot, tmp_path):
    win = open_window(qtbot, tmp_path, field_scenario())
    yield win
    win.tasks.shutdown()


def test_the_panel_fits_a_laptop_screen(qtbot, window) -> None:
    run_and_wait(qtbot, window)
    window.resize(1366, 768)
    window.result_tabs.setCurrentWidget(window.strategy_view)
    qtbot.wait(60)
    dashboard = window.strategy_view
    panel = dashboard.field_panel
    assert panel.isVisible()
    assert not dashboard.findChild(QScrollArea).horizontalScrollBar().isVisible()
    assert not panel.table.horizontalScrollBar().isVisible() and not panel.table.verticalScrollBar().isVisible()
    view_box = panel.map.getPlotItem().vb
    assert view_box.width() >= 300 and view_box.height() >= 200
    # the map keeps km square, and every visit and the base lie inside it
    (x0, x1), (y0, y1) = view_box.viewRange()
    assert (x1 - x0) / view_box.width() == pytest.approx((y1 - y0) / view_box.height(), rel=0.02)
    for item in [*panel.points.values(), panel.bases]:
        x, y = item.getData()
        assert x.min() >= x0 and x.max() <= x1 and y.min() >= y0 and y.max() <= y1
    legend = panel.map.getPlotItem().legend
    assert not legend.sceneBoundingRect().intersects(view_box.sceneBoundingRect())


def test_redrawing_lists_the_right_axis_series_once_in_the_legend(qtbot) -> None:
    """The debtor calls live in the right axis' box: each redraw takes their legend entry away with them."""
    outcome = outcome_of(field_scenario(replications=1))
    dashboard = drawn(qtbot, outcome)
    dashboard.show_outcome(outcome)
    dashboard.show_outcome(outcome)
    names = [label.text for _, label in dashboard.per_day.getPlotItem().legend.items]
    assert names.count("debtor calls (right axis)") == 1
