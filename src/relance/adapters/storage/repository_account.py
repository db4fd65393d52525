"""One customer's whole account, as the statement of account reads it: its invoices,
credit notes and payments, and every allocation made to its invoices or from its money
(a payment of its applied to another account's invoice included)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, or_, select

from relance.adapters.storage import repository as repo
from relance.adapters.storage import tables as t
from relance.core.ledger import Ledger
from relance.core.model import Allocation, AllocationKind, CreditNote, Payment
from relance.core.money import Money


def customer_account(conn: Connection, customer_ref: str) -> Ledger | None:
    """The customer's account as a `Ledger` (the customer, its records, their
    allocations), or None when no customer has that reference."""
    customers = repo.load_customers(conn, [customer_ref])
    if not customers:
        return None
    invoices = repo.load_invoices(conn, customer_ref)
    c, n, p = t.customers, t.credit_notes, t.payments
    notes = [
        CreditNote(number, customer_ref, day, Money.from_minor(minor, currency), invoice)
        for number, day, currency, minor, invoice in conn.execute(
            select(n.c.number, n.c.date, n.c.currency, n.c.amount_minor, n.c.invoice_number)
            .join(c, c.c.id == n.c.customer_id)
            .where(c.c.ref == customer_ref)
            .order_by(n.c.date, n.c.number)
        )
    ]
    payments = [
        Payment(key, day, Money.from_minor(minor, currency), customer_ref, method, reference)
        for key, day, currency, minor, method, reference in conn.execute(
            select(p.c.key, p.c.date, p.c.currency, p.c.amount_minor, p.c.method,
                   p.c.reference)
            .join(c, c.c.id == p.c.customer_id)
            .where(c.c.ref == customer_ref)
            .order_by(p.c.date, p.c.key)
        )
    ]  # fmt: skip
    allocations = _allocations(conn, customer_ref, [x.number for x in notes],
                               [x.key for x in payments])  # fmt: skip
    return Ledger(
        customers=tuple(customers),
        invoices=tuple(invoices),
        credit_notes=tuple(notes),
        payments=tuple(payments),
        allocations=tuple(allocations),
    )


def _allocations(
    conn: Connection, customer_ref: str, notes: list[str], payments: list[str]
) -> list[Allocation]:
    a, i, c = t.allocations, t.invoices, t.customers
    own = select(i.c.id).join(c, c.c.id == i.c.customer_id).where(c.c.ref == customer_ref)
    mine: list[Any] = [a.c.invoice_id.in_(own)]
    if notes:
        mine.append((a.c.kind == AllocationKind.CREDIT_NOTE.value) & a.c.source.in_(notes))
    if payments:
        mine.append((a.c.kind == AllocationKind.PAYMENT.value) & a.c.source.in_(payments))
    query = (
        select(a.c.kind, a.c.source, i.c.number, a.c.currency, a.c.amount_minor, a.c.date)
        .join(i, i.c.id == a.c.invoice_id)
        .where(or_(*mine))
        .order_by(a.c.date, a.c.id)
    )
    return [
        Allocation(AllocationKind(kind), source, number, Money.from_minor(minor, cur), day)
        for kind, source, number, cur, minor, day in conn.execute(query)
    ]
