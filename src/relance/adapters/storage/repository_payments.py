"""Payments of the ledger and what they settled: the allocations lettrage makes and undoes,
who paid, and the deposits that wait for the invoice they name.

Every function takes an open `Connection`; the service decides where a transaction begins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import Connection, bindparam, delete, func, select, update

from relance.adapters.storage import repository as repo
from relance.adapters.storage import tables as t
from relance.adapters.storage.repository_bank import insert_values
from relance.core.bulk import chunks
from relance.core.model import Allocation, Payment
from relance.core.money import Money


def payment(conn: Connection, key: str) -> Payment | None:
    """The payment of the ledger whose key is `key`, with its customer when known."""
    pay, cust = t.payments, t.customers
    row = conn.execute(
        select(pay.c.key, pay.c.date, pay.c.currency, pay.c.amount_minor, cust.c.ref)
        .outerjoin(cust, cust.c.id == pay.c.customer_id)
        .where(pay.c.key == key)
    ).first()
    if row is None:
        return None
    return Payment(row.key, row.date, Money.from_minor(row.amount_minor, row.currency), row.ref)


def deposits_for(conn: Connection, numbers: Sequence[str]) -> list[tuple[Payment, str]]:
    """The payments kept on account for one of the invoices `numbers` (deposits paid
    before their invoice existed), each with the invoice it names, oldest first."""
    pay, cust = t.payments, t.customers
    rows = conn.execute(
        select(pay.c.key, pay.c.date, pay.c.currency, pay.c.amount_minor, pay.c.for_invoice,
               cust.c.ref)
        .outerjoin(cust, cust.c.id == pay.c.customer_id)
        .where(pay.c.for_invoice.in_(list(numbers)))
        .order_by(pay.c.date, pay.c.id)
    )  # fmt: skip
    return [
        (Payment(key, day, Money.from_minor(minor, currency), customer), number)
        for key, day, currency, minor, number, customer in rows
    ]


def allocated_to(conn: Connection, number: str) -> int:
    """What has been applied to the invoice `number` so far, in minor units."""
    alloc = t.allocations
    query = (
        select(func.coalesce(func.sum(alloc.c.amount_minor), 0))
        .join(t.invoices, t.invoices.c.id == alloc.c.invoice_id)
        .where(t.invoices.c.number == number)
    )
    return int(conn.execute(query).scalar_one())


def add_allocations(conn: Connection, allocations: Sequence[Allocation]) -> int:
    """Insert `allocations` (to invoices of the ledger) at once; returns how many."""
    return add_allocation_values(
        conn,
        [
            (
                a.kind.value,
                a.source,
                a.invoice_number,
                a.amount.currency,
                a.amount.to_minor(),
                a.date,
            )
            for a in allocations
        ],
    )


AllocationValues = tuple[
    str, str, str, str, int, date
]  # kind, source, number, currency, minor, date


def add_allocation_values(
    conn: Connection, values: Sequence[AllocationValues], import_id: int | None = None
) -> int:
    """`add_allocations` of plain values (kind, source, invoice number, currency, minor
    units, date): a statement's matches are written without a record per allocation.
    `import_id` is the import writing them, if one is."""
    ids = repo.invoice_ids(conn, {number for _, _, number, _, _, _ in values})
    rows = [
        (kind, source, ids[number], currency, units, day, import_id)
        for kind, source, number, currency, units, day in values
    ]
    insert_values(conn, t.allocations, _ALLOCATION_COLUMNS, rows)
    return len(rows)


_ALLOCATION_COLUMNS = (
    "kind", "source", "invoice_id", "currency", "amount_minor", "date", "import_id",
)  # fmt: skip


def assign_payments(conn: Connection, owners: Mapping[str, str | None]) -> None:
    """Set the customer (by reference, or None for unknown) of payments by key."""
    ids = repo.customer_ids(conn)
    rows = [
        {"b_key": key, "customer_id": None if ref is None else ids[ref]}
        for key, ref in owners.items()
    ]
    for chunk in chunks(rows):
        conn.execute(update(t.payments).where(t.payments.c.key == bindparam("b_key")), chunk)


def delete_allocations(conn: Connection, sources: Sequence[str]) -> list[tuple[str, str, int]]:
    """Remove the payment and discount allocations made from `sources` (payment keys and
    the matching's "discount:<key>"); returns (source, invoice number, minor units) removed."""
    alloc = t.allocations
    removed: list[tuple[str, str, int]] = []
    for chunk in chunks(list(sources)):
        query = (
            select(alloc.c.id, alloc.c.source, t.invoices.c.number, alloc.c.amount_minor)
            .join(t.invoices, t.invoices.c.id == alloc.c.invoice_id)
            .where(alloc.c.source.in_(chunk), alloc.c.kind.in_(("payment", "discount")))
        )
        rows = conn.execute(query).all()
        if rows:
            conn.execute(delete(alloc).where(alloc.c.id.in_([r.id for r in rows])))
            removed.extend((r.source, r.number, int(r.amount_minor)) for r in rows)
    return removed


def applied_from(conn: Connection, source: str) -> int:
    """What a payment (or credit note) named `source` has settled so far, in minor units."""
    alloc = t.allocations
    query = select(func.coalesce(func.sum(alloc.c.amount_minor), 0)).where(
        alloc.c.source == source, alloc.c.kind == "payment"
    )
    return int(conn.execute(query).scalar_one())
