"""The collection strategy in the window: its editor tab and its results tab (pytest-qt, offscreen).

The editor is driven through its widgets and checked against the validated scenario (and its
undo against the scenario before the edits). The results tab of a small run is checked against
`wfm.views.strategy` of the same summary and, along another path, against the run's KPIs: the
money of the paths adds up to the money collected, their accounts to the portfolio.
"""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea

from test_gui import type_into
from test_gui_campaign import open_window, tab_of
from wfm.gui.dashboards_strategy import StrategyDashboard, day_tick_step
from wfm.gui.sections_strategy import StrategyTab, fit_step, removed, renamed, step_summary
from wfm.gui.widgets import INVALID_FIELD_STYLE
from wfm.scenario import Scenario, Step
from wfm.scenario.io import load_scenario
from wfm.views.common import kpi_interval
from wfm.views.strategy import gain_verdict, strategy_view

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def omnichannel(days: int = 2, accounts: int = 300) -> Scenario:
    """The shipped SMS-first against call-first scenario, cut to a few hundred accounts over `days` days."""
    base = load_scenario(SCENARIOS / "omnichannel.toml")
    ob = base.outbound
    return base.model_copy(update={
        "calendar": base.calendar.model_copy(update={"horizon_days": days}),
        "run": base.run.model_copy(update={"replications": 2}),
        "outbound": ob.model_copy(update={"portfolio": ob.portfolio.model_copy(update={"accounts": accounts})}),
    })


@pytest.fixture
def window(qtbot, tmp_path):
    win = open_window(qtbot, tmp_path, omnichannel())
    win.editor.tabs.setCurrentWidget(tab_of(win, StrategyTab))
    yield win
    win.tasks.shutdown()


def kinds(tab: StrategyTab) -> list[str]:
    return [tab.steps.cellWidget(r, 0).currentData() for r in range(tab.steps.rowCount())]


# ---- editor ---------------------------------------------------------------------------------


def test_the_tab_shows_the_scenarios_strategy(window):
    tab = tab_of(window, StrategyTab)
    strategy = window.editor.scenario.strategy
    assert tab.enabled.isChecked()
    assert [tab.path_list.item(i).text() for i in range(tab.path_list.count())] == [
        "sms_first: SMS → wait 1 d → phone 6×/7 d → Letter → wait 5 d → phone 6×/10 d",
        "call_first: phone 6×/7 d → SMS → wait 2 d → phone 4×/5 d → Letter → wait 5 d → phone 4×/7 d"]
    assert kinds(tab) == [s.kind for s in strategy.paths[0].steps]
    assert tab.champion.currentData() == "sms_first" and tab.challenger.currentData() == "call_first"
    # the letter has no sending window in the file: its clock fields are off
    on, start, _ = tab.windows["letter"]
    assert not on.isChecked() and not start.isEnabled() and tab.windows["sms"][0].isChecked()


def test_editing_a_paths_steps_changes_the_scenario_and_undo_restores_it(qtbot, window):
    editor, tab = window.editor, tab_of(window, StrategyTab)
    before = editor.scenario
    tab.steps.selectRow(1)
    qtbot.mouseClick(tab.add_step_button, Qt.MouseButton.LeftButton)  # an SMS after the wait
    assert [s.kind for s in editor.scenario.strategy.paths[0].steps] == [
        "sms", "wait", "sms", "phone", "letter", "wait", "phone"]
    kind = tab.steps.cellWidget(2, 0)
    kind.setCurrentIndex(kind.findData("phone"))  # a phone phase gets the usual budget, not an invalid step
    assert editor.scenario.strategy.paths[0].steps[2] == Step(kind="phone", days=7, attempts=6)
    type_into(qtbot, tab.steps.cellWidget(2, 2), "3")
    tab.steps.selectRow(2)
    qtbot.mouseClick(tab.step_up_button, Qt.MouseButton.LeftButton)
    steps = editor.scenario.strategy.paths[0].steps
    assert steps[1] == Step(kind="phone", days=7, attempts=3) and steps[2] == Step(kind="wait", days=1)
    assert kinds(tab)[:3] == ["sms", "phone", "wait"] and tab.steps.currentRow() == 1
    assert editor.scenario.strategy.paths[1] == before.strategy.paths[1]  # the other path untouched
    # four edits (add, kind, attempts, move), four undos: the scenario as it was, and the table with it
    assert window.act_undo.isEnabled()
    for _ in range(4):
        window.act_undo.trigger()
    assert editor.scenario == before
    assert kinds(tab) == [s.kind for s in before.strategy.paths[0].steps]
    assert not window.act_undo.isEnabled()


@pytest.mark.parametrize(("row", "edits", "message"), [
    (1, {1: "0"}, "sms_first › step 2: a wait step needs days >= 1 and no attempts"),
    (2, {1: "0", 2: "0"}, "sms_first › step 3: a phone step needs an attempt budget, a number of days or both"),
])
def test_a_bad_step_shows_the_message_on_its_row(qtbot, window, row, edits, message):
    editor, tab = window.editor, tab_of(window, StrategyTab)
    for column, text in edits.items():
        type_into(qtbot, tab.steps.cellWidget(row, column), text)
    assert not editor.is_valid
    shown = editor.error_text(("strategy", "paths"))
    assert shown.startswith(message), shown
    assert tab.path_errors.isVisible()
    flagged = [r for r in range(tab.steps.rowCount()) if tab.steps.verticalHeaderItem(r).text().endswith("⚠")]
    framed = [r for r in range(tab.steps.rowCount()) if tab.steps.cellWidget(r, 0).styleSheet() == INVALID_FIELD_STYLE]
    assert flagged == framed == [row]  # only the bad row
    assert tab.path_list.item(0).text().endswith("⚠") and not tab.path_list.item(1).text().endswith("⚠")
    assert "Collection strategy ⚠" in [editor.nav.item(i).text() for i in range(editor.nav.count())]
    # the same problem, seen from the other path: still listed, but no row of that path is framed
    tab.path_list.setCurrentRow(1)
    assert editor.error_text(("strategy", "paths")).startswith(message)
    assert all(tab.steps.cellWidget(r, 0).styleSheet() == "" for r in range(tab.steps.rowCount()))
    for _ in edits:  # one undo per field edited
        window.act_undo.trigger()
    assert editor.is_valid and not tab.path_errors.isVisible()


def test_renaming_removing_and_adding_paths_keep_the_references(qtbot, window):
    editor, tab = window.editor, tab_of(window, StrategyTab)
    tab.path_name.setFocus()
    tab.path_name.selectAll()
    qtbot.keyClicks(tab.path_name, "text_first")
    strategy = editor.scenario.strategy
    assert strategy.paths[0].name == "text_first" and strategy.champion == "text_first"
    assert tab.champion.currentData() == "text_first"
    window.act_undo.trigger()  # the keystrokes of one name undo as one edit
    assert editor.scenario.strategy.champion == "sms_first" and tab.path_name.text() == "sms_first"
    tab.path_list.setCurrentRow(1)
    qtbot.mouseClick(tab.add_path_button, Qt.MouseButton.LeftButton)  # a copy of call_first, after it
    assert [p.name for p in editor.scenario.strategy.paths] == ["sms_first", "call_first", "path 1"]
    assert editor.scenario.strategy.paths[2].steps == editor.scenario.strategy.paths[1].steps
    assert tab.path_list.currentRow() == 2
    tab.after_broken.setCurrentIndex(tab.after_broken.findData("sms_first"))
    assert editor.scenario.strategy.paths[2].after_broken_promise == "sms_first"
    tab.path_list.setCurrentRow(0)
    qtbot.mouseClick(tab.remove_path_button, Qt.MouseButton.LeftButton)
    strategy = editor.scenario.strategy  # still valid: the split and the move that named it are gone
    assert [p.name for p in strategy.paths] == ["call_first", "path 1"]
    assert strategy.champion == strategy.challenger == "" and strategy.paths[1].after_broken_promise == ""


def test_every_path_move_and_the_visit_and_legal_steps_are_edited_in_the_tab(qtbot, window):
    """A planner sets where kept promises and opt-outs lead, and picks home visits and legal as steps."""
    editor, tab = window.editor, tab_of(window, StrategyTab)
    tab.path_list.setCurrentRow(0)
    for key, target in (("after_kept_promise", "call_first"), ("after_opt_out", "call_first")):
        combo = tab.moves[key]
        assert combo.itemData(0) == "" and combo.findData("sms_first") < 0  # no move to itself
        combo.setCurrentIndex(combo.findData(target))
        assert getattr(editor.scenario.strategy.paths[0], key) == target
    tab.path_list.setCurrentRow(1)
    tab.path_name.setFocus()
    tab.path_name.selectAll()
    qtbot.keyClicks(tab.path_name, "phone_first")  # the moves follow the rename
    path = editor.scenario.strategy.paths[0]
    assert path.after_kept_promise == path.after_opt_out == "phone_first"
    tab.path_list.setCurrentRow(0)
    assert tab.moves["after_opt_out"].currentData() == "phone_first"
    step_kinds = tab.steps.cellWidget(0, 0)
    assert step_kinds.findData("visit") >= 0 and step_kinds.findData("legal") >= 0
    step_kinds.setCurrentIndex(step_kinds.findData("legal"))  # no [strategy.legal] yet: the planner is told
    assert not editor.is_valid and any("add [strategy.legal]" in str(p) for p in editor.problems)
    window.act_undo.trigger()
    step_kinds = tab.steps.cellWidget(0, 0)
    step_kinds.setCurrentIndex(step_kinds.findData("visit"))
    assert not editor.is_valid and any("add [strategy.field]" in str(p) for p in editor.problems)


def test_path_entry_rule_and_channels_round_trip(qtbot, window):
    editor, tab = window.editor, tab_of(window, StrategyTab)
    tab.segment_boxes["late"].setChecked(True)
    type_into(qtbot, tab.band_low, "70")
    tab.balance_limit.setChecked(True)
    type_into(qtbot, tab.balance_max, "5000")
    on, start, end = tab.windows["letter"]
    on.setChecked(True)
    end.setValue(18 * 60)
    fields = tab.channel_fields
    fields["strategy.channels.sms.responses.call"].setValue(5)  # percent
    check, share, _, cure = tab.segment_values.rows["mid"]
    check.setChecked(True)
    share.setValue(25)
    cure.setValue(0)
    strategy = editor.scenario.strategy
    path = strategy.paths[0]
    assert path.segments == ("late",) and path.score_band == (0.7, 1.0) and path.balance_max == 5000
    assert strategy.channels["letter"].window is not None and strategy.channels["letter"].window.end == 18 * 3600
    assert strategy.channels["sms"].responses.call == pytest.approx(0.05)
    assert strategy.payer_share == {"mid": 0.25} and "mid" not in strategy.self_cure_monthly
    # shares of the delivered messages above 100%: the message names the channel
    fields["strategy.channels.sms.responses.pay"].setValue(99)
    assert editor.error_text(("strategy", "channels")).startswith("SMS › responses: call + pay + promise + opt_out")
    framed = sorted(k for k, w in fields.items() if w.styleSheet() == INVALID_FIELD_STYLE)
    assert framed == [f"strategy.channels.sms.responses.{k}" for k in sorted(
        ("call", "pay", "promise", "opt_out", "delay_h", "delay_cv", "pay_fraction"))]
    # a window that closes before it opens: both of its clocks, and the message names it
    fields["strategy.channels.sms.responses.pay"].setValue(1)
    end.setValue(6 * 60)
    assert editor.error_text(("strategy", "channels")).startswith("Letter › window: end 06:00 must be after start")
    assert fields["strategy.channels.letter.window.end"].styleSheet() == INVALID_FIELD_STYLE


def test_offers_and_placements_round_trip(qtbot, window):
    editor, tab = window.editor, tab_of(window, StrategyTab)
    instalments = editor.field(("strategy", "offers", "plan_instalments"))
    assert not instalments.isEnabled()  # no plans: their settings do not apply
    editor.field(("strategy", "offers", "plan_share")).setValue(30)  # percent
    assert instalments.isEnabled()
    editor.field(("strategy", "offers", "reminder")).setCurrentIndex(1)  # by SMS
    editor.field(("strategy", "follow_up_broken_promises")).setChecked(True)
    editor.field(("outbound", "selection", "priority")).setCurrentIndex(3)  # the Dialer tab: by the score
    strategy = editor.scenario.strategy
    assert strategy.offers.plan_share == pytest.approx(0.3) and strategy.offers.reminder == "sms"
    assert strategy.follow_up_broken_promises and editor.scenario.outbound.selection.priority == "score"
    start = editor.scenario.calendar.start_date
    qtbot.mouseClick(tab.add_batch_button, Qt.MouseButton.LeftButton)  # all accounts on the first day
    qtbot.mouseClick(tab.add_batch_button, Qt.MouseButton.LeftButton)  # half of them a week later
    batches = editor.scenario.strategy.placements
    assert [(b.date, b.share) for b in batches] == [(start, 0.5), (start + timedelta(days=7), 0.5)]
    tab.placements.cellWidget(1, 1).setValue(30)  # the shares no longer add up
    assert not editor.is_valid
    assert editor.error_text(("strategy", "placements")).startswith("the placements' shares add up to 0.8")
    window.act_undo.trigger()
    assert editor.is_valid and tab.placements.cellWidget(1, 1).value() == pytest.approx(50)
    tab.placements.selectRow(0)
    qtbot.mouseClick(tab.remove_batch_button, Qt.MouseButton.LeftButton)  # its share goes to the other batch
    assert [(b.date, b.share) for b in editor.scenario.strategy.placements] == [(start + timedelta(days=7), 1.0)]


def test_switching_the_strategy_on_gives_it_a_path_and_greys_out_nothing_it_needs(qtbot, tmp_path):
    base = omnichannel()
    win = open_window(qtbot, tmp_path, base.model_copy(update={"strategy": type(base.strategy)()}))
    tab = tab_of(win, StrategyTab)
    assert not tab.path_list.isEnabled() and tab.path_list.count() == 0
    tab.enabled.setChecked(True)
    strategy = win.editor.scenario.strategy
    assert strategy.enabled and [p.name for p in strategy.paths] == ["sms_then_call"]
    assert tab.path_list.isEnabled() and kinds(tab) == ["sms", "wait", "phone"]
    win.act_undo.trigger()
    assert not win.editor.scenario.strategy.enabled and win.editor.scenario.strategy.paths == ()


def test_step_helpers():
    assert fit_step({"kind": "phone", "days": 3, "attempts": 2}, "sms") == {"kind": "sms", "days": 0, "attempts": 0}
    assert fit_step({"kind": "phone", "days": 3, "attempts": 2}, "wait") == {"kind": "wait", "days": 3, "attempts": 0}
    assert fit_step({"kind": "sms"}, "wait") == {"kind": "wait", "days": 1, "attempts": 0}
    assert fit_step({"kind": "phone", "days": 0, "attempts": 4}, "phone")["attempts"] == 4
    assert step_summary([{"kind": "phone", "attempts": 0, "days": 3}, {"kind": "email"}]) == "phone 3 d → E-mail"
    data = {"strategy": {"champion": "a", "challenger": "b", "paths": [
        {"name": "a", "after_broken_promise": "b"}, {"name": "b", "after_broken_promise": "a"}]}}
    renamed(data, "a", "x")
    assert data["strategy"]["champion"] == "x" and data["strategy"]["paths"][1]["after_broken_promise"] == "x"
    removed(data, 1)
    assert data["strategy"]["champion"] == "" and data["strategy"]["paths"] == [
        {"name": "x", "after_broken_promise": ""}]
    assert [day_tick_step(n) for n in (1, 7, 8, 14, 28, 90)] == [1, 1, 1, 2, 7, 14]


# ---- results --------------------------------------------------------------------------------


def run_and_wait(qtbot, window):
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        window.act_run.trigger()
    return blocker.args[0]


def test_the_results_tab_shows_the_views_numbers(qtbot, window):
    outcome = run_and_wait(qtbot, window)
    tabs, dashboard = window.result_tabs, window.strategy_view
    assert tabs.isTabVisible(tabs.indexOf(dashboard))
    view = strategy_view(outcome.summary)
    assert view is not None and outcome.strategy is not None
    # the paths cover the portfolio and every euro the campaign collected (the KPIs, another path)
    paths = view.paths
    assert paths["accounts"].sum() == pytest.approx(300)
    assert paths["collected"].sum() == pytest.approx(outcome.summary.kpis["amount_collected"].mean)
    assert sum(view.causes.values()) == pytest.approx(outcome.summary.kpis["amount_collected"].mean)
    rows = dashboard.tables["paths"].rowCount()
    assert rows == 2 and [dashboard.cell("paths", r, 0) for r in range(rows)] == ["sms_first", "call_first"]
    for r in range(rows):
        assert dashboard.cell("paths", r, 1) == f"{paths['accounts'][r]:,.0f}"
        assert dashboard.cell("paths", r, 4) == f"{paths['recovery_rate'][r]:.2%}"
        assert dashboard.cell("paths", r, 7) == f"{paths['reach_rate'][r]:.1%}"
    # every account of the shipped strategy enters sms_first: the arms are the two paths
    assert [dashboard.cell("arms", r, 1) for r in range(2)] == [dashboard.cell("paths", r, 1) for r in range(2)]
    gain = view.challenger_gain
    low, high = kpi_interval("challenger_recovery_gain", gain)
    assert gain.n == 2 and not math.isnan(low)
    text = dashboard.headline.text()
    assert gain_verdict(gain) in text and "paired within each of 2 replications" in text
    channels = view.channels
    sms = list(channels["channel"]).index("SMS")
    assert dashboard.cell("channels", 0, 1 + sms) == f"{channels['sent'][sms]:,.0f}"
    # the chart: stacked bars per channel used, and the debtor calls, as the view has them
    for j, name in enumerate(channels["channel"]):
        bars = dashboard.curves.get(f"sent:{name}")
        assert (bars is None) == (not view.sent_by_day[j].any())
        if bars is not None:
            np.testing.assert_allclose(bars.opts["height"], view.sent_by_day[j])
    _, calls = dashboard.curves["debtor_calls"].getData()
    np.testing.assert_allclose(calls, view.debtor_calls_by_day)
    assert view.sent_by_day.shape[1] == 2
    # liquidation curves in percent, one per batch and per segment; no offers in the file: no table of zeros
    liq = view.liquidation
    drawn = {k.split(":", 1)[1]: c for k, c in dashboard.curves.items() if k.startswith("liquidation:")}
    expected = {**{f"batch {k}": v for k, v in liq.by_batch.items()},
                **{f"segment {k}": v for k, v in liq.by_segment.items()}}
    assert set(drawn) == set(expected) and len(expected) == 4  # one batch, three segments
    for name, curve in expected.items():
        np.testing.assert_allclose(drawn[name].getData()[1], np.asarray(curve) * 100)
    assert dashboard.tables["offers"].isHidden() and not any(view.offers.values())


def test_the_results_tab_fits_a_laptop_screen(qtbot, window):
    window.editor.set_value(("strategy", "offers", "plan_share"), 0.5)  # every table shown
    outcome = run_and_wait(qtbot, window)
    assert outcome.strategy.offers["plans"] > 0
    window.resize(1366, 768)
    window.result_tabs.setCurrentWidget(window.strategy_view)
    qtbot.wait(60)
    dashboard = window.strategy_view
    assert not dashboard.findChild(QScrollArea).horizontalScrollBar().isVisible()
    for name, table in dashboard.tables.items():  # every column in view, no row hidden under a scroll bar
        if name == "legal":  # no legal action in this scenario: its table stays hidden (test_legal shows it)
            assert not table.isVisible()
            continue
        assert table.isVisible() and not table.horizontalScrollBar().isVisible(), name
        assert not table.verticalScrollBar().isVisible(), name
    item = dashboard.per_day.getPlotItem()
    assert not item.legend.sceneBoundingRect().intersects(item.vb.sceneBoundingRect())
    assert item.vb.viewRange()[1][0] >= 0 and dashboard.calls_box.viewRange()[1][0] >= 0
    assert "(x" not in item.getAxis("right").labelString()


def test_the_tab_is_hidden_for_a_scenario_without_strategy(qtbot, window):
    tabs, dashboard = window.result_tabs, window.strategy_view
    window.editor.tabs.setCurrentWidget(tab_of(window, StrategyTab))
    tab_of(window, StrategyTab).enabled.setChecked(False)
    type_into(qtbot, window.editor.field(("calendar", "horizon_days")), "1")
    outcome = run_and_wait(qtbot, window)
    assert outcome.strategy is None and outcome.summary.runs[0].strategy is None
    assert not tabs.isTabVisible(tabs.indexOf(dashboard))
    assert "challenger_recovery_gain" not in outcome.summary.kpis
    empty = StrategyDashboard()
    qtbot.addWidget(empty)
    assert empty.drawing_steps(outcome) == [] and not empty.curves
