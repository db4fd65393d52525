"""What plans and promises mean for one customer's run: the invoices a plan sets aside,
when a missed instalment or a broken promise lets the process go on at once, the
customer's responses, and a promise still pending (which pauses the customer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from relance.core.actions import Flag, FlagKind
from relance.core.money import Money
from relance.core.pauses import Promise, PromiseState
from relance.core.plans import PaymentPlan, PlanState, plan_status
from relance.core.policy import Policy

ZERO = Decimal(0)


@dataclass(slots=True)
class Pauses:
    """What plans and promises say: invoices set aside, when the process may resume
    (the day, and the day the broken promise or plan was made), the customer's
    responses and a promise still pending."""

    planned: set[str] = field(default_factory=set)
    resumes: list[tuple[date, date]] = field(default_factory=list)
    responses: list[date] = field(default_factory=list)
    pending_promise: Promise | None = None


def follow_plans(
    ref: str,
    policy: Policy,
    as_of: date,
    plans: Sequence[PaymentPlan],
    toward: Mapping[str, Sequence[tuple[date, Money]]],
    pauses: Pauses,
    flags: list[Flag],
) -> None:
    """Invoices under an active plan are not chased; a missed instalment puts them back
    and lets the process go on at once. Only what was paid on the plan's own invoices
    counts toward it."""
    for plan in sorted(plans, key=lambda p: (p.agreed_on, p.key)) if plans else ():
        paid_toward = [pair for number in plan.invoice_numbers for pair in toward.get(number, ())]
        status = plan_status(plan, paid_toward, as_of, policy.plan_grace_days)
        if status.state is PlanState.ACTIVE:
            pauses.planned.update(plan.invoice_numbers)
        elif status.state is PlanState.MISSED and status.missed is not None:
            missed_on = status.missed.due + timedelta(days=policy.plan_grace_days + 1)
            pauses.resumes.append((missed_on, plan.agreed_on))
            flags.append(
                Flag(
                    f"plan_missed/{plan.key}",
                    FlagKind.PLAN_MISSED,
                    ref,
                    f"instalment of {status.missed.amount} due {status.missed.due} not paid",
                )
            )


def follow_promises(
    ref: str,
    policy: Policy,
    as_of: date,
    promises: Sequence[Promise],
    payments: Sequence[tuple[date, Money]],
    pauses: Pauses,
    flags: list[Flag],
) -> None:
    """A pending promise pauses the customer; a broken one is recorded and the process
    goes on at once. Making a promise is a response from the customer."""
    grace = policy.promise_grace_days
    for promise in sorted(promises, key=lambda p: (p.made_on, p.key)) if promises else ():
        pauses.responses.append(promise.made_on)
        deadline = promise.deadline(grace)
        last_day = min(as_of, deadline)
        paid = sum(
            (
                amount.amount
                for day, amount in payments
                if promise.made_on <= day <= last_day and amount.currency == promise.amount.currency
            ),
            ZERO,
        )
        state = promise.state(Money(paid, promise.amount.currency), as_of, grace)
        if state is PromiseState.PENDING:
            pauses.pending_promise = promise
        elif state is PromiseState.BROKEN:
            pauses.resumes.append((deadline + timedelta(days=1), promise.made_on))
            flags.append(
                Flag(
                    f"promise_broken/{promise.key}",
                    FlagKind.PROMISE_BROKEN,
                    ref,
                    f"promise to pay {promise.amount} by {promise.due} not kept",
                )
            )
