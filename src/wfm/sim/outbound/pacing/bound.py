"""Preview and progressive: one line per free agent, bound to that agent (no drop for want of an agent)."""

from __future__ import annotations

from wfm.sim.outbound.pacing.base import BOUND_LEVEL, DialPort, Pacer


class ProgressivePacer(Pacer):
    """A free agent gets one line at once and listens to it ring."""

    review_s = 0.0  # progressive dials at once

    def pace(self, port: DialPort) -> None:
        """Bind a line to every free agent, while accounts may be called."""
        review_s = self.review_s
        while port.dial_bound(review_s=review_s, fallback=False):
            pass

    def dial_level(self) -> float:
        """One line per free agent, what a bound mode dials (whatever level the scenario states)."""
        return BOUND_LEVEL


class PreviewPacer(ProgressivePacer):
    """A free agent is given an account, reviews it for `preview_s`, then the line is dialed for them."""

    def __init__(self, review_s: float) -> None:
        self.review_s = review_s
