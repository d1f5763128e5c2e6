"""Home visits and legal action switched on and edited in the strategy tab (pytest-qt, offscreen).

A path step "visit" or "legal" is flagged while its section is missing; the section's check
box adds it with the model's defaults, and the scenario turns valid. Edits are checked against
the validated scenario, undo against the scenario before them, and a save and reopen against
the edited scenario (and the widgets showing it again).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from test_gui import type_into
from test_gui_campaign import open_window, tab_of
from test_gui_strategy import omnichannel
from wfm.gui.sections_field_legal import added_team, parse_zones
from wfm.gui.sections_strategy import StrategyTab
from wfm.gui.widgets import INVALID_FIELD_STYLE
from wfm.scenario.field import FieldAgents, FieldVisits
from wfm.scenario.io import load_scenario
from wfm.scenario.legal import LegalAction


@pytest.fixture
def window(qtbot, tmp_path):
    win = open_window(qtbot, tmp_path, omnichannel())
    win.editor.tabs.setCurrentWidget(tab_of(win, StrategyTab))
    yield win
    win.tasks.shutdown()


def first_step_as(tab: StrategyTab, kind: str) -> None:
    combo = tab.steps.cellWidget(0, 0)
    combo.setCurrentIndex(combo.findData(kind))


def test_switching_legal_action_on_makes_a_legal_step_valid_and_its_fields_edit_the_scenario(window):
    editor, tab = window.editor, tab_of(window, StrategyTab)
    court_share = editor.field(("strategy", "legal", "court_share"))
    assert editor.scenario.strategy.legal is None and not court_share.isEnabled()
    first_step_as(tab, "legal")
    assert not editor.is_valid
    assert "add [strategy.legal]" in tab.legal_switch.errors.text() and not tab.legal_switch.errors.isHidden()
    tab.legal_switch.check.setChecked(True)
    assert editor.is_valid and editor.scenario.strategy.legal == LegalAction()
    assert tab.legal_switch.errors.isHidden() and court_share.isEnabled()
    assert court_share.value() == pytest.approx(LegalAction().court_share * 100)  # the defaults are shown
    court_share.setValue(5)  # percent
    editor.field(("strategy", "legal", "contingency")).setValue(30)
    editor.field(("strategy", "legal", "duration", "mean_months")).setValue(9)
    editor.field(("strategy", "legal", "rule", "balance_min")).setValue(1500)
    legal = editor.scenario.strategy.legal
    assert (legal.court_share, legal.contingency) == (pytest.approx(0.05), pytest.approx(0.3))
    assert legal.duration.mean_months == 9 and legal.rule.balance_min == 1500
    window.act_undo.trigger()  # the balance rule back
    assert editor.scenario.strategy.legal.rule.balance_min == 0
    assert editor.field(("strategy", "legal", "rule", "balance_min")).value() == 0
    # off again while the path sues: the planner is told, and on again brings the values back
    tab.legal_switch.check.setChecked(False)
    assert not editor.is_valid and "add [strategy.legal]" in tab.legal_switch.errors.text()
    assert not court_share.isEnabled()
    tab.legal_switch.check.setChecked(True)
    assert editor.is_valid and editor.scenario.strategy.legal == legal.model_copy(
        update={"rule": LegalAction().rule})


def test_a_too_wide_recovery_cv_shows_its_message_at_the_field(window):
    editor, tab = window.editor, tab_of(window, StrategyTab)
    tab.legal_switch.check.setChecked(True)
    editor.field(("strategy", "legal", "recovery", "fraction_cv")).setValue(3)
    assert not editor.is_valid
    cv = editor.field(("strategy", "legal", "recovery"))
    assert cv is editor.field(("strategy", "legal", "recovery", "fraction_cv"))  # the model's check framed at the CV
    assert editor.error_text(("strategy", "legal", "recovery")).startswith("fraction_cv = 3 is too wide")
    assert cv.styleSheet() == INVALID_FIELD_STYLE
    window.act_undo.trigger()
    assert editor.is_valid and cv.styleSheet() == ""


def test_switching_home_visits_on_makes_a_visit_step_valid_and_its_fields_edit_the_scenario(qtbot, window):
    editor, tab = window.editor, tab_of(window, StrategyTab)
    assert not tab.teams.box.isEnabled() and tab.teams.table.columnCount() == 0
    first_step_as(tab, "visit")
    assert not editor.is_valid and "add [strategy.field]" in tab.field_switch.errors.text()
    tab.field_switch.check.setChecked(True)
    assert editor.is_valid and editor.scenario.strategy.field == FieldVisits()
    assert tab.teams.box.isEnabled() and tab.teams.table.columnCount() == 1
    before = editor.scenario
    type_into(qtbot, editor.field(("strategy", "field", "weekly_budget")), "80")
    editor.field(("strategy", "field", "visiting_end")).setValue(18 * 60)
    priority = editor.field(("strategy", "field", "selection", "priority"))
    priority.setCurrentIndex(priority.findData("expected_value"))
    tab.teams.cell(0, "count").setValue(5)  # the single team's agents
    field = editor.scenario.strategy.field
    assert field.weekly_budget == 80 and field.visiting_end == 18 * 3600
    assert field.selection.priority == "expected_value" and field.agents.count == 5 and field.teams == ()
    for _ in range(4):
        window.act_undo.trigger()
    assert editor.scenario == before
    assert tab.teams.cell(0, "count").value() == FieldAgents().count


def test_adding_a_team_moves_the_single_team_into_the_teams_and_zones_make_it_valid(qtbot, window):
    editor, tab = window.editor, tab_of(window, StrategyTab)
    tab.field_switch.check.setChecked(True)
    tab.teams.cell(0, "count").setValue(3)
    qtbot.mouseClick(tab.teams.add_button, Qt.MouseButton.LeftButton)
    # two teams taking "the rest": the model's message, and the planner gives the first one the city
    assert not editor.is_valid and "only one team may take" in editor.error_text(("strategy", "field"))
    assert tab.teams.table.columnCount() == 2 and tab.teams.cell(0, "name").isEnabled()
    zones = tab.teams.cell(0, "zones")
    zones.setFocus()
    qtbot.keyClicks(zones, "city")
    field = editor.scenario.strategy.field
    assert [(t.name, t.zones, t.count) for t in field.teams] == [("field", ("city",), 3), ("team 2", (), 3)]
    assert field.agents == FieldAgents()
    tab.teams.cell(1, "count").setValue(1)
    assert editor.scenario.strategy.field.teams[1].count == 1
    tab.teams.table.selectColumn(1)
    qtbot.mouseClick(tab.teams.remove_button, Qt.MouseButton.LeftButton)
    assert [t.name for t in editor.scenario.strategy.field.teams] == ["field"]
    assert not tab.teams.remove_button.isEnabled()  # one team always stays


def test_field_and_legal_values_survive_save_and_open(qtbot, window, tmp_path):
    editor, tab = window.editor, tab_of(window, StrategyTab)
    tab.legal_switch.check.setChecked(True)
    tab.field_switch.check.setChecked(True)
    editor.field(("strategy", "legal", "placement_fee")).setValue(40)
    editor.field(("strategy", "field", "max_visits")).setValue(2)
    editor.field(("strategy", "field", "selection", "failed_attempts_min")).setValue(4)
    qtbot.mouseClick(tab.teams.add_button, Qt.MouseButton.LeftButton)
    tab.teams.cell(0, "zones").setFocus()
    qtbot.keyClicks(tab.teams.cell(0, "zones"), "city")
    tab.teams.cell(1, "shift_start").setValue(10 * 60)  # the new team leaves at 10:00
    edited = editor.scenario
    assert edited is not None and edited.strategy.field.teams[1].shift_start == 10 * 3600
    window.dialogs.next_save = tmp_path / "visits"
    assert window.save_as()
    assert load_scenario(tmp_path / "visits.toml") == edited
    window.new_scenario()
    assert window.open_scenario(tmp_path / "visits.toml")
    assert editor.scenario == edited
    assert tab.legal_switch.check.isChecked() and tab.field_switch.check.isChecked()
    assert editor.field(("strategy", "legal", "placement_fee")).value() == 40
    assert tab.teams.cell(1, "shift_start").time_text() == "10:00"


def test_helpers():
    assert parse_zones(" north, centre;;south ") == ["north", "centre", "south"] and parse_zones("") == []
    field = FieldVisits(agents=FieldAgents(count=4)).model_dump(mode="json")
    assert added_team(field) == 1
    again = FieldVisits.model_validate({**field, "teams": [{**field["teams"][0], "zones": ["city"]},
                                                           field["teams"][1]]})
    assert [(t.name, t.count, t.zones) for t in again.teams] == [("field", 4, ("city",)), ("team 2", 4, ())]


def test_opening_another_scenario_forgets_the_values_kept_for_switching_back_on(window):
    """Values parked by switching a section off belong to that scenario: after loading another, on = defaults."""
    editor, tab = window.editor, tab_of(window, StrategyTab)
    tab.legal_switch.check.setChecked(True)
    editor.field(("strategy", "legal", "contingency")).setValue(30)
    tab.legal_switch.check.setChecked(False)
    editor.set_scenario(omnichannel())  # as File ▸ Open does
    tab.legal_switch.check.setChecked(True)
    assert editor.scenario.strategy.legal == LegalAction()
