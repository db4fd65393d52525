"""The dunning engine: as of a date, what is the next step for every customer.

`decide` is a pure function of plain data: the ledger, the policies, the history of
queued actions, the contact log, disputes, promises, plans, holds and the time-barred
invoices. It returns the actions to propose, the pending actions to cancel with a reason, and
flags. The records are in `relance.core.actions`, one customer's decision in
`relance.core.customer_step`, each invoice's stage in `relance.core.stages`.

The rules, in the words of the issue:
- days compare as "at least N days", never "exactly": a missed run is caught up;
- each invoice goes through the steps itself: it has its own stage, moves at most one
  level per run, and its triggers count from its own due date and its own last step;
  a customer never gets a step closer to the previous one than the policy's minimum
  gap, so the debtor receives every step;
- one letter per customer groups the invoices (the policy's `grouping`): the step
  covers the invoices due for its level and lists the others apart, as also due, each
  at its own stage; a formal notice or a handoff never covers an invoice that did not
  go through the earlier stages; the customer's most advanced invoices set the pace, a
  younger one rides along with their steps and leads once they have left the process;
  a partial payment keeps the invoice's stage, a paid invoice leaves the process, a new
  one starts at the first level;
- while an action is pending (proposed or approved), nothing new is proposed;
- customers in legal action or insolvency proceedings get nothing; invoices handed to
  an agency or to the courts are not chased;
- unapplied credit (payments and credit notes not yet matched) counts against the
  balance chased; a customer it covers is not reminded;
- disputed invoices, invoices under an active plan and time-barred invoices are not
  chased; a pending promise or a hold pauses the whole customer; a broken promise or a
  missed instalment resumes the process at the next level without waiting, when it is
  about the current process (not one the customer left before it was made);
- a plan follows the payments and credit notes allocated to its own invoices;
- a level's `min_amount` has no currency: it is met when the balance chased in at least
  one currency reaches it, counted in that currency's units (150 is 150 EUR for a
  balance in euros, 150 USD for one in dollars);
- replaying a date reads only what was recorded by then: actions proposed later are
  ignored, one carried out later was still approved, and contacts, promises and plans
  dated later play no part;
- a proposal's key is natural (customer, date, level, invoices), so running again for the
  same date, with the first run's proposals recorded, proposes nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import TypeVar

from relance.core.actions import (
    PENDING,
    Action,
    ActionStatus,
    Cancellation,
    CancelReason,
    Decision,
    Flag,
    FlagKind,
    InvoiceStep,
    OverdueItem,
    Proposal,
    action_key,
)
from relance.core.contacts import Contact
from relance.core.customer_step import CustomerFacts, decide_customer
from relance.core.ledger import Ledger
from relance.core.model import AllocationKind, Customer
from relance.core.money import Money
from relance.core.pauses import Dispute, Hold, Promise, disputed_invoices
from relance.core.plans import PaymentPlan
from relance.core.policy import DEFAULT_RULES, AssignmentRule, Policy, PolicyIndex
from relance.core.proceedings import Proceeding, in_proceedings

__all__ = [
    "PENDING",
    "Action",
    "ActionStatus",
    "CancelReason",
    "Cancellation",
    "Decision",
    "Flag",
    "FlagKind",
    "InvoiceStep",
    "OverdueItem",
    "Proposal",
    "action_key",
    "decide",
]

ZERO = Decimal(0)
_NO_CREDIT: Mapping[str, Decimal] = MappingProxyType({})
T = TypeVar("T")


def decide(
    ledger: Ledger,
    policies: Sequence[Policy] | PolicyIndex,
    *,
    as_of: date,
    rules: Iterable[AssignmentRule] = DEFAULT_RULES,
    actions: Iterable[Action] = (),
    contacts: Iterable[Contact] = (),
    disputes: Iterable[Dispute] = (),
    promises: Iterable[Promise] = (),
    plans: Iterable[PaymentPlan] = (),
    holds: Iterable[Hold] = (),
    time_barred: Iterable[str] = (),
    credit: Mapping[str, Mapping[str, Decimal]] | None = None,
    overdue: Mapping[str, Sequence[OverdueItem]] | None = None,
    handed_over: Iterable[str] = (),
    proceedings: Iterable[Proceeding] = (),
) -> Decision:
    """Decide, as of `as_of`, the proposals, cancellations and flags of one run.

    Deterministic: the same inputs give the same decision, sorted by customer.

    `credit`, when given, is each customer's unapplied credit per currency as of `as_of`,
    computed elsewhere (by the database); the ledger may then hold only the overdue
    invoices with their open balance as amount and no allocations, and its payments
    serve only to follow promises and plans.

    `overdue`, when given, replaces the ledger's invoices: each customer's invoices past
    due on `as_of` (and issued by then) with their open balance, as a database groups
    them. It spares a run over a million invoices one record per invoice; the ledger must
    then hold no invoices (ValueError otherwise, a caller's bug).

    `handed_over` are the invoices with a collection agency or before the courts on
    `as_of` (not chased); `proceedings` the customers' legal actions and insolvency
    proceedings (nothing goes to a customer in one).
    """
    index = policies if isinstance(policies, PolicyIndex) else PolicyIndex(policies, rules)
    # Records made after `as_of` play no part: any past run can be replayed.
    plans = tuple(plan for plan in plans if plan.agreed_on <= as_of)
    books = _read_ledger(ledger, as_of, plans, credit, overdue)
    shared = _Shared(
        as_of=as_of,
        disputed=disputed_invoices(disputes, as_of),
        barred=frozenset(time_barred),
        handed_over=frozenset(handed_over),
        stopped=in_proceedings(proceedings, as_of),
        actions=_group(_known_on(actions, as_of), lambda a: a.customer_ref),
        contacts=_group((c for c in contacts if c.on <= as_of), lambda c: c.customer_ref),
        promises=_group((p for p in promises if p.made_on <= as_of), lambda p: p.customer_ref),
        plans=_group(plans, lambda p: p.customer_ref),
        holds=_group((h for h in holds if h.active(as_of)), lambda h: h.customer_ref),
    )
    return _decide_each(as_of, ledger.customers, index, books, shared)


def _decide_each(
    as_of: date,
    known: Iterable[Customer],
    index: PolicyIndex,
    books: _Books,
    shared: _Shared,
) -> Decision:
    """The decision for every customer with something overdue or an action pending,
    sorted by customer; a customer unknown or without a policy is flagged."""
    customers = {customer.ref: customer for customer in known}
    proposals: list[Proposal] = []
    cancellations: list[Cancellation] = []
    flags: list[Flag] = []
    pending = {ref for ref, items in shared.actions.items() if _any_pending(items)}
    for ref in sorted(set(books.overdue) | pending):
        customer = customers.get(ref)
        if customer is None:
            flags.append(
                Flag(f"unknown_customer/{ref}", FlagKind.UNKNOWN_CUSTOMER, ref, "no such customer")
            )
            continue
        policy = index.for_customer(customer)
        if policy is None:
            if books.overdue.get(ref):
                flags.append(
                    Flag(f"no_policy/{ref}", FlagKind.NO_POLICY, ref, "no dunning policy applies")
                )
            continue
        decide_customer(_facts(customer, policy, books, shared), proposals, cancellations, flags)
    return Decision(as_of, tuple(proposals), tuple(cancellations), tuple(flags))


@dataclass(frozen=True, slots=True)
class _Books:
    """What the ledger says as of the run's date, by customer: the overdue invoices with
    their open balance, the unapplied credit per currency, the payments received, and what
    was paid on each invoice under a plan."""

    overdue: Mapping[str, Sequence[OverdueItem]]
    credit: Mapping[str, Mapping[str, Decimal]]
    paid: Mapping[str, Sequence[tuple[date, Money]]]
    toward: Mapping[str, Sequence[tuple[date, Money]]]


def _read_ledger(
    ledger: Ledger,
    as_of: date,
    plans: Sequence[PaymentPlan],
    credit: Mapping[str, Mapping[str, Decimal]] | None,
    overdue: Mapping[str, Sequence[OverdueItem]] | None,
) -> _Books:
    """One pass over each table of the ledger, grouped by customer: nothing after this
    scans the ledger again."""
    planned_invoices = {number for plan in plans for number in plan.invoice_numbers}
    applied: defaultdict[str, Decimal] = defaultdict(Decimal)
    used: dict[str, Decimal] = defaultdict(Decimal)
    toward: dict[str, list[tuple[date, Money]]] = defaultdict(list)  # paid on planned invoices
    for allocation in ledger.allocations:
        if allocation.date <= as_of:
            applied[allocation.invoice_number] += allocation.amount.amount
            if allocation.kind in (AllocationKind.PAYMENT, AllocationKind.CREDIT_NOTE):
                used[allocation.source] += allocation.amount.amount
                if allocation.invoice_number in planned_invoices:
                    toward[allocation.invoice_number].append((allocation.date, allocation.amount))
    overdue_by = _overdue_by_customer(ledger, as_of, applied, overdue)
    paid_by: dict[str, list[tuple[date, Money]]] = defaultdict(list)
    for payment in ledger.payments:
        if payment.customer_ref is not None and payment.date <= as_of:
            paid_by[payment.customer_ref].append((payment.date, payment.amount))
    credits = credit if credit is not None else _unapplied_credit(ledger, as_of, used)
    return _Books(overdue_by, credits, paid_by, toward)


def _overdue_by_customer(
    ledger: Ledger,
    as_of: date,
    applied: Mapping[str, Decimal],
    overdue: Mapping[str, Sequence[OverdueItem]] | None,
) -> dict[str, list[OverdueItem]]:
    """Each customer's invoices past due (and issued) on `as_of` with their open balance:
    as given, or from the ledger's invoices less what was applied to them."""
    overdue_by: dict[str, list[OverdueItem]] = defaultdict(list)
    if overdue is not None:
        if ledger.invoices:
            raise ValueError("give the overdue invoices either in the ledger or as `overdue`")
        # Read as given: the lists are not changed, only passed on customer by customer.
        overdue_by = {ref: list(items) for ref, items in overdue.items() if items}
    for invoice in ledger.invoices:
        if invoice.due_date >= as_of or invoice.issue_date > as_of:
            continue
        paid = applied.get(invoice.number)
        remaining = invoice.amount.amount if paid is None else invoice.amount.amount - paid
        if remaining > 0:
            overdue_by[invoice.customer_ref].append(
                (invoice.number, invoice.due_date, invoice.amount.currency, remaining)
            )
    return overdue_by


def _unapplied_credit(
    ledger: Ledger, as_of: date, used: Mapping[str, Decimal]
) -> dict[str, dict[str, Decimal]]:
    """Each customer's payments and credit notes not yet applied, per currency."""
    computed: dict[str, dict[str, Decimal]] = defaultdict(dict)
    sources = [
        (payment.customer_ref, payment.key, payment.date, payment.amount)
        for payment in ledger.payments
    ] + [(note.customer_ref, note.number, note.date, note.amount) for note in ledger.credit_notes]
    for ref, key, day, amount in sources:
        if ref is None or day > as_of:
            continue
        left = amount.amount - used.get(key, ZERO)
        if left > 0:
            mine = computed[ref]
            mine[amount.currency] = mine.get(amount.currency, ZERO) + left
    return computed


@dataclass(frozen=True, slots=True)
class _Shared:
    """The run's other records as of its date, grouped by customer (or for everyone)."""

    as_of: date
    disputed: frozenset[str]
    barred: frozenset[str]
    handed_over: frozenset[str]
    stopped: Mapping[str, Proceeding]
    actions: Mapping[str, Sequence[Action]]
    contacts: Mapping[str, Sequence[Contact]]
    promises: Mapping[str, Sequence[Promise]]
    plans: Mapping[str, Sequence[PaymentPlan]]
    holds: Mapping[str, Sequence[Hold]]


def _facts(customer: Customer, policy: Policy, books: _Books, shared: _Shared) -> CustomerFacts:
    """Everything the run knows about one customer."""
    ref = customer.ref
    return CustomerFacts(
        customer=customer,
        policy=policy,
        as_of=shared.as_of,
        overdue=books.overdue.get(ref, []),
        # Shared empty defaults: most customers have none of these.
        credit=books.credit.get(ref, _NO_CREDIT),
        payments=books.paid.get(ref, ()),
        actions=shared.actions.get(ref, ()),
        contacts=shared.contacts.get(ref, ()),
        promises=shared.promises.get(ref, ()),
        plans=shared.plans.get(ref, ()),
        toward=books.toward,
        holds=shared.holds.get(ref, ()),
        disputed=shared.disputed,
        barred=shared.barred,
        handed_over=shared.handed_over,
        proceeding=shared.stopped.get(ref),
    )


def _group(items: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    grouped: dict[str, list[T]] = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return grouped


def _any_pending(items: Iterable[Action]) -> bool:
    return any(a.status in PENDING for a in items)


def _known_on(actions: Iterable[Action], as_of: date) -> Iterable[Action]:
    """The actions as they stood on `as_of`: those proposed later are left out, and one
    carried out later was then approved and waiting. (A cancelled action carries no date:
    it is read as cancelled.)"""
    for action in actions:
        if action.proposed_on > as_of:
            continue
        if action.done_on is not None and action.done_on > as_of:
            yield action.with_status(ActionStatus.APPROVED)
        else:
            yield action
