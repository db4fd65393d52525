"""One customer's part of the daily run, in named steps.

`decide_customer` reads what `relance.core.engine.decide` gathered about one customer
and appends its proposals, cancellations and flags:

1. the pauses (`relance.core.pause_effects`): payment plans (active ones set their
   invoices aside, a missed instalment resumes the process at once) and promises (a
   pending one pauses the customer, a broken one resumes the process);
2. what stops everything: a hold, do-not-contact, a pending promise, legal action or
   insolvency proceedings;
3. what is chased: the overdue invoices less the disputed, planned, time-barred ones and
   those handed to an agency or to the courts;
4. the pending actions no longer wanted, each with its reason;
5. the steps of the day: each invoice's own stage and whether it is due for its next
   level, grouped into steps as the policy says (`relance.core.stages`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from relance.core.actions import (
    PENDING,
    Action,
    ActionStatus,
    Cancellation,
    CancelReason,
    Flag,
    FlagKind,
    InvoiceStep,
    OverdueItem,
    Proposal,
    action_key,
)
from relance.core.contact_limits import allowed_channels
from relance.core.contacts import Contact, last_response
from relance.core.model import Customer
from relance.core.money import Money
from relance.core.pause_effects import Pauses, follow_plans, follow_promises
from relance.core.pauses import Hold, Promise
from relance.core.plans import PaymentPlan
from relance.core.policy import Channel, Policy
from relance.core.proceedings import Proceeding
from relance.core.stages import (
    NO_STAGE,
    InvoiceStage,
    PlannedStep,
    group_steps,
    invoice_stages,
    last_step_of,
    level_name,
    step_invoices,
    triggered,
)

ZERO = Decimal(0)
Reason = tuple[CancelReason, str]


@dataclass(slots=True)
class CustomerFacts:
    """Everything `decide` knows about one customer."""

    customer: Customer
    policy: Policy
    as_of: date
    overdue: Sequence[OverdueItem]
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
    handed_over: frozenset[str] = frozenset()
    proceeding: Proceeding | None = None


def decide_customer(
    c: CustomerFacts,
    proposals: list[Proposal],
    cancellations: list[Cancellation],
    flags: list[Flag],
) -> None:
    """Append to the three lists what the run concludes for one customer."""
    pauses = Pauses()
    ref, policy, as_of = c.customer.ref, c.policy, c.as_of
    follow_plans(ref, policy, as_of, c.plans, c.toward, pauses, flags)
    follow_promises(ref, policy, as_of, c.promises, c.payments, pauses, flags)
    stop = _stop_reason(c, pauses.pending_promise)
    chased = _chased(c, pauses.planned, flags)
    balances: dict[str, Decimal] = {}
    for _, _, currency, remaining in chased:
        balances[currency] = balances.get(currency, ZERO) + remaining
    for currency, amount in c.credit.items():
        if currency in balances:
            balances[currency] -= amount
    balances = {cur: amount for cur, amount in balances.items() if amount > 0}
    survivors = _cancel_pending(c, stop, chased, pauses.planned, bool(balances), cancellations)
    if survivors or stop is not None or not balances:
        return
    proposals.extend(_steps_of_the_day(c, chased, balances, pauses, flags))


def _stop_reason(c: CustomerFacts, pending_promise: Promise | None) -> Reason | None:
    """Why nothing at all may go to the customer today, if anything stops it."""
    if c.proceeding is not None:
        return (CancelReason.PROCEEDINGS, f"the customer is {c.proceeding.describe()}")
    if c.holds:
        return (CancelReason.HOLD, c.holds[0].reason)
    if pending_promise is not None:
        return (
            CancelReason.PROMISE,
            f"promise to pay {pending_promise.amount} by {pending_promise.due}",
        )
    return None


def _chased(c: CustomerFacts, planned: set[str], flags: list[Flag]) -> Sequence[OverdueItem]:
    """The customer's overdue invoices less the disputed, planned, time-barred and
    handed-over ones; each time-barred one is flagged."""
    aside = c.barred or c.disputed or planned or c.handed_over
    owed = {item[0] for item in c.overdue} if aside else set()
    if owed.isdisjoint(c.barred | c.disputed | planned | c.handed_over):
        return c.overdue  # the common case: nothing is set aside
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
        elif number not in c.disputed and number not in planned and number not in c.handed_over:
            chased.append(item)
    return chased


def _set_aside_reason(c: CustomerFacts, planned: set[str], number: str) -> Reason:
    """Why an invoice of a pending action is no longer chased."""
    if number in c.barred:
        return (CancelReason.TIME_BARRED, f"invoice {number} is time-barred")
    if number in c.disputed:
        return (CancelReason.DISPUTED, f"invoice {number} is disputed")
    if number in planned:
        return (CancelReason.PLAN, f"invoice {number} is under a payment plan")
    if number in c.handed_over:
        return (
            CancelReason.HANDED_OVER,
            f"invoice {number} is with a collection agency or before the courts",
        )
    return (CancelReason.PAID, f"invoice {number} is paid")


def _cancel_pending(
    c: CustomerFacts,
    stop: Reason | None,
    chased: Sequence[OverdueItem],
    planned: set[str],
    owes: bool,
    cancellations: list[Cancellation],
) -> int:
    """Cancel the pending actions no longer wanted; returns how many survive. A proposed
    action is superseded when an invoice that fell due after it was proposed is chased
    and listed by no pending action."""
    if not c.actions:
        return 0
    pending = sorted(
        (a for a in c.actions if a.status in PENDING), key=lambda a: (a.proposed_on, a.key)
    )
    chased_due = {item[0]: item[1] for item in chased}
    listed = {number for action in pending for number in action.invoice_numbers}
    survivors = 0
    for action in pending:
        reason = stop
        if reason is None:
            gone = next((n for n in action.invoice_numbers if n not in chased_due), None)
            reason = None if gone is None else _set_aside_reason(c, planned, gone)
        if reason is None and not owes:
            reason = (CancelReason.COVERED_BY_CREDIT, "unapplied credit covers the balance")
        if reason is None and action.status is ActionStatus.PROPOSED:
            joined = sorted(
                n for n, due in chased_due.items() if due >= action.proposed_on and n not in listed
            )
            if joined:
                reason = (
                    CancelReason.SUPERSEDED,
                    f"invoice {', '.join(joined)} fell overdue: proposed again",
                )
        if reason is None:
            survivors += 1
        else:
            cancellations.append(Cancellation(action.key, c.customer.ref, reason[0], reason[1]))
    return survivors


@dataclass(slots=True)
class _Readiness:
    """Each chased invoice's stage, and which are due for their next level (with that
    level's position) or wait at their stage; `resumed` are the invoices a broken
    promise or a missed instalment hurries."""

    stages: dict[str, InvoiceStage]
    ready: dict[str, int] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)
    resumed: set[str] = field(default_factory=set)


def _steps_of_the_day(
    c: CustomerFacts,
    chased: Sequence[OverdueItem],
    balances: Mapping[str, Decimal],
    pauses: Pauses,
    flags: list[Flag],
) -> list[Proposal]:
    """The proposals of the day: nothing within the policy's minimum gap after the last
    step; otherwise one per planned step whose amount and channels allow it."""
    done = (
        sorted(
            (a for a in c.actions if a.status is ActionStatus.DONE and a.done_on is not None),
            key=lambda a: (a.done_on or c.as_of, a.level, a.key),
        )
        if c.actions
        else []
    )
    last_step = done[-1].done_on if done else None
    if done or pauses.resumes:
        readiness = _readiness(c, chased, invoice_stages(done, c.policy), pauses, last_step, flags)
    else:
        readiness = _first_readiness(c, chased)
    if not _leaders_ready(readiness):
        return []
    if last_step is not None and (c.as_of - last_step).days < c.policy.min_gap_days:
        return []
    due_dates = {item[0]: item[1] for item in chased}
    proposals = []
    for step in group_steps(readiness.ready, readiness.waiting, c.policy):
        proposal = _proposal(c, step, due_dates, balances, readiness, flags)
        if proposal is not None:
            proposals.append(proposal)
    return proposals


def _leaders_ready(readiness: _Readiness) -> bool:
    """True when one of the customer's most advanced invoices is due for its next level.

    The customer's process keeps its pace: its most advanced invoices lead it, and a
    younger one rides along with their steps, listed apart and moving one level at each
    step when its own triggers are met; it leads once the older ones have left the
    process (paid, handed over, or through every level). So a young invoice never calls
    for a letter of its own a few days before the next one."""
    if not readiness.ready:
        return False
    if not readiness.stages:
        return True  # no invoice went through a step: all are at the same (no) stage
    stage_of = {number: stage.level for number, stage in readiness.stages.items()}
    top = max(stage_of.get(n, NO_STAGE) for n in (*readiness.ready, *readiness.waiting))
    return any(stage_of.get(n, NO_STAGE) == top for n in readiness.ready)


def _first_readiness(c: CustomerFacts, chased: Sequence[OverdueItem]) -> _Readiness:
    """Readiness for a customer with no step carried out and nothing to resume: every
    invoice is due for the first level once its own delay has passed (the common case
    of a run, kept fast)."""
    need = c.policy.levels[0].after_due_days or 0
    found = _Readiness({})
    for number, due, _, _ in chased:
        if (c.as_of - due).days >= need:
            found.ready[number] = 0
        else:
            found.waiting[number] = NO_STAGE
    return found


def _readiness(
    c: CustomerFacts,
    chased: Sequence[OverdueItem],
    stages: dict[str, InvoiceStage],
    pauses: Pauses,
    last_step: date | None,
    flags: list[Flag],
) -> _Readiness:
    """Which chased invoices are due for their next level today. An invoice that went
    through every level is flagged once and listed no more."""
    as_of, levels = c.as_of, c.policy.levels
    last_heard = _last_heard(c, pauses.responses)
    found = _Readiness(stages)
    for number, due, _, _ in chased:
        stage = stages.get(number)
        position = stage.level + 1 if stage is not None else 0
        if position >= len(levels):
            assert stage is not None
            flags.append(
                Flag(
                    f"process_ended/{stage.step.key}",
                    FlagKind.PROCESS_ENDED,
                    c.customer.ref,
                    f"every level of policy {c.policy.name!r} has been carried out",
                )
            )
            continue
        previous_on = stage.on if stage is not None else None
        # A broken promise or a missed plan hurries only the process it was about: this
        # invoice's, or, for an invoice with no step yet, one made after the customer's
        # last step and after the invoice fell due. One broken years ago does not.
        resumed = any(
            on <= as_of
            and (previous_on is None or on > previous_on)
            and (stage is not None or (made >= due and (last_step is None or made > last_step)))
            for on, made in pauses.resumes
        )
        days_overdue = (as_of - due).days
        if resumed or triggered(levels[position], as_of, days_overdue, previous_on, last_heard):
            found.ready[number] = position
            if resumed:
                found.resumed.add(number)
        else:
            found.waiting[number] = stage.level if stage is not None else NO_STAGE
    return found


def _last_heard(c: CustomerFacts, responses: Sequence[date]) -> date | None:
    """The customer's last response by `as_of`: an answer in the contact log or a
    promise made."""
    heard = [day for day in responses if day <= c.as_of]
    answered = last_response(c.contacts, c.as_of) if c.contacts else None
    if answered is not None:
        heard.append(answered)
    return max(heard) if heard else None


def _proposal(
    c: CustomerFacts,
    step: PlannedStep,
    due_dates: Mapping[str, date],
    balances: Mapping[str, Decimal],
    readiness: _Readiness,
    flags: list[Flag],
) -> Proposal | None:
    """The proposal of one planned step, or None when the step's level asks a larger
    amount, the contact limits leave it no channel, or it is already queued."""
    policy, ref = c.policy, c.customer.ref
    level = policy.levels[step.position]
    # `min_amount` has no currency: it is read in each balance's own units, and the step
    # goes when at least one currency reaches it.
    if max(balances.values()) < level.min_amount:
        return None
    channels = allowed_channels(level, policy, c.as_of, ref, c.contacts, c.actions, flags)
    if not channels:
        return None
    numbers, levels = step_invoices(step, due_dates)
    key = action_key(ref, c.as_of, level.name, numbers)
    if c.actions and any(a.key == key for a in c.actions):
        return None
    # The step's invoices are sorted oldest first: the oldest covered one is the first
    # covered (the first of all when the step lists none apart).
    oldest = numbers[0] if not step.also_due else next(n for n in numbers if n in step.covered)
    oldest_due = due_dates[oldest]
    days_overdue = (c.as_of - oldest_due).days
    why = f"{days_overdue} days after the due date of invoice {oldest}"
    if not readiness.resumed.isdisjoint(step.covered):
        why += "; resumed after a broken promise or a missed instalment"
    if step.also_due:
        why += f"; {len(step.also_due)} other invoice(s) listed apart, each at its own stage"
    action = Action(
        key, ref, policy.name, step.position, level.name, channels, numbers, c.as_of,
        invoice_levels=levels,
    )  # fmt: skip
    return Proposal(
        action=action,
        templates=level_templates(level.templates, channels),
        tone=level.tone,
        needs_approval=level.needs_approval,
        charges=level.charges,
        formal_notice=level.formal_notice,
        balances=tuple([Money(balances[cur], cur) for cur in sorted(balances)]),
        oldest_due=oldest_due,
        days_overdue=days_overdue,
        recalls=last_step_of(readiness.stages, step.covered) if level.recalls_previous else None,
        call_window=policy.limits.call_window if Channel.CALL in channels else None,
        why=why,
        # Left empty in the common case (every invoice covered, none reminded before):
        # a first run over a million invoices makes no record per invoice.
        invoices=invoice_steps(action, readiness.stages, policy)
        if levels or readiness.stages
        else (),
    )


def invoice_steps(
    action: Action, stages: Mapping[str, InvoiceStage], policy: Policy
) -> tuple[InvoiceStep, ...]:
    """Each invoice of the step with its own stage and the steps it went through
    (`stages`: each invoice's stage before the step, empty when none went through one)."""
    names = {stage: level_name(policy, stage) for stage in {*action.invoice_levels, action.level}}
    steps = []
    for number, stage in action.stages():
        before = stages.get(number) if stages else None
        history = before.history if before is not None else ()
        steps.append(InvoiceStep(number, stage, names[stage], stage == action.level, history))
    return tuple(steps)


@lru_cache(maxsize=256)
def level_templates(
    templates: tuple[tuple[Channel, str], ...], channels: tuple[Channel, ...]
) -> tuple[tuple[Channel, str], ...]:
    """The level's templates of the channels used (a level has few combinations)."""
    return tuple((channel, key) for channel, key in templates if channel in channels)
