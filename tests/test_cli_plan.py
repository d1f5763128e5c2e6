"""`wfm plan` end to end, and the planning workbook checked against the plan it reports.

One plan is made per module (a module-scoped fixture, about five seconds): the shipped interval
history with the inbound side of the shipped baseline (the blended and outbound groups removed, so a
simulated week takes a fraction of a second), three replications and two correction rounds. Two
rounds leave a few intervals unmet for the reason "rounds", so the unmet list is exercised too. The
command's own PlanResult is captured (make_plan is wrapped, not replaced), so every number of the
screen and the workbook is checked against the result the command actually computed.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

import wfm.cli.plan as plan_cli
from wfm.cli import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, main
from wfm.kpi import format_money
from wfm.planning.pipeline import PlanResult, PlanSettings
from wfm.planning.roster import apply_schedule
from wfm.planning.tables import PLANNED, REFERENCE, interval_table, roster_lines, shift_rows
from wfm.report.planning_report import PLAN_SHEETS
from wfm.scenario import Scenario
from wfm.scenario.io import load_scenario, save_scenario, scenario_from_mapping

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history_sample.csv"
SEED = 20260105
SMALL = ["--reps", "3", "--rounds", "2", "--seed", str(SEED), "--backend", "serial"]


def inbound_side() -> Scenario:
    """The shipped baseline with only its inbound group: the smallest week the sample history fits."""
    data = load_scenario(ROOT / "scenarios" / "baseline.toml").model_dump(mode="python")
    data["groups"] = [g for g in data["groups"] if g["kind"] == "inbound"]
    data["outbound"]["enabled"] = False
    data["name"] = "Inbound side"
    return scenario_from_mapping(data, "<inbound side of baseline.toml>")


@dataclass(frozen=True)
class Made:
    """A plan made by the command: its files, what it printed, and the PlanResult it computed."""

    folder: Path
    scenario: Path
    workbook: Path
    planned: Path
    out: str
    code: int
    result: PlanResult


def run(args: list[str]) -> tuple[int, str]:
    """`wfm plan ...` with standard output and error captured (the module fixture cannot use capsys)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["plan", *args])
    return code, out.getvalue()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Made]:
    folder = tmp_path_factory.mktemp("plan")
    scenario = save_scenario(inbound_side(), folder / "inbound.toml")
    workbook, planned = folder / "plan.xlsx", folder / "planned.toml"
    seen: list[PlanResult] = []
    real = plan_cli.make_plan

    def keep(prepared: Any, plan: Any) -> PlanResult:
        seen.append(real(prepared, plan))
        return seen[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "250")  # one table row per line
        patch.setattr(plan_cli, "make_plan", keep)
        code, out = run([str(HISTORY), str(scenario), *SMALL, "-o", str(workbook), "--save-scenario", str(planned)])
    assert len(seen) == 1, out
    yield Made(folder, scenario, workbook, planned, out, code, seen[0])


@pytest.fixture
def cached(made: Made, monkeypatch: pytest.MonkeyPatch) -> Made:
    """The module's plan returned without computing it again: for what happens around the pipeline."""
    monkeypatch.setattr(plan_cli, "prepare", lambda *a, **k: made.result.prepared)
    monkeypatch.setattr(plan_cli, "make_plan", lambda prepared, plan: made.result)
    monkeypatch.setenv("COLUMNS", "250")
    return made


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------


def test_the_command_plans_with_the_options_given(made: Made) -> None:
    assert made.code == EXIT_OK, made.out
    result = made.result
    assert result.prepared.settings == PlanSettings(max_rounds=2)
    summary = result.check.planned.summary
    assert (summary.replications, summary.seed) == (3, SEED)
    assert len(result.correction.rounds) == 2
    assert result.reference is not None  # re-staffing the current shifts is on by default


def test_the_command_prints_every_step(made: Made) -> None:
    out, result = made.out, made.result
    scored = result.prepared.backtest
    assert scored is not None
    assert f"{scored.model_error.wape:.1%}" in out and f"{scored.naive_error.wape:.1%}" in out
    assert "the model beats seasonal-naive" in out
    for day in result.prepared.forecast.dates:
        assert f"{day}" in out
    assert "closed: Labor Day" in out  # 1 May 2026 is in the planned week
    for number, row in enumerate(result.correction.rounds, start=1):
        assert f"│     {number} │ {row.requirement_agent_hours:>25,.1f} │" in out
    misses = [u for u in result.correction.unmet if u.reason != "too few calls"]
    assert misses and f"{len(misses)} interval(s) still below the target" in out
    assert all(u.label in out for u in misses)
    for row in shift_rows(result.schedule):
        assert row.name in out
    currency = result.planned.costs.currency
    for line in roster_lines(result):
        assert line.cost is not None
        assert f"{format_money(line.cost.mean, currency, 0)} ({format_money(line.cost.low, currency, 0)}" in out
        assert f"{line.met} of {line.judged}" in out
    saving = result.saving_vs_reference
    assert saving is not None
    assert f"re-staffed to the same target: {format_money(saving.mean, currency, 0, signed=True)}" in out
    assert f"Report written to {made.workbook}" in out.replace("\n", "")
    assert "Planned scenario saved to" in out


def test_the_saved_scenario_is_the_planned_week_with_the_schedules_roster(made: Made) -> None:
    result = made.result
    loaded = load_scenario(made.planned)
    rostered = apply_schedule(result.prepared.week, result.schedule)
    assert [g.model_dump() for g in loaded.groups] == [g.model_dump() for g in rostered.groups]
    assert loaded.content_hash() == result.planned.content_hash()
    assert loaded.calendar.start_date == result.prepared.forecast.start_date
    headcount = sum(s.headcount for g in loaded.groups if g.name == "Inbound" for s in g.shifts)
    assert headcount == result.schedule.headcount("Inbound") == roster_lines(result)[0].headcount


# --------------------------------------------------------------------------------------------
# The workbook against the PlanResult
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book(made: Made) -> Any:
    return load_workbook(made.workbook)


def table_under(ws: Worksheet, header: str, column: int = 1) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of the table whose first header cell reads `header` (rows up to a blank first cell)."""
    top = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=column).value == header)
    names = []
    col = column
    while ws.cell(row=top, column=col).value not in (None, ""):
        names.append(ws.cell(row=top, column=col).value)
        col += 1
    rows = []
    row = top + 1
    while ws.cell(row=row, column=column).value not in (None, ""):
        rows.append([ws.cell(row=row, column=c).value for c in range(column, column + len(names))])
        row += 1
    return names, rows


def test_the_workbook_has_its_sheets_and_native_charts(book: Any) -> None:
    assert book.sheetnames == list(PLAN_SHEETS)
    charts = {ws.title: [type(c).__name__ for c in ws._charts] for ws in book}
    assert charts == {"Summary": ["BarChart"], "Forecast": ["LineChart", "LineChart"], "Requirement": ["LineChart"],
                      "Roster": ["BarChart"], "Intervals": ["LineChart"], "Inputs": []}


def test_summary_costs_and_unmet_match_the_plan(book: Any, made: Made) -> None:
    result = made.result
    _, rows = table_under(book["Summary"], "Roster")
    assert [r[0] for r in rows] == [line.label for line in roster_lines(result)]
    for row, line in zip(rows, roster_lines(result), strict=True):
        assert line.cost is not None
        assert row[1:8] == [line.headcount, pytest.approx(line.cost.mean), pytest.approx(line.cost.low),
                            pytest.approx(line.cost.high), line.met, line.judged,
                            "yes" if line.meets_target else "no"]
    _, rows = table_under(book["Summary"], "Difference")
    saving = result.saving_vs_reference
    assert saving is not None
    assert rows[0][1:4] == pytest.approx([result.check.cost_difference.mean, result.check.cost_difference.low,
                                          result.check.cost_difference.high])
    assert rows[1][1:4] == pytest.approx([saving.mean, saving.low, saving.high])
    _, rows = table_under(book["Summary"], "Round")
    assert [r[1] for r in rows] == pytest.approx([r.requirement_agent_hours for r in result.correction.rounds])
    _, rows = table_under(book["Summary"], "Interval")
    assert [(r[0], r[7]) for r in rows] == [(u.label, u.reason) for u in result.correction.unmet]
    assert [r[5] for r in rows] == [u.requirement for u in result.correction.unmet]


def test_forecast_sheet_holds_the_backtest_and_the_week(book: Any, made: Made) -> None:
    prepared = made.result.prepared
    scored = prepared.backtest
    assert scored is not None
    ws = book["Forecast"]
    _, rows = table_under(ws, "Forecast")
    assert [r[0] for r in rows] == ["Model", "Seasonal-naive",
                                    "The model beats seasonal-naive (daily and interval WAPE)."]
    np.testing.assert_allclose([r[1:] for r in rows[:2]], [[a.mape, a.wape, a.interval_wape]
                                                       for a in (scored.model_error, scored.naive_error)])
    tables = [r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "Date"]
    backtest_top, week_top = tables
    _, rows = table_under_row(ws, backtest_top)
    assert [r[0].date() for r in rows] == list(scored.dates)
    np.testing.assert_allclose([r[2:5] for r in rows], np.column_stack([scored.actual, scored.forecast, scored.naive]))
    _, rows = table_under_row(ws, week_top)
    assert [r[0].date() for r in rows] == list(prepared.forecast.dates)
    np.testing.assert_allclose([r[2] for r in rows], prepared.forecast.daily)
    _, rows = table_under(ws, "Time")
    calls = prepared.forecast.calls_on_grid(15)
    assert sum(sum(r[1:]) for r in rows) == pytest.approx(calls.sum())


def table_under_row(ws: Worksheet, top: int) -> tuple[list[str], list[list[Any]]]:
    width = 1
    while ws.cell(row=top, column=width + 1).value not in (None, ""):
        width += 1
    rows, row = [], top + 1
    while ws.cell(row=row, column=1).value not in (None, ""):
        rows.append([ws.cell(row=row, column=c).value for c in range(1, width + 1)])
        row += 1
    return [ws.cell(row=top, column=c).value for c in range(1, width + 1)], rows


def test_requirement_and_intervals_sheets_hold_every_active_interval(book: Any, made: Made) -> None:
    table = interval_table(made.result)
    keep = np.flatnonzero(table["active"])
    _, rows = table_under(book["Requirement"], "Date")
    assert [r[3] for r in rows] == list(table["label"][keep])
    np.testing.assert_allclose([r[4:8] for r in rows], np.column_stack(
        [table["forecast"], table["erlang"], table["requirement"], table["planned_floor"]])[keep])
    names, rows = table_under(book["Intervals"], "Date")
    assert [r[3] for r in rows] == list(table["label"][keep])
    for name in ("Planned", "Current"):
        key = name.lower()
        sl = np.array([r[names.index(f"{name}: SL")] for r in rows], dtype=float)
        np.testing.assert_allclose(sl, table[f"{key}_sl"][keep])  # an empty cell (no calls) reads as NaN
        met = [r[names.index(f"{name}: met")] for r in rows]
        expected = ["not judged" if not j else "yes" if m else "no"
                    for j, m in zip(table[f"{key}_judged"][keep], table[f"{key}_met"][keep], strict=True)]
        assert met == expected
    assert sum(m == "yes" for m in (r[names.index("Planned: met")] for r in rows)) == roster_lines(made.result)[0].met


def test_roster_sheet_holds_the_shifts_chosen(book: Any, made: Made) -> None:
    schedule = made.result.schedule
    _, rows = table_under(book["Roster"], "Group")  # the first: groups
    assert rows == [["Inbound", schedule.headcount("Inbound"), pytest.approx(schedule.part_time_share("Inbound")),
                     0, None, None, pytest.approx(schedule.cost)]]
    top = [r for r in range(1, book["Roster"].max_row + 1) if book["Roster"].cell(row=r, column=1).value == "Group"][1]
    _, rows = table_under_row(book["Roster"], top)
    expected = shift_rows(schedule)
    assert [(r[1], r[6], r[9]) for r in rows] == [(s.name, s.headcount, s.breaks) for s in expected]
    assert sum(r[8] for r in rows) == pytest.approx(schedule.cost)
    _, rows = table_under(book["Roster"], "Weekday")
    hours = schedule.problem.interval_minutes / 60
    assert [r[3] for r in rows] == pytest.approx(list(schedule.over.sum(axis=1) * hours))
    assert all(r[4] == 0 for r in rows)  # coverage is a hard constraint


def test_inputs_sheet_names_the_history_and_settings(book: Any, made: Made) -> None:
    _, rows = table_under(book["Inputs"], "Section")
    values = {(section, item): value for section, item, value in rows}
    history = made.result.prepared.history
    assert values[("History", "File")] == str(HISTORY)
    assert values[("History", "Rows read")] == int(history.rows.sum())
    assert values[("History", "Clock changes")] == "2026-03-29 (forward)"
    assert values[("Scenario", "File")] == str(made.scenario)
    assert values[("Settings", "Correction rounds (at most)")] == 2
    assert values[("Simulation", "Seed")] == SEED


# --------------------------------------------------------------------------------------------
# What must not happen: errors with a message and no traceback, nothing written
# --------------------------------------------------------------------------------------------


def test_a_missing_history_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nothere.csv"
    assert main(["plan", str(missing), *SMALL]) == EXIT_BAD_INPUT
    out = capsys.readouterr().out
    assert "nothere.csv" in out and "not found" in out and "Traceback" not in out
    assert list(tmp_path.iterdir()) == []


def test_a_bad_row_is_named_by_row_and_column(made: Made, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                              ) -> None:
    lines = HISTORY.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Interval start"))
    cells = lines[header + 10].split(";")
    cells[1] = "many"  # Offered
    lines[header + 10] = ";".join(cells)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["plan", str(bad), str(made.scenario), *SMALL]) == EXIT_BAD_INPUT
    out = capsys.readouterr().out
    row = header + 10  # the row as a spreadsheet shows the file: line number, less the "sep=;" line it hides
    assert "bad.csv" in out and f"row {row}, column \"Offered\": \"many\" is not a number" in out
    assert "Traceback" not in out and not (tmp_path / "bad_plan.xlsx").exists()


def test_infeasible_limits_name_the_binding_constraint(made: Made, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "plan.xlsx"
    code = main(["plan", str(HISTORY), str(made.scenario), *SMALL, "--backtest-weeks", "0",
                 "--max-headcount", "Inbound=5", "-o", str(out_file)])
    out = capsys.readouterr().out
    assert code == EXIT_BAD_INPUT
    assert "No roster is possible" in out and "max_headcount of Inbound: 5 agents are too few" in out
    assert "Traceback" not in out and not out_file.exists()


@pytest.mark.parametrize(("options", "message"), [
    (["--max-headcount", "Inbound40"], "is not GROUP=VALUE"),
    (["--max-part-time", "Inbound=140%"], "between 0 and 1"),
    (["--min-headcount", "Inbound=-1"], "cannot be negative"),
    (["--groups", "Inbound", "--max-headcount", "Blended=3"], "which --groups does not plan"),
    (["--replications", "1"], "at least 2"),
    (["--target", "80"], "is not a share"),
])
def test_bad_options_are_refused_before_any_work(made: Made, options: list[str], message: str,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_cli, "read_history", lambda *a, **k: pytest.fail("read the history"))
    assert main(["plan", str(HISTORY), str(made.scenario), *SMALL, *options]) == EXIT_BAD_INPUT
    assert message in capsys.readouterr().out


def test_an_unknown_group_is_refused(made: Made, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["plan", str(HISTORY), str(made.scenario), *SMALL, "--groups", "Night", "--backtest-weeks", "0",
                 "-o", str(tmp_path / "p.xlsx")])
    assert code == EXIT_BAD_INPUT
    assert "take no inbound calls or do not exist" in capsys.readouterr().out


def test_the_plan_never_overwrites_its_inputs(made: Made, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_cli, "read_history", lambda *a, **k: pytest.fail("read the history"))
    before = made.scenario.read_bytes()
    args = ["plan", str(HISTORY), str(made.scenario), *SMALL, "-o", str(made.folder / "other.xlsx")]
    assert main([*args, "--save-scenario", str(made.scenario), "--force"]) == EXIT_BAD_INPUT
    assert "is the input" in capsys.readouterr().out
    assert made.scenario.read_bytes() == before
    assert main([*args, "--save-scenario", str(made.planned)]) == EXIT_BAD_INPUT  # exists, no --force
    assert "already exists" in capsys.readouterr().out
    assert main(["plan", str(HISTORY), str(made.scenario), *SMALL, "-o", str(made.workbook)]) == EXIT_BAD_INPUT
    assert "already exists; pass --force" in capsys.readouterr().out


def test_a_locked_workbook_is_left_intact_and_the_scenario_still_saved(
        cached: Made, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel holding the workbook open refuses its replacement (a sharing violation) after the plan is made."""
    earlier = tmp_path / "plan.xlsx"
    earlier.write_bytes(cached.workbook.read_bytes())
    before = earlier.read_bytes()
    real = plan_cli.os.replace

    def locked(src: Any, dst: Any) -> None:
        if str(dst).endswith(".xlsx"):
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        real(src, dst)

    monkeypatch.setattr("wfm.report.target.os.replace", locked)
    planned = tmp_path / "planned.toml"
    code = main(["plan", str(HISTORY), str(cached.scenario), *SMALL, "-o", str(earlier), "--force",
                 "--save-scenario", str(planned)])
    out = capsys.readouterr().out
    assert code == EXIT_FAILED
    assert f"cannot write {earlier}" in out.replace("\n", "") and "permission denied" in out
    assert earlier.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx", "planned.toml"]  # no temporary file left
    assert load_scenario(planned).content_hash() == cached.result.planned.content_hash()


def test_the_default_workbook_goes_next_to_the_history(cached: Made, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    history = tmp_path / "june export.csv"
    history.write_bytes(HISTORY.read_bytes())
    assert main(["plan", str(history), str(cached.scenario), *SMALL]) == EXIT_OK
    assert (tmp_path / "june export_plan.xlsx").is_file()
    assert "june export_plan.xlsx" in capsys.readouterr().out


def test_ctrl_c_stops_the_workers_and_writes_nothing(made: Made, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C in the middle of the first round's simulations, on a process pool."""
    real = plan_cli.make_plan
    monkeypatch.setattr(plan_cli, "prepare", lambda *a, **k: made.result.prepared)

    at_press: list[int] = []

    def interrupted(prepared: Any, plan: Any) -> PlanResult:
        def press(fraction: float) -> None:
            if fraction > 0.02:
                at_press.extend(pool_workers())
                raise KeyboardInterrupt

        return real(prepared, plan.reporting_to(press))

    monkeypatch.setattr(plan_cli, "make_plan", interrupted)
    out_file, planned = tmp_path / "plan.xlsx", tmp_path / "planned.toml"
    code = main(["plan", str(HISTORY), str(made.scenario), "--reps", "3", "--rounds", "2", "--backend", "processes",
                 "--workers", "2", "-o", str(out_file), "--save-scenario", str(planned)])
    assert code == EXIT_INTERRUPTED
    assert "Interrupted" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []
    assert len(at_press) == 2  # the interrupt came while both workers were simulating
    assert pool_workers() == []


def pool_workers() -> list[int]:
    """The process pool's live workers (not multiprocessing's resource tracker, which lives as long as we do)."""
    out = []
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            if "spawn_main" in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE:
                out.append(child.pid)
    return out


def test_no_reference_skips_the_restaffed_current_shifts(cached: Made, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[PlanSettings] = []

    def settings_only(history: Any, scenario: Any, settings: PlanSettings) -> Any:
        seen.append(settings)
        return cached.result.prepared

    monkeypatch.setattr(plan_cli, "prepare", settings_only)
    args = ["plan", str(HISTORY), str(cached.scenario), *SMALL, "-o", str(tmp_path / "p.xlsx"), "--no-reference",
            "--groups", "Inbound", "--max-headcount", "Inbound=90", "--max-part-time", "Inbound=40%",
            "--min-headcount", "Inbound=10", "--budget", "50000", "--target", "0.85", "--country", "ES"]
    assert main(args) == EXIT_OK
    assert seen == [PlanSettings(target=0.85, country="ES", groups=("Inbound",), budget=50000.0, max_rounds=2,
                                 limits={"Inbound": {"min_headcount": 10, "max_headcount": 90,
                                                     "max_part_time_share": 0.4}},
                                 compare_current_shifts=False)]
    capsys.readouterr()


def test_a_plan_without_reference_says_why_in_the_workbook(made: Made, tmp_path: Path) -> None:
    from dataclasses import replace

    from wfm.report import write_plan_report

    result = replace(made.result, reference=None, reference_note="not asked for")
    book = load_workbook(write_plan_report(tmp_path / "p.xlsx", result))
    _, rows = table_under(book["Summary"], "Roster")
    assert rows[2][0] == REFERENCE and rows[2][8] == "not asked for" and rows[2][2] is None
    _, rows = table_under(book["Summary"], "Difference")
    assert len(rows) == 1
    assert rows[0][0].startswith("Planned") and PLANNED == "Planned roster"
    assert not math.isnan(rows[0][1])


@pytest.mark.slow
def test_the_workbook_converts_in_libreoffice_with_its_charts_drawn(made: Made, tmp_path: Path) -> None:
    """LibreOffice opens the workbook and draws every chart: their titles and axis titles are in the PDF's text."""
    from test_report_libreoffice import convert, pdf_pages, pdf_text

    pdf = convert([made.workbook], tmp_path)[made.workbook.stem]
    assert pdf_pages(pdf) >= len(PLAN_SHEETS)
    text = " ".join(pdf_text(pdf).split())  # a long chart title wraps
    name = made.result.planned.name
    for heading in ("Staffing plan", "Forecast", "Requirement and roster", "Roster", "Service level per interval",
                    "Inputs"):
        assert f"{heading} — {name}" in text
    for chart in ("Cost of the week by roster", "Backtest: actual, model and seasonal-naive calls per day",
                  "Forecast calls per interval, by day", "Requirement against agents scheduled on the floor",
                  "Agent-hours required and covered per weekday", "Simulated service level per interval"):
        assert chart in text, chart  # chart titles only: no cell holds them
