"""The aged balance (balance âgée), summed by the database bucket by bucket.

A ledger of a million invoices is aged in one pass per table over covering indexes,
without loading an invoice: `core.aging` says what the buckets are, this module sums them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from relance.adapters.storage import tables as t
from relance.core.aging import AgingRow, Buckets


def _bucket_columns(due_date: Any, amount: Any, floors: Sequence[date]) -> list[Any]:
    """One SUM per bucket: bucket i holds due dates in [floors[i], floors[i-1])."""
    columns = []
    for index in range(len(floors) + 1):
        conditions = []
        if index < len(floors):
            conditions.append(due_date >= floors[index])
        if index > 0:
            conditions.append(due_date < floors[index - 1])
        columns.append(func.sum(case((and_(*conditions), amount), else_=0)))
    return columns


def aging_rows(conn: Connection, as_of: date, buckets: Buckets) -> Iterator[AgingRow]:
    """Open balances as of `as_of` per customer and currency, bucket by bucket, summed in SQL.

    Invoiced amounts and allocated amounts are summed apart, each in one pass over a
    covering index, and subtracted per bucket: allocations never exceed their invoice
    (every path that writes one checks it), so the difference is the sum of open balances.
    The bucket boundaries come from `Buckets.due_date_floors`, so the database and the pure
    `core.aging.aging` put every invoice in the same bucket.
    """
    floors = buckets.due_date_floors(as_of)
    inv, alloc = t.invoices, t.allocations
    invoiced = (
        select(
            inv.c.customer_id,
            inv.c.currency,
            *_bucket_columns(inv.c.due_date, inv.c.amount_minor, floors),
        )
        .where(inv.c.issue_date <= as_of)
        .group_by(inv.c.customer_id, inv.c.currency)
    )
    applied = (
        select(
            inv.c.customer_id,
            inv.c.currency,
            *_bucket_columns(inv.c.due_date, alloc.c.amount_minor, floors),
        )
        .select_from(alloc)
        .join(inv, inv.c.id == alloc.c.invoice_id)
        .where(and_(alloc.c.date <= as_of, inv.c.issue_date <= as_of))
        .group_by(inv.c.customer_id, inv.c.currency)
    )
    # SUM over CASE ... ELSE 0 is never NULL; PostgreSQL returns it as a Decimal, hence int()
    grid: dict[tuple[int, str], list[int]] = {
        (customer_id, currency): [int(amount) for amount in sums]
        for customer_id, currency, *sums in conn.execute(invoiced).all()
    }
    for customer_id, currency, *sums in conn.execute(applied).all():
        row = grid[(customer_id, currency)]
        for index, amount in enumerate(sums):
            row[index] -= int(amount)
    names = {
        id_: (ref, name)
        for id_, ref, name in conn.execute(
            select(t.customers.c.id, t.customers.c.ref, t.customers.c.name)
        ).all()
    }
    for (customer_id, currency), minor in grid.items():
        if any(minor):
            ref, name = names[customer_id]
            yield AgingRow(ref, name, currency, tuple(minor))
