"""A field agent's day: the order of the visits, when each happens, kilometres and cost (DESIGN §10, issue #13).

Pure arithmetic, no SimPy: the field team (`wfm.sim.collections.field`) calls it once per agent
and working day, and tests check it by hand. Addresses are planar points in km (a zone's map
coordinates); the distance is the straight line (`scipy.spatial.distance.cdist`), a stand-in for
road distance that keeps the arithmetic checkable.

The route is a closed tour from the agent's base and back: nearest neighbour from the base, then
2-opt (reverse any segment whose reversal shortens the tour, until none does). No maintained
routing library is in the environment (scipy has distances but no tour heuristic), so both are
written out here in a few lines each. The day plan walks the tour in order at a constant speed:
a visit waits for the visiting hours to open, must end before they close, and the agent must be
back at the base by the shift's end; the first visit that does not fit ends the day, and it and
the rest are left for another day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import cdist

Point = tuple[float, float]


def distances(base: Point, points: Sequence[Point]) -> np.ndarray:
    """Straight-line km between the base (index 0) and the points (1..n), shape (n + 1, n + 1)."""
    xy = np.array([base, *points], dtype=float).reshape(-1, 2)
    return cdist(xy, xy)


def tour_km(dist: np.ndarray, order: Sequence[int]) -> float:
    """Length of the tour base → points in `order` (indices into the points, 0-based) → base."""
    stops = [0, *(i + 1 for i in order), 0]
    return float(sum(dist[a, b] for a, b in zip(stops, stops[1:], strict=False)))


def nearest_neighbour(dist: np.ndarray) -> list[int]:
    """From the base, always on to the nearest address not yet visited (ties: the lower index)."""
    n = dist.shape[0] - 1
    left = set(range(n))
    order: list[int] = []
    here = 0
    while left:
        nxt = min(left, key=lambda i: (dist[here, i + 1], i))
        order.append(nxt)
        left.remove(nxt)
        here = nxt + 1
    return order


def two_opt(dist: np.ndarray, order: Sequence[int]) -> list[int]:
    """Reverse segments of the closed tour while a reversal shortens it (first improvement, to a local optimum)."""
    stops = [0, *(i + 1 for i in order), 0]
    improved = True
    while improved:
        improved = False
        for i in range(1, len(stops) - 2):
            for j in range(i + 1, len(stops) - 1):
                a, b, c, d = stops[i - 1], stops[i], stops[j], stops[j + 1]
                if dist[a, c] + dist[b, d] < dist[a, b] + dist[c, d] - 1e-9:
                    stops[i:j + 1] = stops[i:j + 1][::-1]
                    improved = True
    return [s - 1 for s in stops[1:-1]]


def route(base: Point, points: Sequence[Point]) -> list[int]:
    """The visiting order of `points` (their indices) for one agent starting and ending at `base`."""
    if not points:
        return []
    dist = distances(base, points)
    return two_opt(dist, nearest_neighbour(dist))


@dataclass(frozen=True)
class Visit:
    """One planned visit: which address (index into the day's points), arrival, start and end (seconds of the day)."""

    point: int
    arrive_s: float
    start_s: float
    end_s: float


@dataclass(frozen=True)
class DayPlan:
    """An agent's day: the visits in route order, the addresses left for another day, km and cost.

    Attributes:
        visits: the visits made, in order.
        left: indices of the addresses not visited (they did not fit in the day).
        km: kilometres driven, base to base (0 with no visit).
        back_s: when the agent is back at the base (the shift's start with no visit).
        cost: km × cost per km + the shift's wage (the agent is paid the whole shift).
    """

    visits: tuple[Visit, ...]
    left: tuple[int, ...]
    km: float
    back_s: float
    cost: float


@dataclass(frozen=True)
class DaySpec:
    """What bounds an agent's day, in seconds of the day (center time) and km/h.

    Attributes:
        shift_start_s: the agent leaves the base.
        shift_end_s: the agent must be back at the base.
        open_s: visiting hours open (a visit may not start earlier; the agent waits at the door).
        close_s: visiting hours close (a visit must end by then).
        speed_kmh: travel speed.
        visit_s: length of a visit.
        cost_per_km: money per km driven.
        wage: money for the shift.
    """

    shift_start_s: float
    shift_end_s: float
    open_s: float
    close_s: float
    speed_kmh: float
    visit_s: float
    cost_per_km: float
    wage: float


def plan_day(base: Point, points: Sequence[Point], day: DaySpec,
             windows: Sequence[tuple[float, float]] | None = None) -> DayPlan:
    """Route `points` from `base`, then walk the route: the visits that fit the day, in order, and the rest left.

    `windows`: each point's own visiting hours (seconds of the day), for debtors whose local
    clock is not the center's; None = `day.open_s` to `day.close_s` for every point.
    """
    order = route(base, points)
    dist = distances(base, points)
    per_km_s = 3600.0 / day.speed_kmh
    t, here, km = day.shift_start_s, 0, 0.0
    visits: list[Visit] = []
    for k, i in enumerate(order):
        arrive = t + dist[here, i + 1] * per_km_s
        open_s, close_s = windows[i] if windows is not None else (day.open_s, day.close_s)
        start = max(arrive, open_s)
        end = start + day.visit_s
        back = end + dist[i + 1, 0] * per_km_s
        if end > close_s or back > day.shift_end_s:
            return _plan(visits, order[k:], km, here, dist, t, per_km_s, day)
        km += dist[here, i + 1]
        visits.append(Visit(i, arrive, start, end))
        t, here = end, i + 1
    return _plan(visits, [], km, here, dist, t, per_km_s, day)


def _plan(visits: list[Visit], left: Sequence[int], km: float, here: int, dist: np.ndarray, t: float,
          per_km_s: float, day: DaySpec) -> DayPlan:
    """Close the day: drive back to the base from the last visit."""
    home = float(dist[here, 0])
    km += home
    return DayPlan(tuple(visits), tuple(left), km, t + home * per_km_s, km * day.cost_per_km + day.wage)
