"""What credit risk reads: each customer's open balance against its credit limit, summed
by the database (one query for every customer with a limit)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import case, func, select

from relance.adapters.storage import tables as t
from relance.adapters.storage.database import Connection
from relance.core.money import Money
from relance.core.risk import Exposure


def exposures(
    conn: Connection,
    as_of: date,
    refs: Iterable[str] | None = None,
    *,
    limited: bool = True,
    over_only: bool = False,
) -> list[Exposure]:
    """Each customer's open balance as of `as_of`, overdue and not yet due, per currency:
    those with a credit limit (`limited`), or every one named in `refs`; with `over_only`,
    only those over their limit in its currency (the database keeps the others)."""
    c, i, a = t.customers, t.invoices, t.allocations
    allocated = (
        select(a.c.invoice_id, func.sum(a.c.amount_minor).label("paid"))
        .where(a.c.date <= as_of)
        .group_by(a.c.invoice_id)
        .subquery()
    )
    open_minor = i.c.amount_minor - func.coalesce(allocated.c.paid, 0)
    overdue = func.sum(case((i.c.due_date < as_of, open_minor), else_=0))
    query = (
        select(c.c.ref, i.c.currency, overdue, func.sum(open_minor),
               c.c.credit_limit_minor, c.c.credit_limit_currency)
        .join(i, i.c.customer_id == c.c.id)
        .outerjoin(allocated, allocated.c.invoice_id == i.c.id)
        .where(i.c.issue_date <= as_of, open_minor > 0)
        .group_by(c.c.ref, i.c.currency, c.c.credit_limit_minor, c.c.credit_limit_currency)
        .order_by(c.c.ref, i.c.currency)
    )  # fmt: skip
    if limited or over_only:
        query = query.where(c.c.credit_limit_minor.is_not(None))
    if over_only:
        query = query.where(i.c.currency == c.c.credit_limit_currency).having(
            func.sum(open_minor) > c.c.credit_limit_minor
        )
    if refs is not None:
        query = query.where(c.c.ref.in_(list(refs)))
    found = []
    for ref, currency, late, whole, limit_minor, limit_currency in conn.execute(query):
        limit = None if limit_minor is None else Money.from_minor(limit_minor, limit_currency)
        late_money = Money.from_minor(int(late or 0), currency)
        found.append(
            Exposure(ref, late_money, Money.from_minor(int(whole), currency) - late_money, limit)
        )
    return found
