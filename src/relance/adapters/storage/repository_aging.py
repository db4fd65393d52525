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
from relance.adapters.storage.driver import driver_rows
from relance.core.aging import AgingRow, Buckets


def _before_columns(due_date: Any, amount: Any, floors: Sequence[date]) -> list[Any]:
    """The sum of all amounts, then one SUM per floor of those due before it: one date
    comparison per floor and row (bucket i is the difference of two of them, `_buckets`),
    where a SUM per bucket compares each row twice."""
    return [
        func.sum(amount),
        *(func.sum(case((due_date < floor, amount), else_=0)) for floor in floors),
    ]


def _buckets(sums: Sequence[Any]) -> list[int]:
    """Bucket by bucket, from the total and the sums due before each floor: bucket 0 is due
    on or after floor 0, bucket i in [floor i, floor i-1), the last before the last floor."""
    total, *before = (int(amount) for amount in sums)  # PostgreSQL sums are Decimals
    edges = [total, *before, 0]
    return [edges[index] - edges[index + 1] for index in range(len(before) + 1)]


def _sums_by_customer(as_of: date, buckets: Buckets, customers: Any = None) -> tuple[Any, Any]:
    """The invoiced and the allocated sums per customer and currency, bucket by bucket
    (each a total then one sum per floor, `_before_columns`); of the customers whose ids
    the `customers` subquery selects, when given."""
    floors = buckets.due_date_floors(as_of)
    inv, alloc = t.invoices, t.allocations
    invoiced = (
        select(
            inv.c.customer_id,
            inv.c.currency,
            *_before_columns(inv.c.due_date, inv.c.amount_minor, floors),
        )
        .where(inv.c.issue_date <= as_of)
        .group_by(inv.c.customer_id, inv.c.currency)
    )
    if customers is not None:
        invoiced = invoiced.where(inv.c.customer_id.in_(customers))
    applied = (
        select(
            inv.c.customer_id,
            inv.c.currency,
            *_before_columns(inv.c.due_date, alloc.c.amount_minor, floors),
        )
        .select_from(alloc)
        .join(inv, inv.c.id == alloc.c.invoice_id)
        .where(and_(alloc.c.date <= as_of, inv.c.issue_date <= as_of))
        .group_by(inv.c.customer_id, inv.c.currency)
    )
    if customers is not None:
        applied = applied.where(inv.c.customer_id.in_(customers))
    return invoiced, applied


def _by_currency(per_customer: Any) -> Any:
    """`per_customer`'s sums added up per currency (grouped by customer first, the
    database walks its covering index in order: no sort of a million rows)."""
    inner = per_customer.subquery()
    sums = [func.sum(column) for column in list(inner.c)[2:]]
    return select(inner.c.currency, *sums).group_by(inner.c.currency)


def aging_totals(conn: Connection, as_of: date, buckets: Buckets) -> dict[str, list[int]]:
    """What `aging_rows` sums to per currency, bucket by bucket in minor units, summed by
    the database (currencies owed nothing are left out)."""
    invoiced, applied = _sums_by_customer(as_of, buckets)
    totals = {
        currency: _buckets(sums) for currency, *sums in driver_rows(conn, _by_currency(invoiced))
    }
    for currency, *sums in driver_rows(conn, _by_currency(applied)):
        row = totals[currency]
        for index, amount in enumerate(_buckets(sums)):
            row[index] -= amount
    return {currency: row for currency, row in sorted(totals.items()) if any(row)}


def balances_by_customer(
    conn: Connection, as_of: date, buckets: Buckets, customers: Any = None
) -> dict[tuple[int, str], list[int]]:
    """Open balances as of `as_of` per (customer id, currency), bucket by bucket in minor
    units, summed in SQL; of the customers the `customers` subquery selects, when given.

    Invoiced amounts and allocated amounts are summed apart, each in one pass over a
    covering index, and subtracted per bucket: allocations never exceed their invoice
    (every path that writes one checks it), so the difference is the sum of open balances.
    The bucket boundaries come from `Buckets.due_date_floors`, so the database and the pure
    `core.aging.aging` put every invoice in the same bucket. Rows are read through the
    driver: a hundred thousand customers' sums need no type processing.
    """
    invoiced, applied = _sums_by_customer(as_of, buckets, customers)
    grid: dict[tuple[int, str], list[int]] = {
        (customer_id, currency): _buckets(sums)
        for customer_id, currency, *sums in driver_rows(conn, invoiced)
    }
    for customer_id, currency, *sums in driver_rows(conn, applied):
        row = grid[(customer_id, currency)]
        for index, amount in enumerate(_buckets(sums)):
            row[index] -= amount
    return grid


def aging_rows(conn: Connection, as_of: date, buckets: Buckets) -> Iterator[AgingRow]:
    """Open balances as of `as_of` per customer and currency, bucket by bucket, summed in
    SQL over the whole ledger (`balances_by_customer`); customers owing nothing left out."""
    grid = balances_by_customer(conn, as_of, buckets)
    names = {
        id_: (ref, name)
        for id_, ref, name in driver_rows(
            conn, select(t.customers.c.id, t.customers.c.ref, t.customers.c.name)
        )
    }
    for (customer_id, currency), minor in grid.items():
        if any(minor):
            ref, name = names[customer_id]
            yield AgingRow(ref, name, currency, tuple(minor))
