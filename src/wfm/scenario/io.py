"""Reading and writing scenario files, and turning validation failures into planner-readable text.

Parsing lives apart from the model (`wfm.scenario.model`) so the model stays a pure description of
the inputs; this module is the only place that touches scenario files.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from wfm.scenario.model import Scenario
from wfm.scenario.outbound import Portfolio
from wfm.scenario.portfolio_file import PortfolioError, read_portfolio
from wfm.scenario.strategy import Strategy
from wfm.scenario.units import format_time_of_day

DEFAULT_SCENARIO_NAME = "baseline.toml"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# A date as a European planner types it: day/month/year, with slashes, dots or dashes.
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
_TOML_ERROR_LINE = re.compile(r"\(at line (\d+), column \d+\)")
DATE_FORMAT_HINT = "write dates as YYYY-MM-DD, e.g. 2026-01-05 for 5 January 2026"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (dotted path) and what to do about it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ScenarioError(ValueError):
    """A scenario could not be loaded; carries every problem found, not just the first."""

    def __init__(self, source: str, problems: Iterable[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s) in the scenario:\n{lines}")


def format_loc(loc: Iterable[int | str]) -> str:
    """Join a pydantic error location as `groups[0].shifts[2].start`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _allowed_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """Walk the model along `loc` (minus the unknown key) to list the keys it accepts."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    return sorted(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    annotation = getattr(annotation, "row_model", annotation)  # a table of rows (AccountTable) lists row keys
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _date_problem(value: Any) -> str:
    """What is wrong with a date that did not parse, and the form to write it in.

    pydantic's own text ("invalid character in year") does not say which form it expects;
    a date written day first is the usual slip, so it is turned round as an example.
    """
    example = ""
    found = _DAY_MONTH_YEAR.fullmatch(value.strip()) if isinstance(value, str) else None
    if found is not None:
        day, month, year = (int(g) for g in found.groups())
        if 1 <= day <= 31 and 1 <= month <= 12:
            example = f" ({year:04d}-{month:02d}-{day:02d} if you meant day {day} of month {month})"
    return f"{_describe(value)} is not a date; {DATE_FORMAT_HINT}{example}"


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def problems_from(error: ValidationError, model: type[BaseModel] = Scenario) -> list[Problem]:
    """Translate pydantic's errors into messages that name the value and the fix."""
    problems = []
    errors = error.errors(include_url=False)
    for err in errors:
        loc = tuple(p for p in err["loc"] if p != "[key]")  # a bad dict key: the key itself ends the path
        kind = err["type"]
        if kind == "too_short" and _has_nested_error(errors, loc):
            # pydantic counts only the items that validated, so one bad shift also makes the list
            # "too short": that echo would hide the real problem, which is reported on its own.
            continue
        value = err.get("input")
        if kind == "extra_forbidden":
            allowed = _allowed_keys(model, loc)
            hint = f" (allowed here: {', '.join(allowed)})" if allowed else ""
            message = f"unknown key {str(loc[-1])!r}; remove it or fix its spelling{hint}"
        elif kind == "missing":
            message = "is required but missing; add it"
        elif kind == "too_short":
            need = err["ctx"]["min_length"]
            message = f"has {err['ctx']['actual_length']} entries; give at least {need}"
        elif kind == "value_error":
            message = str(err["ctx"]["error"]) if "ctx" in err else err["msg"]
        elif kind.startswith("date_"):
            message = _date_problem(value)
        elif kind == "literal_error":
            message = f"{_describe(value)} is not allowed; use {err['ctx']['expected']}"
        else:
            message = f"{_describe(value)} is not valid: {err['msg'][0].lower()}{err['msg'][1:]}"
        # pydantic adds the function name of a tagged union / validator to loc; drop internals
        problems.append(Problem(format_loc(p for p in loc if not str(p).startswith("function-")), message))
    return problems


def _has_nested_error(errors: Iterable[Mapping[str, Any]], loc: tuple[int | str, ...]) -> bool:
    """Whether another error points inside the value at `loc`."""
    return any(len(e["loc"]) > len(loc) and tuple(e["loc"][: len(loc)]) == loc for e in errors)


def scenario_from_mapping(data: Mapping[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate already-parsed data, collecting every problem into one ScenarioError."""
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(source, problems_from(exc)) from None


def parse_scenario(text: str, source: str = "<text>", base_dir: str | os.PathLike[str] | None = None, *,
                   progress: Callable[[float], None] | None = None) -> Scenario:
    """Parse TOML text into a validated Scenario.

    Args:
        text: the scenario's TOML.
        source: how to name the scenario in error messages (usually its path).
        base_dir: folder that a relative `outbound.portfolio.file` starts from (the scenario's
            own folder); without it a scenario that imports a portfolio file is refused.
        progress: called with the share of a portfolio file read so far (never called when the
            scenario imports none); a file of a million accounts takes tens of seconds.
    """
    text = text.removeprefix("\ufeff")  # a byte-order mark, as Notepad saves UTF-8, is not part of the TOML
    if not text.strip():
        raise ScenarioError(source, [Problem("", "the file is empty; start from scenarios/baseline.toml")])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, [Problem("", _toml_problem(text, exc))]) from None
    data, file_problems = _import_portfolio_file(data, None if base_dir is None else Path(base_dir), progress)
    if not file_problems:
        return scenario_from_mapping(data, source)
    # Validate the rest too, so the planner sees every problem of the scenario at once.
    try:
        scenario_from_mapping(_without_portfolio_file(data), source)
    except ScenarioError as exc:
        file_problems += exc.problems
    raise ScenarioError(source, file_problems)


def _toml_problem(text: str, exc: tomllib.TOMLDecodeError) -> str:
    """The TOML parser's message, with the fix for the slip it most likely is.

    A date typed day first without quotes (`start_date = 05/01/2026`) is not a TOML value,
    and the parser can only say where it stopped; when that line holds such a date, say how
    dates are written.
    """
    message = f"not valid TOML: {exc}"
    where = _TOML_ERROR_LINE.search(str(exc))
    lines = text.splitlines()
    if where is not None and 0 < int(where.group(1)) <= len(lines) and _DAY_MONTH_YEAR.search(
            lines[int(where.group(1)) - 1]):
        return f"{message}; {DATE_FORMAT_HINT}, without quotes"
    return f"{message}; check quotes, brackets and '='"


def load_scenario(path: str | os.PathLike[str], *, progress: Callable[[float], None] | None = None) -> Scenario:
    """Load and validate a scenario file; `progress` follows the reading of its portfolio file, if any."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(str(path), [Problem("", "file not found; check the path")]) from None
    except IsADirectoryError:
        raise ScenarioError(str(path), [Problem("", "is a folder, not a scenario file")]) from None
    except PermissionError:
        raise ScenarioError(str(path), [Problem("", "cannot be read (permission denied)")]) from None
    try:
        text = raw.decode("utf-8-sig")  # Notepad starts UTF-8 files with a byte-order mark
    except UnicodeDecodeError:
        raise ScenarioError(
            str(path), [Problem("", "is not a UTF-8 text file; is it really a .toml scenario?")]
        ) from None
    return parse_scenario(text, str(path), base_dir=path.parent, progress=progress)


# ---- Portfolio files: `outbound.portfolio.file` is read here, at load, so wfm.sim never touches files ----

PORTFOLIO_FILE = "outbound.portfolio.file"


def _portfolio_table(data: Mapping[str, Any]) -> dict[str, Any] | None:
    outbound = data.get("outbound")
    portfolio = outbound.get("portfolio") if isinstance(outbound, dict) else None
    return portfolio if isinstance(portfolio, dict) else None


def _import_portfolio_file(data: dict[str, Any], base_dir: Path | None, progress: Callable[[float], None] | None = None
                           ) -> tuple[dict[str, Any], list[Problem]]:
    """The data with `imported` set to the table read from the portfolio file, or the problems that prevented it."""
    portfolio = _portfolio_table(data)
    name = portfolio.get("file") if portfolio is not None else None
    if portfolio is None or not isinstance(name, str) or not name.strip():
        return data, []  # no file; a file that is not text is reported by validation
    if "imported" in portfolio:
        return data, [Problem(PORTFOLIO_FILE, (
            f"{name!r} is given together with an inline outbound.portfolio.imported list; keep one: remove"
            " `imported` to read the file, or clear `file` to use the inline accounts"
        ))]
    if base_dir is None:
        return data, [Problem(PORTFOLIO_FILE, (
            f"{name!r} is a portfolio file, but this scenario text has no folder to find it in; load the scenario"
            " file with load_scenario(path), or pass base_dir= to parse_scenario"
        ))]
    sheet = portfolio.get("sheet", "")
    try:
        accounts = read_portfolio(base_dir / name, sheet=sheet if isinstance(sheet, str) else "",
                                  segments=_segment_names(portfolio), progress=progress,
                                  postcodes=_postcode_codes(data))
    except PortfolioError as exc:
        return data, [Problem(PORTFOLIO_FILE, line) for line in exc.lines()]
    outbound = {**data["outbound"], "portfolio": {**portfolio, "imported": accounts}}
    return {**data, "outbound": outbound}, []


def _postcode_codes(data: Mapping[str, Any]) -> list[str] | None:
    """The codes of the field teams' zone table, when the scenario has one (a file's postcodes must be in it)."""
    strategy = data.get("strategy")
    field = strategy.get("field") if isinstance(strategy, Mapping) else None
    rows = field.get("postcodes") if isinstance(field, Mapping) else None
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) and isinstance(r.get("code"), str) for r in rows):
        return None  # no table (or a malformed one, reported by validation): any postcode is read as it is
    return [r["code"] for r in rows]


def _segment_names(portfolio: Mapping[str, Any]) -> list[str] | None:
    """The segment names the file's accounts may use; None when the segments are malformed (reported apart)."""
    segments = portfolio.get("segments")
    if segments is None:
        return [s.name for s in Portfolio.model_fields["segments"].get_default(call_default_factory=True)]
    if isinstance(segments, list) and all(isinstance(s, dict) and isinstance(s.get("name"), str) for s in segments):
        return [s["name"] for s in segments]
    return None


def _without_portfolio_file(data: dict[str, Any]) -> dict[str, Any]:
    portfolio = _portfolio_table(data)
    if portfolio is None:
        return data
    rest = {k: v for k, v in portfolio.items() if k not in ("file", "sheet")}
    return {**data, "outbound": {**data["outbound"], "portfolio": rest}}


def default_scenario_text() -> str:
    """The shipped baseline scenario, embedded in the package so it runs with no arguments."""
    return resources.files("wfm.data").joinpath(DEFAULT_SCENARIO_NAME).read_text(encoding="utf-8")


def default_scenario() -> Scenario:
    """The shipped baseline scenario, validated."""
    return parse_scenario(default_scenario_text(), f"<built-in {DEFAULT_SCENARIO_NAME}>")


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

def _toml_key(key: str) -> str:
    """A key as TOML accepts it: bare when it can be (`mean_s`), quoted otherwise (`"Europe/Rome"`)."""
    key = str(key)
    return key if _BARE_KEY.fullmatch(key) else _toml_value(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(isinstance(v, dict) for v in value)


def _emit_table(lines: list[str], prefix: str, table: dict[str, Any], array: bool = False) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict) and not _is_table_list(v)}
    if prefix:
        lines.append("")
        lines.append(f"[[{prefix}]]" if array else f"[{prefix}]")
    for key, value in scalars.items():
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in table.items():
        name = f"{prefix}.{_toml_key(key)}" if prefix else _toml_key(key)
        if isinstance(value, dict):
            _emit_table(lines, name, value)
        elif _is_table_list(value):
            for item in value:
                _emit_table(lines, name, item, array=True)


def _outbound_to_toml_data(outbound: dict[str, Any]) -> None:
    """TOML has no null and writes times as text: drop unset compliance keys, format windows."""
    compliance = outbound["compliance"]
    for key in [k for k, v in compliance.items() if v is None]:
        del compliance[key]
    if "windows" in compliance:
        compliance["windows"] = {
            day: ({"start": format_time_of_day(w["start"]), "end": format_time_of_day(w["end"])} if w else {})
            for day, w in compliance["windows"].items()
        }
    portfolio = outbound["portfolio"]
    # Accounts read from a file are saved as the file's name, not row by row: the TOML stays
    # small and the file stays the one source of the accounts.
    if portfolio["file"] or not portfolio["imported"]:
        del portfolio["imported"]
    else:
        portfolio["imported"] = portfolio["imported"].records(compact=True)  # inline accounts, one table row each


def _strategy_to_toml_data(data: dict[str, Any]) -> None:
    """Write the strategy only when it differs from the default (files from before strategies stay as they were)."""
    strategy = data.pop("strategy")
    if strategy == Strategy().model_dump(mode="python"):
        return
    for channel in strategy["channels"].values():
        window = channel.pop("window")
        if window is not None:
            channel["window"] = {"start": format_time_of_day(window["start"]), "end": format_time_of_day(window["end"])}
    for path in strategy["paths"]:
        if path["balance_max"] is None:
            del path["balance_max"]
        for step in path["steps"]:  # a step without a balance condition is written as before them
            if step["balance_max"] is None:
                del step["balance_max"]
            if not step["balance_min"]:
                del step["balance_min"]
    field = strategy.pop("field")
    if field is not None:  # times as a file writes them; no field team: no table (TOML has no null)
        for agents in (field["agents"], *field["teams"]):
            agents["shift_start"] = format_time_of_day(agents["shift_start"])
        for rules in (field, *field["by_region"].values(), *field["nobody_home_by_hour"]):
            for key in ("visiting_start", "visiting_end", "start", "end"):
                if key in rules:
                    rules[key] = format_time_of_day(rules[key])
        strategy["field"] = field
    legal = strategy.pop("legal")
    if legal is not None:  # no legal hand-off: no table
        strategy["legal"] = legal
    data["strategy"] = strategy


def scenario_to_toml(scenario: Scenario) -> str:
    """Serialise a scenario to TOML text that `parse_scenario` reads back to an equal Scenario.

    Accounts imported from a portfolio file are written as the `file` key only, so reading the
    text back needs the file (`load_scenario`, or `parse_scenario` with `base_dir`).
    """
    data = scenario.model_dump(mode="python")
    hours = data["calendar"]["opening_hours"]
    data["calendar"]["opening_hours"] = {
        day: ({"open": format_time_of_day(h["open"]), "close": format_time_of_day(h["close"])} if h else {})
        for day, h in hours.items()
    }
    for group in data["groups"]:
        for shift in group["shifts"]:
            shift["start"] = format_time_of_day(shift["start"])
    if data["inbound"]["demand"]["interval_table"] is None:
        del data["inbound"]["demand"]["interval_table"]
    _outbound_to_toml_data(data["outbound"])
    targets = {key: value for key, value in data.pop("targets").items() if value is not None}
    if targets:  # only the targets set; none written is none set
        data["targets"] = targets
    _strategy_to_toml_data(data)
    lines: list[str] = [f"# {scenario.name}", "# Written by wfm; every key is documented in scenarios/baseline.toml."]
    _emit_table(lines, "", data)
    return "\n".join(lines) + "\n"


DRAFT_MARK = "# Draft: this scenario still has problems; wfm validate lists them."
"""The first line of a file written by `draft_to_toml`, so a reader knows to expect problems."""

_CLOSED_DAY_MAPS = ("opening_hours", "windows")  # a None day in these is a closed day: {} in TOML


def _draft_value(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        closed: dict[str, Any] | None = {} if key in _CLOSED_DAY_MAPS else None
        return {k: (closed if v is None else _draft_value(str(k), v)) for k, v in value.items()
                if v is not None or closed is not None}
    if isinstance(value, list | tuple):
        return [_draft_value(key, v) for v in value if v is not None]
    if hasattr(value, "records"):  # an AccountTable of inline accounts
        return value.records(compact=True)
    return value


def draft_to_toml(data: Mapping[str, Any]) -> str:
    """TOML text of a scenario as an editor holds it (times as "HH:MM"), valid or not: a draft.

    Values that are not yet valid are written as they are, so reading the file back lists the
    same problems; TOML has no null, so unset keys are left out (a closed day is `{}`). Accounts
    read from a portfolio file are written as its name only, as `scenario_to_toml` does.
    """
    draft = _draft_value("", dict(data))
    portfolio = draft.get("outbound", {}).get("portfolio", {})
    if isinstance(portfolio, dict) and (portfolio.get("file") or not portfolio.get("imported")):
        portfolio.pop("imported", None)
    lines = [DRAFT_MARK, f"# {data.get('name', 'Untitled scenario')}"]
    _emit_table(lines, "", draft)
    return "\n".join(lines) + "\n"


def save_scenario(
    scenario: Scenario, path: str | os.PathLike[str], *, source_dir: str | os.PathLike[str] | None = None
) -> Path:
    """Write a scenario atomically; an existing file is kept as `<name>.bak` first.

    Args:
        scenario: what to write.
        path: where.
        source_dir: the folder the scenario was loaded from. A relative portfolio `file` starts from
            the scenario's folder, so when saving elsewhere it is rewritten to still name the same
            file. None writes it as it is.
    """
    path = Path(path)
    if source_dir is not None:
        scenario = _rebase_portfolio_file(scenario, Path(source_dir), path.parent)
    return save_text(scenario_to_toml(scenario), path)


def save_text(text: str, path: str | os.PathLike[str]) -> Path:
    """Write scenario text (a scenario's or a draft's) atomically; an existing file is kept as `<name>.bak`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        previous = path.read_bytes() if path.exists() else None
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if previous is not None:  # only once the new file is in place: a failed save leaves no stray .bak
        path.with_suffix(path.suffix + ".bak").write_bytes(previous)
    return path


def _rebase_portfolio_file(scenario: Scenario, source_dir: Path, target_dir: Path) -> Scenario:
    """The scenario with its relative portfolio path rewritten from `source_dir` to `target_dir`."""
    portfolio = scenario.outbound.portfolio
    if not portfolio.file or Path(portfolio.file).is_absolute():
        return scenario
    target = os.path.abspath(source_dir / portfolio.file)
    try:
        rebased = Path(os.path.relpath(target, os.path.abspath(target_dir))).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        rebased = Path(target).as_posix()
    if rebased == portfolio.file:
        return scenario
    outbound = scenario.outbound.model_copy(update={"portfolio": portfolio.model_copy(update={"file": rebased})})
    return scenario.model_copy(update={"outbound": outbound})
