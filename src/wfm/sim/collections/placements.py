"""Placement batches and terms: when each account reaches the agency, when it goes back, what it paid by batch.

An agency receives a portfolio in batches (`Strategy.placements`) and holds each account for a
placement term before it goes back to the client, open or not. These are the facts the liquidation
curves and the weekly status roll are read from, so they live apart from the path walk
(`wfm.sim.collections.treatment`): the treatment asks which accounts are placed today and which go
back, and credits every euro here by batch and segment; nothing here draws a random number.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np

from wfm.scenario.strategy import Strategy
from wfm.sim.collections.result import STATUS_BUCKETS
from wfm.sim.outbound.accounts import (
    ACTIVE,
    DISPUTED,
    IN_CALL,
    LEGAL,
    PAID,
    PROMISED,
    RESTING,
    RETURNED,
    UNREACHABLE,
    AccountBook,
)
from wfm.sim.outbound.result import OutboundSeries


def batches(spec: Strategy, start: date, n: int) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Batch names, placement day of each batch, and each account's batch (accounts in order)."""
    if not spec.placements:
        return ("all",), np.zeros(1, dtype=np.int64), np.zeros(n, dtype=np.int64)
    days = np.array([max(0, (p.date - start).days) for p in spec.placements], dtype=np.int64)
    edges = np.round(np.cumsum([p.share for p in spec.placements]) * n).astype(np.int64)
    batch = np.searchsorted(edges, np.arange(n), side="right")
    return tuple(p.label() for p in spec.placements), days, np.minimum(batch, len(days) - 1)


class Placements:
    """The batches of one run: placing, returning, money by batch and segment, the weekly status snapshots."""

    def __init__(self, spec: Strategy, start: date, book: AccountBook, n_days: int, n_segments: int) -> None:
        n = book.pf.size
        self.book = book
        self.n_days = n_days
        self.batch_names, self.batch_day, self.batch_of = batches(spec, start, n)
        self.placed = [False] * n
        self.placing: dict[int, list[int]] = {}  # day -> accounts placed that day
        self.term = spec.placement_term_days
        self.returning: dict[int, list[int]] = {}  # day -> accounts going back to the client
        self.collected_by_batch = np.zeros((len(self.batch_names), n_segments, n_days))
        self.bucket = np.full(n, -1, dtype=np.int64)  # status bucket at the last weekly snapshot (-1: not placed)
        self.status_by_week: list[np.ndarray] = []
        self.roll = np.zeros((len(STATUS_BUCKETS), len(STATUS_BUCKETS)), dtype=np.int64)
        self._hold_until_placed()

    def _hold_until_placed(self) -> None:
        """No account is dialed before its placement; each one's days past due count from its placement day."""
        book = self.book
        book.status[:] = [RESTING if status == ACTIVE else status for status in book.status]
        day_of = self.batch_day[self.batch_of]
        if day_of.any():  # days past due at placement, on the day it is placed
            book.dpd[:] = (np.asarray(book.dpd, dtype=np.int64) - day_of).tolist()
        for day in np.unique(day_of).tolist():
            self.placing[day] = np.flatnonzero(day_of == day).tolist()

    def place(self, day: int) -> list[int]:
        """The accounts of batches placed today (their term starts now); the treatment starts their paths."""
        placed = self.placing.pop(day, [])
        for a in placed:
            self.placed[a] = True
            if self.term:
                self.returning.setdefault(day + self.term, []).append(a)
        return placed

    def take_back(self, day: int) -> list[int]:
        """Accounts at the end of their term go back to the client, open or not; those that went (for the walk)."""
        book = self.book
        back = []
        for a in self.returning.pop(day, []):
            if book.status[a] in (PAID, DISPUTED, LEGAL):  # a legal case stays with the lawyers
                continue
            if book.status[a] == IN_CALL:  # the attempt in hand ends the phase; the account returns tomorrow
                self.returning.setdefault(day + 1, []).append(a)
                continue
            book.status[a] = RETURNED
            book.phase_left[a] = -1
            back.append(a)
        return back

    def credit(self, a: int, day: int, amount: float) -> None:
        """Money `a` paid on run day `day` (clamped to the last day), for the liquidation curves."""
        self.collected_by_batch[self.batch_of[a], self.book.seg[a], min(day, self.n_days - 1)] += amount

    def snapshot(self, reached: list[bool], in_plan: list[bool]) -> None:
        """Count the placed accounts per status bucket and the moves since the last snapshot."""
        now = self._buckets(reached, in_plan)
        self.status_by_week.append(np.bincount(now[now >= 0], minlength=len(STATUS_BUCKETS)))
        moved = (self.bucket >= 0) & (now >= 0)
        np.add.at(self.roll, (self.bucket[moved], now[moved]), 1)
        self.bucket = now

    def _buckets(self, reached: list[bool], in_plan: list[bool]) -> np.ndarray:
        """Each account's status bucket (index into STATUS_BUCKETS), -1 while not placed.

        The first that applies: returned, paid, disputed, unreachable or at legal, promised (or in a plan),
        reached (a message response, a visit or a right-party conversation), not reached.
        """
        book = self.book
        n = len(self.placed)
        status = np.fromiter(book.status, np.int64, n)
        anyone = np.fromiter(reached, bool, n) | np.fromiter(book.had_rpc, bool, n)
        promised = (status == PROMISED) | np.fromiter(in_plan, bool, n)
        bucket = np.select(
            [status == RETURNED, status == PAID, np.isin(status, (DISPUTED, UNREACHABLE, LEGAL)), promised, anyone],
            [5, 3, 4, 2, 1], default=0)
        return np.where(np.fromiter(self.placed, bool, n), bucket, -1).astype(np.int64)

    def by_batch_segment(self, values: np.ndarray) -> np.ndarray:
        """Sum `values` (one per account) by batch and segment, (batches, segments)."""
        n_seg = self.collected_by_batch.shape[1]
        index = self.batch_of * n_seg + self.book.pf.segment
        return np.bincount(index, weights=values, minlength=len(self.batch_names) * n_seg).reshape(-1, n_seg)

    def weeks(self, reached: list[bool], in_plan: list[bool]) -> np.ndarray:
        """The weekly status counts with a last row at the end of the run."""
        self.snapshot(reached, in_plan)
        return np.array(self.status_by_week, dtype=np.int64).reshape(-1, len(STATUS_BUCKETS))

    def placed_campaign(self, outbound: OutboundSeries) -> OutboundSeries:
        """The campaign's portfolio totals counting only the accounts placed by the end of the run."""
        if all(self.placed):
            return outbound
        pf = self.book.pf
        placed = np.array(self.placed)
        n_seg = len(outbound.segments.names)
        seg = pf.segment[placed]
        segments = replace(outbound.segments,
                           accounts=np.bincount(seg, minlength=n_seg).astype(np.int64),
                           balance_placed=np.bincount(seg, weights=pf.balance[placed], minlength=n_seg))
        return replace(outbound, accounts=int(placed.sum()),
                       callable_accounts=int((placed & ~pf.do_not_call).sum()),
                       balance_placed=float(pf.balance[placed].sum()), segments=segments)
