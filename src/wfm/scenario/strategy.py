"""The collection strategy: which debtors get which treatment, through which channel, in which order (DESIGN §10).

A strategy is a set of paths. At placement each account enters the first path whose entry rule
it meets (segment, score band, balance) and walks its steps one after the other: a message
(SMS, e-mail, letter), a phone phase (the dialer may call the account until its attempt budget
or its days run out, or a right-party conversation ends it), or a wait. An account in no phone
phase is not dialed. Events move it on:

- a right-party conversation ends the phone phase (the next step follows);
- a promise holds the path until it falls due; kept, the path goes on if a balance is left (or
  moves to the path's `after_kept_promise` path); broken, the account moves to the path's
  `after_broken_promise` path (or goes on);
- an opt-out (STOP, unsubscribe) ends messages on that channel; a message step on it is skipped,
  and the account moves to the path's `after_opt_out` path when it names one;
- a step with a balance condition (`balance_min`, `balance_max`) is skipped when the account's
  balance at that moment is outside it;
- paid, disputed or unreachable end the treatment.

Champion/challenger: a share of the accounts that enter the champion path enter the challenger
path instead, drawn per account at placement, so in every replication the same debtors (same
balances, same behaviour) are split the same way whatever the paths do.

The debtors' behaviour has a hidden type: a share of each segment are payers, who promise, keep,
respond to messages and pay without contact more often than the rest (by `payer_lift`), with
each segment's averages unchanged. The score is a noisy view of that type with a chosen AUC, so
a planner can see what a better model is worth.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from wfm.scenario.field import FieldVisits
from wfm.scenario.legal import LegalAction
from wfm.scenario.units import ClosingTime, Model, TimeOfDay, format_time_of_day

ChannelName = Literal["sms", "email", "letter", "registered_letter"]
StepKind = Literal["sms", "email", "letter", "registered_letter", "phone", "wait", "visit", "legal"]
CHANNELS: tuple[ChannelName, ...] = ("sms", "email", "letter", "registered_letter")
POSTAL: frozenset[str] = frozenset({"letter", "registered_letter"})
"""Channels sent by post: no contact to the contact rules (Ley 2300 counts calls and electronic messages)."""
ELECTRONIC: frozenset[str] = frozenset({"sms", "email"})
"""Channels Reg F §1006.6(e) requires an opt-out notice in (e-mail, text)."""


class Responses(Model):
    """What a delivered message leads to: shares of the delivered messages (the rest: nothing).

    Attributes:
        call: the debtor phones the inbound line (an identified caller: the call joins the queue).
        pay: the debtor pays through the message's link or the payment slip (`pay_fraction` of the balance).
        promise: the debtor promises through the portal (kept like a promise taken on the phone).
        opt_out: the debtor opts out (STOP, unsubscribe): no more messages on this channel.
        delay_h: mean hours from delivery to the response (lognormal with `delay_cv`).
        delay_cv: coefficient of variation of the delay (0 = every response exactly `delay_h` after delivery).
        pay_fraction: share of the balance a payment through the link pays (1 = in full).
    """

    call: float = Field(default=0.0, ge=0, le=1)
    pay: float = Field(default=0.0, ge=0, le=1)
    promise: float = Field(default=0.0, ge=0, le=1)
    opt_out: float = Field(default=0.0, ge=0, le=1)
    delay_h: float = Field(default=4.0, gt=0, le=24 * 60)
    delay_cv: float = Field(default=1.0, ge=0, le=10)
    pay_fraction: float = Field(default=0.3, gt=0, le=1)

    @model_validator(mode="after")
    def _shares_fit(self) -> Responses:
        total = self.call + self.pay + self.promise + self.opt_out
        if total > 1 + 1e-9:
            raise ValueError(f"call + pay + promise + opt_out = {total:g} is above 1; they are shares of the"
                             " delivered messages, so their sum may be at most 1")
        return self


class SendingWindow(Model):
    """When messages of a channel go out, in the debtor's local time (every day the center sends)."""

    start: TimeOfDay
    end: ClosingTime

    @model_validator(mode="after")
    def _start_before_end(self) -> SendingWindow:
        if self.end <= self.start:
            raise ValueError(f"end {format_time_of_day(self.end)} must be after start"
                             f" {format_time_of_day(self.start)}; a sending window cannot run past midnight")
        return self


class Channel(Model):
    """A message channel: its cost, how often it fails, when it goes out and what it draws.

    Attributes:
        cost: money per message sent (delivered or not).
        delivery_failure: share of messages never delivered (bad number or address, bounced).
        delivery_delay_h: hours from sending to delivery (a letter's post).
        window: local sending window; a message step sends at the window's start (or at the start
            of the debtor's calling window, when that opens later), spread over `spread_min`.
            Without a window a letter is posted at 09:00 center time whatever the day, and a text
            or e-mail (a contact) goes out when the debtor's calling window opens.
        spread_min: minutes over which a day's messages of the channel go out from the window's
            start (a platform's throughput); 0 = all at the start.
        proof_of_delivery: the post tells the center whether the message arrived (a registered
            letter): a returned one marks the address bad, and the account's later letters and
            home visits are skipped.
        responses: what a delivered message leads to.
    """

    cost: float = Field(ge=0, le=1_000)
    delivery_failure: float = Field(default=0.05, ge=0, le=1)
    delivery_delay_h: float = Field(default=0.0, ge=0, le=24 * 30)
    window: SendingWindow | None = None
    spread_min: float = Field(default=60.0, ge=0, le=24 * 60)
    proof_of_delivery: bool = False
    responses: Responses = Responses()


def _window(start: str, end: str) -> SendingWindow:
    return SendingWindow.model_validate({"start": start, "end": end})


def _default_channels() -> dict[ChannelName, Channel]:
    # Planner's priors between published bounds (scenarios/omnichannel.toml gives them in full); replace them
    # with a campaign's own figures:
    # - SMS: vendors report 95-98% delivered to live numbers (dead numbers are the portfolio's, on top);
    #   responses sit far below the 23-33% who paid a court fine after a text with a bailiff days away
    #   (Haynes et al. 2013, J. Policy Anal. Manage. 32(4)) and above the null of plain reminders to
    #   micro-borrowers (Karlan, Morten & Zinman 2016, Behav. Sci. & Policy 1(2)).
    # - E-mail: 2% acting is Mailchimp's cross-industry 2.6% click rate less the clicks that do nothing;
    #   opt-out 0.3% its 0.26% unsubscribe rate; 15% undelivered because creditor-supplied addresses
    #   are older than the opted-in lists behind Mailchimp's 0.7% bounce rate (illustrative).
    # - Letter: 5% respond, the low end of the DMA/ANA 2018 response rates (4.9% prospect, 9% house
    #   list); 5% undeliverable, half the DMA's "up to 10%" of a list after moves.
    # - Registered letter: illustrative (no public response figure found).
    return {
        "sms": Channel(cost=0.05, delivery_failure=0.08, window=_window("09:00", "20:00"),
                       responses=Responses(call=0.03, pay=0.01, promise=0.01, opt_out=0.01, delay_h=3.0)),
        "email": Channel(cost=0.01, delivery_failure=0.15, window=_window("09:00", "20:00"),
                         responses=Responses(call=0.01, pay=0.005, promise=0.005, opt_out=0.003, delay_h=12.0)),
        "letter": Channel(cost=0.9, delivery_failure=0.05, delivery_delay_h=72.0,
                          responses=Responses(call=0.04, pay=0.01, promise=0.0, opt_out=0.0, delay_h=48.0)),
        # A registered letter with return receipt (raccomandata A/R, burofax, certified mail): several
        # times a letter's price, slower (delivery attempts, collection at the post office), its
        # failures (not collected, wrong address) come back to the sender.
        "registered_letter": Channel(cost=6.5, delivery_failure=0.12, delivery_delay_h=120.0, proof_of_delivery=True,
                                     responses=Responses(call=0.07, pay=0.02, promise=0.0, opt_out=0.0,
                                                         delay_h=48.0)),
    }


class Step(Model):
    """One step of a path.

    Attributes:
        kind: sms, email, letter or registered_letter (send one message), phone (a phone phase),
            wait, visit (join the field team's queue; the path goes on the day after the visit;
            needs `[strategy.field]`), or legal (hand the account to the lawyers when it meets
            `[strategy.legal]`'s rule: it leaves every other channel for good; an account not meeting
            the rule skips the step).
        days: wait: days to wait; phone: most days the phase lasts (0 = until the attempt budget
            is spent).
        attempts: phone: most dial attempts in the phase (0 = no budget, only `days`).
        balance_min: the step is taken only when the account's balance, when the path reaches it,
            is at least this (else it is skipped: e.g. a registered letter only from 1,000).
        balance_max: ... and below this (None = no limit).
    """

    kind: StepKind
    days: int = Field(default=0, ge=0, le=365)
    attempts: int = Field(default=0, ge=0, le=1_000)
    balance_min: float = Field(default=0.0, ge=0)
    balance_max: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Step:
        if self.kind == "wait" and (self.days == 0 or self.attempts):
            raise ValueError("a wait step needs days >= 1 and no attempts; e.g. { kind = \"wait\", days = 3 }")
        if self.kind == "phone" and not (self.days or self.attempts):
            raise ValueError("a phone step needs an attempt budget, a number of days or both;"
                             " e.g. { kind = \"phone\", attempts = 6, days = 10 }")
        if self.kind == "legal" and (self.days or self.attempts):
            raise ValueError("a legal step takes no days or attempts: the case lasts as [strategy.legal.duration]"
                             " says and the account never comes back to the path")
        if self.kind == "visit" and (self.days or self.attempts):
            raise ValueError("a visit step takes no days or attempts: the field team visits when the budget and"
                             " routes allow; add a wait step after it to wait")
        if self.kind in CHANNELS and (self.days or self.attempts):
            raise ValueError(f"a {self.kind} step sends one message and takes no days or attempts; add a wait step"
                             " after it to wait")
        if self.balance_max is not None and self.balance_max <= self.balance_min:
            raise ValueError(f"a {self.kind} step's balance_max {self.balance_max:g} must be above its balance_min"
                             f" {self.balance_min:g}")
        return self

    def applies(self, balance: float) -> bool:
        """Whether the step is taken for an account with this balance (else it is skipped)."""
        return balance >= self.balance_min and (self.balance_max is None or balance < self.balance_max)


MOVES = ("after_broken_promise", "after_kept_promise", "after_opt_out")
"""The keys of a path that move an account to another path."""


class TreatmentPath(Model):
    """A treatment path: who enters it, its steps, and where a broken or kept promise or an opt-out leads.

    Attributes:
        name: unique name.
        steps: the steps, in order.
        segments: segments that enter it (empty = every segment).
        score_band: entry by score percentile, [low, high): (0.7, 1.0) = the best-scored 30%.
        balance_min: entry from this balance.
        balance_max: entry below this balance (None = no limit).
        after_broken_promise: path to move to when a promise is broken ("" = go on with this one).
        after_kept_promise: path to move to when a promise is kept and a balance is left ("" = go on).
        after_opt_out: path to move to when the debtor opts out of a channel ("" = go on, skipping
            the steps of that channel).
        repeat: after the last step, start the path again (else the account rests untreated).
    """

    name: str = Field(min_length=1)
    steps: tuple[Step, ...] = Field(min_length=1)
    segments: tuple[str, ...] = ()
    score_band: tuple[float, float] = (0.0, 1.0)
    balance_min: float = Field(default=0.0, ge=0)
    balance_max: float | None = Field(default=None, gt=0)
    after_broken_promise: str = ""
    after_kept_promise: str = ""
    after_opt_out: str = ""
    repeat: bool = False

    @field_validator("score_band")
    @classmethod
    def _band(cls, value: tuple[float, float]) -> tuple[float, float]:
        low, high = value
        if not 0 <= low < high <= 1:
            raise ValueError(f"score_band {list(value)} must be [low, high] with 0 <= low < high <= 1 (percentiles"
                             " of the score: [0.7, 1.0] = the best-scored 30%)")
        return value

    @model_validator(mode="after")
    def _balance_range(self) -> TreatmentPath:
        if self.balance_max is not None and self.balance_max <= self.balance_min:
            raise ValueError(f"path {self.name!r}: balance_max {self.balance_max:g} must be above balance_min"
                             f" {self.balance_min:g}")
        if self.repeat and not any(s.kind in ("phone", "wait", "visit") for s in self.steps):
            raise ValueError(f"path {self.name!r} repeats with messages only: it would send every day without"
                             " end; add a wait or phone step")
        return self

    def takes(self, segment: str, percentile: float, balance: float) -> bool:
        """Whether an account enters this path."""
        low, high = self.score_band
        return ((not self.segments or segment in self.segments)
                and (low <= percentile < high or (high == 1.0 and percentile == 1.0))
                and balance >= self.balance_min and (self.balance_max is None or balance < self.balance_max))


class Placement(Model):
    """A batch of accounts placed with the center on a date.

    Attributes:
        date: the day the batch is placed (on or after the run's start; before it = at the start).
        share: the batch's share of the portfolio's accounts (batches take the accounts in file or
            draw order: the first share to the first batch, and so on).
        name: how reports name the batch ("" = its date).
    """

    date: date
    share: float = Field(gt=0, le=1)
    name: str = ""

    def label(self) -> str:
        """The batch's name in reports."""
        return self.name or self.date.isoformat()


class Offers(Model):
    """How promises are taken under the strategy: payment plans, settlements, reminders before the due date.

    Attributes:
        plan_share: share of promises taken as a payment plan of `plan_instalments` instalments.
        plan_instalments: instalments of a plan (the balance split evenly); each is kept or broken,
            and a broken one ends the plan (the account follows its path's broken-promise rule).
        plan_every_days: days between instalments.
        settlement_share: share of full-balance promises made as a settlement: the debtor pays the
            balance less `settlement_discount`, and a kept settlement closes the account.
        settlement_discount: the discount of a settlement, a share of the balance.
        reminder: channel of a reminder before each due date ("none" = no reminder).
        reminder_days_before: days before the due date the reminder goes out.
        reminder_rescue: share of the promises that would be broken that a delivered reminder saves.
    """

    plan_share: float = Field(default=0.0, ge=0, le=1)
    plan_instalments: int = Field(default=3, ge=2, le=36)
    plan_every_days: int = Field(default=30, ge=7, le=92)
    settlement_share: float = Field(default=0.0, ge=0, le=1)
    settlement_discount: float = Field(default=0.2, ge=0, le=0.9)
    reminder: Literal["none", "sms", "email"] = "none"
    reminder_days_before: int = Field(default=2, ge=1, le=30)
    reminder_rescue: float = Field(default=0.15, ge=0, le=1)


class Strategy(Model):
    """The collection strategy across channels; disabled, every account is dialed as the phone campaign says.

    Attributes:
        enabled: treat accounts along the paths (needs `outbound.enabled`: the portfolio and the dialer).
        paths: the paths; an account enters the first whose entry rule it meets, or none (untreated).
        champion: the path a challenger competes with ("" = no challenger).
        challenger: the path a share of the champion's accounts enter instead.
        challenger_share: that share.
        channels: cost, delivery, sending window and responses per message channel.
        score_auc: how well the score tells payers from the rest (0.5 = no better than chance).
        payer_share: share of payers per segment name; segments not named use `default_payer_share`.
        default_payer_share: share of payers in a segment not named in `payer_share`.
        payer_lift: how many times a payer is as likely as a non-payer to promise, keep, respond and self-cure.
        self_cure_monthly: share per segment name paying in full within 30 days without any contact, for
            a debt just past due.
        self_cure_halflife_days: days past due over which the self-cure chance halves (0 = it does not fade).
        offers: payment plans, settlements and reminders.
        follow_up_broken_promises: the dialer calls accounts whose promise broke before the others
            (until their next right-party conversation).
        placements: batches placed over time (empty = every account placed on the first day).
        placement_term_days: days an account stays on book before it returns to the client
            (0 = for the whole run); a returned account is no longer treated.
        field: the field team for visit steps (None = no home visits).
        legal: the legal hand-off for legal steps (None = no legal action).
    """

    enabled: bool = False
    paths: tuple[TreatmentPath, ...] = ()
    champion: str = ""
    challenger: str = ""
    challenger_share: float = Field(default=0.0, ge=0, le=1)
    channels: dict[ChannelName, Channel] = Field(default_factory=_default_channels)
    score_auc: float = Field(default=0.7, ge=0.5, lt=1.0)
    payer_share: dict[str, float] = Field(default_factory=dict)
    default_payer_share: float = Field(default=0.4, gt=0, le=1)
    payer_lift: float = Field(default=3.0, ge=1, le=100)
    self_cure_monthly: dict[str, float] = Field(default_factory=dict)
    self_cure_halflife_days: float = Field(default=0.0, ge=0, le=36_500)
    offers: Offers = Offers()
    follow_up_broken_promises: bool = False
    placements: tuple[Placement, ...] = ()
    placement_term_days: int = Field(default=0, ge=0, le=3650)
    field: FieldVisits | None = None
    legal: LegalAction | None = None

    @field_validator("placements")
    @classmethod
    def _placements_add_up(cls, value: tuple[Placement, ...]) -> tuple[Placement, ...]:
        total = sum(p.share for p in value)
        if value and abs(total - 1.0) > 1e-6:
            raise ValueError(f"the placements' shares add up to {total:g}; they split the portfolio, so they must"
                             " add up to 1")
        dates = [p.date for p in value]
        if dates != sorted(dates):
            raise ValueError("list the placements in date order")
        return value

    @field_validator("payer_share", "self_cure_monthly")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        for name, share in value.items():
            if not 0 <= share <= 1:
                raise ValueError(f"{name} = {share:g} is not a share; give a value from 0 to 1")
        return value

    @field_validator("channels", mode="before")
    @classmethod
    def _channels_on_defaults(cls, value: object) -> object:
        """A channel given in the file replaces that channel's defaults; the others keep theirs."""
        if isinstance(value, dict):
            merged: dict[str, object] = {name: channel for name, channel in _default_channels().items()}
            merged.update(value)
            return merged
        return value

    @model_validator(mode="after")
    def _paths_known(self) -> Strategy:
        names = [p.name for p in self.paths]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"path names {dupes} are used twice; give every path its own name")
        for path in self.paths:
            for key in MOVES:
                target = getattr(path, key)
                if target and target not in names:
                    raise ValueError(f"path {path.name!r}: {key} = {target!r} names no path; use one of {names}"
                                     " or \"\"")
        if bool(self.champion) != bool(self.challenger):
            raise ValueError("give both champion and challenger (path names), or neither")
        for key in ("champion", "challenger"):
            name = getattr(self, key)
            if name and name not in names:
                raise ValueError(f"{key} = {name!r} names no path; use one of {names}")
        if self.champion and self.champion == self.challenger:
            raise ValueError("champion and challenger are the same path; a challenger must differ")
        if self.challenger and not 0 < self.challenger_share < 1:
            raise ValueError(f"challenger_share = {self.challenger_share:g}: with a challenger, give a share"
                             " strictly between 0 and 1 (e.g. 0.2)")
        visiting = [p.name for p in self.paths if any(s.kind == "visit" for s in p.steps)]
        if visiting and self.field is None:
            raise ValueError(f"path(s) {visiting} have a visit step but there is no field team; add [strategy.field]"
                             " (agents, visiting hours, budget) or remove the visit steps")
        suing = [p.name for p in self.paths if any(s.kind == "legal" for s in p.steps)]
        if suing and self.legal is None:
            raise ValueError(f"path(s) {suing} have a legal step but there is no legal hand-off; add [strategy.legal]"
                             " (rule, fees, duration, recovery) or remove the legal steps")
        if self.enabled and not self.paths:
            raise ValueError("strategy.enabled needs at least one path; add [[strategy.paths]] or set enabled = false")
        return self

    def payer_share_of(self, segment: str) -> float:
        """The share of payers in `segment`."""
        return self.payer_share.get(segment, self.default_payer_share)

    def channels_used(self) -> set[str]:
        """The message channels the paths' steps and the reminders send on."""
        used = {s.kind for p in self.paths for s in p.steps if s.kind in CHANNELS}
        return used | ({self.offers.reminder} if self.offers.reminder != "none" else set())

    def segments_named(self) -> set[str]:
        """Every segment name the strategy refers to (checked against the portfolio by the scenario)."""
        field = set(self.field.outcomes_by_segment) if self.field is not None else set()
        return {s for p in self.paths for s in p.segments} | set(self.payer_share) | set(self.self_cure_monthly) | field
