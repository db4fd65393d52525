"""What the web workbench's pages read that no other listing gives: where each customer
stands (open amount, oldest open due date, last step: summed in SQL, for ordering and
filtering the customers page), a page's lines, counts for the day's review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_bank as tb
from relance.adapters.storage import tables_dunning as td
from relance.core.actions import ActionStatus
from relance.core.bank import MatchState
from relance.core.money import Money


class CustomerSort(StrEnum):
    """How the customers page is ordered."""

    NAME = "name"
    REF = "ref"
    BALANCE = "balance"  # largest open balance first
    OLDEST = "oldest"  # oldest open due date first


class CustomerFilter(StrEnum):
    """Which customers the page lists."""

    OPEN = "open"  # something open
    OVERDUE = "overdue"  # something open and past due
    OVER_LIMIT = "over_limit"  # owing more than their credit limit (relance risk)
    ALL = "all"


@dataclass(frozen=True, slots=True)
class CustomerSummary:
    """One line of the customers page."""

    ref: str
    name: str
    city: str
    balances: tuple[Money, ...]  # open, per currency
    oldest_due: date | None  # the oldest due date still open
    last_step: str  # the level of the customer's latest step, '' before any


@dataclass(frozen=True, slots=True)
class CustomerPage:
    """One page of customers and how many match in all."""

    rows: tuple[CustomerSummary, ...]
    total: int
    stages: tuple[str, ...] = ()  # the customers' last steps, to filter on


def _allocated(as_of: date, customer_ids: Sequence[int] | None = None) -> Any:
    """Per invoice: what was allocated to it by `as_of` (to the invoices of `customer_ids`
    only, when given: a page's fifty customers do not sum the whole ledger's)."""
    alloc, inv = t.allocations, t.invoices
    query = select(alloc.c.invoice_id, func.sum(alloc.c.amount_minor).label("allocated")).where(
        alloc.c.date <= as_of
    )
    if customer_ids is not None:
        theirs = select(inv.c.id).where(inv.c.customer_id.in_(customer_ids))
        query = query.where(alloc.c.invoice_id.in_(theirs))
    return query.group_by(alloc.c.invoice_id).subquery()


def _open_by_customer(as_of: date) -> Any:
    """Per customer: open minor units (all currencies, for ordering) and oldest open due."""
    inv, allocated = t.invoices, _allocated(as_of)
    open_minor = inv.c.amount_minor - func.coalesce(allocated.c.allocated, 0)
    return (
        select(
            inv.c.customer_id,
            func.sum(open_minor).label("open_minor"),
            func.min(inv.c.due_date).label("oldest_due"),
        )
        .outerjoin(allocated, allocated.c.invoice_id == inv.c.id)
        .where(and_(inv.c.issue_date <= as_of, open_minor > 0))
        .group_by(inv.c.customer_id)
        .subquery()
    )


def _balances(conn: Connection, ids: Sequence[int], as_of: date) -> dict[int, list[Money]]:
    """The open balance per currency of the customers `ids`."""
    if not ids:
        return {}
    inv, allocated = t.invoices, _allocated(as_of, ids)
    open_minor = inv.c.amount_minor - func.coalesce(allocated.c.allocated, 0)
    query = (
        select(inv.c.customer_id, inv.c.currency, func.sum(open_minor))
        .outerjoin(allocated, allocated.c.invoice_id == inv.c.id)
        .where(and_(inv.c.customer_id.in_(ids), inv.c.issue_date <= as_of, open_minor > 0))
        .group_by(inv.c.customer_id, inv.c.currency)
        .order_by(inv.c.customer_id, inv.c.currency)
    )
    found: dict[int, list[Money]] = {}
    for customer_id, currency, minor in conn.execute(query):
        found.setdefault(customer_id, []).append(Money.from_minor(int(minor), currency))
    return found


def open_balances_of(conn: Connection, customer_ref: str, as_of: date) -> tuple[list[Money], int]:
    """One customer's open balance per currency and how many invoices are open."""
    c = t.customers
    ids = list(conn.execute(select(c.c.id).where(c.c.ref == customer_ref)).scalars())
    if not ids:
        return [], 0
    inv, allocated = t.invoices, _allocated(as_of, ids)
    open_minor = inv.c.amount_minor - func.coalesce(allocated.c.allocated, 0)
    query = (
        select(inv.c.currency, func.sum(open_minor), func.count())
        .outerjoin(allocated, allocated.c.invoice_id == inv.c.id)
        .where(and_(inv.c.customer_id == ids[0], inv.c.issue_date <= as_of, open_minor > 0))
        .group_by(inv.c.currency)
        .order_by(inv.c.currency)
    )
    rows = conn.execute(query).all()
    return [Money.from_minor(int(m), cur) for cur, m, _ in rows], sum(n for _, _, n in rows)


@dataclass(frozen=True, slots=True)
class Standing:
    """Where one customer stands, for ordering and filtering the customers page."""

    id: int
    ref: str
    name: str
    city: str
    open_minor: int  # open, all currencies together (for ordering only)
    oldest_due: date | None  # the oldest due date still open
    last_step: str  # the level of the customer's latest step, '' before any


def customer_standings(conn: Connection, as_of: date) -> list[Standing]:
    """Every customer with its open amount, oldest open due date and last step, summed by
    the database in one pass over the invoices (and one over the actions)."""
    c, opened, a = t.customers, _open_by_customer(as_of), td.dunning_actions
    latest = (
        select(func.max(a.c.id))
        .where(a.c.status != ActionStatus.CANCELLED.value)
        .group_by(a.c.customer_ref)
    )
    query = select(a.c.customer_ref, a.c.level_name).where(a.c.id.in_(latest))
    steps = {ref: name for ref, name in conn.execute(query)}
    query = select(
        c.c.id, c.c.ref, c.c.name, c.c.city, opened.c.open_minor, opened.c.oldest_due
    ).outerjoin(opened, opened.c.customer_id == c.c.id)  # fmt: skip
    return [
        Standing(
            row.id,
            row.ref,
            row.name,
            row.city,
            int(row.open_minor or 0),
            row.oldest_due,
            steps.get(row.ref, ""),
        )
        for row in conn.execute(query)
    ]


def customers_matching(conn: Connection, search: str) -> set[int]:
    """The ids of the customers whose reference, name, city or e-mail holds `search`
    (any case)."""
    c, pattern = t.customers, f"%{search.lower()}%"
    fields = (c.c.ref, c.c.name, c.c.city, c.c.email)
    query = select(c.c.id).where(or_(*(func.lower(f).like(pattern) for f in fields)))
    return set(conn.execute(query).scalars())


def customer_summaries(
    conn: Connection, standings: Sequence[Standing], as_of: date
) -> tuple[CustomerSummary, ...]:
    """The lines of a page for `standings`, with each one's open balance per currency."""
    balances = _balances(conn, [s.id for s in standings], as_of)
    return tuple(
        CustomerSummary(
            s.ref, s.name, s.city, tuple(balances.get(s.id, ())), s.oldest_due, s.last_step
        )
        for s in standings
    )


def unmatched_credit_count(conn: Connection) -> int:
    """How many bank credits wait for a person to match them."""
    b = tb.bank_transactions
    query = select(func.count()).where(b.c.state == MatchState.UNMATCHED.value)
    return int(conn.execute(query).scalar_one())
