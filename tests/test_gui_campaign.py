"""The outbound, workforce and cost parts of the window (pytest-qt, QT_QPA_PLATFORM=offscreen).

Editor tabs are driven through their widgets and checked against the validated scenario;
the dashboards of a short blended run are checked against the run's KPIs and raw arrays,
computed along a different path (`wfm.kpi`, `Summary`) than the one the plots use.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage

from gui_support import ScriptedDialogs
from test_gui import type_into
from wfm.experiment import replicate
from wfm.gui.app import configure_plots
from wfm.gui.main_window import MainWindow
from wfm.gui.sections_outbound import DialerTab
from wfm.gui.sections_workforce import CostsTab, WorkforceTab
from wfm.scenario import Scenario
from wfm.scenario.io import default_scenario, load_scenario, save_scenario


def small_blended(horizon_days: int = 2, **outbound: object) -> Scenario:
    """The baseline, shortened, with 2,000 accounts and promises due within a day (so some are kept)."""
    base = default_scenario()
    ob = base.outbound
    conversation = ob.conversation.model_copy(update={"due_days_min": 0, "due_days_max": 1})
    stress = base.workforce.stress.model_copy(update={"enabled": True})
    return base.model_copy(update={
        "calendar": base.calendar.model_copy(update={"horizon_days": horizon_days}),
        "run": base.run.model_copy(update={"replications": 2}),
        "workforce": base.workforce.model_copy(update={"stress": stress}),
        "outbound": ob.model_copy(update={
            "portfolio": ob.portfolio.model_copy(update={"accounts": 2000}),
            "conversation": conversation, **outbound}),
    })


def open_window(qtbot, tmp_path, scenario: Scenario, runner=replicate) -> MainWindow:
    configure_plots()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(scenario, runner=runner, dialogs=ScriptedDialogs(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def window(qtbot, tmp_path):
    win = open_window(qtbot, tmp_path, small_blended())
    yield win
    win.tasks.shutdown()


def tab_of(window: MainWindow, cls):
    return next(t for t in window.editor.section_tabs if isinstance(t, cls))


def listed(window: MainWindow) -> list[str]:
    return [window.editor.problem_list.topLevelItem(i).text(1)
            for i in range(window.editor.problem_list.topLevelItemCount())]


# ---- editor tabs ------------------------------------------------------------------------------


def test_the_new_tabs_are_listed_in_the_issues_order(window):
    titles = [window.editor.nav.item(i).text() for i in range(window.editor.nav.count())]
    assert titles == ["Calendar & demand", "Inbound handling & SL", "Dialer & contact strategy", "Collection strategy",
                      "Staffing & shifts", "Workforce & incentives", "Costs & targets", "Scenario & run"]
    window.editor.nav.setCurrentRow(2)
    assert window.editor.tabs.currentWidget() is tab_of(window, DialerTab)


def test_dialer_tab_edits_round_trip_into_the_scenario(qtbot, window, tmp_path):
    editor = window.editor
    tab = tab_of(window, DialerTab)
    tab.mode.setCurrentIndex(tab.mode.findData("power"))
    assert not tab.mode_fields["target_drop_rate"].isEnabled() and tab.mode_fields["lines_per_agent"].isEnabled()
    type_into(qtbot, editor.field(("outbound", "dialer", "lines_per_agent")), "2.75")
    editor.field(("outbound", "amd", "false_positive")).setValue(2.5)  # percent
    editor.field(("outbound", "amd", "detection_s")).setValue(1.5)  # within uk's 2 s from the greeting
    tab.presets["uk"].setChecked(True)
    # the default scenario's own 30-day drop window would loosen uk's 24 hours: give it back to the preset
    editor.field(("outbound", "compliance", "drop_window_days")).check.setChecked(False)
    cap = editor.field(("outbound", "compliance", "max_attempts_day"))
    cap.check.setChecked(True)
    cap.spin.setValue(3)
    tab.custom_windows.setChecked(True)
    tab._windows["sat"][0].setChecked(False)
    tab._windows["mon"][2].setValue(19 * 60)
    tab.segments.table.cellWidget(0, 1).setValue(30)  # early: 40% → 30%
    tab.segments.table.cellWidget(1, 1).setValue(45)  # mid: 35% → 45%
    editor.field(("outbound", "portfolio", "accounts")).setValue(2500)
    scenario = editor.scenario
    assert scenario is not None, editor.problems
    ob = scenario.outbound
    assert ob.dialer.mode == "power" and ob.dialer.lines_per_agent == 2.75
    assert ob.amd.false_positive == pytest.approx(0.025)
    assert ob.compliance.presets == ("italy", "uk") and ob.compliance.max_attempts_day == 3
    assert ob.compliance.windows["sat"] is None and ob.compliance.windows["mon"].end == 19 * 3600
    assert ob.compliance.windows["sun"] is None and ob.compliance.windows["tue"].start == 8 * 3600  # from the presets
    assert [s.share for s in ob.portfolio.segments] == pytest.approx([0.30, 0.45, 0.25])
    assert ob.portfolio.accounts == 2500
    rules = ob.compliance.rules()
    assert rules.max_attempts_day == 3 and rules.no_redial_after_drop_h == 72  # custom rule; uk's redial rule
    assert rules.drop_window_days == 1  # uk's 24 hours
    assert "attempts/day 3" in tab.rules.text()
    path = tmp_path / "dialer.toml"
    save_scenario(scenario, path)
    assert load_scenario(path) == scenario
    # unchecking a custom rule gives it back to the presets
    cap.check.setChecked(False)
    assert editor.scenario.outbound.compliance.max_attempts_day is None


def test_workforce_and_costs_tabs_round_trip_into_the_scenario(qtbot, window, tmp_path):
    editor = window.editor
    workforce = tab_of(window, WorkforceTab)
    costs = tab_of(window, CostsTab)
    editor.field(("workforce", "attrition", "enabled")).setChecked(True)
    type_into(qtbot, editor.field(("workforce", "attrition", "annual_rate")), "42")
    editor.field(("workforce", "hiring", "enabled")).setChecked(True)
    check, box, _ = workforce.targets.rows["Inbound"]
    check.setChecked(True)
    box.setValue(28)
    workforce.outcome_gain["ptp"].setValue(1.5)
    editor.field(("workforce", "incentives", "scheme")).setCurrentIndex(1)  # bonus
    editor.field(("workforce", "incentives", "bonus_per_kept_ptp")).setValue(4)
    editor.field(("workforce", "learning", "p0")).setValue(70)
    editor.field(("costs", "wage_per_hour")).setValue(17.25)
    check, box, _ = costs.wages.rows["Blended"]
    check.setChecked(True)
    box.setValue(18.5)
    editor.field(("costs", "currency")).setCurrentText("USD")
    scenario = editor.scenario
    assert scenario is not None, editor.problems
    wf = scenario.workforce
    assert wf.attrition.enabled and wf.attrition.annual_rate == pytest.approx(0.42)
    assert wf.hiring.enabled and wf.hiring.target_headcount == {"Inbound": 28}
    assert wf.stress.outcome_gain == pytest.approx({"refusal": 0.02, "dispute": 0.04, "ptp": 0.015})
    assert wf.incentives.scheme == "bonus" and wf.incentives.bonus_per_kept_ptp == 4
    assert wf.learning.p0 == pytest.approx(0.7)
    assert scenario.costs.wage_per_hour == 17.25 and scenario.costs.wage_per_hour_by_group == {"Blended": 18.5}
    assert scenario.costs.currency == "USD"
    path = tmp_path / "workforce.toml"
    save_scenario(scenario, path)
    assert load_scenario(path) == scenario
    # the Costs tab's targets edit the same values as the Inbound tab
    target = next(w for w in costs.findChildren(type(editor.field(("inbound", "service_level", "target"))))
                  if w is not editor.field(("inbound", "service_level", "target")) and abs(w.value() - 80) < 1e-9)
    target.setValue(85)
    assert editor.scenario.inbound.service_level.target == pytest.approx(0.85)
    assert editor.field(("inbound", "service_level", "target")).value() == pytest.approx(85)


def _initial_above_max(window):
    window.editor.field(("outbound", "dialer", "max_level")).setValue(1.2)


def _shares_off(window):
    tab_of(window, DialerTab).segments.table.cellWidget(0, 1).setValue(50)


def _due_days_swapped(window):
    window.editor.field(("outbound", "conversation", "due_days_min")).setValue(5)


def _bonus_without_rate(window):
    window.editor.field(("workforce", "incentives", "scheme")).setCurrentIndex(1)


def _target_above_roster(window):
    window.editor.field(("workforce", "hiring", "enabled")).setChecked(True)
    check, box, _ = tab_of(window, WorkforceTab).targets.rows["Inbound"]
    check.setChecked(True)
    box.setValue(40)


def _flat_with_bonus(window):
    window.editor.field(("workforce", "incentives", "bonus_per_euro")).setValue(1)


@pytest.mark.parametrize(("edit", "sink", "message"), [
    (_initial_above_max, "outbound.dialer",
     "initial_level 1.5 is above max_level 1.2; lower initial_level or raise max_level"),
    (_shares_off, "outbound.portfolio.segments", "segment shares add up to 1.1; make them add up to 1"),
    (_due_days_swapped, "outbound.conversation", "due_days_max 1 is below due_days_min 5; swap them"),
    (_bonus_without_rate, "workforce.incentives",
     'scheme is "bonus" but bonus_per_kept_ptp and bonus_per_euro are both 0; set one of them or use scheme = "flat"'),
    (_flat_with_bonus, "workforce.incentives",
     'scheme is "flat" but a bonus rate is set; use scheme = "bonus" or set the bonus rates to 0'),
    (_target_above_roster, None,
     "workforce.hiring.target_headcount.Inbound = 40 but the group's shift templates have 31 slots;"
     " use a target between 0 and 31 or add headcount to its shifts"),
])
def test_invalid_input_on_the_new_tabs_shows_the_exact_message_and_disables_run(window, edit, sink, message):
    assert window.act_run.isEnabled()
    edit(window)
    assert message in [p.message for p in window.editor.problems]
    if sink is not None:
        assert message in window.editor.error_text(sink)
    assert message in listed(window)
    assert not window.act_run.isEnabled() and not window.whatif.button.isEnabled()
    flagged = [window.editor.nav.item(i).text() for i in range(window.editor.nav.count())
               if "⚠" in window.editor.nav.item(i).text()]
    if sink is not None:
        assert len(flagged) == 1 and flagged[0].startswith(
            "Dialer" if sink.startswith("outbound") else "Workforce")


# ---- dashboards of a blended run ---------------------------------------------------------------


def run_window(qtbot, window: MainWindow, timeout: int = 60_000):
    with qtbot.waitSignal(window.result_ready, timeout=timeout) as blocker:
        window.act_run.trigger()
    return blocker.args[0]


def y_of(item) -> np.ndarray:
    return np.asarray(item.getData()[1], dtype=float)


def test_a_blended_run_fills_the_dialer_funnel_recovery_and_workforce_dashboards(qtbot, window, tmp_path):
    outcome = run_window(qtbot, window)
    summary, runs = outcome.summary, outcome.summary.runs
    assert summary.replications == 2 and all(r.outbound is not None for r in runs)
    tabs = window.result_tabs
    for view in (window.dialer_view, window.funnel_view, window.workforce_view, window.inbound_view):
        assert tabs.isTabVisible(tabs.indexOf(view))

    # dialer: the dial level where attempts were made, the window drop rate and the cap
    masked = np.array([np.where(r.outbound.attempts > 0, r.outbound.dial_level, np.nan) for r in runs])
    seen = (~np.isnan(masked)).sum(axis=0)
    level = np.where(seen > 0, np.nansum(masked, axis=0) / np.maximum(seen, 1), np.nan)
    np.testing.assert_allclose(y_of(window.dialer_view.curves["dial_level"]), level, equal_nan=True)
    assert np.nanmin(level) >= 1.0  # the predictive level never goes below one line per agent
    window_rate = np.mean([r.outbound.drop_rate_window for r in runs], axis=0) * 100
    np.testing.assert_allclose(y_of(window.dialer_view.curves["drop_rate_window"]), window_rate)
    # a one-day... two-day run's window rate on day 2 is the KPI's drop rate over the whole run
    assert window_rate[-1] == pytest.approx(summary.kpis["drop_rate"].mean * 100)
    assert y_of(window.dialer_view.curves["drop_cap"]).tolist() == [3.0, 3.0]
    attempts = y_of(window.dialer_view.curves["attempts"])
    np.testing.assert_allclose(attempts, summary.intervals["attempts"])

    # funnel, against the KPIs (ratios × attempts per replication, averaged)
    per = summary.per_replication
    bars = window.funnel_view.curves["funnel"].opts["height"]
    expected = [per["attempts"].mean(), (per["contact_rate"] * per["attempts"]).mean(),
                (per["rpc_rate"] * per["attempts"]).mean(),
                (per["ptp_rate"] * per["rpc_rate"] * per["attempts"]).mean(),
                np.mean([r.outbound.promises_kept.sum() for r in runs])]
    np.testing.assert_allclose(bars, expected)
    assert np.all(np.diff(bars) <= 0) and bars[-1] > 0, "a funnel narrows, and promises due in a day get kept"
    collected = window.funnel_view.curves["collected"].opts["height"][0]
    assert collected == pytest.approx(summary.kpis["amount_collected"].mean) and collected > 0

    # cumulative recovery: the running sum of the daily table, ending at the KPI
    cumulative = y_of(window.funnel_view.curves["cumulative_collected"])
    np.testing.assert_allclose(cumulative, np.cumsum(summary.daily["amount_collected"]))
    assert cumulative[-1] == pytest.approx(summary.kpis["amount_collected"].mean)

    # workforce per day: headcount, stress and cost as in the daily KPI table
    wf = window.workforce_view.curves
    np.testing.assert_allclose(y_of(wf["headcount"]), summary.daily["headcount"])
    assert y_of(wf["headcount"])[0] == outcome.scenario.headcount
    np.testing.assert_allclose(y_of(wf["stress_mean"]), summary.daily["stress_mean"] * 100)
    assert np.all(y_of(wf["stress_mean"]) > 0)
    np.testing.assert_allclose(wf["cost_total"].opts["height"], summary.daily["cost_total"])
    for i, group in enumerate(outcome.scenario.groups):
        np.testing.assert_allclose(y_of(wf[f"headcount:{group.name}"]), [group.headcount] * 2)
        assert i < 3

    # the dial level's band with two replications is what they did (min–max), and the legend says so
    np.testing.assert_array_equal(outcome.dialer.dial_level.low, np.fmin.reduce(masked, axis=0))
    np.testing.assert_array_equal(outcome.dialer.dial_level.high, np.fmax.reduce(masked, axis=0))
    legend = [item[1].text for item in window.dialer_view.level.getPlotItem().legend.items]
    assert "dial level (predictive); band: min–max of 2 replications" in legend

    # the inbound plot: simulated availability of the groups that take inbound, from the raw per-group arrays
    legend = [item[1].text for item in window.inbound_view.staff.getPlotItem().legend.items]
    assert "inbound-capable agents available (idle, busy or on the dialer), 95% CI" in legend
    assert "required for 80% in 20 s (Erlang A, forecast)" in legend
    takes = [g.takes_inbound for g in outcome.scenario.groups]
    assert takes == [True, True, False]
    per_day = runs[0].intervals_per_day
    expected = np.mean([r.staff.available_by_group_s[:2].sum(axis=0).reshape(-1, per_day).mean(axis=0)
                        for r in runs], axis=0) / runs[0].interval_s
    inbound_agents = y_of(window.inbound_view.curves["inbound_agents"])
    np.testing.assert_allclose(inbound_agents, expected)
    assert inbound_agents.max() <= sum(g.headcount for g in outcome.scenario.groups if g.takes_inbound)
    everyone = outcome.profile_avg.agents.mean
    assert np.all(inbound_agents <= everyone + 1e-9) and np.any(inbound_agents < everyone)

    # look: the main window and each new tab, rendered to PNG
    tabs.setCurrentWidget(window.funnel_view)
    qtbot.wait(50)
    path = tmp_path / "blended.png"
    assert window.grab().save(str(path))
    image = QImage(str(path))
    assert image.width() >= 1200 and image.height() >= 800
    assert len({image.pixel(x, image.height() // 3) for x in range(0, image.width(), 3)}) > 10


def test_an_inbound_only_run_has_no_dialer_tabs(qtbot, tmp_path):
    base = default_scenario()
    scenario = base.model_copy(update={"calendar": base.calendar.model_copy(update={"horizon_days": 1}),
                                       "run": base.run.model_copy(update={"replications": 1})})
    window = open_window(qtbot, tmp_path, scenario)
    window.editor.field(("outbound", "enabled")).setChecked(False)  # through the Dialer tab
    outcome = run_window(qtbot, window)
    assert outcome.summary.runs[0].outbound is None
    tabs = window.result_tabs
    assert not tabs.isTabVisible(tabs.indexOf(window.dialer_view))
    assert not tabs.isTabVisible(tabs.indexOf(window.funnel_view))
    assert tabs.isTabVisible(tabs.indexOf(window.workforce_view))
    # with the campaign off the Collections team takes no calls: it is still left out of the inbound plot
    everyone = outcome.profile_avg.agents.mean
    inbound_agents = y_of(window.inbound_view.curves["inbound_agents"])
    run = outcome.summary.runs[0]
    np.testing.assert_allclose(inbound_agents, run.staff.available_by_group_s[:2].sum(axis=0) / run.interval_s)
    assert np.any(inbound_agents < everyone)
    window.tasks.shutdown()


def test_a_usd_run_shows_dollars_in_the_kpi_table_and_dashboards(qtbot, tmp_path):
    base = small_blended(horizon_days=1)
    usd = base.model_copy(update={"costs": base.costs.model_copy(update={"currency": "USD"}),
                                  "run": base.run.model_copy(update={"replications": 1})})
    window = open_window(qtbot, tmp_path, usd)
    outcome = run_window(qtbot, window)
    assert outcome.currency == "USD"
    table = window.kpi_table
    texts = [table.item(r, c).text() for r in range(table.rowCount()) for c in range(3)]
    assert not [t for t in texts if "€" in t or "EUR" in t]
    assert window.kpi_table.mean_text("cost_per_call").startswith("$")
    assert window.kpi_table.mean_text("amount_collected").startswith("$")
    assert "$" in window.funnel_view.note.text() and "€" not in window.funnel_view.note.text()
    window.tasks.shutdown()


# ---- what-if levers ----------------------------------------------------------------------------


def test_what_if_levers_change_the_scenario_that_is_run(qtbot, tmp_path):
    ran: list[Scenario] = []

    def recording(scenario, plan):
        ran.append(scenario)
        return replicate(scenario, plan)

    window = open_window(qtbot, tmp_path, small_blended(horizon_days=1), runner=recording)
    whatif = window.whatif
    whatif.mode.setCurrentIndex(whatif.mode.findData("power"))
    assert whatif.ratio.isVisible() and not whatif.drop_target.isVisible()
    whatif.ratio.setValue(3.0)
    whatif.bonus_ptp.setValue(2.5)
    whatif.bonus_euro.setValue(1.0)
    assert window.editor.field(("outbound", "dialer", "lines_per_agent")).value() == 3.0  # the editor shows it
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        whatif.button.click()
    scenario = ran[-1]
    assert blocker.args[0].scenario == scenario
    assert scenario.outbound.dialer.mode == "power" and scenario.outbound.dialer.lines_per_agent == 3.0
    incentives = scenario.workforce.incentives
    assert incentives.scheme == "bonus" and incentives.bonus_per_kept_ptp == 2.5
    assert incentives.bonus_per_euro == pytest.approx(0.01)
    assert blocker.args[0].dialer.mode == "power"

    whatif.mode.setCurrentIndex(whatif.mode.findData("predictive"))
    whatif.drop_target.setValue(1.5)
    whatif.bonus_ptp.setValue(0)
    whatif.bonus_euro.setValue(0)
    scenario = window.editor.scenario
    assert scenario.outbound.dialer.mode == "predictive"
    assert scenario.outbound.dialer.target_drop_rate == pytest.approx(0.015)
    assert scenario.workforce.incentives.scheme == "flat"
    window.tasks.shutdown()
