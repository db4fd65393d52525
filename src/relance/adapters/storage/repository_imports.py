"""The imports of the ledger: which file wrote which rows, and taking a file back out.

An import opens with `start_import` (its `imports` row) and closes with `finish_import`,
in the same transaction: every row of the tracked tables created in between gets the
import's id. The rows are recognised by their ids: `start_import` reads the highest id of
each table once it holds the write lock (SQLite has one writer at a time; on PostgreSQL
the tracked tables are locked against other writers for the import), so a row written by
another command meanwhile is never taken for the file's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, update

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_bank as tb

TRACKED: tuple[Table, ...] = (
    t.customers,
    t.invoices,
    t.credit_notes,
    t.payments,
    t.allocations,
    tb.bank_transactions,
)


@dataclass(frozen=True, slots=True)
class ImportMark:
    """An import under way: its id and the highest id of each tracked table before it."""

    import_id: int
    floors: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One file imported, as `relance imports` lists it."""

    id: int
    kind: str
    file_name: str
    sha256: str
    imported_at: datetime
    rows: int
    undone_at: datetime | None
    summary: Mapping[str, Any]


def start_import(
    conn: Connection, kind: str, file_name: str, sha256: str, at: datetime
) -> ImportMark:
    """Record that a file is being imported; returns what `finish_import` needs."""
    if conn.dialect.name == "postgresql":
        names = ", ".join(table.name for table in TRACKED)
        conn.exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
    import_id = conn.execute(
        insert(t.imports)
        .values(kind=kind, file_name=file_name, sha256=sha256, imported_at=at, summary={})
        .returning(t.imports.c.id)
    ).scalar_one()
    floors = {
        table.name: int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
        for table in TRACKED
    }
    return ImportMark(int(import_id), floors)


def finish_import(conn: Connection, mark: ImportMark, summary: Mapping[str, Any]) -> None:
    """Give the rows the import created its id, and store what it did."""
    for table in TRACKED:
        conn.execute(
            update(table)
            .where(table.c.id > mark.floors[table.name], table.c.import_id.is_(None))
            .values(import_id=mark.import_id)
        )
    conn.execute(
        update(t.imports).where(t.imports.c.id == mark.import_id).values(summary=dict(summary))
    )


def _record(row: Any) -> ImportRecord:
    summary = row.summary or {}
    rows = summary.get("rows", summary.get("read", 0))
    return ImportRecord(
        row.id, row.kind, row.file_name, row.sha256, row.imported_at, int(rows or 0),
        row.undone_at, summary,
    )  # fmt: skip


def imports(conn: Connection) -> list[ImportRecord]:
    """Every import, oldest first (undone ones included, marked)."""
    query = select(t.imports).order_by(t.imports.c.id)
    return [_record(row) for row in conn.execute(query)]


def load_import(conn: Connection, import_id: int) -> ImportRecord | None:
    """One import, or None."""
    row = conn.execute(select(t.imports).where(t.imports.c.id == import_id)).first()
    return None if row is None else _record(row)


def already_imported(conn: Connection, kind: str, sha256: str) -> list[Mapping[str, Any]]:
    """The summaries of the imports of this file (same kind, same bytes) still in force."""
    query = select(t.imports.c.summary).where(
        t.imports.c.kind == kind, t.imports.c.sha256 == sha256, t.imports.c.undone_at.is_(None)
    )
    return [row.summary or {} for row in conn.execute(query)]


def written_ids(conn: Connection, import_id: int) -> dict[str, list[int]]:
    """The ids of the rows of each tracked table that an import wrote."""
    return {
        table.name: [
            int(i)
            for (i,) in conn.execute(select(table.c.id).where(table.c.import_id == import_id))
        ]
        for table in TRACKED
    }


def mark_undone(conn: Connection, import_id: int, at: datetime) -> None:
    """Record that an import was taken back out."""
    conn.execute(update(t.imports).where(t.imports.c.id == import_id).values(undone_at=at))
