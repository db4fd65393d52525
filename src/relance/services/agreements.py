"""What was agreed with a customer beyond its invoices: its payment plans with what has been
paid toward each, its contract terms, and the notes written on its file.

Read for the workbench's customer page and Today's alerts; the plans themselves are agreed
by `pauses.plan` and the terms changed by `contracts.set_contract`, as the CLI does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_overdue as overdue_repo
from relance.adapters.storage import repository_pauses as pause_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.model import Customer
from relance.core.money import Money, total
from relance.core.plans import Instalment, PaymentPlan
from relance.services import rule_sets
from relance.services.customer_lookup import known_customer


@dataclass(frozen=True, slots=True)
class PlanView:
    """A payment plan, what was paid on its invoices since it was agreed, and the first
    instalment that payment does not yet cover (None once the plan is paid)."""

    plan: PaymentPlan
    paid: Money
    next_due: Instalment | None


def uncovered(plan: PaymentPlan, paid: Money) -> Instalment | None:
    """The first instalment that `paid` (counted cumulatively, in date order) leaves unmet."""
    owed = Money.zero(paid.currency)
    for instalment in plan.instalments:
        owed = owed + instalment.amount
        if paid < owed:
            return instalment
    return None


def _plan_views(conn: Connection, plans: Sequence[PaymentPlan], as_of: date) -> list[PlanView]:
    numbers = {n for p in plans for n in p.invoice_numbers}
    paid_on: dict[str, list[tuple[date, Money]]] = {}
    for allocation in overdue_repo.allocations_to(conn, numbers, as_of):
        paid_on.setdefault(allocation.invoice_number, []).append(
            (allocation.date, allocation.amount)
        )
    views = []
    for plan in plans:
        currency = plan.total.currency
        paid = total(
            (
                amount
                for number in plan.invoice_numbers
                for day, amount in paid_on.get(number, ())
                if day >= plan.agreed_on and amount.currency == currency
            ),
            currency,
        )
        views.append(PlanView(plan, paid, uncovered(plan, paid)))
    return views


def plans_of(store: Store, customer_ref: str, as_of: date) -> tuple[PlanView, ...]:
    """The customer's payment plans as of `as_of`, the latest agreed first."""
    with store.begin() as conn:
        known_customer(conn, customer_ref)
        plans = pause_repo.load_plans(conn, customer_ref)
        views = _plan_views(conn, plans, as_of)
    return tuple(sorted(views, key=lambda v: v.plan.agreed_on, reverse=True))


def instalments_due(
    conn: Connection, as_of: date, within: timedelta
) -> tuple[tuple[PlanView, Customer | None], ...]:
    """The plans whose next unpaid instalment falls due within `within` either side of
    `as_of`, soonest first, each with its customer."""
    views = [
        view
        for view in _plan_views(conn, pause_repo.load_plans(conn), as_of)
        if view.next_due is not None and abs((view.next_due.due - as_of).days) <= within.days
    ]
    refs = sorted({v.plan.customer_ref for v in views})
    customers = {c.ref: c for c in repo.load_customers(conn, refs)} if refs else {}
    ordered = sorted(views, key=lambda v: v.next_due.due if v.next_due else as_of)
    return tuple((v, customers.get(v.plan.customer_ref)) for v in ordered)


def rule_set_codes() -> tuple[str, ...]:
    """The rule sets a contract may name (a form offers them)."""
    return tuple(r.code for r in rule_sets.rules()[0].rule_sets)


def add_note(store: Store, customer_ref: str, text: str, on: date, *, actor: str = "user") -> None:
    """Write a note on the customer's file: an event of its timeline, nothing more."""
    if not text.strip():
        raise ValueError("a note needs some text")
    with store.begin() as conn:
        known_customer(conn, customer_ref)
        repo.append_event(
            conn, "note.added", actor=actor, customer_ref=customer_ref, reason=text.strip(),
            dated=on,
        )  # fmt: skip
