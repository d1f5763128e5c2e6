"""Reading and writing scenario files, and turning validation failures into planner-readable text.

Parsing lives apart from the model (`wfm.scenario`) so the model stays a pure description of
the inputs; this module is the only place that touches scenario files.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from wfm.scenario import Scenario, format_time_of_day

DEFAULT_SCENARIO_NAME = "baseline.toml"


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
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


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


def parse_scenario(text: str, source: str = "<text>") -> Scenario:
    """Parse TOML text into a validated Scenario."""
    if not text.strip():
        raise ScenarioError(source, [Problem("", "the file is empty; start from scenarios/baseline.toml")])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, [Problem("", f"not valid TOML: {exc}; check quotes, brackets and '='")])\
            from None
    return scenario_from_mapping(data, source)


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load and validate a scenario file."""
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
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(
            str(path), [Problem("", "is not a UTF-8 text file; is it really a .toml scenario?")]
        ) from None
    return parse_scenario(text, str(path))


def default_scenario_text() -> str:
    """The shipped baseline scenario, embedded in the package so it runs with no arguments."""
    return resources.files("wfm.data").joinpath(DEFAULT_SCENARIO_NAME).read_text(encoding="utf-8")


def default_scenario() -> Scenario:
    """The shipped baseline scenario, validated."""
    return parse_scenario(default_scenario_text(), f"<built-in {DEFAULT_SCENARIO_NAME}>")


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

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
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(isinstance(v, dict) for v in value)


def _emit_table(lines: list[str], prefix: str, table: dict[str, Any], array: bool = False) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict) and not _is_table_list(v)}
    if prefix:
        lines.append("")
        lines.append(f"[[{prefix}]]" if array else f"[{prefix}]")
    for key, value in scalars.items():
        lines.append(f"{key} = {_toml_value(value)}")
    for key, value in table.items():
        if isinstance(value, dict):
            _emit_table(lines, f"{prefix}.{key}" if prefix else key, value)
        elif _is_table_list(value):
            for item in value:
                _emit_table(lines, f"{prefix}.{key}" if prefix else key, item, array=True)


def scenario_to_toml(scenario: Scenario) -> str:
    """Serialise a scenario to TOML text that `parse_scenario` reads back to an equal Scenario."""
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
    lines: list[str] = [f"# {scenario.name}", "# Written by wfm; every key is documented in scenarios/baseline.toml."]
    _emit_table(lines, "", data)
    return "\n".join(lines) + "\n"


def save_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> Path:
    """Write a scenario atomically; an existing file is kept as `<name>.bak` first."""
    path = Path(path)
    text = scenario_to_toml(scenario)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if path.exists():
            backup = path.with_suffix(path.suffix + ".bak")
            backup.write_bytes(path.read_bytes())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
