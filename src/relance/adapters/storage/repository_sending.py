"""Reading and writing what keeps two senders apart and every printed letter findable:
the send claims and the print batches.

A claim says which `relance send` is delivering an action right now. It is taken by one
short transaction that writes first (so SQLite serialises it like ``BEGIN IMMEDIATE``) and
reads the claim row ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (a row another sender is
claiming at this very instant is skipped, not waited for); a claim whose owner has died
(killed, crashed) is taken over. `exclusive` opens such a write-first transaction for the
other writes of a send, so that no SQLite transaction ever has to upgrade a stale read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from relance.adapters.storage import tables_letters as tl


@contextmanager
def exclusive(engine: Engine) -> Iterator[Connection]:
    """A transaction that takes the write lock at once on SQLite (``BEGIN IMMEDIATE``,
    waiting for another writer as long as the driver's timeout allows) and is an
    ordinary transaction on PostgreSQL; committed when the block ends without error."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


# -- claims -------------------------------------------------------------------------------


def claim_action(
    conn: Connection,
    action_id: int,
    owner: str,
    now: datetime,
    is_dead: Callable[[str, datetime], bool],
) -> str | None:
    """Claim `action_id` for `owner`; None when claimed, else who holds it.

    A claim held by an owner `is_dead` says is gone (owner text, claimed at) is taken
    over. Call inside `exclusive`: the insert comes first, so the whole claim is one
    serialised step on SQLite.
    """
    c = tl.send_claims
    values = {"action_id": action_id, "owner": None, "claimed_at": None}
    if conn.dialect.name == "postgresql":
        conn.execute(pg_insert(c).values(values).on_conflict_do_nothing())
    else:
        conn.execute(sqlite_insert(c).values(values).on_conflict_do_nothing())
    row = conn.execute(
        select(c.c.owner, c.c.claimed_at)
        .where(c.c.action_id == action_id)
        .with_for_update(skip_locked=True)
    ).first()
    if row is None:  # another sender is claiming it at this very instant
        return "another relance send"
    if row.owner and row.owner != owner and not is_dead(row.owner, row.claimed_at):
        return str(row.owner)
    held = c.c.owner.is_(None) if row.owner is None else c.c.owner == row.owner
    done = conn.execute(
        update(c).where(c.c.action_id == action_id, held).values(owner=owner, claimed_at=now)
    )
    return None if done.rowcount == 1 else "another relance send"


def release_action(conn: Connection, action_id: int, owner: str) -> None:
    """Give the claim on `action_id` back, if `owner` still holds it."""
    c = tl.send_claims
    conn.execute(
        update(c)
        .where(c.c.action_id == action_id, c.c.owner == owner)
        .values(owner=None, claimed_at=None)
    )


# -- print batches ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrintBatchRow:
    """A print file written by a send: its number, day, name and what it holds."""

    id: int
    as_of: date
    file_name: str
    letters: int
    pages: int
    sha256: str


def add_print_batch(
    conn: Connection, as_of: date, file_name: str, letters: int, pages: int, sha256: str
) -> int:
    """Record a print file now on disk; returns its number."""
    result = conn.execute(
        insert(tl.print_batches).values(
            as_of=as_of,
            file_name=file_name,
            letters=letters,
            pages=pages,
            sha256=sha256,
            created_at=datetime.now(UTC),
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def lock_print_batches(conn: Connection) -> None:
    """Hold the numbering of print batches until the transaction ends, so that two sends
    never take the same number (SQLite's ``BEGIN IMMEDIATE`` already serialises writers;
    PostgreSQL needs a table lock that conflicts with itself but lets readers through)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"LOCK TABLE {tl.print_batches.name} IN SHARE ROW EXCLUSIVE MODE")


def next_print_batch_number(conn: Connection, prefix: str) -> int:
    """The number after the highest of every batch recorded as ``PREFIX-NNN.pdf``, in any
    folder (1 when there is none): file names are unique across the ledger."""
    b = tl.print_batches
    names = conn.execute(
        select(b.c.file_name).where(b.c.file_name.startswith(f"{prefix}-", autoescape=True))
    )
    numbers = [
        int(digits)
        for (name,) in names
        if (digits := name[len(prefix) + 1 :].removesuffix(".pdf")).isdigit()
    ]
    return max(numbers, default=0) + 1


def print_batches(conn: Connection, batch_id: int | None = None) -> list[PrintBatchRow]:
    """Every print batch recorded, or one, by number."""
    b = tl.print_batches
    query = select(b).order_by(b.c.id)
    if batch_id is not None:
        query = query.where(b.c.id == batch_id)
    return [
        PrintBatchRow(row.id, row.as_of, row.file_name, row.letters, row.pages, row.sha256)
        for row in conn.execute(query)
    ]
