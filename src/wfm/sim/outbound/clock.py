"""Real instants and the debtors' local times, as lookups on the run's clock.

The run counts 86,400 s per calendar day of the center: wall time from midnight of the
calendar's start date in the center's zone. The contact rules need two other clocks:

- the real instant of an attempt (UTC), so that every interval rule (72 h after a drop, 7 days
  after a conversation, rolling 7 days, minimum gap) is real elapsed time, also across a
  daylight-saving change of the center;
- the debtor's local wall time at that instant (the zone's offset AT THAT INSTANT), for the
  calling window by local weekday and the per-day caps by local date.

Both are piecewise offsets. They are found once per run by probing zoneinfo every hour over the
horizon and bisecting each change to the second, so the hot path is one `bisect` per lookup.

Instants are seconds since midnight UTC of the start date; local times are seconds since
midnight of the start date on the debtor's wall clock (so day 0 is the start date everywhere).
A center wall time that does not exist (the hour skipped in spring) stands for the instant of
the change: the real clock pauses for that simulated hour. The repeated autumn hour is taken
once (its first pass); the real clock then jumps by an hour.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from wfm.scenario.outbound import parse_tz
from wfm.scenario.units import DAY_S, HOUR_S

PROBE_S = int(HOUR_S)  # offsets are probed hourly: no zone changes its offset twice within an hour
MARGIN_S = 2 * int(DAY_S)  # probed beyond each end of the horizon: local days at the edges, offsets up to ±14 h


def offset_changes(offset_at: Callable[[int], int], lo: int, hi: int) -> tuple[list[int], list[int]]:
    """Where a piecewise-constant offset changes on [lo, hi]: (change points, offsets).

    `offsets[k]` holds before `points[k]` (from `points[k - 1]`), the last one after the last point.
    """
    points: list[int] = []
    offsets = [offset_at(lo)]
    x = lo
    while x < hi:
        y = min(x + PROBE_S, hi)
        if offset_at(y) != offsets[-1]:
            a, b = x, y  # offset_at(a) is the current offset, offset_at(b) is not
            while b - a > 1:
                m = (a + b) // 2
                if offset_at(m) == offsets[-1]:
                    a = m
                else:
                    b = m
            points.append(b)
            offsets.append(offset_at(b))
        x = y
    return points, offsets


def _seconds(delta: timedelta | None) -> int:
    return int(delta.total_seconds()) if delta is not None else 0


class LocalClock:
    """Converts the run's clock to real instants, and real instants to each zone's local clock."""

    def __init__(self, start: date, center_tz: str, zones: Sequence[str], horizon_days: int) -> None:
        lo, hi = -MARGIN_S, horizon_days * int(DAY_S) + MARGIN_S
        wall0 = datetime.combine(start, time())
        center = parse_tz(center_tz)

        def wall_offset(x: int) -> int:  # the center's offset at wall time x (first pass of a repeated hour)
            return _seconds((wall0 + timedelta(seconds=x)).replace(tzinfo=center).utcoffset())

        points, offsets = offset_changes(wall_offset, lo, hi)
        # Pieces of real(t) = slope * t + intercept, starting at `self.starts[k - 1]`.
        self.starts: list[float] = []
        self.slope: list[float] = [1.0]
        self.intercept: list[float] = [-float(offsets[0])]
        for w, before, after in zip(points, offsets[:-1], offsets[1:], strict=True):
            if after > before:  # spring: the wall times [w - (after - before), w) do not exist
                self.starts.append(float(w - (after - before)))
                self.slope.append(0.0)
                self.intercept.append(float(w - after))
            self.starts.append(float(w))
            self.slope.append(1.0)
            self.intercept.append(-float(after))
        self.fixed = not self.starts
        utc0 = datetime.combine(start, time(), tzinfo=UTC)
        self.zone_points: list[list[float]] = []
        self.zone_offsets: list[list[float]] = []
        for name in zones:
            zone: tzinfo = parse_tz(name)

            def zone_offset(r: int, zone: tzinfo = zone) -> int:
                return _seconds((utc0 + timedelta(seconds=r)).astimezone(zone).utcoffset())

            zp, zo = offset_changes(zone_offset, lo - 14 * int(HOUR_S), hi + 14 * int(HOUR_S))
            self.zone_points.append([float(p) for p in zp])
            self.zone_offsets.append([float(o) for o in zo])

    def real(self, t: float) -> float:
        """The real instant of the run's time `t`."""
        if self.fixed:
            return t + self.intercept[0]
        k = bisect_right(self.starts, t)
        return self.slope[k] * t + self.intercept[k]

    def local(self, zone: int, real: float) -> float:
        """Zone `zone`'s local wall clock at instant `real` (seconds since local midnight of the start date)."""
        return real + self.zone_offsets[zone][bisect_right(self.zone_points[zone], real)]

    def local_day(self, zone: int, real: float) -> tuple[int, float]:
        """(local day counted from the start date, local seconds after midnight) in `zone` at instant `real`."""
        t = self.local(zone, real)
        day = int(t // DAY_S)
        return day, t - day * DAY_S
