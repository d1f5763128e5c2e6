"""Sweeps: vary one or two scenario fields over a grid and tabulate the KPIs of each point.

A field is addressed by its dotted path with list indices, as validation messages print it:
`groups[0].shifts[0].headcount`, `inbound.patience.mean_s`. Each grid point is built by
changing the scenario's data and validating it again, so an impossible grid point fails with
the usual precise message. All points run on the same seed: replication i of every point
shares its random numbers, so neighbouring points differ by the change, not by noise.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from wfm.experiment import Estimate, RunPlan, Summary, run_many
from wfm.scenario import Scenario
from wfm.scenario.io import Problem, ScenarioError, scenario_from_mapping

Value = int | float | str | bool

_STEP = re.compile(r"^([^\[\]]+)((?:\[\d+\])*)$")


@dataclass(frozen=True)
class Axis:
    """One swept field.

    Attributes:
        path: dotted path of the field, with list indices (`groups[0].shifts[1].headcount`).
        values: the grid values, in order.
    """

    path: str
    values: tuple[Value, ...]


def _parse_scalar(text: str) -> Value:
    text = text.strip()
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _range_values(spec: str, path: str) -> tuple[Value, ...]:
    """`start:stop:step`, both ends included, integers when all three are integers."""
    parts = [_parse_scalar(p) for p in spec.split(":")]
    numbers = [p for p in parts if isinstance(p, int | float) and not isinstance(p, bool)]
    if len(parts) != 3 or len(numbers) != 3:
        raise ValueError(f"{path}: range {spec!r} is not start:stop:step; write e.g. 40:80:10")
    start, stop, step = numbers
    if step <= 0 or stop < start:
        raise ValueError(f"{path}: range {spec!r} needs start <= stop and a positive step; write e.g. 40:80:10")
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > 1000:
        raise ValueError(f"{path}: range {spec!r} has {count} points; use a coarser step (at most 1000 points)")
    if all(isinstance(p, int) for p in numbers):
        return tuple(int(start + k * step) for k in range(count))
    return tuple(round(float(start + k * step), 12) for k in range(count))


def parse_axis(text: str) -> Axis:
    """An axis from `path=start:stop:step` or `path=v1,v2,...` (the CLI form).

    Raises:
        ValueError: naming the text and the expected form.
    """
    path, sep, spec = text.partition("=")
    path, spec = path.strip(), spec.strip()
    if not sep or not path or not spec:
        raise ValueError(
            f"{text!r} is not a sweep axis; write PATH=START:STOP:STEP or PATH=V1,V2,..."
            " e.g. groups[0].shifts[0].headcount=40:80:10"
        )
    _split_path(path)
    if ":" in spec and "," not in spec and spec.count(":") == 2:
        values = _range_values(spec, path)
    else:
        values = tuple(_parse_scalar(v) for v in spec.split(",") if v.strip())
    if not values:
        raise ValueError(f"{path}: no values given; write e.g. {path}=1,2,3")
    return Axis(path, values)


def _split_path(path: str) -> list[str | int]:
    """`groups[0].shifts[1].headcount` → ['groups', 0, 'shifts', 1, 'headcount']."""
    steps: list[str | int] = []
    for part in path.split("."):
        match = _STEP.match(part)
        if match is None:
            raise ValueError(
                f"{path!r} is not a field path; write names joined by dots with list indices,"
                " e.g. groups[0].shifts[1].headcount"
            )
        steps.append(match.group(1))
        steps.extend(int(i) for i in re.findall(r"\d+", match.group(2)))
    return steps


def _with_value(data: Any, steps: Sequence[str | int], value: Value, path: str) -> Any:
    """A copy of nested `data` with the field at `steps` replaced (other branches shared)."""
    if not steps:
        return value
    head, rest = steps[0], steps[1:]
    if isinstance(head, int):
        if not isinstance(data, list | tuple):
            raise ValueError(f"{path}: [{head}] indexes something that is not a list; check the path")
        if head >= len(data):
            raise ValueError(f"{path}: index [{head}] is out of range, the list has {len(data)} item(s)")
        items = list(data)
        items[head] = _with_value(items[head], rest, value, path)
        return items
    if not isinstance(data, Mapping):
        raise ValueError(f"{path}: {head!r} is looked up in something that is not a table; check the path")
    if rest and head not in data:
        raise ValueError(f"{path}: there is no section {head!r}; allowed here: {', '.join(sorted(data))}")
    out = dict(data)
    out[head] = _with_value(data.get(head), rest, value, path)
    return out


def vary(scenario: Scenario, changes: Mapping[str, Value], name: str | None = None) -> Scenario:
    """The scenario with fields changed by path, validated again.

    An unknown final key is passed on, so validation rejects it with the list of allowed keys.

    Raises:
        ScenarioError: with every problem of the changed scenario, as for a scenario file.
    """
    data: Any = scenario.model_dump(mode="python")
    label = ", ".join(f"{p}={v}" for p, v in changes.items())
    for path, value in changes.items():
        try:
            data = _with_value(data, _split_path(path), value, path)
        except ValueError as exc:
            raise ScenarioError(f"<{scenario.name} with {label}>", [Problem(path, str(exc).split(": ", 1)[-1])])\
                from None
    data["name"] = name if name is not None else f"{scenario.name} [{label}]"
    return scenario_from_mapping(data, f"<{scenario.name} with {label}>")


@dataclass(frozen=True)
class SweepRow:
    """One grid point.

    Attributes:
        values: the swept fields' values at this point, by path.
        summary: the experiment at this point.
    """

    values: dict[str, Value]
    summary: Summary

    @property
    def kpis(self) -> dict[str, Estimate]:
        """The point's KPI estimates."""
        return self.summary.kpis


@dataclass(frozen=True)
class SweepResult:
    """A finished sweep.

    Attributes:
        axes: the swept fields, first varying slowest.
        rows: one per grid point, in grid order.
        seed: the experiment seed shared by every point.
        replications: replications per point.
    """

    axes: tuple[Axis, ...]
    rows: tuple[SweepRow, ...]
    seed: int
    replications: int

    def table(self, keys: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """Columns: one per axis, then `<kpi>` (mean), `<kpi>_low` and `<kpi>_high` (95% CI) per KPI."""
        keys = list(self.rows[0].kpis) if keys is None else list(keys)
        columns: dict[str, np.ndarray] = {
            axis.path: np.array([row.values[axis.path] for row in self.rows]) for axis in self.axes
        }
        for key in keys:
            columns[key] = np.array([row.kpis[key].mean for row in self.rows])
            columns[f"{key}_low"] = np.array([row.kpis[key].low for row in self.rows])
            columns[f"{key}_high"] = np.array([row.kpis[key].high for row in self.rows])
        return columns

    @property
    def summaries(self) -> tuple[Summary, ...]:
        """The grid points' summaries, in grid order (for reports)."""
        return tuple(row.summary for row in self.rows)


def grid_scenarios(scenario: Scenario, axes: Sequence[Axis]) -> list[tuple[dict[str, Value], Scenario]]:
    """Every grid point's values and validated scenario, first axis varying slowest.

    All points are validated before anything runs, and every invalid point is reported.

    Raises:
        ValueError: for no axes, more than two, or the same path twice.
        ScenarioError: listing the problems of every invalid grid point.
    """
    if not 1 <= len(axes) <= 2:
        raise ValueError(f"a sweep varies one or two fields, but {len(axes)} were given")
    if len({a.path for a in axes}) != len(axes):
        raise ValueError(f"{axes[0].path} is swept twice; sweep two different fields")
    points, problems = [], []
    for combo in itertools.product(*(a.values for a in axes)):
        values = {a.path: v for a, v in zip(axes, combo, strict=True)}
        try:
            points.append((values, vary(scenario, values)))
        except ScenarioError as exc:
            label = ", ".join(f"{p}={v}" for p, v in values.items())
            problems += [Problem(p.path, f"{p.message} (at grid point {label})") for p in exc.problems]
    if problems:
        raise ScenarioError(f"<sweep of {scenario.name}>", problems)
    return points


def sweep(scenario: Scenario, axes: Sequence[Axis], plan: RunPlan) -> SweepResult:
    """Run every grid point on common random numbers (`plan`'s replications each) and collect the KPI table.

    `axes` are one or two `Axis`; the grid is their product.
    """
    points = grid_scenarios(scenario, axes)
    summaries = run_many([s for _, s in points], plan)
    rows = tuple(SweepRow(values, summary) for (values, _), summary in zip(points, summaries, strict=True))
    return SweepResult(axes=tuple(axes), rows=rows, seed=plan.seed, replications=plan.replications)


@dataclass(frozen=True)
class SweepPlan:
    """A sweep declared in a TOML file.

    Attributes:
        scenario: path of the base scenario (relative paths are taken from the sweep file's folder), or None
            for the built-in baseline.
        axes: the swept fields.
        replications: replications per point, or None for the scenario's default.
        seed: experiment seed, or None for the scenario's default.
    """

    scenario: Path | None
    axes: tuple[Axis, ...]
    replications: int | None
    seed: int | None


def load_sweep_plan(path: str | os.PathLike[str]) -> SweepPlan:
    """Read a sweep file.

    The form::

        scenario = "baseline.toml"        # optional
        replications = 10                 # optional
        seed = 1                          # optional
        [[axis]]
        path = "groups[0].shifts[0].headcount"
        range = "8:16:2"                  # or: values = [8, 12, 16]

    Raises:
        ScenarioError: with every problem in the file.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))  # utf-8-sig: Notepad writes a BOM
    except FileNotFoundError:
        raise ScenarioError(str(path), [Problem("", "file not found; check the path")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), [Problem("", f"not valid TOML: {exc}")]) from None
    problems = [Problem(k, "unknown key; use scenario, replications, seed and [[axis]]")
                for k in data if k not in ("scenario", "replications", "seed", "axis")]
    axes = []
    for i, item in enumerate(data.get("axis", [])):
        where = f"axis[{i}]"
        extra = [k for k in item if k not in ("path", "range", "values")]
        if extra or "path" not in item or ("range" in item) == ("values" in item):
            problems.append(Problem(where, "give a path and exactly one of range = \"a:b:step\" or values = [...]"))
            continue
        try:
            if "range" in item:
                axes.append(parse_axis(f"{item['path']}={item['range']}"))
            else:
                _split_path(item["path"])
                axes.append(Axis(item["path"], tuple(item["values"])))
        except ValueError as exc:
            problems.append(Problem(where, str(exc)))
    if not axes and not problems:
        problems.append(Problem("axis", "no [[axis]] table; declare one or two swept fields"))
    for key in ("replications", "seed"):
        if key in data and (not isinstance(data[key], int) or data[key] < (1 if key == "replications" else 0)):
            problems.append(Problem(key, f"{data[key]!r} is not a valid {key}; use a whole number"))
    if problems:
        raise ScenarioError(str(path), problems)
    scenario = data.get("scenario")
    return SweepPlan(
        scenario=None if scenario is None else (path.parent / scenario),
        axes=tuple(axes),
        replications=data.get("replications"),
        seed=data.get("seed"),
    )
