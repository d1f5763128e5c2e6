"""Fixtures shared by several test modules, and the order in which parallel workers take the tests.

`make test` runs pytest with pytest-xdist (`-n auto --dist loadgroup`, see pyproject.toml): each
worker process builds its own session fixtures, so the shared ones here are small (a two-day
baseline and two replications) and built at most once per worker instead of once per module.
"""

from __future__ import annotations

import os

import pytest

# The GUI tests draw offscreen, so that a plain `pytest` works without a display (make test sets it too).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from baseline_runs import SEED, SHORT_REPS, more_agents, short_baseline
from wfm.experiment import RunPlan, Summary, replicate
from wfm.scenario import Scenario


@pytest.fixture(scope="session")
def baseline_2d() -> Scenario:
    """The default scenario over two days (read-only: scenarios are frozen)."""
    return short_baseline()


@pytest.fixture(scope="session")
def baseline_2d_summary(baseline_2d: Scenario) -> Summary:
    """Two replications of `baseline_2d` at SEED."""
    return replicate(baseline_2d, RunPlan(SHORT_REPS, SEED))


@pytest.fixture(scope="session")
def more_agents_2d_summary(baseline_2d: Scenario) -> Summary:
    """Two replications of `more_agents(baseline_2d)` at SEED: paired with `baseline_2d_summary`."""
    return replicate(more_agents(baseline_2d), RunPlan(SHORT_REPS, SEED))


def _module_fixture_group(item: pytest.Item) -> str | None:
    """The item's module name when it uses a fixture built once per module (or class), else None."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    for name in info.names_closure:
        if any(d.scope in ("module", "class") for d in info.name2fixturedefs.get(name, ())):
            return item.path.stem
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group and order the tests for the parallel workers.

    - Tests that use a module-scoped fixture (a process pool, a Dask cluster, runs shared by a
      module's tests) go to one worker as an `xdist_group`; otherwise every worker that runs one
      of them would build the fixture again.
    - Tests marked `slow` (statistical runs, the LibreOffice conversion: tens of seconds), and their groups,
      start first, so that the run does not end with one worker busy on a long test while the
      other has nothing left to do.
    Without xdist the groups are inert and only the order changes (a group's tests stay together).
    """
    groups: dict[str, str] = {}
    for item in items:
        marker = item.get_closest_marker("xdist_group")
        group = (marker.args[0] if marker and marker.args else None) or _module_fixture_group(item)
        if group is not None:
            groups[item.nodeid] = group
            if marker is None:
                item.add_marker(pytest.mark.xdist_group(group))
    slow_groups = {groups.get(item.nodeid) for item in items if item.get_closest_marker("slow")} - {None}

    def starts_late(item: pytest.Item) -> bool:
        return item.get_closest_marker("slow") is None and groups.get(item.nodeid) not in slow_groups

    items.sort(key=starts_late)  # a stable sort: the collection order is kept otherwise



def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail a grouped test if the parallel run ignores its group (pytest-xdist#1386 with pytest 9.2).

    xdist marks a grouped test by appending "@group" to its node id; when a pytest release stops
    honouring that, the groups silently fall apart and each worker builds the shared fixtures again.
    """
    if (os.environ.get("PYTEST_XDIST_WORKER") and item.config.getvalue("loadgroup")
            and item.get_closest_marker("xdist_group") and "@" not in item.nodeid):
        pytest.fail(f"pytest-xdist --dist loadgroup ignores the group of this test under pytest {pytest.__version__};"
                    " install a pytest the dev extras allow")
