"""An online copy of a SQLite ledger, taken while other commands may be writing to it.

SQLite's backup API copies the database page by page from a consistent snapshot, the WAL
included, without stopping writers for long (a plain file copy of a WAL database can be
torn). The copy goes to a temporary file beside the target, is flushed to disk, then
renamed over the target in one step: a reader of the target sees the old file or the
whole new one, never half of one.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

# Pages copied per step: the source stays writable by others between steps.
_PAGES_PER_STEP = 1024


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy the SQLite database `source` to `target` (replaced atomically if it exists),
    readable by its owner only; returns the size of the copy in bytes."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    partial = Path(temporary)
    try:
        _copy(source, partial)
        partial.chmod(0o600)  # the ledger holds customers' personal data
        with partial.open("rb+") as written:
            os.fsync(written.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    _sync_folder(target.parent)
    return target.stat().st_size


def _copy(source: Path, target: Path) -> None:
    # Read-only on the source: a backup never creates or changes the ledger.
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer, pages=_PAGES_PER_STEP)
        # A single file: the copy needs no -wal beside it to be complete.
        writer.execute("PRAGMA journal_mode=DELETE")
    finally:
        writer.close()
        reader.close()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the system allows opening a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def pg_dump_command(url: str, target: Path) -> str:
    """The `pg_dump` command that backs up the PostgreSQL ledger at `url` (password left
    out: pg_dump reads it from PGPASSWORD or ~/.pgpass)."""
    parsed = make_url(url)
    parts = ["pg_dump", "--format=custom", f"--file={target}"]
    if parsed.host:
        parts.append(f"--host={parsed.host}")
    if parsed.port:
        parts.append(f"--port={parsed.port}")
    if parsed.username:
        parts.append(f"--username={parsed.username}")
    options = str(parsed.query.get("options", ""))
    if "search_path=" in options:  # a ledger in a schema of its own
        parts.append(f"--schema={options.split('search_path=', 1)[1].split()[0]}")
    parts.append(parsed.database or "")
    return " ".join(parts)
