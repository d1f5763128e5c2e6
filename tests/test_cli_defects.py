"""Issue 15, CLI items 14-22: what a new user met on the command line, each fixed and kept fixed.

Every test runs the real entry point (`wfm.cli.main`, or `python -m wfm.cli` in a subprocess
where a process-wide setting matters) on a tiny scenario: one 4-hour day, nine agents.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stationary import stationary_scenario
from wfm.cli import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, main
from wfm.scenario.io import save_scenario, scenario_to_toml

SRC = str(Path(__file__).resolve().parents[1] / "src")


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # rich wraps at the terminal width; a wide one keeps lines whole


@pytest.fixture
def tiny(tmp_path) -> Path:
    return save_scenario(stationary_scenario(9, 100, 300, 180, hours=4), tmp_path / "tiny.toml")


SERIAL = ("--backend", "serial")


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if anything is simulated (on the serial backend): the input must be refused before."""
    def refuse(*args, **kwargs):
        raise AssertionError("simulated although the input was bad")

    monkeypatch.setattr("wfm.execution.run", refuse)


def run_cli(*args: str, env: dict[str, str] | None = None, prefix: tuple[str, ...] = (), timeout: float = 120
            ) -> subprocess.CompletedProcess[str]:
    """`python -m wfm.cli ARGS` in a subprocess, output and errors together."""
    environment = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", ""), "COLUMNS": "100",
                   **(env or {})}
    return subprocess.run([*prefix, sys.executable, "-m", "wfm.cli", *args], env=environment, capture_output=True,
                          text=True, timeout=timeout)


def one_line(text: str) -> bool:
    return len(text.strip().splitlines()) == 1


# ---- item 14: tracebacks become one-line messages naming the cause and the fix ----------------------------


def _read_only_mount() -> tuple[str, ...]:
    """A command prefix that runs the rest with a read-only tmpfs mounted on its first argument."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.fail("unshare (util-linux) is needed to mount a read-only file system for this test")
    probe = subprocess.run([unshare, "--mount", "--map-root-user", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not available here: {probe.stderr.strip()}")
    return (unshare, "--mount", "--map-root-user", "sh", "-c", 'mount -t tmpfs -o ro,size=64k none "$0" && exec "$@"')


def test_a_report_on_a_read_only_drive_is_refused_in_one_line_before_simulating(tiny, tmp_path):
    drive = tmp_path / "ro"
    drive.mkdir()
    done = run_cli("run", str(tiny), "--reps", "2", "-o", str(drive / "r.xlsx"),
                   prefix=(*_read_only_mount(), str(drive)))
    assert done.returncode == EXIT_BAD_INPUT, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stderr == ""
    assert one_line(done.stdout) and "the drive is read-only" in done.stdout
    assert "choose another file name" in done.stdout
    assert "replication(s)" not in done.stdout  # refused before the simulation, not after it


@pytest.mark.parametrize(("field", "text", "character"), [
    ("name", "Team\\u0007 A", "U+0007"), ("description", "Line one\\u001b[31m red", "U+001B"),
])
def test_control_characters_in_scenario_text_are_refused_up_front(tmp_path, capsys, no_simulation, field, text,
                                                                  character):
    toml = scenario_to_toml(stationary_scenario(9, 100, 300, 180, hours=4))
    toml = toml.replace('description = ""', f'description = "{text}"') if field == "description" else \
        toml.replace('name = "M/M/9+M"', f'name = "{text}"', 1)
    path = tmp_path / "control.toml"
    path.write_text(toml, encoding="utf-8")
    assert main(["validate", str(path)]) == EXIT_BAD_INPUT
    out = capsys.readouterr().out
    assert f"{field}: " in out and f"contains the control character {character}" in out and "remove it" in out
    assert main(["run", str(path), "--reps", "2", "-o", str(tmp_path / "r.xlsx"), *SERIAL]) == EXIT_BAD_INPUT
    assert "control character" in capsys.readouterr().out and not (tmp_path / "r.xlsx").exists()


def test_tabs_and_line_breaks_stay_allowed_in_a_description(tmp_path, capsys):
    toml = scenario_to_toml(stationary_scenario(9, 100, 300, 180, hours=4))
    path = tmp_path / "multiline.toml"
    path.write_text(toml.replace('description = ""', 'description = "Line one\\n\\tLine two"'), encoding="utf-8")
    assert main(["validate", str(path)]) == EXIT_OK


def test_an_unreachable_dask_scheduler_is_one_line(tiny):
    # Dask's connect timeout is 30 s by default; the environment shortens it for the test.
    done = run_cli("run", str(tiny), "--reps", "2", "--scheduler", "tcp://127.0.0.1:1",
                   env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"})
    assert done.returncode == EXIT_FAILED, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert one_line(done.stdout)
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in done.stdout and "dask scheduler" in done.stdout


# ---- item 15: the output path is checked before simulating ---------------------------------------------------


def test_a_csv_report_name_is_refused_before_simulating(tiny, tmp_path, capsys, no_simulation):
    assert main(["run", str(tiny), "-o", str(tmp_path / "r.csv"), *SERIAL]) == EXIT_BAD_INPUT
    out = capsys.readouterr().out
    assert "must be an .xlsx file" in out and "r.xlsx" in out and one_line(out)


@pytest.mark.parametrize("force", [False, True])
def test_an_existing_folder_is_refused_with_the_right_advice(tiny, tmp_path, capsys, no_simulation, force):
    folder = tmp_path / "reports"
    folder.mkdir()
    args = ["compare", str(tiny), str(tiny), "-o", str(folder), *SERIAL] + (["--force"] if force else [])
    assert main(args) == EXIT_BAD_INPUT
    out = capsys.readouterr().out
    assert "is a folder, not a file" in out and str(folder / "report.xlsx") in out
    assert "--force" not in out  # forcing cannot turn a folder into a file


def test_a_folder_that_refuses_new_files_is_found_before_simulating(tiny, tmp_path, capsys, no_simulation):
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() == 0:  # root ignores permission bits; the immutable attribute stops even root
        lock, unlock = ["chattr", "+i", str(folder)], ["chattr", "-i", str(folder)]
    else:
        lock, unlock = ["chmod", "555", str(folder)], ["chmod", "755", str(folder)]
    subprocess.run(lock, check=True)
    try:
        assert main(["sweep", str(tiny), "--vary", "inbound.patience.mean_s=60,600", "-o",
                     str(folder / "r.xlsx"), *SERIAL]) == EXIT_BAD_INPUT
    finally:
        subprocess.run(unlock, check=True)
    out = capsys.readouterr().out
    assert "cannot write" in out and "permission denied" in out and one_line(out)
    assert list(folder.iterdir()) == []  # the check left nothing behind


def test_a_missing_folder_is_still_created(tiny, tmp_path, capsys):
    report = tmp_path / "new" / "deeper" / "r.xlsx"
    assert main(["run", str(tiny), "--reps", "2", "-o", str(report), *SERIAL]) == EXIT_OK
    assert report.is_file() and "Report written to" in capsys.readouterr().out


# ---- item 16: --kpi all on inbound-only scenarios ------------------------------------------------------------


def test_compare_kpi_all_on_inbound_only_scenarios(tiny, capsys):
    assert main(["compare", str(tiny), str(tiny), "--reps", "2", "--kpi", "all", *SERIAL]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Service level" in out and "Cost per call" in out and "Headcount" in out
    assert "Drop rate" not in out and "unknown KPI" not in out  # outbound KPIs: none without outbound


def test_sweep_kpi_all_on_an_inbound_only_scenario(tiny, capsys):
    args = ["sweep", str(tiny), "--vary", "inbound.patience.mean_s=60,600", "--reps", "2", "--kpi", "all", *SERIAL]
    assert main(args) == EXIT_OK
    assert "Abandon rate" in capsys.readouterr().out


def test_an_outbound_kpi_of_an_inbound_only_scenario_is_refused_before_simulating(tiny, capsys, no_simulation):
    assert main(["compare", str(tiny), str(tiny), "--reps", "2", "--kpi", "drop_rate", *SERIAL]) == EXIT_BAD_INPUT
    out = capsys.readouterr().out
    assert "drop_rate: outbound KPI(s)" in out and "outbound.enabled = true" in out


# ---- item 17: the solver workbooks open on their answer, the search table and a chart ------------------------


def _answer_sheet(path: Path) -> tuple[list[str], list[list[object]], bool]:
    """The workbook's sheet names, the first sheet's rows, and whether that sheet holds a chart."""
    import zipfile

    from openpyxl import load_workbook

    wb = load_workbook(path)
    assert wb.active.title == wb.sheetnames[0]  # it opens on its first sheet
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    with zipfile.ZipFile(path) as archive:  # openpyxl does not read charts back; the package says it all
        rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode() \
            if "xl/worksheets/_rels/sheet1.xml.rels" in archive.namelist() else ""
        charted = "drawing" in rels and any(n.startswith("xl/charts/chart") for n in archive.namelist())
    return wb.sheetnames, rows, charted


def _table_after(rows: list[list[object]], header: str) -> list[list[object]]:
    start = next(i for i, r in enumerate(rows) if r[0] == header)
    table = []
    for row in rows[start + 1:]:
        if row[0] is None:
            break
        table.append(row)
    return table


def test_solve_staffing_workbook_opens_on_the_answer(tiny, tmp_path, capsys):
    report = tmp_path / "staffing.xlsx"
    args = ["solve", "staffing", str(tiny), "--sl", "0.7", "--reps", "2", "--seed", "2", "-o", str(report), *SERIAL]
    assert main(args) == EXIT_OK
    out = capsys.readouterr().out
    printed = int(out.split("Answer: ", 1)[1].split()[0])
    searched = [int(line.split("│")[1]) for line in out.splitlines() if line.startswith("│")]
    sheets, rows, charted = _answer_sheet(report)
    assert sheets[0] == "Answer" and charted
    assert [f"Answer: {printed} agent(s) on Agents/Day (the scenario has 9)"] == [
        r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("Answer:")]
    assert any(isinstance(r[0], str) and r[0].startswith(f"Fresh-seed check, {printed} agent(s)") for r in rows)
    table = _table_after(rows, "Headcount")
    assert [r[0] for r in table] == searched  # every simulated headcount, as the terminal showed
    assert [r[5] for r in table].count("← answer") == 1 and table[searched.index(printed)][5] == "← answer"
    from openpyxl import load_workbook

    headers = [c for row in load_workbook(report)["Comparison"].iter_rows(values_only=True) for c in row
               if isinstance(c, str) and c.startswith(("1: ", "2: "))]
    assert f"1: Answer: {printed} on Agents/Day" in headers
    assert f"2: One fewer: {printed - 1} on Agents/Day" in headers


def test_solve_pacing_workbook_opens_on_the_best_setting(tmp_path, capsys):
    from wfm.scenario.io import load_scenario
    from wfm.sweep import vary

    day = vary(load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "power.toml"),
               {"calendar.horizon_days": 1})
    path = save_scenario(day, tmp_path / "power_day.toml")
    report = tmp_path / "pacing.xlsx"
    code = main(["solve", "pacing", str(path), "--values", "1.0,2.0", "--reps", "2", "--on-mean", "-o", str(report),
                 *SERIAL])
    out = capsys.readouterr().out
    assert code in (EXIT_OK, EXIT_FAILED) and report.is_file()  # failed: no ratio is under the cap, an answer too
    sheets, rows, charted = _answer_sheet(report)
    assert sheets[0] == "Answer" and charted
    lines = [r[0] for r in rows if isinstance(r[0], str)]
    if code == EXIT_OK:
        best = out.split("Best: ", 1)[1].split(" — ")[0]
        assert f"Best: {best}" in lines and "Summary" in sheets
    else:
        assert any(line.startswith("No setting keeps the drop rate") for line in lines)
    table = _table_after(rows, "lines_per_agent")
    assert [r[0] for r in table] == [1.0, 2.0] and all(r[8] in ("yes", "no") for r in table)


# ---- item 18: text printed as typed; BOM, dates, seeds --------------------------------------------------------

MARKUP_NAME = ":smile: [bold]North[/bold]"


def test_scenario_text_is_printed_literally(tmp_path, capsys):
    toml = scenario_to_toml(stationary_scenario(9, 100, 300, 180, hours=4))
    toml = toml.replace('name = "M/M/9+M"', f'name = "{MARKUP_NAME}"', 1)
    toml = toml.replace('name = "Agents"', 'name = "[red]Team[/red] :b:"', 1)
    path = tmp_path / "markup.toml"
    path.write_text(toml, encoding="utf-8")
    assert main(["validate", str(path)]) == EXIT_OK
    assert MARKUP_NAME in capsys.readouterr().out
    assert main(["run", str(path), "--reps", "2", *SERIAL]) == EXIT_OK
    out = capsys.readouterr().out
    assert MARKUP_NAME in out and "😄" not in out
    assert main(["solve", "staffing", str(path), "--sl", "0.7", "--reps", "2", *SERIAL]) == EXIT_OK
    out = capsys.readouterr().out
    assert "on [red]Team[/red] :b:/Day" in out and "🅱" not in out


def test_values_are_echoed_as_typed(tmp_path, capsys):
    from wfm.scenario.io import load_scenario
    from wfm.sweep import vary

    day = vary(load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "power.toml"),
               {"calendar.horizon_days": 1})
    path = save_scenario(day, tmp_path / "power_day.toml")
    assert main(["solve", "pacing", str(path), "--values", "a:b:c", *SERIAL]) == EXIT_BAD_INPUT
    out = capsys.readouterr().out
    assert "'a:b:c'" in out and "🅱" not in out


def test_a_byte_order_mark_is_accepted(tiny, tmp_path, capsys):
    bom = tmp_path / "notepad.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + tiny.read_bytes())
    assert main(["validate", str(bom)]) == EXIT_OK
    assert "OK" in capsys.readouterr().out


@pytest.mark.parametrize("written", ['"05/01/2026"', "05/01/2026"], ids=["quoted", "bare"])
def test_a_day_first_date_names_the_expected_format(tiny, tmp_path, capsys, written):
    path = tmp_path / "dates.toml"
    path.write_text(tiny.read_text(encoding="utf-8").replace("start_date = 2026-01-05", f"start_date = {written}"),
                    encoding="utf-8")
    assert main(["validate", str(path)]) == EXIT_BAD_INPUT
    out = " ".join(capsys.readouterr().out.split())
    assert "YYYY-MM-DD" in out and "2026-01-05" in out and "invalid character in year" not in out


def test_a_negative_seed_is_explained(tiny, capsys, no_simulation):
    assert main(["run", str(tiny), "--seed", "-5", *SERIAL]) == EXIT_BAD_INPUT
    out = capsys.readouterr().out
    assert "--seed must be a non-negative integer" in out and "-5" in out


# ---- item 19: progress without a terminal, while a portfolio loads; memory of a large portfolio --------------

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _portfolio_scenario(folder: Path, accounts: int) -> Path:
    """scenarios/imported_portfolio.toml reading a generated CSV of `accounts` rows."""
    segments = ("early", "mid", "late")
    lines = ["account_id,balance,dpd,segment,phones,timezone"]
    lines += [f"A{i:07d},{100 + i % 997}.50,{30 + i % 700},{segments[i % 3]},{1 + i % 3}," for i in range(accounts)]
    (folder / "accounts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    toml = (SCENARIOS / "imported_portfolio.toml").read_text(encoding="utf-8")
    path = folder / "portfolio.toml"
    path.write_text(toml.replace('file = "portfolio_example.csv"', 'file = "accounts.csv"'), encoding="utf-8")
    return path


def test_progress_lines_when_output_is_not_a_terminal(tiny):
    done = run_cli("run", str(tiny), "--reps", "4", "--backend", "serial")
    assert done.returncode == EXIT_OK, done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("Simulating M/M/9+M: ")]
    assert lines and lines[0].startswith("Simulating M/M/9+M:   0%") and "100%" in lines[-1]
    assert len(lines) >= 4  # replications report within themselves: several steps, not just start and end
    assert "Simulating" not in done.stdout and "4 replication(s)" in done.stdout  # results alone on stdout


def test_loading_a_portfolio_file_shows_progress(tmp_path):
    path = _portfolio_scenario(tmp_path, 60_000)
    done = run_cli("validate", str(path))
    assert done.returncode == EXIT_OK, done.stdout + done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith(f"Loading {path}: ")]
    assert len(lines) >= 2 and "100%" in lines[-1], done.stderr


def test_a_large_portfolio_loads_in_little_memory(tmp_path):
    # The issue measured 3.4 GB for 1.65 M accounts (about 2 kB each); rows are read one at a time
    # now, so the memory a load adds must stay under 600 bytes per account (1 GB for 1.65 M).
    # Peak memory is the process's VmHWM: ru_maxrss would carry the forking test runner's size over.
    if not Path("/proc/self/status").exists():
        pytest.skip("reads the peak memory from /proc (Linux)")
    accounts = 250_000
    path = _portfolio_scenario(tmp_path, accounts)
    script = (
        "import re\n"
        "from wfm.scenario.io import load_scenario\n"
        "import wfm.scenario.portfolio_file\n"
        "def peak():\n"
        "    return int(re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1)) * 1024\n"
        "before = peak()\n"
        f"scenario = load_scenario({str(path)!r})\n"
        "print(len(scenario.outbound.portfolio.imported), peak() - before)\n"
    )
    environment = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded, added = (int(v) for v in done.stdout.split())
    assert loaded == accounts
    assert added / accounts < 600, f"{added / accounts:.0f} bytes per account"


# ---- item 20: compare warns about different periods; the printed report ----------------------------------------


def test_compare_warns_when_the_periods_differ(tiny, tmp_path, capsys):
    from wfm.scenario.io import load_scenario
    from wfm.sweep import vary

    three = save_scenario(vary(load_scenario(tiny), {"calendar.horizon_days": 3}, name="Three days"),
                          tmp_path / "three.toml")
    assert main(["compare", str(tiny), str(three), "--reps", "2", "--kpi", "offered", *SERIAL]) == EXIT_OK
    out = " ".join(capsys.readouterr().out.split())
    assert "warning: the scenarios cover different periods" in out
    assert f"{tiny}: 1 day(s) from 2026-01-05" in out and f"{three}: 3 day(s) from 2026-01-05" in out


def _page_texts(pdf: Path) -> list[str]:
    """The text of each page, as laid out (pdftotext ends every page with a form feed)."""
    from test_report_libreoffice import tool

    text = subprocess.run([tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """A one-day power-dialer run and a six-point sweep, written by the CLI and printed by LibreOffice.

    Also the mean attempts per account the run's workbook stores, which its printout must show.
    """
    from test_report_libreoffice import TOOLS, convert, tool
    from wfm.scenario.io import load_scenario
    from wfm.sweep import vary

    for name in TOOLS:
        tool(name)
    folder = tmp_path_factory.mktemp("printed")
    day = save_scenario(vary(load_scenario(SCENARIOS / "power.toml"), {"calendar.horizon_days": 1}),
                        folder / "power_day.toml")
    tiny = save_scenario(stationary_scenario(9, 100, 300, 180, hours=4), folder / "tiny.toml")
    run = folder / "run.xlsx"
    swept = folder / "sweep.xlsx"
    assert main(["run", str(day), "--reps", "2", "-o", str(run), *SERIAL]) == EXIT_OK
    assert main(["sweep", str(tiny), "--vary", "groups[0].shifts[0].headcount=7:12:1", "--reps", "2", "-o",
                 str(swept), *SERIAL]) == EXIT_OK
    from openpyxl import load_workbook

    summary = load_workbook(run, read_only=True)["Summary"]
    attempts = next(row[1] for row in summary.iter_rows(values_only=True) if row[0] == "Attempts per account")
    pdfs = convert([run, swept], folder)
    return {name: _page_texts(pdf) for name, pdf in pdfs.items()}, attempts


@pytest.mark.slow  # one LibreOffice conversion for the three tests of the printed report
def test_attempts_per_account_keeps_its_decimal(printed):
    pages, attempts = printed
    assert attempts < 10 and round(attempts, 1) != round(attempts)  # a value the old format rounded away
    line = next(ln for page in pages["run"] for ln in page.splitlines()
                if ln.strip().startswith("Attempts per account"))
    assert line.split()[3] == f"{attempts:.1f}", line


@pytest.mark.slow
def test_the_interval_table_is_left_out_of_print(printed):
    pages, _ = printed
    interval_pages = [i for i, text in enumerate(pages["run"]) if "Inbound by interval —" in text]
    assert len(interval_pages) == 1
    following = pages["run"][interval_pages[0] + 1]
    assert "Inputs" in following.split("\n", 3)[0] + following.split("\n", 3)[1]  # the next page is the next sheet
    assert "Not printed: the" in pages["run"][interval_pages[0]]


@pytest.mark.slow
def test_a_six_point_sweep_comparison_spreads_over_readable_pages(printed):
    pages, _ = printed
    flat = [text.replace(" ", "") for text in pages["sweep"]]  # pdftotext drops the spaces of "Δ 2 − 1"
    comparison = [text for text in flat if "Δ" in text and "Servicelevel" in text]
    assert len(comparison) >= 2  # side by side, not squeezed onto one page
    assert "Δ2−1" in comparison[0] and "Δ6−1" not in comparison[0]
    assert any("Δ6−1" in text for text in comparison[1:])  # on a later page, with the KPI names repeated


# ---- item 21: the incentive examples pay bonuses ------------------------------------------------------------


def test_the_incentive_examples_show_what_a_bonus_does():
    from wfm.experiment import RunPlan, run_many
    from wfm.scenario.io import load_scenario
    from wfm.sweep import vary

    bonus = load_scenario(SCENARIOS / "incentives_bonus.toml")
    flat = load_scenario(SCENARIOS / "incentives_flat.toml")
    # The pair differs in the incentive scheme only (and in name), so a comparison shows its effect.
    same = {"name": "x", "description": "x"}
    assert bonus.model_copy(update={**same, "workforce": flat.workforce}) == flat.model_copy(update=same)
    assert bonus.workforce.incentives.scheme == "bonus" and bonus.workforce.incentives.bonus_per_kept_ptp > 0
    # Promises are made and kept only by a collections campaign: without one, the bonus could never pay.
    assert bonus.outbound.enabled and any(g.kind != "inbound" and g.headcount for g in bonus.groups)
    week = [vary(s, {"calendar.horizon_days": 5}) for s in (flat, bonus)]
    flat_run, bonus_run = run_many(week, RunPlan(2, bonus.run.seed))
    assert flat_run.kpis["cost_bonuses"].mean == 0.0
    assert bonus_run.kpis["cost_bonuses"].mean > 0.0 and bonus_run.kpis["amount_collected"].mean > 0.0
    assert (bonus_run.per_replication["cost_bonuses"] > 0).all()


# ---- item 22: help gives an example and the KPI keys ---------------------------------------------------------

HELP_OF = {
    (): True, ("run",): False, ("compare",): True, ("sweep",): True, ("solve",): False,
    ("solve", "staffing"): False, ("solve", "pacing"): False, ("validate",): False, ("gui",): False,
}


@pytest.mark.parametrize(("command", "lists_kpis"), list(HELP_OF.items()),
                         ids=[" ".join(("wfm", *c)) for c in HELP_OF])
def test_help_gives_an_example_and_the_kpi_keys(capsys, command, lists_kpis):
    from wfm.kpi import KPI_BY_KEY

    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    examples = [line.strip() for line in out.split("example", 1)[1].splitlines()[1:] if line.startswith("  wfm ")]
    assert examples and all(e.startswith(" ".join(["wfm", *command])) for e in examples)
    if lists_kpis:
        words = set(out.replace(",", " ").replace(".", " ").split())
        assert set(KPI_BY_KEY) <= words, sorted(set(KPI_BY_KEY) - words)


def test_every_help_example_is_a_valid_command(tmp_path):
    import shlex

    from wfm.cli.parser import EXAMPLES
    from wfm.cli.parser import build_parser as parser

    root = Path(__file__).resolve().parents[1]
    for example in EXAMPLES.values():
        words = shlex.split(example)[1:]
        args = parser().parse_args(words)  # exits on an unknown option or a bad value
        for word in words:
            if word.endswith(".toml"):
                assert (root / word).is_file(), f"{example}: {word} is not a shipped scenario"
        assert callable(args.func)
