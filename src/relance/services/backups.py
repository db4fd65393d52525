"""Use case: `relance backup FILE`, a copy of the ledger taken while it is in use.

A SQLite ledger is copied online (`relance.adapters.storage.backup`). A PostgreSQL ledger
is the server's to back up: `pg_dump` takes a consistent snapshot without stopping anyone,
so relance names the command rather than copying tables itself (docs/cli.md, "Backups").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from relance.adapters.storage.backup import backup_sqlite, pg_dump_command
from relance.adapters.storage.database import resolve_url, sqlite_path


class BackupRefused(ValueError):
    """The backup was not taken: the reason is in the message, nothing was written."""


class ServerBackup(LookupError):
    """The ledger lives on a database server: back it up with the server's tool, as
    `command` says."""

    def __init__(self, command: str) -> None:
        super().__init__(command)
        self.command = command


@dataclass(frozen=True, slots=True)
class Backup:
    """A backup taken: where, from which ledger, how large."""

    target: Path
    source: Path
    size: int


def backup_ledger(db: str | None, target: Path, *, force: bool = False) -> Backup:
    """Copy the ledger named by `db` to `target`, whole or not at all.

    Raises BackupRefused when `target` exists (unless `force`), is the ledger itself, or
    its folder is missing; ServerBackup for a PostgreSQL ledger; LookupError when there
    is no ledger file.
    """
    url = resolve_url(db)
    source = sqlite_path(url)
    if source is None:
        raise ServerBackup(pg_dump_command(url, target))
    if not source.is_file():
        raise LookupError(f"no ledger at {source}")
    if target.exists() and target.resolve() == source.resolve():
        raise BackupRefused(f"{target} is the ledger itself: name another file")
    if target.exists() and not force:
        raise BackupRefused(f"{target} exists: name a new file, or add --force to replace it")
    if target.is_dir() or not target.parent.is_dir():
        raise BackupRefused(f"{target} cannot be written: name a file in an existing folder")
    return Backup(target, source, backup_sqlite(source, target))
