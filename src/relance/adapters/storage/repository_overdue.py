"""What a daily run reads of the ledger: the overdue open invoices with their open balance,
grouped by customer, the customers concerned, each customer's unapplied credit summed by
the database, and the payments and allocations a payment plan counts.

Like `repository`, every function takes an open `Connection`; the service decides where a
transaction begins and ends. The biggest reads go through the driver (`driver`).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    Text,
    and_,
    cast,
    exists,
    func,
    select,
)

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_dunning as d
from relance.adapters.storage.driver import CHUNK, DayReader, driver_batches, driver_rows
from relance.adapters.storage.lists import decode_list
from relance.adapters.storage.repository_queue import known_to_run
from relance.core.engine import OverdueItem
from relance.core.model import Address, Allocation, AllocationKind, Customer, CustomerKind
from relance.core.money import Money, minor_units


def customer_ranges(conn: Connection, size: int) -> list[tuple[str, str | None]]:
    """The customers' references cut into ranges of about `size` customers, in order:
    (lowest, next range's lowest); the first range starts at "" and the last is open, so
    that every reference, known or not, falls in exactly one."""
    refs = [
        ref for (ref,) in driver_rows(conn, select(t.customers.c.ref).order_by(t.customers.c.ref))
    ]
    lows = ["", *refs[size::size]]
    return [(low, lows[n + 1] if n + 1 < len(lows) else None) for n, low in enumerate(lows)]


def _within(column: Any, within: tuple[str, str | None]) -> Any:
    """`column` in the range of references `within` (see `customer_ranges`)."""
    low, high = within
    return column >= low if high is None else and_(column >= low, column < high)


def allocated_by_invoice(
    conn: Connection, as_of: date, customer_ref: str | None = None
) -> dict[int, int]:
    """The sum allocated by `as_of` to each invoice (of one customer, or all) that has an
    allocation, in minor units (read once by a run, whatever its ranges of customers)."""
    alloc, inv = t.allocations, t.invoices
    query = (
        select(alloc.c.invoice_id, func.sum(alloc.c.amount_minor))
        .where(alloc.c.date <= as_of)
        .group_by(alloc.c.invoice_id)
    )
    if customer_ref is not None:
        mine = (
            select(inv.c.id)
            .join(t.customers, t.customers.c.id == inv.c.customer_id)
            .where(t.customers.c.ref == customer_ref)
        )
        query = query.where(alloc.c.invoice_id.in_(mine))
    return {invoice_id: int(paid) for invoice_id, paid in driver_rows(conn, query)}


# (reference, explicit policy, kind, country, tags): what assigns a customer's policy
PolicyShape = tuple[str, str | None, CustomerKind, str, tuple[str, ...]]


def oldest_open_by_customer(
    conn: Connection, as_of: date
) -> Iterator[tuple[PolicyShape, date, str]]:
    """Per customer with an invoice past due on `as_of` (and issued by then) still open
    (less than its amount allocated by then): what assigns the customer's policy, and the
    oldest such invoice's due date and number (the smallest number among those due the
    same day). Summed by the database in one pass: no row per invoice comes out."""
    inv, cust, paid = t.invoices, t.customers, _paid_by(as_of)
    # Due dates are ISO text on both databases, so the smallest "due|number" is the oldest.
    oldest = func.min(cast(inv.c.due_date, Text) + "|" + inv.c.number)
    query = (
        select(cust.c.ref, cust.c.policy, cust.c.kind, cust.c.country, cust.c.tags, oldest)
        .select_from(inv)
        .join(cust, cust.c.id == inv.c.customer_id)
        .outerjoin(paid, paid.c.invoice_id == inv.c.id)
        .where(
            inv.c.issue_date <= as_of,
            inv.c.due_date < as_of,
            inv.c.amount_minor > func.coalesce(paid.c.paid, 0),
        )
        .group_by(cust.c.id)
    )
    kinds = {kind.value: kind for kind in CustomerKind}
    for ref, policy, kind, country, tags, first in driver_rows(conn, query, streamed=True):
        due, number = first.split("|", 1)
        shape = (ref, policy, kinds[kind], country, decode_list(tags))
        yield shape, date.fromisoformat(due), number


# A new customer as the run reads it (`new_customers`): what assigns its policy, its
# overdue open invoices oldest first (by due date, then number) with their due dates, and
# its open balance per currency.
NewCustomer = tuple[PolicyShape, list[str], list[date], dict[str, Decimal]]


def new_customers(
    conn: Connection, as_of: date, within: tuple[str, str | None] = ("", None)
) -> Iterator[NewCustomer]:
    """The customers whose reference is `within` a range (all by default), by reference,
    with an invoice past due on `as_of` (and issued by then) still open, and no action a
    run on `as_of` knows (`repository_queue.known_to_run`): each customer's totals are
    summed by the database (one row per currency), and its invoices come as one list of
    "due date + number" texts, sorted here. No row per invoice comes out of the database.

    Read as it is consumed (`driver_batches`' `streamed`): a run reads the whole ledger's
    in one statement while it decides and stores part after part, and the database sums
    the allocations and sorts the customers once, not once a part."""
    inv, cust, paid = t.invoices, t.customers, _paid_by(as_of)
    dated = cast(inv.c.due_date, Text) + inv.c.number  # ISO day (10 characters), number
    listed = (
        func.json_agg(dated) if conn.dialect.name == "postgresql" else func.json_group_array(dated)
    )
    owed = inv.c.amount_minor - func.coalesce(paid.c.paid, 0)
    actions = d.dunning_actions
    known = exists().where(actions.c.customer_ref == cust.c.ref, known_to_run(as_of))
    query = (
        select(cust.c.ref, cust.c.policy, cust.c.kind, cust.c.country, cust.c.tags,
               inv.c.currency, func.sum(owed), listed)
        .select_from(cust)
        .join(inv, inv.c.customer_id == cust.c.id)
        .outerjoin(paid, paid.c.invoice_id == inv.c.id)
        .where(_within(cust.c.ref, within), inv.c.issue_date <= as_of, inv.c.due_date < as_of,
               owed > 0, ~known)
        # Grouped in the order the indexes give (customers by reference, each one's
        # invoices by currency): no sort on SQLite.
        .group_by(cust.c.ref, cust.c.id, inv.c.currency)
        .order_by(cust.c.ref, cust.c.id, inv.c.currency)
    )  # fmt: skip
    kinds = {kind.value: kind for kind in CustomerKind}
    days, loads = DayReader(), json.JSONDecoder().decode
    shape: PolicyShape | None = None
    texts: list[str] = []
    balances: dict[str, Decimal] = {}
    rows = driver_rows(conn, query, 5000, streamed=True)
    for ref, policy, kind, country, tags, currency, minor, found in rows:
        if shape is None or ref != shape[0]:
            if shape is not None:
                yield _new_customer(shape, texts, balances, days)
            shape = (ref, policy, kinds[kind], country, decode_list(tags))
            texts, balances = [], {}
        texts.extend(loads(found) if isinstance(found, str) else found)
        balances[currency] = Decimal(int(minor)).scaleb(-minor_units(currency))
    if shape is not None:
        yield _new_customer(shape, texts, balances, days)


def _new_customer(
    shape: PolicyShape, texts: list[str], balances: dict[str, Decimal], days: DayReader
) -> NewCustomer:
    # "due date + number" texts sort as (due date, number) pairs: the day has a fixed
    # width. Both lists are cut from them by C loops (a million invoices at 1M).
    texts.sort()
    numbers = list(map(_NUMBER, texts))
    return shape, numbers, list(map(days.__getitem__, map(_DAY, texts))), balances


_DAY, _NUMBER = itemgetter(slice(None, 10)), itemgetter(slice(10, None))


def _paid_by(as_of: date) -> Any:
    """The sum allocated to each invoice by `as_of`, as a subquery (invoice_id, paid)."""
    alloc = t.allocations
    return (
        select(alloc.c.invoice_id, func.sum(alloc.c.amount_minor).label("paid"))
        .where(alloc.c.date <= as_of)
        .group_by(alloc.c.invoice_id)
        .subquery()
    )


def customers_of_invoices(conn: Connection, numbers: Collection[str]) -> set[str]:
    """The references of the customers of these invoices."""
    wanted = sorted(numbers)
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        query = (
            select(t.customers.c.ref)
            .join(t.invoices, t.invoices.c.customer_id == t.customers.c.id)
            .where(t.invoices.c.number.in_(wanted[start : start + CHUNK]))
        )
        found.update(conn.execute(query).scalars())
    return found


def _overdue_query(
    as_of: date,
    customer_ref: str | None,
    within: tuple[str, str | None] | None,
    only: Collection[str] | None,
) -> Select[Any]:
    """The invoices `overdue_by_customer` reads, with their customer's reference."""
    inv, cust = t.invoices, t.customers
    # Plain reads (invoices past due with their customer's reference, sums allocated by
    # `as_of`) and the subtraction here: SQLite reads them faster than one join on a
    # grouped subquery, and only invoices with an allocation have a sum to look up.
    query = (
        select(cust.c.ref, inv.c.number, inv.c.due_date, inv.c.currency, inv.c.amount_minor,
               inv.c.id)
        .join(cust, cust.c.id == inv.c.customer_id)
        .where(inv.c.issue_date <= as_of, inv.c.due_date < as_of)
    )  # fmt: skip
    if customer_ref is not None:
        query = query.where(cust.c.ref == customer_ref)
    if within is not None:
        query = query.where(_within(cust.c.ref, within))
    if only is not None and len(only) <= CHUNK:
        # A few customers of the range: their invoices through the customers' index.
        query = query.where(cust.c.ref.in_(sorted(only)))
    # Each customer's invoices in their own order (by id), however the database reads them
    # (a range comes through the customers' index, by customer).
    query = query.order_by(inv.c.id)
    return query


def overdue_by_customer(
    conn: Connection,
    as_of: date,
    customer_ref: str | None = None,
    *,
    within: tuple[str, str | None] | None = None,
    allocated: dict[int, int] | None = None,
    only: Collection[str] | None = None,
) -> dict[str, list[OverdueItem]]:
    """Each customer's invoices past due on `as_of` (and issued by then) with something
    still owed: (number, due date, currency, open balance), the shape `decide` takes as
    `overdue`. All customers, one, those whose reference is `within` a range, and of
    those `only` these when given; the sums `allocated` to invoices when already read
    (`allocated_by_invoice`)."""
    query = _overdue_query(as_of, customer_ref, within, only)
    if allocated is None:
        allocated = allocated_by_invoice(conn, as_of)
    # The loop below runs once per overdue invoice: lookups are inlined, and each distinct
    # due date, currency and reference is made once and shared by the rows that have it.
    days: dict[Any, date] = {}
    currencies: dict[str, tuple[str, int]] = {}  # the currency and its minor-unit exponent
    found: dict[str, list[OverdueItem]] = {}
    paid_on = allocated.get
    for rows in driver_batches(conn, query):
        for ref, number, due, currency_text, amount, invoice_id in rows:
            if only is not None and ref not in only:
                continue
            paid = paid_on(invoice_id)
            if paid is not None:
                amount -= paid
            if amount <= 0:
                continue
            day = days.get(due)
            if day is None:
                day = days[due] = due if isinstance(due, date) else date.fromisoformat(due)
            known = currencies.get(currency_text)
            if known is None:
                known = currencies[currency_text] = (currency_text, -minor_units(currency_text))
            # An integer count of minor units scaled by the exponent is exact: no rounding.
            item = (number, day, known[0], Decimal(amount).scaleb(known[1]))
            mine = found.get(ref)
            if mine is None:
                found[ref] = [item]
            else:
                mine.append(item)
    return found


def customers_for_run(
    conn: Connection, refs: Collection[str], within: tuple[str, str | None] | None = None
) -> list[Customer]:
    """The customers among `refs` (whose reference is `within` a range, when given), as
    the engine reads them: their reference and what assigns their policy (explicit
    policy, kind, country, tags); the other fields (name, address, contact details...),
    which no decision reads, are left at their defaults. Read through the driver: a run
    needs every customer with an overdue invoice, 200,000 on a first run."""
    cust = t.customers
    query = select(cust.c.ref, cust.c.policy, cust.c.kind, cust.c.country, cust.c.tags)
    query = query.order_by(cust.c.ref)
    if within is not None:
        query = query.where(_within(cust.c.ref, within))
    kinds = {kind.value: kind for kind in CustomerKind}
    blank = Address()  # one for all: no decision reads an address
    return [
        Customer(ref, "", kinds[kind], country, address=blank, tags=decode_list(tags),
                 policy=policy)
        for ref, policy, kind, country, tags in driver_rows(conn, query)
        if ref in refs
    ]  # fmt: skip


def unapplied_credit(
    conn: Connection,
    as_of: date,
    customer_ref: str | None = None,
    *,
    customer_refs: Sequence[str] | None = None,
) -> dict[str, dict[str, Decimal]]:
    """Each customer's payments and credit notes received by `as_of` and not yet
    allocated, per currency (only positive amounts are kept); of `customer_ref`, or of
    `customer_refs`, when given."""
    wanted = [customer_ref] if customer_ref is not None else customer_refs
    minor: dict[tuple[str, str], int] = {}

    def add(rows: Iterable[Any], sign: int) -> None:
        for ref, currency, amount in rows:
            minor[(ref, currency)] = minor.get((ref, currency), 0) + sign * int(amount)

    cust = t.customers
    for source, date_col, key_col, kind in (
        (t.payments, t.payments.c.date, t.payments.c.key, AllocationKind.PAYMENT),
        (t.credit_notes, t.credit_notes.c.date, t.credit_notes.c.number,
         AllocationKind.CREDIT_NOTE),
    ):  # fmt: skip
        received = (
            select(cust.c.ref, source.c.currency, func.sum(source.c.amount_minor))
            .join(cust, cust.c.id == source.c.customer_id)
            .where(date_col <= as_of)
            .group_by(cust.c.ref, source.c.currency)
        )
        used = (
            select(cust.c.ref, t.allocations.c.currency, func.sum(t.allocations.c.amount_minor))
            .select_from(t.allocations)
            .join(source, key_col == t.allocations.c.source)
            .join(cust, cust.c.id == source.c.customer_id)
            .where(and_(t.allocations.c.kind == kind.value, t.allocations.c.date <= as_of))
            .group_by(cust.c.ref, t.allocations.c.currency)
        )
        if wanted is not None:
            received = received.where(cust.c.ref.in_(list(wanted)))
            used = used.where(cust.c.ref.in_(list(wanted)))
        add(conn.execute(received), 1)
        add(conn.execute(used), -1)
    credit: dict[str, dict[str, Decimal]] = {}
    for (ref, currency), amount in minor.items():
        if amount > 0:
            credit.setdefault(ref, {})[currency] = Decimal(amount).scaleb(-minor_units(currency))
    return credit


def payments_of(
    conn: Connection, refs: Iterable[str], as_of: date
) -> list[tuple[str, date, Money]]:
    """(customer, date, amount) of the payments received by `as_of` from `refs`."""
    wanted = list(refs)
    found: list[tuple[str, date, Money]] = []
    for start in range(0, len(wanted), CHUNK):
        query = (
            select(t.customers.c.ref, t.payments.c.date, t.payments.c.amount_minor,
                   t.payments.c.currency)
            .join(t.customers, t.customers.c.id == t.payments.c.customer_id)
            .where(t.customers.c.ref.in_(wanted[start : start + CHUNK]),
                   t.payments.c.date <= as_of)
            .order_by(t.payments.c.date, t.payments.c.id)
        )  # fmt: skip
        found.extend(
            (ref, when, Money.from_minor(amount, currency))
            for ref, when, amount, currency in conn.execute(query)
        )
    return found


def allocations_to(
    conn: Connection, invoice_numbers: Iterable[str], as_of: date
) -> list[Allocation]:
    """The payments and credit notes allocated by `as_of` to these invoices (what the
    engine counts toward a payment plan)."""
    wanted = sorted(set(invoice_numbers))
    alloc, inv = t.allocations, t.invoices
    kinds = [AllocationKind.PAYMENT.value, AllocationKind.CREDIT_NOTE.value]
    found: list[Allocation] = []
    for start in range(0, len(wanted), CHUNK):
        query = (
            select(alloc.c.kind, alloc.c.source, inv.c.number, alloc.c.amount_minor,
                   alloc.c.currency, alloc.c.date)
            .join(inv, inv.c.id == alloc.c.invoice_id)
            .where(inv.c.number.in_(wanted[start : start + CHUNK]),
                   alloc.c.kind.in_(kinds), alloc.c.date <= as_of)
            .order_by(alloc.c.date, alloc.c.id)
        )  # fmt: skip
        found.extend(
            Allocation(AllocationKind(kind), source, number,
                       Money.from_minor(amount, currency), when)
            for kind, source, number, amount, currency, when in conn.execute(query)
        )  # fmt: skip
    return found
