"""Preview and progressive: one line per free agent, bound to that agent (no drop for want of an agent)."""

from __future__ import annotations

from wfm.sim.outbound.pacing.base import DialPort, Pacer


class ProgressivePacer(Pacer):
    """A free agent gets one line at once and listens to it ring."""

    review_s = 0.0  # progressive dials at once

    def __init__(self, reported_level: float) -> None:
        self.reported_level = reported_level

    def pace(self, port: DialPort) -> None:
        """Bind a line to every free agent, while accounts may be called."""
        review_s = self.review_s
        while port.dial_bound(review_s=review_s, fallback=False):
            pass

    def dial_level(self) -> float:
        """The level the scenario states (a bound mode dials one line per free agent whatever it says)."""
        return self.reported_level


class PreviewPacer(ProgressivePacer):
    """A free agent is given an account, reviews it for `preview_s`, then the line is dialed for them."""

    def __init__(self, reported_level: float, review_s: float) -> None:
        super().__init__(reported_level)
        self.review_s = review_s
