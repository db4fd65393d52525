"""Beyond one machine: `relance worker` and `relance jobs` (long work as jobs on the
ledger's PostgreSQL queue, in-process on SQLite), `relance backup` (a copy of the ledger
taken while it is in use) and `relance handover` (the e-mails a stopped send may or may
not have delivered)."""

from __future__ import annotations

import getpass
import logging
import os
import socket
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from relance.interfaces.cli import output as ui

jobs_app = typer.Typer(
    help="Put long work on the job queue (PostgreSQL), or do it here (SQLite).",
    invoke_without_command=True,
)
DayOption = Annotated[
    str | None, typer.Option("--date", help="Business day of the work (default: today).")
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("backup")(backup)
    app.command("handover")(handover)
    app.command("worker")(worker)
    jobs_app.callback()(jobs_listing)
    jobs_app.command("send")(jobs_send)
    jobs_app.command("run")(jobs_run)
    jobs_app.command("import")(jobs_import)
    app.add_typer(jobs_app, name="jobs")


def backup(
    target: Annotated[Path, typer.Argument(help="The file to write the copy to.")],
    db: ui.DbOption = None,
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
        ui.console.print(
            "The ledger is on PostgreSQL: back it up with the server's own tool, which takes "
            "a consistent copy while relance runs:"
        )
        ui.console.print(f"  {server.command}", markup=False, soft_wrap=True)  # to copy whole
        ui.console.print("Restore it with pg_restore (docs/cli.md, Backups).")
        raise typer.Exit(int(ui.ExitCode.BLOCKED)) from None
    except BackupRefused as refused:
        raise ui.fail(str(refused), ui.ExitCode.BAD_INPUT) from None
    ui.console.print(
        f"Ledger {done.source} copied to {done.target} ({done.size} bytes).", markup=False
    )


def handover(
    action: Annotated[int | None, typer.Argument(help="The action whose e-mail to settle.")] = None,
    sent: Annotated[bool, typer.Option("--sent", help="It arrived: complete the step.")] = False,
    resend: Annotated[
        bool, typer.Option("--resend", help="It did not: send it again, same Message-ID.")
    ] = False,
    db: ui.DbOption = None,
) -> None:
    """E-mails a stopped send left handing over: whether the server took them is unknown.

    Without ACTION, list them. With ACTION, settle one: --sent when its Message-ID is in
    the server's log or the Sent folder, --resend otherwise (docs/sending.md).
    """
    from relance.bootstrap import open_store
    from relance.services import handover as handover_service

    store = open_store(db)
    if action is None:
        for line in handover_service.unsettled(store):
            ui.console.print(
                f"action {line.action_id} ({line.customer_ref}): {line.message_id} to "
                f"{', '.join(line.recipients)}",
                markup=False,
                soft_wrap=True,  # one line per e-mail, whatever the terminal's width
            )
        return
    if sent == resend:
        raise ui.fail("say --sent (it arrived) or --resend (send it again)", ui.ExitCode.USAGE)
    message_id = handover_service.settle(store, action, sent=sent, actor=getpass.getuser())
    done = "recorded as sent" if sent else "sent again by the next relance send"
    ui.console.print(f"action {action}: e-mail {message_id} {done}.", markup=False)


def worker(
    db: ui.DbOption = None,
    once: Annotated[
        bool, typer.Option("--once", help="Stop when the queue is empty, instead of waiting.")
    ] = False,
) -> None:
    """Take jobs from the PostgreSQL ledger's queue, one at a time, until stopped (Ctrl+C,
    SIGTERM: the job under way is finished first). Start as many as there are processors,
    on as many machines as reach the database."""
    from relance.bootstrap import open_store
    from relance.services import jobs

    # One line per job (procrastinate's start and end, relance's summary); warnings else.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    for logger in ("procrastinate.worker", "relance.services.jobs"):
        logging.getLogger(logger).setLevel(logging.INFO)
    store = open_store(db)
    name = f"{socket.gethostname()}:{os.getpid()}"
    try:
        stalled = float(os.environ.get("RELANCE_WORKER_STALLED_AFTER", jobs.STALLED_AFTER))
        jobs.work(store, open_store, once=once, name=name, stalled_after=stalled)
    except ValueError as exc:
        raise ui.fail(str(exc), ui.ExitCode.USAGE) from None


def _said(submitted: object, what: str) -> None:
    from relance.services.jobs import Submitted

    assert isinstance(submitted, Submitted)
    where = "queued for `relance worker`" if submitted.queued else "done here (SQLite: no queue)"
    ui.console.print(f"{submitted.jobs} {what} job(s) for {submitted.items} item(s), {where}.")


def jobs_send(
    db: ui.DbOption = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the print batches (seen by every worker).")
    ] = Path("letters"),
    day: DayOption = None,
    slice_size: Annotated[int, typer.Option("--slice", min=1, help="Actions per job.")] = 200,
) -> None:
    """Share the approved actions out as send jobs of --slice actions each. Workers send
    through the SMTP server of their own RELANCE_SMTP_* settings."""
    from relance.bootstrap import open_store
    from relance.services import jobs

    submitted = jobs.submit_send(open_store(db), ui.parse_day(day, date.today()), out, slice_size)
    _said(submitted, "send")


def jobs_run(
    db: ui.DbOption = None,
    day: DayOption = None,
    ledgers: Annotated[
        list[str] | None,
        typer.Option("--ledger", help="Another ledger's PostgreSQL URL (repeatable)."),
    ] = None,
) -> None:
    """One daily-run job per ledger: this one, or each --ledger (their URLs are stored
    without password: workers read it from PGPASSWORD or ~/.pgpass)."""
    from relance.bootstrap import open_store
    from relance.services import jobs

    submitted = jobs.submit_runs(open_store(db), ui.parse_day(day, date.today()), ledgers or [])
    _said(submitted, "run")


def jobs_import(
    kind: Annotated[str, typer.Argument(help="customers, invoices, credit-notes, payments.")],
    file: Annotated[Path, typer.Argument(help="The CSV file (readable by the workers).")],
    db: ui.DbOption = None,
) -> None:
    """A ledger CSV import as a job."""
    from relance.adapters.formats.ledger_csv import CsvKind
    from relance.bootstrap import open_store
    from relance.services import jobs

    submitted = jobs.submit_import(open_store(db), CsvKind(kind), file)
    _said(submitted, "import")


def jobs_listing(ctx: typer.Context, db: ui.DbOption = None) -> None:
    """The jobs on the queue: how many of each kind are waiting, running, done, failed."""
    if ctx.invoked_subcommand is not None:
        return
    from relance.bootstrap import open_store
    from relance.services import jobs

    for (task, status), count in sorted(jobs.job_counts(open_store(db)).items()):
        ui.console.print(f"{task:16} {status:10} {count}", markup=False)
