"""Plain-data results of the outbound campaign: per-interval, per-day and per-segment counters.

Memory stays flat in the horizon: the dialer aggregates as it goes; nothing per attempt is
kept unless a trace was asked for (`AttemptLog`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Attempt outcomes, in the order of `OUTCOMES`; an attempt has exactly one.
OUTCOMES: tuple[str, ...] = ("no_answer", "busy", "invalid", "machine", "dropped", "third_party", "rpc")
NO_ANSWER, BUSY, INVALID, MACHINE, DROPPED, THIRD_PARTY, RPC = range(len(OUTCOMES))

# How a right-party conversation ends.
RPC_RESULTS: tuple[str, ...] = ("ptp", "refusal", "dispute", "callback")

# Contact rules whose blocks are counted (`OutboundSeries.blocked`, `violations`).
RULES: tuple[str, ...] = (
    "window", "holiday", "max_attempts_7d", "rest_after_rpc", "max_attempts_day", "max_contacts_day",
    "redial_after_drop", "min_gap", "drop_cap", "redial_after_amd", "silence", "channel_week",
)


@dataclass(frozen=True)
class AttemptLog:
    """Every dial attempt, kept only when a run records calls (tests, traces).

    Attributes:
        time: when the line was dialed (seconds from the start of the run).
        account: index of the account in the portfolio.
        outcome: index into `OUTCOMES`.
        local_s: the account's local time of day (seconds after midnight) at the dial.
        local_weekday: the account's local weekday at the dial (0 = Monday).
        local_day: the account's local calendar day at the dial (0 = the run's first date).
        end: when the attempt ended (hang-up, drop, or connection to an agent).
        phone: which of the account's numbers was dialed (0 = the first).
        bound: 1 when an agent was guaranteed (a line bound to an agent: preview, progressive, the guard's fallback).
        detected: 1 when AMD detected a machine and hung up.
        result: how a right-party conversation ended (index into `RPC_RESULTS`), -1 for any other attempt.
        pickup: when someone or something picked up (the end of the greeting), NaN when nobody did.
        connect: when the line was put through to an agent, NaN when it never was.
    """

    time: np.ndarray
    account: np.ndarray
    outcome: np.ndarray
    local_s: np.ndarray
    local_weekday: np.ndarray
    local_day: np.ndarray
    end: np.ndarray
    phone: np.ndarray
    bound: np.ndarray
    detected: np.ndarray
    result: np.ndarray
    pickup: np.ndarray
    connect: np.ndarray


@dataclass(frozen=True)
class SegmentTable:
    """Campaign totals per risk segment (one entry per segment, in scenario order).

    Attributes:
        names: segment names.
        accounts: accounts placed.
        balance_placed: balance placed (money).
        attempts: dial attempts.
        live: live answers (dropped + third party + RPC).
        dropped: dropped live answers (no agent in time or AMD false positive).
        rpc: right-party contacts.
        ptp: promises to pay.
        promises_due: promises whose due date fell within the horizon.
        promises_kept: promises paid on their due date.
        collected: amount collected (money).
        accounts_with_rpc: accounts with at least one RPC.
    """

    names: tuple[str, ...]
    accounts: np.ndarray
    balance_placed: np.ndarray
    attempts: np.ndarray
    live: np.ndarray
    dropped: np.ndarray
    rpc: np.ndarray
    ptp: np.ndarray
    promises_due: np.ndarray
    promises_kept: np.ndarray
    collected: np.ndarray
    accounts_with_rpc: np.ndarray


@dataclass(frozen=True)
class PackTable:
    """Campaign totals per rule pack: the debtors of one jurisdiction judged by its own rules (`Compliance.packs`).

    One entry (row) per pack, in the scenario's order: the default pack (`presets`, name "") first,
    then one per `by_country` entry. A scenario without `by_country` has the one default pack.

    Attributes:
        names: each pack's jurisdiction ("US", "GB", "US-MA"; "" for the default pack).
        presets: each pack's presets.
        accounts: accounts of the pack's debtors.
        attempts: dial attempts to them.
        live: their live answers (counted on the center day the answer ended, as the drop window counts them).
        dropped: their dropped live answers.
        blocked: candidates a rule kept from being dialed, shape (packs, len(RULES)); the drop-cap guard's
            holds count on the pack of the account whose paced line was held back.
        violations: attempts the independent audit found breaking a rule of the account's own pack,
            shape (packs, len(RULES)) (must be all 0).
        drop_rate_window: the pack's drop rate over its own regulatory window ending each day, shape (packs, days).
        drop_cap: each pack's cap; `drop_window_days`: each pack's window.
        drop_windows_over_cap: days whose window rate broke the pack's cap (must be 0).
    """

    names: tuple[str, ...]
    presets: tuple[tuple[str, ...], ...]
    accounts: np.ndarray
    attempts: np.ndarray
    live: np.ndarray
    dropped: np.ndarray
    blocked: np.ndarray
    violations: np.ndarray
    drop_rate_window: np.ndarray
    drop_cap: np.ndarray
    drop_window_days: np.ndarray
    drop_windows_over_cap: np.ndarray

    @property
    def labels(self) -> tuple[str, ...]:
        """How reports name the packs: the jurisdiction, "default" for the accounts without one."""
        return tuple(name or "default" for name in self.names)


@dataclass(frozen=True)
class OutboundSeries:
    """Everything the outbound campaign measured in one run.

    Per reporting interval (attempts are counted in the interval they were dialed in,
    conversations in the interval they ended in):

    Attributes:
        mode: dialer mode of the run.
        outcomes: attempts by outcome, shape (intervals, len(OUTCOMES)); attempts = row sums.
        amd_false_positive: live answers hung up on by AMD (also counted in `dropped`).
        rpc_results: RPC conversations by result, shape (intervals, len(RPC_RESULTS)).
        ptp_full: promises for the full balance (the rest of `ptp` are instalments).
        first_rpc: RPCs that were the account's first of the run (penetration).
        handled: outbound calls finished by an agent (RPC, third party, undetected machine).
        talk_s: talk time of handled outbound calls (seconds).
        acw_s: after-call work of handled outbound calls (seconds).
        connects: live lines connected to an agent.
        agent_wait_s: agent waiting time (idle in the dialer pool, previewing, ringing) before those connects.
        ring_s: line time before the answer or the hang-up, summed over attempts (telephony).
        dial_level: lines per available agent at the end of the interval: the predictive level, the power
            ratio, 1 for preview, progressive and the drop-cap guard's fallback.
        fallback_attempts: attempts dialed one line per agent because the drop-rate cap was near.
        fallback_s: seconds the drop-cap guard held the dialer to one bound line per agent while it could
            dial (power, predictive). Counted by pacing-clock step (`adapt_every_s`), from the later of the
            step's start and the guard's trip: a step counts when the guard holds at its end and the dialer
            could dial at its end and, if the guard held
            then too, at its start. The dialer could dial while the calling window is open in one of the
            portfolio's time zones and an agent of an outbound or blended group is logged in (idle, busy
            or dialing, and not due to leave for a break or the shift's end when the call in hand is
            over). Nights, closed days and breaks of the whole team are never fallback.
        promises_due, promises_kept, promises_broken: promises falling due per day.
        amount_promised: amount promised per day (money).
        amount_collected: amount paid per day (money).
        accounts_paid_off: accounts that paid their full balance, per day.
        drop_rate_window: drop rate over the regulatory window ending with each day.
        drop_cap: the cap on that rate; `drop_window_days`: the window's length. With several rule packs
            these three are a headline: the whole campaign over the shortest pack window against the
            lowest cap; each pack's own window and cap are in `packs`.
        drop_windows_over_cap: days whose window rate broke the cap (must be 0); with several packs, the
            days each pack's own window broke its own cap, summed over the packs.
        blocked: candidate accounts the rules kept the dialer from calling, by rule (`RULES` order), all packs.
        violations: attempts an independent audit found breaking a rule, by rule (must be all 0), all packs.
        accounts: accounts in the portfolio; `callable_accounts`: not flagged do-not-call.
        balance_placed: total balance placed (money).
        accounts_with_rpc: accounts with at least one RPC.
        min_balance: lowest balance any account reached (never negative).
        segments: totals per risk segment.
        in_flight_end: attempts still ringing or in conversation at the horizon (no outcome yet).
        log: per-attempt trace when requested, else None.
        packs: blocks, violations, attempts and drop rates per rule pack (jurisdiction); None only in
            results made before packs existed.
    """

    mode: str
    outcomes: np.ndarray
    amd_false_positive: np.ndarray
    rpc_results: np.ndarray
    ptp_full: np.ndarray
    first_rpc: np.ndarray
    handled: np.ndarray
    talk_s: np.ndarray
    acw_s: np.ndarray
    connects: np.ndarray
    agent_wait_s: np.ndarray
    ring_s: np.ndarray
    dial_level: np.ndarray
    fallback_attempts: np.ndarray
    fallback_s: np.ndarray
    promises_due: np.ndarray
    promises_kept: np.ndarray
    promises_broken: np.ndarray
    amount_promised: np.ndarray
    amount_collected: np.ndarray
    accounts_paid_off: np.ndarray
    drop_rate_window: np.ndarray
    drop_cap: float
    drop_window_days: int
    drop_windows_over_cap: int
    blocked: np.ndarray
    violations: np.ndarray
    accounts: int
    callable_accounts: int
    balance_placed: float
    accounts_with_rpc: int
    min_balance: float
    segments: SegmentTable
    in_flight_end: int = 0
    log: AttemptLog | None = None
    packs: PackTable | None = None

    @property
    def attempts(self) -> np.ndarray:
        """Dial attempts per interval (= the sum of the outcomes)."""
        return self.outcomes.sum(axis=1)

    def outcome(self, name: str) -> np.ndarray:
        """Attempts per interval that ended with outcome `name` (one of `OUTCOMES`)."""
        return self.outcomes[:, OUTCOMES.index(name)]

    @property
    def live(self) -> np.ndarray:
        """Live answers per interval: dropped + third party + RPC (AMD false positives included)."""
        return self.outcome("dropped") + self.outcome("third_party") + self.outcome("rpc")

    @property
    def ptp(self) -> np.ndarray:
        """Promises to pay per interval."""
        return self.rpc_results[:, RPC_RESULTS.index("ptp")]
