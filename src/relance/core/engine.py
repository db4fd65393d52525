"""The dunning engine: as of a date, what is the next step for every customer.

`decide` is a pure function of plain data: the ledger, the policies, the history of
queued actions, the contact log, disputes, promises, plans, holds and the time-barred
invoices. It returns the actions to propose (at most one per customer, listing all the
customer's chased invoices), the pending actions to cancel with a reason, and flags.

The rules, in the words of the issue:
- days compare as "at least N days", never "exactly": a missed run is caught up;
- a customer moves at most one level per run, and never closer to the previous step
  than the policy's minimum gap, so the debtor receives every step;
- while an action is pending (proposed or approved), nothing new is proposed;
- a new overdue invoice joins the customer's current level; when no invoice that the
  last step chased is still chased (each is paid, disputed, under an active plan or
  time-barred), the customer has left the process and starts again at the first level
  for what falls overdue later; a partial payment keeps the level;
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

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import TypeVar

from relance.core.contacts import (
    Contact,
    Direction,
    calls_in_window,
    last_conversation,
    last_response,
)
from relance.core.ledger import Ledger
from relance.core.model import AllocationKind, Customer
from relance.core.money import Money
from relance.core.pauses import Dispute, Hold, Promise, PromiseState, disputed_invoices
from relance.core.plans import PaymentPlan, PlanState, plan_status
from relance.core.policy import (
    DEFAULT_RULES,
    WRITTEN_CHANNELS,
    AssignmentRule,
    CallWindow,
    Channel,
    Level,
    Policy,
    PolicyIndex,
    Tone,
)

ZERO = Decimal(0)
# The channels that reach the debtor; the others are tasks for the user alone.
_DEBTOR_CHANNELS = WRITTEN_CHANNELS | {Channel.CALL}
_NO_CREDIT: Mapping[str, Decimal] = MappingProxyType({})
T = TypeVar("T")


class ActionStatus(StrEnum):
    """The life of a queued action."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    DONE = "done"
    CANCELLED = "cancelled"


PENDING = frozenset({ActionStatus.PROPOSED, ActionStatus.APPROVED})


@dataclass(frozen=True, slots=True)
class Action:
    """A queued action as the engine needs to know it: which step, for which invoices,
    and where it stands. `done_on` is the day it was carried out."""

    key: str
    customer_ref: str
    policy: str
    level: int
    level_name: str
    channels: tuple[Channel, ...]
    invoice_numbers: tuple[str, ...]
    proposed_on: date
    status: ActionStatus = ActionStatus.PROPOSED
    done_on: date | None = None

    def carried_out(self, on: date) -> Action:
        """This action marked done on `on` (as `relance done` does)."""
        return self.with_status(ActionStatus.DONE, on)

    def with_status(self, status: ActionStatus, done_on: date | None = None) -> Action:
        """This action in another status (made directly: `dataclasses.replace` costs
        more, and a run changes 200,000 of them)."""
        return Action(
            self.key,
            self.customer_ref,
            self.policy,
            self.level,
            self.level_name,
            self.channels,
            self.invoice_numbers,
            self.proposed_on,
            status,
            done_on,
        )


@dataclass(frozen=True, slots=True)
class Proposal:
    """A new action to put in the queue, with what the letters and the user need.

    `balances` are the amounts chased per currency (overdue balance less unapplied
    credit); `recalls` is the previous step when the level's wording recalls it.
    """

    action: Action
    templates: tuple[tuple[Channel, str], ...]
    tone: Tone
    needs_approval: bool
    charges: tuple[str, ...]
    formal_notice: bool
    balances: tuple[Money, ...]
    oldest_due: date
    days_overdue: int
    recalls: Action | None
    call_window: CallWindow | None
    why: str


class CancelReason(StrEnum):
    """Why a pending action is no longer wanted."""

    PAID = "paid"
    COVERED_BY_CREDIT = "covered_by_credit"
    DISPUTED = "disputed"
    PROMISE = "promise"
    PLAN = "plan"
    HOLD = "hold"
    DO_NOT_CONTACT = "do_not_contact"
    TIME_BARRED = "time_barred"
    SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class Cancellation:
    """A pending action to cancel, with the reason to log."""

    action_key: str
    customer_ref: str
    reason: CancelReason
    detail: str


class FlagKind(StrEnum):
    """Things the user should know that are not actions."""

    TIME_BARRED = "time_barred"
    PROMISE_BROKEN = "promise_broken"
    PLAN_MISSED = "plan_missed"
    CALL_LIMIT = "call_limit"
    NO_POLICY = "no_policy"
    UNKNOWN_CUSTOMER = "unknown_customer"
    PROCESS_ENDED = "process_ended"


@dataclass(frozen=True, slots=True)
class Flag:
    """A fact worth recording; `key` is stable across runs so it is recorded once."""

    key: str
    kind: FlagKind
    customer_ref: str
    message: str
    invoice_number: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """What one run decided as of a date."""

    as_of: date
    proposals: tuple[Proposal, ...]
    cancellations: tuple[Cancellation, ...]
    flags: tuple[Flag, ...]


# An overdue open invoice as the engine reads it: number, due date, currency, open balance.
OverdueItem = tuple[str, date, str, Decimal]
_Overdue = OverdueItem


def action_key(customer_ref: str, as_of: date, level_name: str, invoices: Iterable[str]) -> str:
    """The natural key of a proposal: the same customer, date, level and invoices give
    the same key, so a second run for a date is recognised."""
    digest = hashlib.blake2b("\n".join(sorted(invoices)).encode(), digest_size=4).hexdigest()
    return f"{customer_ref}/{as_of.isoformat()}/{level_name}/{digest}"


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
    """
    index = policies if isinstance(policies, PolicyIndex) else PolicyIndex(policies, rules)
    barred = frozenset(time_barred)
    disputed = disputed_invoices(disputes, as_of)
    # Records made after `as_of` play no part: any past run can be replayed.
    plans = tuple(plan for plan in plans if plan.agreed_on <= as_of)
    planned_invoices = {number for plan in plans for number in plan.invoice_numbers}

    # One pass over each table, grouped by customer: nothing below scans the ledger again.
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

    overdue_by: dict[str, list[_Overdue]] = defaultdict(list)
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

    computed: dict[str, dict[str, Decimal]] = defaultdict(dict)
    paid_by: dict[str, list[tuple[date, Money]]] = defaultdict(list)
    for payment in ledger.payments:
        if payment.customer_ref is None or payment.date > as_of:
            continue
        paid_by[payment.customer_ref].append((payment.date, payment.amount))
        left = payment.amount.amount - used.get(payment.key, ZERO)
        if left > 0 and credit is None:
            mine = computed[payment.customer_ref]
            mine[payment.amount.currency] = mine.get(payment.amount.currency, ZERO) + left
    for note in ledger.credit_notes if credit is None else ():
        if note.date > as_of:
            continue
        left = note.amount.amount - used.get(note.number, ZERO)
        if left > 0:
            mine = computed[note.customer_ref]
            mine[note.amount.currency] = mine.get(note.amount.currency, ZERO) + left
    credits: Mapping[str, Mapping[str, Decimal]] = computed if credit is None else credit

    actions_by = _group(_known_on(actions, as_of), lambda a: a.customer_ref)
    contacts_by = _group((c for c in contacts if c.on <= as_of), lambda c: c.customer_ref)
    promises_by = _group((p for p in promises if p.made_on <= as_of), lambda p: p.customer_ref)
    plans_by = _group(plans, lambda p: p.customer_ref)
    holds_by = _group((h for h in holds if h.active(as_of)), lambda h: h.customer_ref)
    customers = {customer.ref: customer for customer in ledger.customers}

    proposals: list[Proposal] = []
    cancellations: list[Cancellation] = []
    flags: list[Flag] = []
    refs = sorted(
        set(overdue_by) | {ref for ref, items in actions_by.items() if _any_pending(items)}
    )
    for ref in refs:
        customer = customers.get(ref)
        owed = overdue_by.get(ref, [])
        if customer is None:
            flags.append(
                Flag(f"unknown_customer/{ref}", FlagKind.UNKNOWN_CUSTOMER, ref, "no such customer")
            )
            continue
        policy = index.for_customer(customer)
        if policy is None:
            if owed:
                flags.append(
                    Flag(f"no_policy/{ref}", FlagKind.NO_POLICY, ref, "no dunning policy applies")
                )
            continue
        _decide_customer(
            _Customer(
                customer=customer,
                policy=policy,
                as_of=as_of,
                overdue=owed,
                # Shared empty defaults: most customers have none of these.
                credit=credits.get(ref, _NO_CREDIT),
                payments=paid_by.get(ref, ()),
                actions=actions_by.get(ref, ()),
                contacts=contacts_by.get(ref, ()),
                promises=promises_by.get(ref, ()),
                plans=plans_by.get(ref, ()),
                toward=toward,
                holds=holds_by.get(ref, ()),
                disputed=disputed,
                barred=barred,
            ),
            proposals,
            cancellations,
            flags,
        )
    return Decision(as_of, tuple(proposals), tuple(cancellations), tuple(flags))


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


@dataclass(slots=True)
class _Customer:
    """Everything `decide` knows about one customer."""

    customer: Customer
    policy: Policy
    as_of: date
    overdue: Sequence[_Overdue]
    credit: Mapping[str, Decimal]
    payments: Sequence[tuple[date, Money]]
    actions: Sequence[Action]
    contacts: Sequence[Contact]
    promises: Sequence[Promise]
    plans: Sequence[PaymentPlan]
    toward: Mapping[str, Sequence[tuple[date, Money]]]  # paid on each planned invoice
    holds: Sequence[Hold]
    disputed: frozenset[str]
    barred: frozenset[str]


def _decide_customer(
    c: _Customer,
    proposals: list[Proposal],
    cancellations: list[Cancellation],
    flags: list[Flag],
) -> None:
    """Append to the three lists what `decide` concludes for one customer."""
    policy, as_of, ref = c.policy, c.as_of, c.customer.ref

    # Plans: invoices under an active plan are not chased; a missed instalment puts them
    # back and lets the process go on at once. Only what was paid on the plan's own
    # invoices counts toward it.
    planned: set[str] = set()
    # (the day the process may go on, the day the broken promise or plan was made)
    resumes: list[tuple[date, date]] = []
    for plan in sorted(c.plans, key=lambda p: (p.agreed_on, p.key)) if c.plans else ():
        paid_toward = [pair for number in plan.invoice_numbers for pair in c.toward.get(number, ())]
        status = plan_status(plan, paid_toward, as_of, policy.plan_grace_days)
        if status.state is PlanState.ACTIVE:
            planned.update(plan.invoice_numbers)
        elif status.state is PlanState.MISSED and status.missed is not None:
            missed_on = status.missed.due + timedelta(days=policy.plan_grace_days + 1)
            resumes.append((missed_on, plan.agreed_on))
            flags.append(
                Flag(
                    f"plan_missed/{plan.key}",
                    FlagKind.PLAN_MISSED,
                    ref,
                    f"instalment of {status.missed.amount} due {status.missed.due} not paid",
                )
            )

    # Promises: a pending one pauses the customer; a broken one is recorded and the
    # process goes on at once. Making a promise is a response from the customer.
    responses: list[date] = []
    pending_promise: Promise | None = None
    for promise in sorted(c.promises, key=lambda p: (p.made_on, p.key)) if c.promises else ():
        responses.append(promise.made_on)
        deadline = promise.deadline(policy.promise_grace_days)
        last_day = min(as_of, deadline)
        paid = sum(
            (
                amount.amount
                for day, amount in c.payments
                if promise.made_on <= day <= last_day and amount.currency == promise.amount.currency
            ),
            ZERO,
        )
        state = promise.state(
            Money(paid, promise.amount.currency), as_of, policy.promise_grace_days
        )
        if state is PromiseState.PENDING:
            pending_promise = promise
        elif state is PromiseState.BROKEN:
            resumes.append((deadline + timedelta(days=1), promise.made_on))
            flags.append(
                Flag(
                    f"promise_broken/{promise.key}",
                    FlagKind.PROMISE_BROKEN,
                    ref,
                    f"promise to pay {promise.amount} by {promise.due} not kept",
                )
            )

    stop: tuple[CancelReason, str] | None = None
    if c.customer.on_hold:
        stop = (CancelReason.HOLD, c.customer.hold_reason or "on hold")
    elif c.holds:
        stop = (CancelReason.HOLD, c.holds[0].reason)
    elif c.customer.do_not_contact:
        stop = (CancelReason.DO_NOT_CONTACT, "the customer is flagged do-not-contact")
    elif pending_promise is not None:
        stop = (
            CancelReason.PROMISE,
            f"promise to pay {pending_promise.amount} by {pending_promise.due}",
        )

    owed = [item[0] for item in c.overdue] if c.barred or c.disputed or planned else ()
    if c.barred.isdisjoint(owed) and c.disputed.isdisjoint(owed) and planned.isdisjoint(owed):
        chased: Sequence[_Overdue] = c.overdue  # the common case: nothing is set aside
    else:
        chased = _chased(c, planned, flags)
    # Read only against the customer's own actions: not made for a customer without any.
    chased_numbers = {item[0] for item in chased} if c.actions else set()
    balances: dict[str, Decimal] = {}
    for _, _, currency, remaining in chased:
        balances[currency] = balances.get(currency, ZERO) + remaining
    for currency, amount in c.credit.items():
        if currency in balances:
            balances[currency] -= amount
    balances = {cur: amount for cur, amount in balances.items() if amount > 0}

    def reason_for(number: str) -> tuple[CancelReason, str] | None:
        if number in chased_numbers:
            return None
        if number in c.barred:
            return (CancelReason.TIME_BARRED, f"invoice {number} is time-barred")
        if number in c.disputed:
            return (CancelReason.DISPUTED, f"invoice {number} is disputed")
        if number in planned:
            return (CancelReason.PLAN, f"invoice {number} is under a payment plan")
        return (CancelReason.PAID, f"invoice {number} is paid")

    pending = (
        sorted((a for a in c.actions if a.status in PENDING), key=lambda a: (a.proposed_on, a.key))
        if c.actions
        else []
    )
    survivors = 0
    for action in pending:
        reason = stop
        if reason is None:
            reason = next(
                (r for n in action.invoice_numbers if (r := reason_for(n)) is not None), None
            )
        if reason is None and not balances:
            reason = (CancelReason.COVERED_BY_CREDIT, "unapplied credit covers the balance")
        if (
            reason is None
            and action.status is ActionStatus.PROPOSED
            and not chased_numbers.issubset(action.invoice_numbers)
        ):
            joined = ", ".join(sorted(chased_numbers.difference(action.invoice_numbers)))
            reason = (CancelReason.SUPERSEDED, f"invoice {joined} fell overdue: proposed again")
        if reason is None:
            survivors += 1
        else:
            cancellations.append(Cancellation(action.key, ref, reason[0], reason[1]))
    if survivors or stop is not None or not balances:
        return

    done = (
        sorted(
            (a for a in c.actions if a.status is ActionStatus.DONE and a.done_on is not None),
            key=lambda a: (a.done_on or as_of, a.level, a.key),
        )
        if c.actions
        else []
    )
    last_step = done[-1].done_on if done else None
    latest = done[-1] if done else None
    # The customer is still in the process while something the last step chased is still
    # chased; otherwise what is overdue now starts again at the first level.
    if latest is not None and (
        latest.policy != policy.name or chased_numbers.isdisjoint(latest.invoice_numbers)
    ):
        latest = None
    position = latest.level + 1 if latest is not None else 0
    if position >= len(policy.levels):
        assert latest is not None
        flags.append(
            Flag(
                f"process_ended/{latest.key}",
                FlagKind.PROCESS_ENDED,
                ref,
                f"every level of policy {policy.name!r} has been carried out",
            )
        )
        return
    level = policy.levels[position]
    # Ties on the due date go to the smaller number, so the input's order never matters.
    by_due = sorted([(item[1], item[0]) for item in chased])
    oldest_due, oldest_number = by_due[0]
    days_overdue = (as_of - oldest_due).days
    previous_on = latest.done_on if latest is not None else None
    # A broken promise or a missed plan hurries only the process it was about: the current
    # one, or, when the customer has left the process since the last step, one made after
    # that step and after what is chased now fell due. One broken years ago does not.
    resumed = any(
        on <= as_of
        and (previous_on is None or on > previous_on)
        and (latest is not None or (made >= oldest_due and (last_step is None or made > last_step)))
        for on, made in resumes
    )
    if not resumed and not _triggered(level, days_overdue, previous_on, c, responses):
        return
    if last_step is not None and (as_of - last_step).days < policy.min_gap_days:
        return
    # `min_amount` has no currency: it is read in each balance's own units, and the step
    # goes when at least one currency reaches it.
    if max(balances.values()) < level.min_amount:
        return

    channels = _allowed_channels(level, c, flags)
    if not channels:
        return
    numbers = tuple([number for _, number in by_due])
    key = action_key(ref, as_of, level.name, numbers)
    if c.actions and any(a.key == key for a in c.actions):
        return
    why = f"{days_overdue} days after the due date of invoice {oldest_number}"
    if resumed:
        why += "; resumed after a broken promise or a missed instalment"
    proposals.append(
        Proposal(
            action=Action(key, ref, policy.name, position, level.name, channels, numbers, as_of),
            templates=_templates(level.templates, channels),
            tone=level.tone,
            needs_approval=level.needs_approval,
            charges=level.charges,
            formal_notice=level.formal_notice,
            balances=tuple([Money(balances[cur], cur) for cur in sorted(balances)]),
            oldest_due=oldest_due,
            days_overdue=days_overdue,
            recalls=latest if level.recalls_previous else None,
            call_window=policy.limits.call_window if Channel.CALL in channels else None,
            why=why,
        )
    )


@lru_cache(maxsize=256)
def _templates(
    templates: tuple[tuple[Channel, str], ...], channels: tuple[Channel, ...]
) -> tuple[tuple[Channel, str], ...]:
    """The level's templates of the channels used (a level has few combinations)."""
    return tuple((channel, key) for channel, key in templates if channel in channels)


def _chased(c: _Customer, planned: set[str], flags: list[Flag]) -> list[_Overdue]:
    """The customer's overdue invoices less the disputed, planned and time-barred ones;
    each time-barred one is flagged."""
    chased = []
    for item in c.overdue:
        number = item[0]
        if number in c.barred:
            flags.append(
                Flag(
                    f"time_barred/{number}",
                    FlagKind.TIME_BARRED,
                    c.customer.ref,
                    f"invoice {number} is time-barred: not chased",
                    number,
                )
            )
        elif number not in c.disputed and number not in planned:
            chased.append(item)
    return chased


def _triggered(
    level: Level,
    days_overdue: int,
    previous_on: date | None,
    c: _Customer,
    responses: list[date],
) -> bool:
    """True when every trigger of `level` is met, each as "at least N days"."""
    if level.after_due_days is not None and days_overdue < level.after_due_days:
        return False
    if level.after_previous_days is not None and previous_on is not None:
        # A response from the customer restarts the wait.
        start = previous_on
        answered = last_response(c.contacts, c.as_of)
        if answered is not None and answered > start:
            start = answered
        for day in responses:
            if start < day <= c.as_of:
                start = day
        if (c.as_of - start).days < level.after_previous_days:
            return False
    return True


def _allowed_channels(level: Level, c: _Customer, flags: list[Flag]) -> tuple[Channel, ...]:
    """The level's channels less a call the contact limits forbid; empty when the
    overall contact cap is reached."""
    if not c.contacts and not c.actions and c.policy.limits.max_calls >= 1:
        return level.channels  # nothing in the log to count: the common case, kept fast
    limits = c.policy.limits
    as_of = c.as_of
    first = as_of - timedelta(days=limits.window_days - 1)
    linked = {contact.action_key for contact in c.contacts if contact.action_key}
    outgoing = [
        contact
        for contact in c.contacts
        if contact.direction is Direction.OUTGOING and first <= contact.on <= as_of
    ]
    # Steps carried out with no contact logged for them; a task for the user alone (an
    # agency handoff, a write-off review) reaches no debtor and is no contact.
    steps = [
        a
        for a in c.actions
        if a.status is ActionStatus.DONE
        and a.done_on is not None
        and first <= a.done_on <= as_of
        and a.key not in linked
        and not _DEBTOR_CHANNELS.isdisjoint(a.channels)
    ]
    if limits.max_contacts is not None:
        # One step is one contact, however many channels carried it out (each channel
        # logs its own entry, linked to the step).
        for_steps = {contact.action_key for contact in outgoing if contact.action_key}
        by_hand = sum(1 for contact in outgoing if not contact.action_key)
        if len(for_steps) + by_hand + len(steps) >= limits.max_contacts:
            return ()
    channels = level.channels
    if Channel.CALL not in channels:
        return channels
    calls = calls_in_window(c.contacts, as_of, limits.window_days) + sum(
        1 for a in steps if Channel.CALL in a.channels
    )
    conversation = last_conversation(c.contacts, as_of)
    reason = ""
    if calls + 1 > limits.max_calls:
        reason = f"{calls} calls in the last {limits.window_days} days: no call task"
    elif (
        conversation is not None
        and (as_of - conversation).days < limits.quiet_after_conversation_days
    ):
        reason = f"a telephone conversation on {conversation}: no call task"
    if not reason:
        return channels
    flags.append(
        Flag(
            f"call_limit/{c.customer.ref}/{as_of.isoformat()}",
            FlagKind.CALL_LIMIT,
            c.customer.ref,
            reason,
        )
    )
    return tuple(ch for ch in channels if ch is not Channel.CALL)
