"""`relance backup`: a copy of the ledger taken while it is in use (and, beside it, the
commands that run long work as jobs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from relance.interfaces.cli.output import DbOption, ExitCode, console, fail


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("backup")(backup)


def backup(
    target: Annotated[Path, typer.Argument(help="The file to write the copy to.")],
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Copy a SQLite ledger to FILE while it is in use, whole or not at all.

    The copy is written under a temporary name and renamed once complete. A PostgreSQL
    ledger is backed up with pg_dump: the command is printed, and the exit code is 5.
    """
    from relance.services.backups import BackupRefused, ServerBackup, backup_ledger

    try:
        done = backup_ledger(db, target, force=force)
    except ServerBackup as server:
        console.print(
            "The ledger is on PostgreSQL: back it up with the server's own tool, which takes "
            "a consistent copy while relance runs:"
        )
        console.print(f"  {server.command}", markup=False)
        console.print("Restore it with pg_restore (docs/cli.md, Backups).")
        raise typer.Exit(int(ExitCode.BLOCKED)) from None
    except BackupRefused as refused:
        raise fail(str(refused), ExitCode.BAD_INPUT) from None
    console.print(
        f"Ledger {done.source} copied to {done.target} ({done.size} bytes).", markup=False
    )
