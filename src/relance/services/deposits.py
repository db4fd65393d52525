"""Deposits (acomptes) paid before their invoice exists.

A payment that names an invoice not yet in the ledger (a deposit on an order, paid before
the invoice is issued) is kept on the customer's account, waiting for that invoice
(`payments.for_invoice`); until then it is unapplied credit, shown by `relance aging` and
`relance customers` and counted against what the customer is chased for. When the invoice
arrives (an invoices CSV, a Factur-X or UBL file), what is left of the deposit is applied
to it, up to its amount, as a credit manager would do by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from relance.adapters.storage import repository as repo
from relance.adapters.storage import tables as t
from relance.core.model import Allocation, AllocationKind
from relance.core.money import Money


def apply_waiting_deposits(conn: Connection, numbers: Sequence[str]) -> tuple[int, list[str]]:
    """Apply the deposits waiting for any of the invoices `numbers` (just added to the
    ledger); returns the allocations made and warnings (a deposit of another customer)."""
    if not numbers:
        return 0, []
    pay, cust = t.payments, t.customers
    waiting = conn.execute(
        select(pay.c.key, pay.c.date, pay.c.currency, pay.c.amount_minor, pay.c.for_invoice,
               cust.c.ref)
        .outerjoin(cust, cust.c.id == pay.c.customer_id)
        .where(pay.c.for_invoice.in_(list(numbers)))
        .order_by(pay.c.date, pay.c.id)
    ).all()  # fmt: skip
    if not waiting:
        return 0, []
    invoices = repo.existing_invoices(conn, sorted({row.for_invoice for row in waiting}))
    ids = repo.invoice_ids(conn, list(invoices))
    made, warnings = 0, []
    for key, day, currency, minor, number, customer in waiting:
        invoice = invoices[number]
        if invoice.customer_ref != customer or invoice.currency != currency:
            warnings.append(
                f"deposit {key} of {customer} names invoice {number}, which is "
                f"{invoice.customer_ref}'s in {invoice.currency}: left as credit"
            )
            continue
        left = int(minor) - repo.allocated_from(conn, key)
        still_owed = invoice.amount.to_minor() - repo.allocated_minor(conn, ids[number])
        amount = min(left, still_owed)
        if amount <= 0:
            continue
        when = max(day, invoice.issue_date)
        allocation = Allocation(
            AllocationKind.PAYMENT, key, number, Money.from_minor(amount, currency), when
        )
        repo.add_allocation(conn, allocation, ids[number])
        made += 1
    return made, warnings
