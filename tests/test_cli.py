"""The `wfm` command line: compare, sweep and solve, on top of run, validate and gui."""

from __future__ import annotations

from pathlib import Path

import pytest

from stationary import stationary_scenario
from wfm.cli import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, build_parser, main
from wfm.scenario.io import load_scenario, save_scenario
from wfm.sweep import vary

SERIAL = ["--backend", "serial"]
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    # rich wraps at the terminal width; a wide one keeps each table cell and message on one line
    monkeypatch.setenv("COLUMNS", "250")


@pytest.fixture
def two_files(tmp_path):
    base = stationary_scenario(9, 100, 300, 180, hours=4)
    a = save_scenario(base, tmp_path / "a.toml")
    b = save_scenario(vary(base, {"groups[0].shifts[0].headcount": 11}, name="Eleven agents"), tmp_path / "b.toml")
    return a, b


def test_compare_prints_paired_differences(two_files, capsys):
    assert main(["compare", str(two_files[0]), str(two_files[1]), "--reps", "4", "--seed", "3", *SERIAL]) == EXIT_OK
    out = capsys.readouterr().out
    assert "4 paired replication(s)" in out and "Eleven agents" in out
    assert "Service level" in out and "Occupancy" in out and "yes" in out


def test_compare_on_the_process_pool(two_files, capsys):
    args = ["compare", str(two_files[0]), str(two_files[1]), "--reps", "3", "--kpi", "asa"]
    assert main([*args, "--backend", "processes", "--workers", "2"]) == EXIT_OK
    parallel = capsys.readouterr().out
    assert main([*args, *SERIAL]) == EXIT_OK
    assert capsys.readouterr().out == parallel


def test_compare_rejects_a_bad_file_and_too_few_replications(two_files, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[groups]]\nname = "A"\n', encoding="utf-8")
    assert main(["compare", str(two_files[0]), str(bad), *SERIAL]) == EXIT_BAD_INPUT
    assert "problem(s)" in capsys.readouterr().out
    assert main(["compare", str(two_files[0]), str(two_files[1]), "--reps", "1", *SERIAL]) == EXIT_BAD_INPUT
    assert "at least 2" in capsys.readouterr().out
    assert main(["compare", str(two_files[0]), str(two_files[1]), "--kpi", "sl", *SERIAL]) == EXIT_BAD_INPUT
    assert "unknown KPI(s) sl" in capsys.readouterr().out


def test_sweep_from_the_command_line(two_files, capsys):
    args = ["sweep", str(two_files[0]), "--vary", "groups[0].shifts[0].headcount=8:10:1", "--reps", "2",
            "--kpi", "service_level", *SERIAL]
    assert main(args) == EXIT_OK
    out = capsys.readouterr().out
    assert "2 replication(s) per point" in out
    assert all(f" {n} │" in out for n in (8, 9, 10))


def test_sweep_from_a_plan_file(two_files, tmp_path, capsys):
    plan = tmp_path / "plan.toml"
    plan.write_text('scenario = "a.toml"\nreplications = 2\n[[axis]]\npath = "inbound.patience.mean_s"\n'
                    'values = [60, 600]\n', encoding="utf-8")
    assert main(["sweep", "--plan", str(plan), "--kpi", "abandon_rate", *SERIAL]) == EXIT_OK
    out = capsys.readouterr().out
    assert "60" in out and "600" in out


@pytest.mark.parametrize(
    ("vary_text", "message"),
    [("groups[0].shifts[0].headcount=-1,2", "greater than or equal to 0"),
     ("headcount", "not a sweep axis")],
)
def test_sweep_reports_bad_axes(two_files, capsys, vary_text, message):
    assert main(["sweep", str(two_files[0]), "--vary", vary_text, "--reps", "2", *SERIAL]) == EXIT_BAD_INPUT
    assert message in capsys.readouterr().out


def test_sweep_needs_an_axis(capsys):
    assert main(["sweep", *SERIAL]) == EXIT_BAD_INPUT
    assert "nothing to sweep" in capsys.readouterr().out


def test_solve_staffing_prints_the_answer_and_its_check(two_files, capsys):
    args = ["solve", "staffing", str(two_files[0]), "--sl", "0.7", "--reps", "4", "--seed", "2", *SERIAL]
    assert main(args) == EXIT_OK
    out = capsys.readouterr().out
    assert "Staffing search on groups[0].shifts[0].headcount" in out and "Answer:" in out and "Fresh-seed check" in out


def test_solve_staffing_by_names_and_bad_names(two_files, capsys):
    assert main(["solve", "staffing", str(two_files[0]), "--group", "Agents", "--shift", "Day", "--reps", "2",
                 *SERIAL]) == EXIT_OK
    capsys.readouterr()
    assert main(["solve", "staffing", str(two_files[0]), "--group", "Nobody", *SERIAL]) == EXIT_BAD_INPUT
    assert "group 'Nobody' not found; use an index or one of Agents" in capsys.readouterr().out
    assert main(["solve", "staffing", str(two_files[0]), "--sl", "80", *SERIAL]) == EXIT_BAD_INPUT
    assert "is not a share" in capsys.readouterr().out


def test_solve_pacing_says_what_is_missing(two_files, capsys):
    assert main(["solve", "pacing", str(two_files[0]), *SERIAL]) == EXIT_BAD_INPUT
    assert "pacing needs outbound dialing; set outbound.enabled = true" in capsys.readouterr().out


def test_solve_pacing_on_a_power_dialer(tmp_path, capsys):
    day = vary(load_scenario(SCENARIOS / "power.toml"), {"calendar.horizon_days": 1})
    path = save_scenario(day, tmp_path / "power_day.toml")
    assert main(["solve", "pacing", str(path), "--values", "1.0,2.0", "--reps", "2", "--on-mean", *SERIAL]) in (
        EXIT_OK, EXIT_FAILED)  # failed = no ratio keeps drops under the cap, which is an answer too
    out = capsys.readouterr().out
    assert "outbound.dialer.lines_per_agent" in out and "RPCs per agent-hour" in out and "Drop rate" in out
    assert "Best: outbound.dialer.lines_per_agent = " in out or "No setting keeps the drop rate" in out


def test_options_are_checked_before_anything_runs(two_files, capsys):
    assert main(["compare", str(two_files[0]), str(two_files[1]), "--workers", "0"]) == EXIT_BAD_INPUT
    assert "--workers must be at least 1" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        build_parser().parse_args(["compare", "a.toml", "--backend", "threads"])


def test_an_existing_report_is_not_overwritten_without_force(two_files, tmp_path, capsys):
    report = tmp_path / "cmp.xlsx"
    report.write_bytes(b"keep me")
    args = ["compare", str(two_files[0]), str(two_files[1]), "--reps", "2", "-o", str(report), *SERIAL]
    assert main(args) == EXIT_BAD_INPUT
    assert "already exists" in capsys.readouterr().out
    assert report.read_bytes() == b"keep me"


@pytest.mark.parametrize("command", ["compare", "sweep", "staffing"])
def test_excel_output(two_files, tmp_path, capsys, command):
    pytest.importorskip("wfm.report.excel")
    report = tmp_path / f"{command}.xlsx"
    a, b = (str(p) for p in two_files)
    args = {
        "compare": ["compare", a, b],
        "sweep": ["sweep", a, "--vary", "groups[0].shifts[0].headcount=9,10"],
        "staffing": ["solve", "staffing", a, "--sl", "0.7"],
    }[command]
    assert main([*args, "--reps", "2", "-o", str(report), *SERIAL]) == EXIT_OK
    assert "Report written to" in capsys.readouterr().out
    assert report.stat().st_size > 0
    from openpyxl import load_workbook

    sheets = load_workbook(report, read_only=True).sheetnames
    assert "Comparison" in sheets and "Summary 2" in sheets  # every command writes two or more summaries


def test_run_still_works_with_a_backend_option(two_files, capsys):
    assert main(["run", str(two_files[0]), "--reps", "2", "--backend", "serial"]) == EXIT_OK
    assert "2 replication(s)" in capsys.readouterr().out
    assert main(["validate", str(two_files[0])]) == EXIT_OK


def test_a_usd_scenario_prints_dollars_never_euros(tmp_path, capsys):
    base = stationary_scenario(9, 100, 300, 180, hours=4)
    usd = base.model_copy(update={"costs": base.costs.model_copy(update={"currency": "USD"})})
    path = save_scenario(usd, tmp_path / "usd.toml")
    assert main(["run", str(path), "--reps", "2", "--seed", "3"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Cost per call" in out and "$" in out and "€" not in out and "EUR" not in out
    other = save_scenario(vary(usd, {"groups[0].shifts[0].headcount": 11}, name="Eleven"), tmp_path / "b.toml")
    assert main(["compare", str(path), str(other), "--reps", "2", "--seed", "3", "--kpi", "cost_per_call",
                 *SERIAL]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Cost per call" in out and "$" in out and "€" not in out
