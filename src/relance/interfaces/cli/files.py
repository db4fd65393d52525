"""`relance import fec|facturx|ubl|bank FILE...`, `relance unmatched`, `relance match`,
`relance unmatch`: the files users already have, and the payments a person must letter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from relance.adapters.formats.detect import Format as FileFormat
from relance.bootstrap import open_store
from relance.interfaces.cli import output as ui
from relance.interfaces.cli.commands import add_commands
from relance.interfaces.cli.ledger import imports
from relance.services import file_import, lettrage, matching
from relance.services.file_import import FileReport, ImportStopped

FilesArgument = Annotated[
    list[Path], typer.Argument(help="Files, or folders whose files are all imported.")
]
DryRunFlag = Annotated[bool, typer.Option("--dry-run", help="Report, write nothing.")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app (the import kinds join `relance import`)."""
    imports.command("fec")(import_fec)
    imports.command("facturx")(import_facturx)
    imports.command("ubl")(import_ubl)
    imports.command("bank")(import_bank)
    add_commands(app, unmatched, match, unmatch, rematch, ignore)


class _Bar:
    """One progress bar per file, advanced by the bytes the reader has read."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[Path, TaskID] = {}

    def __call__(self, path: Path, done: int, total: int) -> None:
        task = self.tasks.get(path)
        if task is None:
            task = self.tasks[path] = self.progress.add_task(path.name, total=total)
        self.progress.update(task, completed=done)


def _with_bar(
    quiet: bool, work: Callable[[file_import.Progress], list[FileReport]]
) -> list[FileReport]:
    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
        console=ui.console.rich(), transient=True, disable=quiet,
    ) as progress:  # fmt: skip
        try:
            return work(_Bar(progress))
        except ImportStopped as stopped:
            progress.stop()
            # The files before the bad one were imported: say so before the error.
            _print(list(stopped.done), quiet)
            raise


def _print(reports: list[FileReport], as_json: bool) -> None:
    if as_json:
        ui.emit(ui.Format.JSON, ["result"], [[r.as_dict()] for r in reports])
        return
    for r in reports:
        name = Path(r.file).name
        if r.skipped:
            ui.console.print(f"{name}: skipped ({r.skipped})")
            continue
        verb = "would add" if r.dry_run else "added"
        made = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in r.created.items())
        line = f"{name} ({r.format}): {r.read} read, {verb} {made or 'nothing'}"
        if r.unchanged:
            line += f", {r.unchanged} already there"
        if r.kind == "bank":
            line += f"; {r.matched} matched, {r.unmatched} to match by hand, {r.ignored} ignored"
        ui.console.print(line)
        for customer, amount in list(r.unapplied.items())[:20]:
            ui.console.print(f"  overpaid: {customer} keeps {ui.money_text(amount)} as credit")
        for warning in r.warnings[:20]:
            ui.console.print(f"  warning: {warning}")


def import_fec(
    files: FilesArgument,
    db: ui.DbOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Read the ledger as it was that day.")
    ] = None,
    dry_run: DryRunFlag = False,
    as_json: ui.JsonFlag = False,
) -> None:
    """Import FEC accounting exports: customers, invoices, payments, lettering.

    Customer accounts (411) become customers; debits invoices; credits credit notes or
    payments; lines sharing a lettering code become allocations.
    """
    store = open_store(db, create=True)
    day = ui.parse_day(as_of, date.today()) if as_of else None
    reports = _with_bar(
        as_json,
        lambda bar: file_import.import_fec(store, files, as_of=day, dry_run=dry_run, progress=bar),
    )
    _print(reports, as_json)


def _einvoices(
    files: list[Path], db: str | None, only: FileFormat, dry_run: bool, as_json: bool
) -> None:
    store = open_store(db, create=True)
    reports = _with_bar(
        as_json,
        lambda bar: file_import.import_einvoices(
            store, files, only=only, dry_run=dry_run, progress=bar
        ),
    )
    _print(reports, as_json)


def import_facturx(
    files: FilesArgument,
    db: ui.DbOption = None,
    dry_run: DryRunFlag = False,
    as_json: ui.JsonFlag = False,
) -> None:
    """Import Factur-X / ZUGFeRD invoices (PDF or CII XML), keeping the PDF.

    The PDF's path is kept on the invoice so letters can attach it.
    """
    _einvoices(files, db, FileFormat.FACTURX, dry_run, as_json)


def import_ubl(
    files: FilesArgument,
    db: ui.DbOption = None,
    dry_run: DryRunFlag = False,
    as_json: ui.JsonFlag = False,
) -> None:
    """Import UBL 2.1 invoices and credit notes."""
    _einvoices(files, db, FileFormat.UBL, dry_run, as_json)


def import_bank(
    files: FilesArgument,
    db: ui.DbOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Match against invoices open that day.")
    ] = None,
    dry_run: DryRunFlag = False,
    as_json: ui.JsonFlag = False,
) -> None:
    """Import bank statements (camt, OFX, MT940, CSV) and match the payments.

    The format is recognised from the content. Credits become payments, matched to the
    invoices open on --as-of; the others wait in `relance unmatched`.
    """
    store = open_store(db, create=True)
    day = ui.parse_day(as_of, date.today())
    reports = _with_bar(
        as_json,
        lambda bar: file_import.import_bank_statements(
            store, files, as_of=day, dry_run=dry_run, progress=bar
        ),
    )
    _print(reports, as_json)


@ui.listing
def unmatched(
    db: ui.DbOption = None,
    shown: ui.Format = ui.Format.TABLE,
) -> None:
    """The credits waiting to be matched by hand, with ranked suggestions."""
    store = open_store(db)
    waiting = lettrage.unmatched(store)
    columns = ["key", "date", "amount", "currency", "payer", "remittance", "suggestions"]
    rows = [
        [
            line.transaction.key,
            line.transaction.value_date or line.transaction.booking_date,
            line.transaction.amount,
            line.transaction.amount.currency,
            line.transaction.payer_name,
            line.transaction.structured_reference or line.transaction.remittance,
            [
                {
                    "customer": s.customer_ref,
                    "invoices": list(s.invoice_numbers),
                    "score": s.score,
                    "reason": s.reason,
                }
                for s in line.suggestions
            ]
            if shown is ui.Format.JSON
            # one cell of CSV: "score customer: invoices (reason)" separated by " | "
            else " | ".join(
                f"{s.score} {s.customer_ref}: {' '.join(s.invoice_numbers)} ({s.reason})"
                for s in line.suggestions
            ),
        ]
        for line in waiting
    ]
    display = [
        [
            line.transaction.key,
            ui.date_text(line.transaction.value_date or line.transaction.booking_date),
            ui.money_text(line.transaction.amount),
            line.transaction.amount.currency,
            line.transaction.payer_name,
            line.transaction.structured_reference or line.transaction.remittance,
            "\n".join(
                f"{s.score} {s.customer_ref}: {' '.join(s.invoice_numbers)} ({s.reason})"
                for s in line.suggestions[:3]
            ),
        ]
        for line in waiting
    ]
    ui.emit(
        shown,
        columns,
        rows,
        title=f"{len(rows)} payment(s) to match",
        display=display,
        right=("amount",),
    )


def match(
    key: Annotated[str, typer.Argument(help="The payment's key (or its start).")],
    invoices: Annotated[
        list[str] | None, typer.Argument(help="Invoice numbers it settles.", show_default=False)
    ] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="Whose credit it is, without invoices.")
    ] = None,
    db: ui.DbOption = None,
) -> None:
    """Match a payment to invoices by hand (oldest due first; the rest stays credit)."""
    store = open_store(db)
    decided = lettrage.match(store, key, invoices or [], customer_ref=customer)
    for kind, number, amount in decided.allocations:
        ui.console.print(f"{decided.key}: {ui.money_text(amount)} to {number} ({kind})")
    if decided.unapplied is not None and decided.unapplied.is_positive:
        ui.console.print(
            f"{decided.customer_ref} keeps {ui.money_text(decided.unapplied)} as credit"
        )


def unmatch(
    key: Annotated[str, typer.Argument(help="The payment's key (or its start).")],
    reason: Annotated[str, typer.Option("--reason", help="Why, for the log.")] = "",
    db: ui.DbOption = None,
) -> None:
    """Undo a match: the allocations go, the payment goes back to the queue."""
    store = open_store(db)
    decided = lettrage.unmatch(store, key, as_of=date.today(), reason=reason)
    removed = ", ".join(
        f"{number} {ui.money_text(amount)}" for _, number, amount in decided.allocations
    )
    ui.console.print(f"{decided.key}: unmatched ({removed}); back in the queue")


def rematch(
    db: ui.DbOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Match against invoices open that day.")
    ] = None,
    dry_run: DryRunFlag = False,
) -> None:
    """Match the queued payments again, after new invoices or letters were recorded."""
    store = open_store(db)
    done = matching.rematch(store, as_of=ui.parse_day(as_of, date.today()), dry_run=dry_run)
    verb = "would match" if dry_run else "matched"
    ui.console.print(
        f"{done.looked_at} queued payment(s): {verb} {len(done.matched)}, "
        f"{done.still_waiting} still to match by hand"
    )


def ignore(
    key: Annotated[str, typer.Argument(help="The payment's key (or its start).")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is no customer's payment.")],
    db: ui.DbOption = None,
) -> None:
    """Take a payment out of the queue without matching it (a refund, an internal transfer)."""
    store = open_store(db)
    done = lettrage.ignore(store, key, reason=reason)
    ui.console.print(f"{done.transaction.key}: ignored ({done.note})")
