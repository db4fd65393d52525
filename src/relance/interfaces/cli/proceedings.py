"""`relance proceedings`: customers in legal action or insolvency proceedings."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from relance.bootstrap import open_store
from relance.core.proceedings import ProceedingKind
from relance.interfaces.cli import output as ui
from relance.services import proceedings as service

app = typer.Typer(
    help="Customers in legal action or insolvency proceedings: the daily run leaves them out."
)

DateOption = Annotated[str | None, typer.Option("--date", help="The day (default: today).")]


def register(root: typer.Typer) -> None:
    """Add `relance proceedings` to the app."""
    root.add_typer(app, name="proceedings")


@app.command("add")
def add(
    customer: Annotated[str, typer.Argument(help="Customer reference.")],
    kind: Annotated[
        ProceedingKind,
        typer.Option(help="legal_action, insolvency or over_indebtedness."),
    ],
    db: ui.DbOption = None,
    on: DateOption = None,
    note: Annotated[str, typer.Option(help="The court, the judgment, the file number…")] = "",
) -> None:
    """Record that a customer is sued or in insolvency proceedings from a date: the daily
    run proposes nothing more to it, and its pending actions are cancelled."""
    try:
        recorded = service.open_proceeding(
            open_store(db), customer, kind, ui.parse_day(on, date.today()), note=note
        )
    except LookupError as exc:
        raise ui.fail(str(exc), ui.ExitCode.NOT_FOUND) from exc
    ui.console.print(f"{customer} is {recorded.describe()}: the daily run leaves it out.")


@app.command("end")
def end(
    customer: Annotated[str, typer.Argument(help="Customer reference.")],
    db: ui.DbOption = None,
    on: DateOption = None,
    note: Annotated[str, typer.Option(help="Why, for the log.")] = "",
) -> None:
    """End a customer's proceedings: the daily run takes it up again."""
    try:
        service.end_proceeding(open_store(db), customer, ui.parse_day(on, date.today()), note=note)
    except LookupError as exc:
        raise ui.fail(str(exc), ui.ExitCode.NOT_FOUND) from exc
    ui.console.print(f"{customer}: proceedings ended.")


@app.command("list")
def listing(db: ui.DbOption = None, fmt: ui.FormatOption = ui.Format.TABLE) -> None:
    """Every recorded proceeding."""
    rows = [
        [p.customer_ref, p.kind.value, p.since.isoformat(), p.until.isoformat() if p.until else "",
         p.note]
        for p in service.proceedings(open_store(db))
    ]  # fmt: skip
    ui.emit(fmt, ["customer", "kind", "since", "until", "note"], rows, title="Proceedings")
