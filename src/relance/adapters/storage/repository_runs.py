"""The daily runs, customers in proceedings and invoices handed over, as stored.

A run claims the ledger before it reads anything (`claim_run`): on SQLite its first
statement is the write of its row, which takes the database's write lock (or waits for
it); on PostgreSQL it locks the runs table in EXCLUSIVE mode. Either way a second run
waits until the first has committed, then reads what the first wrote, so it repeats
nothing; one that waits too long gets `RunUnderWay`, never a half-done run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from sqlalchemy import Connection, func, insert, select, text, update
from sqlalchemy.exc import OperationalError

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_dunning as d
from relance.adapters.storage import tables_law as tl
from relance.adapters.storage.repository_agencies import routed_to_court
from relance.core.limitation import InterruptionKind
from relance.core.proceedings import Proceeding, ProceedingKind
from relance.core.writeoff import HandoffStatus

# How long a run waits for another one to finish before giving up, in seconds.
RUN_WAIT_SECONDS = 30

# SQLite's page cache during a run, in KiB (negative: PRAGMA cache_size's unit). The
# ledger's connections keep up to 200 MB of pages, which repeated reads and imports use;
# a run reads each page once, and held that much memory for nothing.
RUN_PAGE_CACHE = -16_000


class RunUnderWay(RuntimeError):
    """Another run holds the ledger and did not finish within the wait."""


def claim_run(
    conn: Connection, as_of: date, actor: str, wait_seconds: int = RUN_WAIT_SECONDS
) -> int:
    """Take the ledger for one run and record it; returns the run's id. Must be the
    transaction's first statement. Raises `RunUnderWay` when another run keeps the
    ledger longer than `wait_seconds`."""
    runs = d.dunning_runs
    try:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"SET LOCAL lock_timeout = '{int(wait_seconds)}s'"))
            conn.execute(text("LOCK TABLE dunning_runs IN EXCLUSIVE MODE"))
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(wait_seconds) * 1000}")
        run_id = conn.execute(
            insert(runs)
            .values(as_of=as_of, started_at=datetime.now(UTC), actor=actor)
            .returning(runs.c.id)
        ).scalar_one()
    except OperationalError as exc:
        if "lock" not in str(exc.orig).lower():
            raise
        raise RunUnderWay(
            f"a dunning run is under way: run {as_of.isoformat()} again once it has finished"
        ) from exc
    return int(run_id)


@contextmanager
def reading_once(conn: Connection) -> Iterator[None]:
    """A run's reads and writes, each page of the ledger read about once: on SQLite a
    small page cache for the block (the operating system still caches the file), the
    connection's own restored after."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    conn.exec_driver_sql(f"PRAGMA cache_size={RUN_PAGE_CACHE}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={before}")


def finish_run(conn: Connection, run_id: int) -> None:
    """Record the end of a run (in the run's own transaction)."""
    runs = d.dunning_runs
    conn.execute(update(runs).where(runs.c.id == run_id).values(finished_at=datetime.now(UTC)))


def last_run_date(conn: Connection, other_than: int | None = None) -> date | None:
    """The latest business date a run was made for (leaving out run `other_than`)."""
    runs = d.dunning_runs
    query = select(func.max(runs.c.as_of))
    if other_than is not None:
        query = query.where(runs.c.id != other_than)
    day = conn.execute(query).scalar_one_or_none()
    return day if day is None or isinstance(day, date) else date.fromisoformat(str(day))


def handed_over_invoices(conn: Connection, as_of: date) -> frozenset[str]:
    """The invoices out of the dunning process on `as_of`: with a collection agency
    (their latest agency status by then), before the courts (a legal action recorded
    by then, `relance acknowledge --kind legal_action`) or routed to a payment order or
    the small-claims procedure (`relance handoff`)."""
    h, inv = tl.law_agency_handoffs, t.invoices
    latest: dict[str, tuple[date, int, str]] = {}
    query = (
        select(inv.c.number, h.c.date, h.c.id, h.c.status)
        .join(inv, inv.c.id == h.c.invoice_id)
        .where(h.c.date <= as_of)
    )
    for number, day, row_id, status in conn.execute(query):
        if number not in latest or (day, row_id) > latest[number][:2]:
            latest[number] = (day, row_id, status)
    handed = {n for n, (_, _, status) in latest.items() if HandoffStatus(status).at_agency}
    handed.update(routed_to_court(conn, as_of))
    i = tl.law_interruptions
    sued = (
        select(inv.c.number)
        .join(inv, inv.c.id == i.c.invoice_id)
        .where(i.c.kind == InterruptionKind.LEGAL_ACTION.value, i.c.date <= as_of)
    )
    handed.update(conn.execute(sued).scalars())
    return frozenset(handed)


def add_proceeding(conn: Connection, proceeding: Proceeding) -> int:
    """Record a legal action or insolvency proceedings against a customer."""
    table = d.customer_proceedings
    return int(
        conn.execute(
            insert(table)
            .values(
                customer_ref=proceeding.customer_ref,
                kind=proceeding.kind.value,
                since=proceeding.since,
                until=proceeding.until,
                note=proceeding.note,
            )
            .returning(table.c.id)
        ).scalar_one()
    )


def end_proceedings(conn: Connection, customer_ref: str, on: date) -> int:
    """End the customer's open proceedings on `on`; returns how many were ended."""
    table = d.customer_proceedings
    result = conn.execute(
        update(table)
        .where(table.c.customer_ref == customer_ref, table.c.until.is_(None))
        .values(until=on)
    )
    return int(result.rowcount)


def load_proceedings(conn: Connection, refs: Iterable[str] | None = None) -> list[Proceeding]:
    """Recorded proceedings, all or those of the customers `refs`, oldest first."""
    table = d.customer_proceedings
    query = select(table).order_by(table.c.since, table.c.id)
    if refs is not None:
        query = query.where(table.c.customer_ref.in_(list(refs)))
    return [
        Proceeding(row.customer_ref, ProceedingKind(row.kind), row.since, row.note, row.until)
        for row in conn.execute(query)
    ]
