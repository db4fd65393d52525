"""The aged balance kept between reports, for the default buckets (`tables_aging`).

A report over a million invoices sums them all (`repository_aging`, about a second and a
half); the kept rows make the usual report (today's, default buckets) a read of one row per
customer and currency. They are right because nothing else has to keep them so:

- every write to `invoices` or `allocations`, by any path, marks its customer stale in a
  trigger (migration 0016); stale customers are recomputed before the kept rows are read;
- with no write at all a row still changes as days pass (an invoice issued, an allocation
  dated, an invoice moving to the next bucket after the kept date): each row holds the
  first date on which that happens (`changes_on`), and a report for a later date
  recomputes the customers whose rows changed by then.

Everything is done under a lock that no writer holds meanwhile (`kept_transaction`), so a
write is either wholly seen or marks its customer after the report has finished. A date
before the kept one, or another set of buckets, is aged by the scan; so is any report that
cannot have the lock at once (a long import writing): the caller falls back to the scan.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, case, delete, func, insert, or_, select
from sqlalchemy.exc import OperationalError

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_aging as ta
from relance.adapters.storage.driver import driver_rows, insert_many
from relance.adapters.storage.repository_aging import balances_by_customer
from relance.core.aging import AgingRow, Buckets

KEPT_BUCKETS = Buckets((30, 60, 90, 120))
CELLS = ("not_due", "days_1_30", "days_31_60", "days_61_90", "days_91_120", "over_120")
LOCK_WAIT_MS = 1000  # how long a report waits for a writer before aging by the scan


@contextmanager
def kept_transaction(engine: Engine) -> Iterator[tuple[Connection, bool]]:
    """A transaction and whether it holds the kept rows' lock, which keeps every writer of
    invoices and allocations out until it ends: ``BEGIN IMMEDIATE`` on SQLite; on
    PostgreSQL a SHARE ROW EXCLUSIVE lock on `aging_stale`, which the writers' triggers
    need in ROW EXCLUSIVE mode. Waits `LOCK_WAIT_MS` at most; committed at the end."""
    with engine.connect() as conn:
        locked = _lock(conn)
        try:
            yield conn, locked
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


def _lock(conn: Connection) -> bool:
    if conn.dialect.name == "sqlite":
        waited = conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return True
        except OperationalError:  # another writer holds the database: age by the scan
            return False
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(waited)}")
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {LOCK_WAIT_MS}")
    attempt = conn.begin_nested()
    try:
        conn.exec_driver_sql("LOCK TABLE aging_stale IN SHARE ROW EXCLUSIVE MODE")
    except OperationalError:  # a writer is still writing: age by the scan
        attempt.rollback()
        return False
    attempt.commit()
    return True


def kept_date(conn: Connection) -> date | None:
    """The date the kept rows are the aged balance of (None before the first report). It
    only moves forward: a report for an earlier date is summed over the ledger."""
    found: date | None = conn.execute(select(ta.aging_kept_date.c.as_of)).scalar_one_or_none()
    return found


def kept_aging_rows(conn: Connection, as_of: date) -> list[AgingRow] | None:
    """The aged balance as of `as_of` for `KEPT_BUCKETS`, from the kept rows brought to
    `as_of` first; None when they cannot give it (`as_of` before the kept date: the caller
    ages by the scan). Call inside `kept_transaction`, with its lock."""
    kept = kept_date(conn)
    if kept is not None and as_of < kept:
        return None
    if kept is None:
        _recompute(conn, as_of, everyone=True)
    else:
        _mark_changed_by(conn, as_of)
        _recompute(conn, as_of, everyone=False)
    k, c = ta.aging_kept.c, t.customers.c
    query = (
        select(c.ref, c.name, k.currency, *(k[cell] for cell in CELLS))
        .join(t.customers, c.id == k.customer_id)
        .order_by(k.currency, c.ref)  # as the report lists them: its sort finds them in order
    )
    return [
        AgingRow(ref, name, currency, tuple(cells))
        for ref, name, currency, *cells in driver_rows(conn, query)
        if any(cells)
    ]


def _mark_changed_by(conn: Connection, as_of: date) -> None:
    """Mark stale the customers whose rows change between the kept date and `as_of` (read
    through the index on `changes_on`: the few days' worth, not every kept row)."""
    # Imported here: the PostgreSQL dialect takes 40 ms, and every command that names a ledger's
    # language imports this module without ever reporting an aged balance.
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    k = ta.aging_kept.c
    due = select(k.customer_id).where(k.changes_on <= as_of)
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    mark = dialect_insert(ta.aging_stale).from_select(["customer_id"], due)
    conn.execute(mark.on_conflict_do_nothing())


def _recompute(conn: Connection, as_of: date, *, everyone: bool) -> None:
    """Replace the kept rows of the stale customers (of `everyone`) by their rows as of
    `as_of`, and keep `as_of` as the kept date."""
    customers = None
    if everyone:
        conn.execute(delete(ta.aging_kept))
    else:
        customers = select(ta.aging_stale.c.customer_id)
        conn.execute(delete(ta.aging_kept).where(ta.aging_kept.c.customer_id.in_(customers)))
    balances = balances_by_customer(conn, as_of, KEPT_BUCKETS, customers)
    changes = next_changes(conn, as_of, customers)
    rows = []
    for key in balances.keys() | changes.keys():
        cells, when = balances.get(key, [0] * len(CELLS)), changes.get(key)
        if any(cells) or when is not None:  # a row owing nothing that never changes is left out
            rows.append((*key, *cells, when))
    insert_many(conn, ta.aging_kept, ("customer_id", "currency", *CELLS, "changes_on"), rows)
    conn.execute(delete(ta.aging_stale))
    conn.execute(delete(ta.aging_kept_date))
    conn.execute(insert(ta.aging_kept_date).values(id=1, as_of=as_of))


def _day(value: Any) -> date | None:
    """A date as the driver returns it (text on SQLite)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def next_changes(
    conn: Connection, as_of: date, customers: Any = None
) -> dict[tuple[int, str], date]:
    """The first day after `as_of` on which each (customer id, currency)'s row of the aged
    balance changes with no write: an invoice issued or an allocation dated then, or an
    invoice moving to the next bucket (due on d, it does so on d + bound + 1 for each
    bound, 0 included). Rows that never change again are left out."""
    inv, alloc = t.invoices.c, t.allocations.c
    shifts = (0, *KEPT_BUCKETS.bounds)
    crossing = [func.min(case((inv.due_date >= as_of - timedelta(days=s), inv.due_date)))
                for s in shifts]  # fmt: skip
    invoices = (
        select(inv.customer_id, inv.currency,
               func.min(case((inv.issue_date > as_of, inv.issue_date))), *crossing)
        .where(or_(inv.issue_date > as_of,
                   inv.due_date >= as_of - timedelta(days=shifts[-1])))
        .group_by(inv.customer_id, inv.currency)
    )  # fmt: skip
    allocations = (
        select(inv.customer_id, inv.currency, func.min(alloc.date))
        .select_from(t.allocations)
        .join(t.invoices, inv.id == alloc.invoice_id)
        .where(alloc.date > as_of)
        .group_by(inv.customer_id, inv.currency)
    )
    if customers is not None:
        invoices = invoices.where(inv.customer_id.in_(customers))
        allocations = allocations.where(inv.customer_id.in_(customers))
    found: dict[tuple[int, str], date] = {}
    for customer_id, currency, issued, *due in driver_rows(conn, invoices):
        days = [_day(issued)] + [
            when + timedelta(days=shift + 1)
            for shift, when in zip(shifts, map(_day, due), strict=True)
            if when is not None
        ]
        found[(customer_id, currency)] = min(d for d in days if d is not None)
    for customer_id, currency, dated in driver_rows(conn, allocations):
        when = _day(dated)
        assert when is not None
        key = (customer_id, currency)
        found[key] = min(found.get(key, when), when)
    return found
