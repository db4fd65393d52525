"""How well the collection process itself works: each stage's effectiveness, promises
kept, and what agencies recover, period by period and currency by currency.

- A stage's effectiveness: of the amount owed on the invoices a step chased at that stage
  (each invoice's open balance the day the step was carried out), the share paid within
  14 days after it (payments only: a credit note or a write-off is not collected money).
  A step whose 14 days are not over yet is left out and counted as waiting.
- Promises kept: of the promises whose promised day falls in the period and whose grace
  has run out (or that were kept), the share kept, by count and by amount promised. A
  promise is kept as the daily run judges it (`core.pauses.Promise.state`): what the
  customer paid from the day it was made to the promised day plus the policy's grace
  reaches the amount.
- Agency recovery: of the claims handed to an agency in the period (each invoice's open
  balance the day it was handed over), the share paid since, until the agency gave it
  back or to the day asked about; and the same less the fees the agency kept on it.

docs/kpi.md has each formula with a worked example. Amounts are integer minor units until
they are reported as Money.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from relance.core.actions import Action, ActionStatus
from relance.core.kpi import Period, percent
from relance.core.ledger import Ledger
from relance.core.model import AllocationKind
from relance.core.money import Money
from relance.core.pauses import Promise, PromiseState
from relance.core.writeoff import AgencyHandoff, HandoffStatus

WINDOW_DAYS = 14
DEFAULT_PROMISE_GRACE_DAYS = 3  # the shipped policies' grace after a promise


@dataclass(frozen=True, slots=True)
class InvoiceHistory:
    """One invoice's amount and every allocation made to it: (date, kind, minor units)."""

    number: str
    currency: str
    minor: int
    allocations: tuple[tuple[date, AllocationKind, int], ...] = ()

    def owed_on(self, day: date) -> int:
        """What was still owed at the end of `day`."""
        return self.minor - sum(m for on, _, m in self.allocations if on <= day)

    def paid_between(self, after: date, until: date) -> int:
        """Payments dated after `after`, up to `until` inclusive."""
        return sum(
            m
            for on, kind, m in self.allocations
            if kind is AllocationKind.PAYMENT and after < on <= until
        )


def invoice_histories(ledger: Ledger, numbers: Iterable[str]) -> dict[str, InvoiceHistory]:
    """The histories of the ledger's invoices among `numbers`."""
    wanted = set(numbers)
    return {
        invoice.number: InvoiceHistory(
            invoice.number,
            invoice.currency,
            invoice.amount.to_minor(),
            tuple(
                (a.date, a.kind, a.amount.to_minor()) for a in ledger.allocations_of(invoice.number)
            ),
        )
        for invoice in ledger.invoices
        if invoice.number in wanted
    }


def _in(asked: Sequence[Period], day: date) -> Period | None:
    return next((p for p in asked if p.first <= day <= p.last), None)


# -- the stages ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepInvoice:
    """One invoice of a step carried out, at the stage the step took it to."""

    number: str
    level: int
    stage: str
    done_on: date


def step_invoices(
    actions: Iterable[Action],
    first: date,
    last: date,
    names: Mapping[tuple[str, int], str] | None = None,
) -> list[StepInvoice]:
    """The invoices of the steps carried out from `first` to `last`, each at its stage.
    An invoice listed at another stage than the step's own is named after that stage as
    steps of the same policy name it (`names`, by policy and level: by default those of
    `actions`; "level N" when none does)."""
    done = [a for a in actions if a.status is ActionStatus.DONE and a.done_on is not None]
    if names is None:
        names = {(a.policy, a.level): a.level_name for a in done}
    found = []
    for action in done:
        on = action.done_on
        assert on is not None
        if not first <= on <= last:
            continue
        for number, level in action.stages():
            if level < 0:
                continue
            stage = names.get((action.policy, level), f"level {level + 1}")
            found.append(StepInvoice(number, level, stage, on))
    return found


@dataclass(frozen=True, slots=True)
class StageEffect:
    """One stage in one period and currency: the amount chased on the invoices its steps
    listed and what was paid on them within the window after each step."""

    period: Period
    currency: str
    level: int
    stage: str
    invoices: int  # invoices chased (an invoice chased twice at the stage counts twice)
    chased: Money
    paid: Money
    waiting: int  # invoices whose window was not over on the day asked about: left out

    @property
    def share(self) -> Decimal | None:
        """The share of the amount chased that was paid within the window, in percent."""
        return percent(self.paid.amount, self.chased.amount)


def stage_effectiveness(
    steps: Iterable[StepInvoice],
    histories: Mapping[str, InvoiceHistory],
    asked: Sequence[Period],
    as_of: date,
    window: int = WINDOW_DAYS,
) -> tuple[StageEffect, ...]:
    """Each stage's effectiveness in each period: by period, currency, then level."""
    sums: dict[tuple[Period, str, int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for step in steps:
        period, history = _in(asked, step.done_on), histories.get(step.number)
        if period is None or history is None:
            continue
        cell = sums[(period, history.currency, step.level, step.stage)]
        closes = step.done_on + timedelta(days=window)
        if closes > as_of:
            cell[3] += 1
            continue
        owed = history.owed_on(step.done_on)
        if owed <= 0:
            continue  # settled before the step: nothing was chased
        cell[0] += 1
        cell[1] += owed
        cell[2] += min(owed, history.paid_between(step.done_on, closes))
    return tuple(
        StageEffect(
            period,
            currency,
            level,
            stage,
            counted,
            Money.from_minor(chased, currency),
            Money.from_minor(paid, currency),
            waiting,
        )
        for (period, currency, level, stage), (counted, chased, paid, waiting) in sorted(
            sums.items(), key=lambda item: (item[0][0], item[0][1], item[0][2], item[0][3])
        )
    )


# -- promises -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PromisesKept:
    """The promises due in one period and currency, and how many were kept."""

    period: Period
    currency: str
    decided: int  # kept or broken
    kept: int
    promised: Money  # the amounts of the promises decided
    kept_amount: Money  # the amounts of those kept
    pending: int  # still within their grace on the day asked about: left out

    @property
    def share_by_count(self) -> Decimal | None:
        """Kept promises in percent of those decided."""
        return percent(self.kept, self.decided)

    @property
    def share_by_amount(self) -> Decimal | None:
        """Amounts of kept promises in percent of the amounts promised."""
        return percent(self.kept_amount.amount, self.promised.amount)


def promise_state(
    promise: Promise, payments: Sequence[tuple[date, Money]], grace: int, as_of: date
) -> PromiseState:
    """Where a promise stood on `as_of`, judged as the daily run judges it: the customer's
    payments in its currency from the day it was made to its deadline (or `as_of`)."""
    last_day = min(as_of, promise.deadline(grace))
    paid = sum(
        (
            amount.amount
            for day, amount in payments
            if promise.made_on <= day <= last_day and amount.currency == promise.amount.currency
        ),
        Money.zero(promise.amount.currency).amount,
    )
    return promise.state(Money(paid, promise.amount.currency), as_of, grace)


def promises_kept(
    promises: Iterable[Promise],
    payments: Mapping[str, Sequence[tuple[date, Money]]],
    grace: Mapping[str, int],
    asked: Sequence[Period],
    as_of: date,
) -> tuple[PromisesKept, ...]:
    """The promises kept in each period, by the day promised; `payments` and `grace`
    (the days of grace of each customer's policy) by customer reference."""
    sums: dict[tuple[Period, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for promise in promises:
        period = _in(asked, promise.due)
        if period is None:
            continue
        days = grace.get(promise.customer_ref, DEFAULT_PROMISE_GRACE_DAYS)
        state = promise_state(promise, payments.get(promise.customer_ref, ()), days, as_of)
        cell = sums[(period, promise.amount.currency)]
        if state is PromiseState.PENDING:
            cell[4] += 1
            continue
        kept = state is PromiseState.KEPT
        cell[0] += 1
        cell[1] += kept
        cell[2] += promise.amount.to_minor()
        cell[3] += promise.amount.to_minor() if kept else 0
    return tuple(
        PromisesKept(
            period,
            currency,
            decided,
            kept,
            Money.from_minor(promised, currency),
            Money.from_minor(kept_minor, currency),
            pending,
        )
        for (period, currency), (decided, kept, promised, kept_minor, pending) in sorted(
            sums.items()
        )
    )


# -- agencies -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HandedClaim:
    """An invoice handed to an agency: what was owed on it that day, and what has been
    paid on it since (until the agency gave it back, or the day asked about)."""

    invoice_number: str
    agency: str
    on: date
    currency: str
    owed: int
    recovered: int
    returned_on: date | None = None
    fees: int = 0  # the agency's fees on what it recovered


def handed_claims(
    handoffs: Sequence[AgencyHandoff],
    histories: Mapping[str, InvoiceHistory],
    as_of: date,
    fees: Mapping[str, Sequence[tuple[date, int]]] | None = None,
) -> tuple[HandedClaim, ...]:
    """Each handoff to an agency recorded by `as_of`, with what it recovered by then and
    the agency's fees on it (`fees`: (day, minor units) by invoice, as the agency's
    recoveries recorded them)."""
    fees = fees or {}
    ordered = sorted((h for h in handoffs if h.date <= as_of), key=lambda h: h.date)
    claims = []
    for position, handoff in enumerate(ordered):
        history = histories.get(handoff.invoice_number)
        if handoff.status is not HandoffStatus.WITH_AGENCY or history is None:
            continue
        # back in house or given up: what is paid afterwards is no longer the agency's doing
        back = next(
            (
                later.date
                for later in ordered[position + 1 :]
                if later.invoice_number == handoff.invoice_number
                and later.status in (HandoffStatus.IN_HOUSE, HandoffStatus.RETURNED_BY_AGENCY)
            ),
            None,
        )
        owed = history.owed_on(handoff.date)
        last = back or as_of
        recovered = history.paid_between(handoff.date, last)
        charged = sum(
            minor
            for day, minor in fees.get(handoff.invoice_number, ())
            if handoff.date < day <= last
        )
        claims.append(
            HandedClaim(
                handoff.invoice_number,
                handoff.agency,
                handoff.date,
                history.currency,
                owed,
                min(owed, recovered),
                back,
                charged,
            )
        )
    return tuple(claims)


@dataclass(frozen=True, slots=True)
class AgencyRecovery:
    """The claims handed to agencies in one period and currency, and what they recovered."""

    period: Period
    currency: str
    claims: int
    handed: Money
    recovered: Money
    fees: Money  # what the agencies kept of it

    @property
    def share(self) -> Decimal | None:
        """What was recovered in percent of what was handed over."""
        return percent(self.recovered.amount, self.handed.amount)

    @property
    def net(self) -> Money:
        """What was recovered less the agencies' fees."""
        return self.recovered - self.fees

    @property
    def net_share(self) -> Decimal | None:
        """What was recovered less the fees, in percent of what was handed over."""
        return percent(self.net.amount, self.handed.amount)


def agency_recovery(
    claims: Iterable[HandedClaim], asked: Sequence[Period]
) -> tuple[AgencyRecovery, ...]:
    """The recovery of the claims handed over in each period, by the day handed over."""
    sums: dict[tuple[Period, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for claim in claims:
        period = _in(asked, claim.on)
        if period is None or claim.owed <= 0:
            continue
        cell = sums[(period, claim.currency)]
        cell[0] += 1
        cell[1] += claim.owed
        cell[2] += claim.recovered
        cell[3] += claim.fees
    return tuple(
        AgencyRecovery(
            period,
            currency,
            count,
            Money.from_minor(handed, currency),
            Money.from_minor(recovered, currency),
            Money.from_minor(fees, currency),
        )
        for (period, currency), (count, handed, recovered, fees) in sorted(sums.items())
    )
