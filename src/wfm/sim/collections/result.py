"""What the collection strategy did in one run, as plain arrays (pickles across processes)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RESPONSES: tuple[str, ...] = ("call", "pay", "promise", "opt_out")
"""What a delivered message may lead to, in the order of `StrategySeries.responses`' last axis."""
CAUSES: tuple[str, ...] = ("link_payment", "self_cure", "portal_promise", "inbound_promise", "field_visit", "legal")
"""Money collected without the dialer, by cause (the dialer's kept promises are the rest of the collected)."""
ARMS: tuple[str, ...] = ("champion", "challenger")
STATUS_BUCKETS: tuple[str, ...] = ("not_reached", "reached", "promised", "paid", "closed", "returned")
"""Where a placed account stands, for the week-on-week roll: never reached; reached and open; promised or in
a plan; paid off or settled; disputed, unreachable or handed to legal; returned to the client."""
OFFER_COUNTS: tuple[str, ...] = ("plans", "instalments_kept", "instalments_broken", "settlements", "reminders",
                                 "rescued")
MESSAGE_LOG = np.dtype([("account", np.int64), ("channel", np.int8), ("sent_s", float), ("delivered", bool)])


@dataclass(frozen=True)
class StrategySeries:
    """Messages per channel and day, money by cause, and the accounts of each path and arm.

    Attributes:
        channel_names: the channels, in the order of the channel axis.
        sent: messages sent, shape (channels, days), counted on the day they went out.
        delivered: messages delivered, (channels, days), counted on the day they were sent.
        responses: delivered messages that drew a response, (channels, days, RESPONSES), on the send day.
        message_cost: money spent on messages, (channels, days).
        collected: money collected without the dialer, shape (CAUSES, days).
        debtor_calls: calls from identified debtors offered to the inbound queue, per day.
        debtor_calls_handled: those that reached an agent and ended, per day.
        debtor_promises: promises taken on those calls, per day.
        path_names: the paths, in the order of the path axis.
        path_accounts: accounts that entered each path at placement.
        path_balance: balance placed on those accounts.
        path_collected: money collected from them over the run (every cause, dialer included).
        path_message_cost: money spent on messages to them.
        path_attempts: dial attempts on them.
        path_rpc_accounts: of them, accounts reached (a right-party conversation, any channel).
        arm_accounts, arm_balance, arm_collected, arm_message_cost, arm_attempts: the same for
            the champion's and the challenger's accounts (ARMS order); zeros without a challenger.
        untreated: accounts that entered no path.
        opted_out: accounts opted out of each channel by the end.
        offers: counts of payment plans started, instalments kept and broken, settlements made,
            reminders sent and promises a reminder saved (keys of `OFFER_COUNTS`).
        discount_given: balance written off by kept settlements.
        batch_names: the placement batches ("" placements = one batch on day 0).
        batch_day: the run day each batch is placed.
        batch_accounts: accounts per batch and segment, shape (batches, segments).
        batch_balance: balance placed per batch and segment.
        collected_by_batch: money collected per batch, segment and run day, (batches, segments, days).
        status_by_week: placed accounts per status bucket at the start of each week (weeks, STATUS_BUCKETS),
            the last row at the end of the run.
        roll: week-on-week moves of placed accounts between status buckets, (from, to), summed over weeks.
        message_log: one row per message when the run recorded (account, channel, sent_s, delivered),
            else None.
        account_collected: money collected from each account over the run, when the run recorded, else None.
        field_visits: home visits made per day (zeros, or empty, without a field team).
        field_outcomes: visits per day and outcome, shape (days, `field.FIELD_OUTCOMES`).
        field_km: kilometres the field agents drove per day.
        field_cost: field money per day: the agents' shifts on visiting days plus km × cost per km.
        field_log: one row per visit (`field.FIELD_LOG`), in the order the visits ended; None without a
            field team.
        field_violations: visits the field auditor found breaking each visit rule
            (`field_rules.FIELD_RULES`); zeros for a correct planner, empty without a field team.
        field_team_names: the field teams (one, "field", without territories).
        field_team_visits, field_team_km, field_team_cost: visits, km and money per day and team,
            shape (days, teams).
        path_visits: home visits planned for each path's accounts (zeros without a field team).
        legal_handed: accounts handed to legal per day (empty without `[strategy.legal]`).
        legal_resolved: cases ending per day (with or without money).
        legal_recovered: of those, cases ending with money (the money: `collected`'s "legal" row).
        legal_cost: legal money per day: fees and court costs at hand-off, the lawyer's monthly fee
            while a case runs, the contingency on money recovered.
        legal_pending: cases still open at the end of the run (their outcome lies past the horizon).
        path_legal_cost: legal money spent on each path's accounts.
        legal_log: one row per case when the run recorded (`legal.LEGAL_LOG`), else None.
        field_busy_s: the field agents' seconds driving and visiting per day (waits at a door not counted).
        field_paid_s: the field agents' paid shift seconds per day (utilisation = busy / paid).
        field_bases: where the teams' routes start and end, one (x, y) km row per team.
    """

    channel_names: tuple[str, ...]
    sent: np.ndarray
    delivered: np.ndarray
    responses: np.ndarray
    message_cost: np.ndarray
    collected: np.ndarray
    debtor_calls: np.ndarray
    debtor_calls_handled: np.ndarray
    debtor_promises: np.ndarray
    path_names: tuple[str, ...]
    path_accounts: np.ndarray
    path_balance: np.ndarray
    path_collected: np.ndarray
    path_message_cost: np.ndarray
    path_attempts: np.ndarray
    path_rpc_accounts: np.ndarray
    arm_accounts: np.ndarray
    arm_balance: np.ndarray
    arm_collected: np.ndarray
    arm_message_cost: np.ndarray
    arm_attempts: np.ndarray
    untreated: int
    opted_out: np.ndarray
    offers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OFFER_COUNTS, 0))
    discount_given: float = 0.0
    batch_names: tuple[str, ...] = ()
    batch_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    batch_accounts: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    batch_balance: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    collected_by_batch: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))
    status_by_week: np.ndarray = field(default_factory=lambda: np.zeros((0, len(STATUS_BUCKETS)), dtype=np.int64))
    roll: np.ndarray = field(default_factory=lambda: np.zeros((len(STATUS_BUCKETS),) * 2, dtype=np.int64))
    message_log: np.ndarray | None = None
    account_collected: np.ndarray | None = None
    field_visits: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    field_outcomes: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    field_km: np.ndarray = field(default_factory=lambda: np.zeros(0))
    field_cost: np.ndarray = field(default_factory=lambda: np.zeros(0))
    field_log: np.ndarray | None = None
    field_violations: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    field_team_names: tuple[str, ...] = ()
    field_team_visits: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    field_team_km: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    field_team_cost: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    path_visits: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    legal_handed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    legal_resolved: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    legal_recovered: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    legal_cost: np.ndarray = field(default_factory=lambda: np.zeros(0))
    legal_pending: int = 0
    path_legal_cost: np.ndarray = field(default_factory=lambda: np.zeros(0))
    legal_log: np.ndarray | None = None
    field_busy_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    field_paid_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    field_bases: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))

    @property
    def message_cost_per_day(self) -> np.ndarray:
        """Money spent on messages per day, over the channels."""
        return self.message_cost.sum(axis=0)
