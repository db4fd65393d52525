"""Whether an approved message may still leave: the check made just before any delivery.

An action is approved on one day and delivered on another: the same day, a week later
when SMTP was missing, or after an interruption. Meanwhile the customer may have paid,
paid on account, disputed the invoice, promised, agreed a plan, been put on hold, been
handed to an agency, taken to court or entered insolvency proceedings; the action may
have been cancelled or overtaken by a later step. `check_delivery` asks all of that as of
the delivery day and says either which invoices the message may still claim, or why it
must not leave (a `Staleness`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from relance.core.engine import Action, ActionStatus
from relance.core.limitation import Interruption, InterruptionKind
from relance.core.money import Money, total
from relance.core.pauses import Dispute, Hold, Promise, PromiseState
from relance.core.plans import PaymentPlan, PlanState, plan_status
from relance.core.proceedings import Proceeding
from relance.core.writeoff import AgencyHandoff, handoff_status


class StaleReason(StrEnum):
    """Why a message approved earlier must not leave any more."""

    CANCELLED = "cancelled"  # the action was cancelled since
    SUPERSEDED = "superseded"  # a later step of the process took its place
    PAID = "paid"  # nothing is owed any more on its invoices
    COVERED = "covered"  # what is owed is covered by payments received on account
    HOLD = "hold"
    PROCEEDINGS = "proceedings"  # the customer is sued, insolvent or over-indebted
    AGENCY = "agency"  # handed to a collection agency
    LEGAL_ACTION = "legal_action"  # in court
    DISPUTED = "disputed"
    PLAN = "plan"  # a payment plan on track covers the invoices
    PROMISE = "promise"  # a promise to pay not yet due


@dataclass(frozen=True, slots=True)
class Staleness:
    """Why a message must not leave, in words for the user and the event log."""

    reason: StaleReason
    detail: str


@dataclass(frozen=True, slots=True)
class DeliveryFacts:
    """What the ledger says on the delivery day about one action's customer.

    `balances` are the open balances, as of the day, of the action's invoices still open;
    `credit` is what the customer paid on account and is not allocated yet, per currency;
    `others` are the customer's other actions; `payments` the customer's payments (date,
    amount) and `plan_payments` those allocated to each plan's invoices, by plan key.
    """

    action: Action
    balances: Mapping[str, Money]
    credit: Mapping[str, Money]
    others: tuple[Action, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    promises: tuple[Promise, ...] = ()
    payments: tuple[tuple[date, Money], ...] = ()
    plans: tuple[PaymentPlan, ...] = ()
    plan_payments: Mapping[str, tuple[tuple[date, Money], ...]] | None = None
    holds: tuple[Hold, ...] = ()
    proceedings: tuple[Proceeding, ...] = ()
    handoffs: tuple[AgencyHandoff, ...] = ()
    interruptions: tuple[Interruption, ...] = ()
    promise_grace_days: int = 3
    plan_grace_days: int = 5


@dataclass(frozen=True, slots=True)
class DeliveryCheck:
    """The verdict: the invoices the message may claim, or why it must not leave."""

    chased: tuple[str, ...]
    stale: Staleness | None


def check_delivery(facts: DeliveryFacts, as_of: date) -> DeliveryCheck:
    """May the action's message leave on `as_of`? The first reason found wins, in the
    order a credit manager would give it: the action itself, then the money, then what
    takes the customer out of the process, then what pauses some invoices."""
    action = facts.action
    for reason in (_action_gone(facts, as_of), _whole_customer_paused(facts, as_of)):
        if reason is not None:
            return DeliveryCheck((), reason)
    open_numbers = [n for n in action.invoice_numbers if n in facts.balances]
    if not open_numbers:
        return DeliveryCheck((), Staleness(StaleReason.PAID, "every invoice of it is paid"))
    chased, paused = _chaseable(facts, open_numbers, as_of)
    if not chased:
        return DeliveryCheck((), paused or Staleness(StaleReason.PAID, "nothing left to claim"))
    covered = _covered(facts, chased)
    if covered is not None:
        return DeliveryCheck((), covered)
    return DeliveryCheck(tuple(chased), None)


def _action_gone(facts: DeliveryFacts, as_of: date) -> Staleness | None:
    action = facts.action
    if action.status is ActionStatus.CANCELLED:
        return Staleness(StaleReason.CANCELLED, _why_cancelled(facts, as_of))
    mine = set(action.invoice_numbers)
    for other in facts.others:
        if (
            other.key != action.key
            and other.status is not ActionStatus.CANCELLED
            and other.level > action.level
            and other.proposed_on >= action.proposed_on
            and mine & set(other.invoice_numbers)
        ):
            return Staleness(
                StaleReason.SUPERSEDED,
                f"superseded by the later step {other.level_name} proposed on "
                f"{other.proposed_on.isoformat()}",
            )
    return None


def _why_cancelled(facts: DeliveryFacts, as_of: date) -> str:
    """ "The action was cancelled", with the dispute that cancelled it when one of its
    invoices is disputed (opening a dispute cancels the invoice's pending actions)."""
    for dispute in facts.disputes:
        if dispute.invoice_number in facts.action.invoice_numbers and dispute.active(as_of):
            return (
                f"the action was cancelled: invoice {dispute.invoice_number} disputed since "
                f"{dispute.opened.isoformat()}: {dispute.reason}"
            )
    return "the action was cancelled"


def _whole_customer_paused(facts: DeliveryFacts, as_of: date) -> Staleness | None:
    for proceeding in facts.proceedings:
        if proceeding.active(as_of):
            return Staleness(StaleReason.PROCEEDINGS, f"customer {proceeding.describe()}")
    for hold in facts.holds:
        if hold.active(as_of):
            detail = f"customer on hold since {hold.since.isoformat()}: {hold.reason}"
            return Staleness(StaleReason.HOLD, detail)
    for promise in facts.promises:
        if promise.made_on > as_of:
            continue
        paid = total(
            (amount for day, amount in facts.payments
             if promise.made_on <= day <= as_of and amount.currency == promise.amount.currency),
            promise.amount.currency,
        )  # fmt: skip
        if promise.state(paid, as_of, facts.promise_grace_days) is PromiseState.PENDING:
            return Staleness(
                StaleReason.PROMISE,
                f"promise of {promise.made_on.isoformat()} to pay {promise.amount.amount} "
                f"{promise.amount.currency} by {promise.due.isoformat()}",
            )
    return None


def _chaseable(
    facts: DeliveryFacts, numbers: Iterable[str], as_of: date
) -> tuple[list[str], Staleness | None]:
    """The invoices nothing takes out of the process on `as_of`, and the last reason
    found for one that is (given when no invoice is left)."""
    chased: list[str] = []
    reason: Staleness | None = None
    for number in numbers:
        found = _invoice_paused(facts, number, as_of)
        if found is None:
            chased.append(number)
        else:
            reason = found
    return chased, reason


def _invoice_paused(facts: DeliveryFacts, number: str, as_of: date) -> Staleness | None:
    if handoff_status(number, facts.handoffs, as_of).at_agency:
        return Staleness(StaleReason.AGENCY, f"invoice {number} is with a collection agency")
    for interruption in facts.interruptions:
        if (
            interruption.invoice_number == number
            and interruption.kind is InterruptionKind.LEGAL_ACTION
            and interruption.date <= as_of
        ):
            return Staleness(
                StaleReason.LEGAL_ACTION,
                f"invoice {number} is in court since {interruption.date.isoformat()}",
            )
    for dispute in facts.disputes:
        if dispute.invoice_number == number and dispute.active(as_of):
            return Staleness(
                StaleReason.DISPUTED,
                f"invoice {number} disputed since {dispute.opened.isoformat()}: {dispute.reason}",
            )
    for plan in facts.plans:
        if number not in plan.invoice_numbers or plan.agreed_on > as_of:
            continue
        paid = (facts.plan_payments or {}).get(plan.key, ())
        if plan_status(plan, paid, as_of, facts.plan_grace_days).state is PlanState.ACTIVE:
            return Staleness(
                StaleReason.PLAN,
                f"invoice {number} is under the payment plan of {plan.agreed_on.isoformat()}",
            )
    return None


def _covered(facts: DeliveryFacts, chased: list[str]) -> Staleness | None:
    """Stale when the payments received on account cover what the message would claim."""
    currency = facts.balances[chased[0]].currency
    owed = total((facts.balances[n] for n in chased), currency)
    credit = facts.credit.get(currency)
    if credit is None or not credit.is_positive or credit < owed:
        return None
    return Staleness(
        StaleReason.COVERED,
        f"the {owed.amount} {currency} still owed is covered by {credit.amount} {currency} "
        "received on account",
    )
