"""`relance outbox` (list, cancel, purge) and `relance print`: the e-mails relance prepared
and where each stands, and the print batches written by `relance send`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from relance.bootstrap import open_store
from relance.core.outbox import OutboxStatus
from relance.interfaces.cli import output as ui
from relance.services import outbox as outbox_service
from relance.services import print_batches

outbox_app = typer.Typer(
    help="E-mails prepared by relance send: waiting, sent, written to files or cancelled.",
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    outbox_app.callback()(listing)
    outbox_app.command("cancel")(cancel)
    outbox_app.command("purge")(purge)
    app.add_typer(outbox_app, name="outbox")
    app.command("print")(print_batch)


StatusOption = Annotated[
    list[OutboxStatus] | None,
    typer.Option("--status", help="Only these: waiting, pending, sent, exported, cancelled."),
]


@ui.listing
def listing(
    ctx: typer.Context,
    db: ui.DbOption = None,
    status: StatusOption = None,
    shown: ui.Format = ui.Format.TABLE,
) -> None:
    """List the outbox: each e-mail with its action, customer, status and reason."""
    if ctx.invoked_subcommand is not None:
        return
    lines = outbox_service.outbox(open_store(db), status or None)
    columns = ("action", "customer", "level", "status", "to", "reason", "prepared", "sent")
    rows = [
        (
            line.action_id,
            line.customer_ref,
            line.level_name,
            line.status,
            ", ".join(line.recipients),
            line.reason,
            line.created_at.date(),
            line.sent_at.date() if line.sent_at else None,
        )
        for line in lines
    ]
    display = [
        [
            str(line.action_id),
            escape(line.customer_ref),
            escape(line.level_name),
            line.status.value,
            escape(", ".join(line.recipients)),
            escape(line.reason),
            ui.instant_text(line.created_at),
            ui.instant_text(line.sent_at) if line.sent_at else "",
        ]
        for line in lines
    ]
    # the table shows when relance prepared and sent each e-mail (the computer's clock),
    # not the business day of the send: its columns say so
    if shown is ui.Format.TABLE:
        columns = (*columns[:-2], "prepared at", "sent at")
    ui.emit(shown, columns, rows, title="Outbox", display=display)


def cancel(
    action: Annotated[int, typer.Argument(help="The action whose waiting e-mail to cancel.")],
    db: ui.DbOption = None,
    reason: Annotated[str, typer.Option("--reason", help="Why, for the history.")] = "",
) -> None:
    """Cancel an action's e-mail waiting in the outbox (and the action, if still approved)."""
    keys = outbox_service.cancel(open_store(db), action, reason=reason)
    ui.console.print(
        escape(f"Cancelled: {', '.join(keys)}; nothing of action {action} will leave.")
    )


def purge(
    db: ui.DbOption = None,
    reason: Annotated[str, typer.Option("--reason", help="Why, for the history.")] = "",
) -> None:
    """Cancel every e-mail waiting in the outbox (each cancellation is in the history)."""
    keys = outbox_service.purge(open_store(db), reason=reason)
    ui.console.print(f"{len(keys)} waiting e-mail(s) cancelled.")


def print_batch(
    number: Annotated[
        int | None, typer.Argument(help="The batch to write again (default: list them).")
    ] = None,
    db: ui.DbOption = None,
    out: Annotated[Path, typer.Option("--out", help="Folder to write to.")] = Path("letters"),
) -> None:
    """List the print batches written by relance send, or write one again from the
    letters kept as evidence."""
    store = open_store(db)
    if number is None:
        rows = [
            (b.id, b.as_of, b.file_name, b.letters, b.pages) for b in print_batches.batches(store)
        ]
        ui.emit(
            ui.Format.TABLE,
            ("batch", "date", "file", "letters", "pages"),
            rows,
            title="Print batches",
            display=[
                [str(r[0]), ui.date_text(r[1]), escape(r[2]), str(r[3]), str(r[4])] for r in rows
            ],
            right=("batch", "letters", "pages"),
        )
        return
    rebuilt = print_batches.rebuild(store, number, out)
    same = (
        "the same bytes as the file written then"
        if rebuilt.identical
        else "the same letters; an invoice copy changed since, so the bytes differ"
    )
    ui.console.print(
        escape(
            f"Print batch {number}: {rebuilt.letters} letters written again → {rebuilt.file} "
            f"({same})."
        )
    )
