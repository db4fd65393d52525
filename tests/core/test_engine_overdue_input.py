"""`decide` given the overdue invoices grouped by customer (as the database hands them to a
big run) decides exactly as when it reads them from the ledger.

A property test (hypothesis): random ledgers of invoices, partial and full payments,
unapplied payments, done actions and disputes, on a random date; the grouped input is made
from the ledger by the rules of `overdue_by_customer` (past due, issued, something left).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance.adapters.policy_toml import default_policies
from relance.core.engine import Action, OverdueItem, decide
from relance.core.ledger import Ledger
from relance.core.model import (
    Allocation,
    AllocationKind,
    Customer,
    CustomerKind,
    Invoice,
    Payment,
)
from relance.core.money import Money
from relance.core.pauses import Dispute
from relance.core.policy import Channel

POLICIES = default_policies()
START = date(2026, 1, 1)
CUSTOMERS = (
    Customer("ACME", "Acme"),
    Customer("BOB", "Bob", kind=CustomerKind.CONSUMER),
    Customer("CARL", "Carl SA"),
)


def grouped(ledger: Ledger, as_of: date) -> dict[str, list[OverdueItem]]:
    """What the database gives for `ledger`: per customer, each invoice past due and
    issued by `as_of` with its open balance, paid ones left out."""
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for allocation in ledger.allocations:
        if allocation.date <= as_of:
            paid[allocation.invoice_number] += allocation.amount.amount
    found: dict[str, list[OverdueItem]] = defaultdict(list)
    for invoice in ledger.invoices:
        owed = invoice.amount.amount - paid[invoice.number]
        if invoice.due_date < as_of and invoice.issue_date <= as_of and owed > 0:
            found[invoice.customer_ref].append(
                (invoice.number, invoice.due_date, invoice.currency, owed)
            )
    return found


def credit(ledger: Ledger, as_of: date) -> dict[str, dict[str, Decimal]]:
    """Each customer's payments received by `as_of` less what was allocated of them."""
    used: dict[str, Decimal] = defaultdict(Decimal)
    for allocation in ledger.allocations:
        if allocation.date <= as_of:
            used[allocation.source] += allocation.amount.amount
    found: dict[str, dict[str, Decimal]] = {}
    for payment in ledger.payments:
        left = payment.amount.amount - used[payment.key]
        if payment.date <= as_of and payment.customer_ref and left > 0:
            mine = found.setdefault(payment.customer_ref, {})
            mine[payment.amount.currency] = mine.get(payment.amount.currency, Decimal(0)) + left
    return found


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[Ledger, date, list[Action], list[Dispute]]:
    invoices: list[Invoice] = []
    payments: list[Payment] = []
    allocations: list[Allocation] = []
    for n in range(draw(st.integers(1, 12))):
        customer = draw(st.sampled_from(CUSTOMERS)).ref
        due = START + timedelta(days=draw(st.integers(0, 120)))
        amount = Money.from_minor(draw(st.integers(1, 50_000)), "EUR")
        number = f"F{n:03d}"
        invoices.append(
            Invoice(number, customer, due - timedelta(days=30), due, amount, amount * 0)
        )
        share = draw(st.sampled_from((0, 0, 1, 2)))  # nothing, in full, in part
        if share:
            on = due + timedelta(days=draw(st.integers(-10, 60)))
            part = amount if share == 1 else Money.from_minor(amount.to_minor() // 2, "EUR")
            key = f"P{n:03d}"
            payments.append(Payment(key, on, part, customer))
            allocations.append(Allocation(AllocationKind.PAYMENT, key, number, part, on))
    for n in range(draw(st.integers(0, 3))):  # received, not matched: unapplied credit
        on = START + timedelta(days=draw(st.integers(0, 150)))
        customer = draw(st.sampled_from(CUSTOMERS)).ref
        amount = Money.from_minor(draw(st.integers(1, 30_000)), "EUR")
        payments.append(Payment(f"U{n}", on, amount, customer))
    as_of = START + timedelta(days=draw(st.integers(0, 180)))
    actions: list[Action] = []
    if draw(st.booleans()) and invoices:
        first = invoices[0]
        on = min(as_of, first.due_date + timedelta(days=draw(st.integers(1, 30))))
        actions.append(
            Action(
                f"{first.customer_ref}/{on}/step0",
                first.customer_ref,
                "business" if first.customer_ref != "BOB" else "consumer",
                0,
                "step0",
                (Channel.EMAIL,),
                (first.number,),
                on,
            ).carried_out(on)
        )
    disputes = (
        [Dispute(invoices[-1].number, START, "wrong quantity")] if draw(st.booleans()) else []
    )
    ledger = Ledger(
        customers=CUSTOMERS,
        invoices=tuple(invoices),
        payments=tuple(payments),
        allocations=tuple(allocations),
    )
    return ledger, as_of, actions, disputes


@settings(max_examples=150, deadline=None)
@given(ledgers())
def test_grouped_overdue_invoices_give_the_same_decision_as_the_ledger(
    case: tuple[Ledger, date, list[Action], list[Dispute]],
) -> None:
    ledger, as_of, actions, disputes = case
    from_ledger = decide(ledger, POLICIES, as_of=as_of, actions=actions, disputes=disputes)
    slim = Ledger(customers=ledger.customers, payments=ledger.payments)
    from_groups = decide(
        slim,
        POLICIES,
        as_of=as_of,
        actions=actions,
        disputes=disputes,
        credit=credit(ledger, as_of),
        overdue=grouped(ledger, as_of),
    )
    assert from_groups == from_ledger


def test_a_worked_example_three_invoices_one_partly_paid_one_not_yet_due() -> None:
    # ACME owes F1 100.00 (due 1 March) and F2 250.00 (due 5 March) of which 80.00 was
    # paid; F3 falls due on 30 April. On 21 March: 100.00 + (250.00 - 80.00) = 270.00,
    # 20 days after F1's due date.
    overdue = {
        "ACME": [
            ("F2", date(2026, 3, 5), "EUR", Decimal("170.00")),
            ("F1", date(2026, 3, 1), "EUR", Decimal("100.00")),
        ]
    }
    decision = decide(
        Ledger(customers=CUSTOMERS), POLICIES, as_of=date(2026, 3, 21), credit={}, overdue=overdue
    )
    (proposal,) = decision.proposals
    assert proposal.action.invoice_numbers == ("F1", "F2")
    assert [str(b) for b in proposal.balances] == ["270.00 EUR"]
    assert proposal.days_overdue == 20
    assert overdue["ACME"][0][0] == "F2", "the caller's lists are left as they were"


def test_invoices_in_the_ledger_and_as_overdue_at_once_is_a_bug() -> None:
    invoice = Invoice(
        "F1", "ACME", date(2026, 1, 1), date(2026, 2, 1), Money.of("10", "EUR"), Money.zero("EUR")
    )
    with pytest.raises(ValueError, match="either"):
        decide(
            Ledger(customers=CUSTOMERS, invoices=(invoice,)),
            POLICIES,
            as_of=date(2026, 3, 1),
            overdue={"ACME": [("F1", date(2026, 2, 1), "EUR", Decimal("10.00"))]},
        )
