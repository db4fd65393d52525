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

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_payments as rp
from relance.adapters.storage.database import Connection
from relance.core.model import Allocation, AllocationKind
from relance.core.money import Money


def apply_waiting_deposits(conn: Connection, numbers: Sequence[str]) -> tuple[int, list[str]]:
    """Apply the deposits waiting for any of the invoices `numbers` (just added to the
    ledger); returns the allocations made and warnings (a deposit of another customer)."""
    if not numbers:
        return 0, []
    waiting = rp.deposits_for(conn, numbers)
    if not waiting:
        return 0, []
    invoices = repo.existing_invoices(conn, sorted({number for _, number in waiting}))
    made, warnings = 0, []
    for deposit, number in waiting:
        invoice = invoices[number]
        customer, currency = deposit.customer_ref, deposit.amount.currency
        if invoice.customer_ref != customer or invoice.currency != currency:
            warnings.append(
                f"deposit {deposit.key} of {customer} names invoice {number}, which is "
                f"{invoice.customer_ref}'s in {invoice.currency}: left as credit"
            )
            continue
        left = deposit.amount.to_minor() - repo.allocated_from(conn, deposit.key)
        still_owed = invoice.amount.to_minor() - rp.allocated_to(conn, number)
        amount = min(left, still_owed)
        if amount <= 0:
            continue
        when = max(deposit.date, invoice.issue_date)
        allocation = Allocation(
            AllocationKind.PAYMENT, deposit.key, number, Money.from_minor(amount, currency), when
        )
        rp.add_allocations(conn, [allocation])
        made += 1
    return made, warnings
