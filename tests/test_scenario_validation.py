"""Malformed scenarios are rejected with messages that name the field, the value and the fix.

Also: saving and loading round-trips, `wfm validate` exit codes, and the core importing no Qt.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import json
import re
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

import wfm.scenario
from wfm.cli import main
from wfm.scenario.io import (
    Problem,
    ScenarioError,
    default_scenario,
    load_scenario,
    parse_scenario,
    save_scenario,
    scenario_from_mapping,
)
from wfm.scenario.units import Model

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "wfm"
BASELINE = REPO / "scenarios" / "baseline.toml"

GROUP = """
[[groups]]
name = "Team"

[[groups.shifts]]
start = "08:00"
length_h = 8
headcount = 3
"""


def problems(text: str) -> list[str]:
    """The problems `parse_scenario` reports for `text`, as 'path: message' strings."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "bad.toml")
    assert info.value.source == "bad.toml"
    return [str(p) for p in info.value.problems]


BAD = {
    "text where a string belongs": (
        "name = 3\n" + GROUP,
        ["name: 3 is not valid: input should be a valid string"],
    ),
    "negative headcount": (
        GROUP.replace("headcount = 3", "headcount = -2"),
        ["groups[0].shifts[0].headcount: -2 is not valid: input should be greater than or equal to 0"],
    ),
    "yes/no headcount": (
        GROUP.replace("headcount = 3", "headcount = true"),
        ["groups[0].shifts[0].headcount: true is a yes/no value, but this is a number; write a number"],
    ),
    "quoted headcount": (
        GROUP.replace("headcount = 3", 'headcount = "3"'),
        ["groups[0].shifts[0].headcount: '3' is text, but this is a number; write the number without quotes"],
    ),
    "time of day as a bare number": (
        GROUP.replace('start = "08:00"', "start = 8"),
        ['groups[0].shifts[0].start: 8 is not a time of day; write it as a string "HH:MM"'],
    ),
    "fractional headcount": (
        GROUP.replace("headcount = 3", "headcount = 2.5"),
        ["groups[0].shifts[0].headcount: 2.5 is not valid: input should be a valid integer,"
         " got a number with a fractional part"],
    ),
    "overlapping breaks": (
        GROUP + 'breaks = [{ name = "coffee", offset_min = 60, duration_min = 30 },'
                ' { name = "call", offset_min = 80, duration_min = 10 }]\n',
        ["groups[0].shifts[0]: breaks[0] (coffee) and breaks[1] (call) overlap (including stagger);"
         " move one of them so that each ends before the next starts"],
    ),
    "stagger makes breaks overlap": (
        GROUP + 'breaks = [{ name = "coffee", offset_min = 60, duration_min = 15, stagger_min = 60 },'
                ' { name = "lunch", offset_min = 120, duration_min = 30 }]\n',
        ["groups[0].shifts[0]: breaks[0] (coffee) and breaks[1] (lunch) overlap (including stagger);"
         " move one of them so that each ends before the next starts"],
    ),
    "break outside the shift": (
        GROUP + 'breaks = [{ name = "late", offset_min = 470, duration_min = 30 }]\n',
        ["groups[0].shifts[0]: breaks[0] (late) ends 500 min after the shift start but the shift lasts"
         " 480 min; move it earlier or shorten it"],
    ),
    "shift start 24:30": (
        GROUP.replace('"08:00"', '"24:30"'),
        ["groups[0].shifts[0].start: '24:30' is not a time of day; use HH:MM between 00:00 and 23:59"],
    ),
    "shift start 25:00": (
        GROUP.replace('"08:00"', '"25:00"'),
        ["groups[0].shifts[0].start: '25:00' is not a time of day; use HH:MM between 00:00 and 23:59"],
    ),
    "shift start 24:00": (
        GROUP.replace('"08:00"', '"24:00"'),
        ["groups[0].shifts[0].start: '24:00' is not a time of day; use HH:MM between 00:00 and 23:59"],
    ),
    "shift start without minutes": (
        GROUP.replace('"08:00"', '"8"'),
        ["groups[0].shifts[0].start: '8' is not a time of day; use HH:MM between 00:00 and 23:59"],
    ),
    "20-hour shift": (
        GROUP.replace("length_h = 8", "length_h = 20"),
        ["groups[0].shifts[0].length_h: 20 is not valid: input should be less than or equal to 16"],
    ),
    "unknown top-level key": (
        'nmae = "x"\n' + GROUP,
        ["nmae: unknown key 'nmae'; remove it or fix its spelling"
         " (allowed here: calendar, costs, description, groups, inbound, name, outbound, run, schema_version,"
         " strategy, targets, workforce)"],
    ),
    "unknown nested key": (
        "[inbound.talk]\nmean_s = 300\nmena_s = 30\n" + GROUP,
        ["inbound.talk.mena_s: unknown key 'mena_s'; remove it or fix its spelling"
         " (allowed here: cv, distribution, mean_s)"],
    ),
    "unknown key in a shift": (
        GROUP.replace("headcount = 3", "headcount = 3\nheadcnt = 4"),
        ["groups[0].shifts[0].headcnt: unknown key 'headcnt'; remove it or fix its spelling"
         " (allowed here: breaks, days, headcount, length_h, name, start)"],
    ),
    "empty file": (
        "   \n\n",
        ["the file is empty; start from scenarios/baseline.toml"],
    ),
    "not TOML": (
        "this is not toml\n",
        ["not valid TOML: Expected '=' after a key in a key/value pair (at line 1, column 6);"
         " check quotes, brackets and '='"],
    ),
    "table declared twice": (
        "[calendar]\n[calendar]\n" + GROUP,
        ["not valid TOML: Cannot declare ('calendar',) twice (at line 2, column 10); check quotes, brackets and '='"],
    ),
    "missing required field": (
        GROUP.replace("length_h = 8\n", ""),
        ["groups[0].shifts[0].length_h: is required but missing; add it"],
    ),
    "no groups at all": (
        'name = "x"\n',
        ["groups: is required but missing; add it"],
    ),
    "group without shifts": (
        '[[groups]]\nname = "Team"\nshifts = []\n',
        ["groups[0].shifts: has 0 entries; give at least 1"],
    ),
    "unknown time zone": (
        '[calendar]\ntimezone = "Europe/Atlantis"\n' + GROUP,
        ["calendar.timezone: 'Europe/Atlantis' is not a known time zone; use an IANA name such as \"Europe/Rome\""],
    ),
    "closing before opening": (
        '[calendar.opening_hours]\nmon = { open = "18:00", close = "09:00" }\n' + GROUP,
        ['calendar.opening_hours.mon: close 09:00 must be after open 18:00; the center cannot be open past'
         ' midnight, use close = "24:00"'],
    ),
    "misspelt weekday": (
        '[calendar.opening_hours]\nmonday = { open = "08:00", close = "20:00" }\n' + GROUP,
        ["calendar.opening_hours.monday: 'monday' is not allowed;"
         " use 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun'"],
    ),
    "duplicate group names": (
        GROUP + GROUP,
        ["groups: group names ['Team'] are used twice; give every group its own name"],
    ),
    "intraday shape of the wrong length": (
        "[inbound.demand]\nintraday_shape = [1, 2, 3]\n" + GROUP,
        ["inbound.demand.intraday_shape: has 3 weights; give 24 (hourly), 48 (half-hourly) or 96 (15-minute)"
         " weights"],
    ),
    "duplicate weekday in a shift": (
        GROUP.replace("headcount = 3", 'headcount = 3\ndays = ["mon", "tue", "mon"]'),
        ["groups[0].shifts[0].days: ['mon', 'tue', 'mon'] repeats a weekday; list each day once"],
    ),
    "unknown distribution": (
        '[inbound.talk]\ndistribution = "gamma"\nmean_s = 300\n' + GROUP,
        ["inbound.talk.distribution: 'gamma' is not allowed; use 'fixed', 'exponential' or 'lognormal'"],
    ),
    "lognormal without spread": (
        '[inbound.talk]\ndistribution = "lognormal"\nmean_s = 300\ncv = 0\n' + GROUP,
        ['inbound.talk: a lognormal duration needs cv > 0; use distribution = "fixed" for a constant'],
    ),
    "reporting interval of 20 minutes": (
        "[calendar]\ninterval_minutes = 20\n" + GROUP,
        ["calendar.interval_minutes: 20 is not allowed; use 15, 30 or 60"],
    ),
    "nobody answers inbound": (
        GROUP.replace('name = "Team"', 'name = "Team"\nkind = "outbound"'),
        ["inbound is enabled but no inbound or blended group has agents;"
         " add headcount to such a group or set inbound.enabled = false"],
    ),
    "two problems in one file": (
        "name = 3\n" + GROUP.replace("headcount = 3", "headcount = -2"),
        ["name: 3 is not valid: input should be a valid string",
         "groups[0].shifts[0].headcount: -2 is not valid: input should be greater than or equal to 0"],
    ),
    "problems in two groups": (
        GROUP.replace('"08:00"', '"25:00"')
        + GROUP.replace('"Team"', '"Other"').replace("length_h = 8", "length_h = 0"),
        ["groups[0].shifts[0].start: '25:00' is not a time of day; use HH:MM between 00:00 and 23:59",
         "groups[1].shifts[0].length_h: 0 is not valid: input should be greater than 0"],
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(BAD.values()), ids=list(BAD))
def test_malformed_scenario_is_rejected_with_a_precise_message(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


def test_the_error_text_lists_every_problem_with_the_file_name() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(BAD["two problems in one file"][0], "team.toml")
    assert str(info.value) == (
        "team.toml: 2 problem(s) in the scenario:\n"
        "  - name: 3 is not valid: input should be a valid string\n"
        "  - groups[0].shifts[0].headcount: -2 is not valid: input should be greater than or equal to 0"
    )


def test_a_valid_minimal_scenario_loads() -> None:
    scenario = parse_scenario(GROUP)
    assert scenario.headcount == 3 and scenario.groups[0].shifts[0].start_s == 8 * 3600


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "picture.toml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.problems == (Problem("", "is not a UTF-8 text file; is it really a .toml scenario?"),)
    assert str(path) in str(info.value)


def test_empty_file_missing_file_and_folder_are_rejected(tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    cases = {
        empty: "the file is empty; start from scenarios/baseline.toml",
        tmp_path / "nowhere.toml": "file not found; check the path",
        tmp_path: "is a folder, not a scenario file",
    }
    for path, message in cases.items():
        with pytest.raises(ScenarioError) as info:
            load_scenario(path)
        assert [p.message for p in info.value.problems] == [message]


def test_mapping_errors_carry_the_source() -> None:
    with pytest.raises(ScenarioError) as info:
        scenario_from_mapping({"groups": []}, "<sweep point 3>")
    assert str(info.value).startswith("<sweep point 3>: 1 problem(s)")


# --------------------------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------------------------


def test_baseline_file_and_built_in_baseline_agree() -> None:
    assert load_scenario(BASELINE) == default_scenario()


def test_save_then_load_gives_an_equal_scenario(tmp_path: Path) -> None:
    original = default_scenario()
    path = save_scenario(original, tmp_path / "sub" / "copy.toml")
    assert path == tmp_path / "sub" / "copy.toml"
    assert load_scenario(path) == original
    assert load_scenario(path).content_hash() == original.content_hash()


def test_save_round_trips_tables_holidays_and_awkward_text(tmp_path: Path) -> None:
    data = default_scenario().model_dump(mode="python")
    data["name"] = 'Quotes " and \\ backslashes'
    data["description"] = "two\nlines"
    data["calendar"]["holidays"] = ["2026-01-06"]
    data["calendar"]["opening_hours"]["sat"] = None
    data["inbound"]["demand"]["interval_table"] = {"mon": [10.0] * 24, "tue": [5.5] * 96}
    scenario = scenario_from_mapping(data)
    path = save_scenario(scenario, tmp_path / "odd.toml")
    assert load_scenario(path) == scenario


def test_saving_over_a_file_keeps_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text("# my own notes\n" + GROUP)
    before = path.read_text()
    save_scenario(default_scenario(), path)
    assert (tmp_path / "plan.toml.bak").read_text() == before
    assert load_scenario(path) == default_scenario()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml", "plan.toml.bak"]  # no temp files left


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def test_validate_accepts_the_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BASELINE)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "Baseline collections center" in out


def test_validate_rejects_a_bad_file_with_exit_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD["two problems in one file"][0])
    assert main(["validate", str(path)]) == 2
    out = " ".join(capsys.readouterr().out.split())  # rich may wrap long lines
    assert "2 problem(s)" in out
    assert "name: 3 is not valid: input should be a valid string" in out
    assert "groups[0].shifts[0].headcount: -2 is not valid" in out


def test_validate_rejects_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nowhere.toml")]) == 2
    assert "file not found" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------
# The core knows nothing about Qt
# --------------------------------------------------------------------------------------------


def test_core_modules_load_no_qt() -> None:
    code = (
        "import sys\n"
        "import wfm.sim, wfm.scenario, wfm.scenario.io, wfm.kpi, wfm.experiment, wfm.analytic\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --------------------------------------------------------------------------------------------
# The scenario package: one module per topic, no import cycle, one home for time units
# --------------------------------------------------------------------------------------------

PACKAGE = SRC / "scenario"


def _scenario_imports(path: Path) -> set[str]:
    """The wfm.scenario modules `path` imports (the package root as "wfm.scenario")."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
            [a.name for a in node.names] if isinstance(node, ast.Import) else []
        found |= {n for n in names if n == "wfm.scenario" or n.startswith("wfm.scenario.")}
    return found


def test_scenario_modules_import_each_other_without_a_cycle() -> None:
    modules = {f"wfm.scenario.{p.stem}": p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    graph = {name: _scenario_imports(path) for name, path in modules.items()}
    assert {name: deps for name, deps in graph.items() if "wfm.scenario" in deps} == {}  # only the re-exports do
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        pytest.fail(f"import cycle in wfm.scenario: {exc.args[1]}")
    assert order.index("wfm.scenario.units") < order.index("wfm.scenario.outbound") < order.index("wfm.scenario.model")


def test_the_package_root_only_re_exports() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    kinds = {type(node).__name__ for node in tree.body}
    assert kinds <= {"Expr", "ImportFrom", "Assign"}  # docstring, imports, __all__
    exported = set(wfm.scenario.__all__)
    assert all(hasattr(wfm.scenario, name) for name in exported)
    for path in PACKAGE.glob("*.py"):
        if path.stem == "__init__":
            continue
        module = importlib.import_module(f"wfm.scenario.{path.stem}")
        models = {name for name, value in vars(module).items() if isinstance(value, type)
                  and issubclass(value, Model) and value is not Model  # the shared base is no section
                  and value.__module__ == module.__name__}
        assert models <= exported, f"{path.name} defines models the package does not export: {models - exported}"


def test_time_units_are_defined_once() -> None:
    assignment = re.compile(r"^\s*(\w*(?:DAY|HOUR|MINUTE|WEEK)_S|SECONDS_PER_\w+)\s*(?::[^=]*)?=[^=]", re.M)
    day_literal = re.compile(r"\b86_?400\b")
    defined, literal = [], []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(SRC).as_posix()
        defined += [f"{where}: {m.group(1)}" for m in assignment.finditer(text)]
        if where != "scenario/units.py" and not where.startswith("gui/"):  # the GUI's spin-box limits aside
            literal += [where for _ in day_literal.finditer(text)]
    assert sorted(defined) == ["scenario/units.py: DAY_S", "scenario/units.py: HOUR_S", "scenario/units.py: MINUTE_S",
                               "scenario/units.py: WEEK_S"]
    assert literal == []
    assert (wfm.scenario.MINUTE_S, wfm.scenario.HOUR_S, wfm.scenario.DAY_S, wfm.scenario.WEEK_S) == \
        (60, 3_600, 86_400, 604_800)


def test_content_hash_without_imported_accounts_is_the_plain_dump_hash() -> None:
    # An independent reference: the hash every scenario had before imported accounts became a
    # table (and before KPI targets, which judge results but do not shape them, and collection
    # strategies, which shape nothing while disabled); a scenario with no imported accounts must
    # keep it, so stored results still match.
    scenario = load_scenario(BASELINE)
    canonical = json.dumps(scenario.model_dump(mode="json", exclude={"targets", "strategy"}), sort_keys=True,
                           separators=(",", ":"))
    assert scenario.content_hash() == hashlib.sha256(canonical.encode()).hexdigest()[:12]
