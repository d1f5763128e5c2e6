"""What changed between two scenarios, in a planner's words (no Qt here).

The comparison names a result by what sets it apart from the base ("Inbound · Early headcount
16, SL target 90%") instead of "#3 Baseline collections center", and lists every changed input
beside it, so a kept result says what it is without opening its scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wfm.scenario import Scenario, format_time_of_day

NAME_CHANGES = 2
"""Changes a default name spells out; more are counted ("+3 more")."""


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else _plain(value)


def _percent(value: Any) -> str:
    return f"{value * 100:g}%" if isinstance(value, int | float) else _plain(value)


def _seconds(value: Any) -> str:
    return f"{value:g} s" if isinstance(value, int | float) else _plain(value)


def _plain(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list | tuple):
        text = ", ".join(_plain(v) for v in value[:6])
        return f"[{text}{', …' if len(value) > 6 else ''}]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


LABELS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "inbound.service_level.target": ("SL target", _percent),
    "inbound.service_level.threshold_s": ("SL threshold", _seconds),
    "inbound.patience.mean_s": ("patience", _seconds),
    "inbound.talk.mean_s": ("talk time", _seconds),
    "inbound.acw.mean_s": ("after-call work", _seconds),
    "inbound.enabled": ("inbound", _plain),
    "outbound.enabled": ("outbound", _plain),
    "outbound.dialer.mode": ("dialer", _plain),
    "outbound.dialer.lines_per_agent": ("lines per agent", _number),
    "outbound.dialer.target_drop_rate": ("drop target", _percent),
    "workforce.incentives.scheme": ("pay scheme", _plain),
    "workforce.incentives.bonus_per_kept_ptp": ("bonus per kept PTP", _number),
    "workforce.incentives.bonus_per_euro": ("bonus on collected", _percent),
    "calendar.horizon_days": ("horizon (days)", _number),
    "calendar.start_date": ("start", _plain),
    "run.replications": ("replications", _number),
    "run.seed": ("seed", _number),
}
"""Labels and formats of the inputs planners change most (the what-if levers); others are named by their keys."""

TIME_OF_DAY_KEYS = frozenset({"start", "open", "close", "end"})
SKIPPED = frozenset({"description", "schema_version"})


@dataclass(frozen=True)
class Change:
    """One input that differs: where (in a planner's words) and its two values, as shown."""

    label: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.label}: {self.before} → {self.after}"

    @property
    def short(self) -> str:
        """The label with the new value, for a result's name: "SL target 90%"."""
        return f"{self.label} {self.after}"


def _flatten(data: Any, path: tuple[str, ...], out: dict[tuple[str, ...], Any]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if not path and key in SKIPPED:
                continue
            _flatten(value, (*path, str(key)), out)
    elif isinstance(data, list) and data and all(isinstance(v, dict) and "name" in v for v in data):
        for value in data:  # agent groups, shifts, breaks, segments: by name, not by position
            _flatten(value, (*path, f"[{value['name']}]"), out)
    else:
        out[path] = data


def _label(path: tuple[str, ...]) -> tuple[str, Callable[[Any], str]]:
    key = ".".join(p for p in path if not p.startswith("["))
    if key in LABELS:
        return LABELS[key]
    named = [p[1:-1] for p in path if p.startswith("[")]
    keys = [p for p in path if not p.startswith("[")]
    if named:  # "Inbound · Early headcount"
        what = keys[-1].replace("_", " ")
        return f"{' · '.join(named)} {what}", _time_or_plain(keys[-1])
    tail = " ".join(k.replace("_", " ") for k in keys[-2:])
    return tail, _time_or_plain(keys[-1])


def _time_or_plain(key: str) -> Callable[[Any], str]:
    if key in TIME_OF_DAY_KEYS:
        return lambda v: format_time_of_day(v) if isinstance(v, int) else _plain(v)
    return _plain


def _inputs(scenario: Scenario) -> tuple[dict[tuple[str, ...], Any], int]:
    """The scenario's inputs by path, and how many accounts it imported (compared by count, not one by one)."""
    data = scenario.model_dump(mode="json", exclude={"outbound": {"portfolio": {"imported"}}})
    flat: dict[tuple[str, ...], Any] = {}
    _flatten(data, (), flat)
    return flat, len(scenario.outbound.portfolio.imported or ())


def changes(base: Scenario, other: Scenario) -> list[Change]:
    """Every input of `other` that differs from `base`, the what-if levers first."""
    before, base_accounts = _inputs(base)
    after, other_accounts = _inputs(other)
    found: list[tuple[int, Change]] = []
    for path in sorted(set(before) | set(after)):
        if path == ("name",):
            continue
        old, new = before.get(path, "—"), after.get(path, "—")
        if old == new:
            continue
        label, show = _label(path)
        rank = 0 if ".".join(p for p in path if not p.startswith("[")) in LABELS or path[-1] == "headcount" else 1
        found.append((rank, Change(label, "—" if path not in before else show(old),
                                   "—" if path not in after else show(new))))
    if base_accounts != other_accounts:
        found.append((0, Change("imported accounts", f"{base_accounts:,}", f"{other_accounts:,}")))
    return [change for _, change in sorted(found, key=lambda item: item[0])]


def default_name(scenario: Scenario, base: Scenario | None) -> str:
    """A result's name: the scenario's, or, against a base of the same name, what changed ("SL target 90%")."""
    if base is None or scenario.name != base.name:
        return scenario.name
    found = changes(base, scenario)
    if not found:
        return f"{scenario.name} (same inputs)"
    name = ", ".join(change.short for change in found[:NAME_CHANGES])
    more = len(found) - NAME_CHANGES
    return f"{name} +{more} more" if more > 0 else name
