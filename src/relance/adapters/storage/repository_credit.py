"""Customers' unapplied credit, summed by the database.

Money received from a customer (payments, credit notes) by a date and not yet applied to
an invoice: a payment on account, a deposit waiting for its invoice, an overpayment. It is
the same sum as `relance.core.ledger.unapplied_credit`, per customer and currency, in a
few grouped queries rather than by loading the ledger.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, func, select

from relance.adapters.storage import tables as t
from relance.core.model import AllocationKind
from relance.core.money import Money

_SOURCES: tuple[tuple[Any, Any, AllocationKind], ...] = (
    (t.payments, t.payments.c.key, AllocationKind.PAYMENT),
    (t.credit_notes, t.credit_notes.c.number, AllocationKind.CREDIT_NOTE),
)


def unapplied_credits(conn: Connection, as_of: date) -> dict[tuple[str, str], Money]:
    """Unapplied credit as of `as_of` by (customer reference, currency), zeros left out."""
    minor: dict[tuple[int, str], int] = {}
    alloc = t.allocations
    for table, source, kind in _SOURCES:
        received = (
            select(table.c.customer_id, table.c.currency, func.sum(table.c.amount_minor))
            .where(table.c.customer_id.is_not(None), table.c.date <= as_of)
            .group_by(table.c.customer_id, table.c.currency)
        )
        for customer_id, currency, amount in conn.execute(received):
            key = (int(customer_id), currency)
            minor[key] = minor.get(key, 0) + int(amount)
        used = (
            select(table.c.customer_id, alloc.c.currency, func.sum(alloc.c.amount_minor))
            .select_from(alloc)
            .join(table, and_(source == alloc.c.source, alloc.c.kind == kind.value))
            .where(table.c.customer_id.is_not(None), alloc.c.date <= as_of)
            .group_by(table.c.customer_id, alloc.c.currency)
        )
        for customer_id, currency, amount in conn.execute(used):
            key = (int(customer_id), currency)
            minor[key] = minor.get(key, 0) - int(amount)
    refs = {int(id_): ref for id_, ref in conn.execute(select(t.customers.c.id, t.customers.c.ref))}
    return {
        (refs[customer_id], currency): Money.from_minor(amount, currency)
        for (customer_id, currency), amount in sorted(minor.items())
        if amount > 0
    }
