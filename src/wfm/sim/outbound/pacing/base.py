"""The interface every pacer offers the dialer, and what the dialer offers a pacer."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from typing import Protocol

from wfm.sim.outbound.attempts import Line, Talking

BOUND_LEVEL = 1.0  # lines per available agent of bound dialing (preview, progressive, the guard's fallback)
HELD = -1.0  # `DialPort.dial_next`: the account chosen was held back by the drop-cap guard of its rule pack
FLOAT_SLACK = 1e-9  # level × agents meant to be whole (2.0 × 3) may come out a hair below


class DialPort(Protocol):
    """What a pacer sees of the dialer, and the two ways it may dial."""

    @property
    def now(self) -> float:
        """Simulated time."""

    lines_out: int  # paced (unbound) lines still ringing
    waiting_lines: deque[Line]  # live answers waiting for an agent (some may have given up: `waiting` False)
    ringing: deque[Line]  # paced lines in dial order; resolved ones (`done`) are skipped
    in_conversation: dict[int, Talking]  # agent id -> their outbound conversation

    def free_agents(self) -> int:
        """Agents idle in the dialer's pool now."""

    def free_agents_staying(self, horizon_s: float) -> int:
        """Agents idle in the dialer's pool now who are not due to leave (a break, the shift end) within `horizon_s`."""

    def dial_next(self) -> float | None:
        """Dial the next account on a paced line: its prior chance to reach an agent, None when nobody may be called.

        `HELD` when the pacer's `admission` held back the account chosen (it stays first in line).
        """

    def dial_bound(self, review_s: float, fallback: bool) -> bool:
        """Give the next free agent a line of their own (after `review_s` of preview); False when none can be."""


class Pacer(ABC):
    """How one dialer mode decides how many lines to dial, with the hooks a controller may need.

    The dialer calls `pace` whenever dialing may be due (an agent freed, a line ended, the
    clock); the other hooks default to doing nothing.
    """

    @abstractmethod
    def pace(self, port: DialPort) -> None:
        """Dial as many lines as the mode calls for now."""

    @abstractmethod
    def dial_level(self) -> float:
        """Lines per available agent, reported at each clock step (`OutboundSeries.dial_level`)."""

    @property
    def in_fallback(self) -> bool:
        """Whether the drop-cap guard holds the dialer to bound lines now (never, for a mode without a guard)."""
        return False

    @property
    def fallback_since(self) -> float:
        """When the guard last stepped in (fallback time is booked from then at the earliest)."""
        return 0.0

    def tick(self, port: DialPort) -> None:
        """The pacing clock ticked (every `adapt_every_s`)."""
        return None

    def live_closed(self, dropped: bool, amd_drop: bool) -> None:
        """A live answer ended: dropped for want of an agent, hung up on by AMD, or talked to."""
        return None

    def drop_seen(self, port: DialPort) -> None:
        """A live answer was just dropped (counted in the window)."""
        return None

    def answer_taken(self, port: DialPort) -> None:
        """A freed agent took a live answer that was waiting (no pacing by default, as the modes were tuned)."""
        return None

    def line_dialed(self, line: Line) -> None:
        """A paced (unbound) line was dialed."""
        return None

    def line_resolved(self, line: Line) -> None:
        """A paced line answered or ended (it no longer rings)."""
        return None

    def admission(self) -> Callable[[int], bool] | None:
        """The check of a paced line once its account's rule pack is known (None: every line is judged before)."""
        return None

    def look_again_after(self, talk_s: float) -> float | None:
        """Seconds after a connect when the pacing should look again (None: no need)."""
        return None
