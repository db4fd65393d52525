"""`relance rates list|add|confirm|settings`: the rates a user owns beside the shipped
tables, and the creditor's settings about interest (docs/law.md, "Rates")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import typer

from relance.bootstrap import open_store
from relance.core.jurisdiction import DayCount
from relance.core.rates import UnconfirmedRates
from relance.interfaces.cli import output as ui
from relance.interfaces.cli.commands import add_commands
from relance.services import rates, reports

rates_app = typer.Typer(help="Rate tables: list them, add your periods, confirm a period.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    rates_app.command("list")(list_rates)
    add_commands(rates_app, add, confirm, settings)
    app.add_typer(rates_app, name="rates")


def list_rates(
    table: Annotated[str | None, typer.Argument(help="ecb_mro, fr_legal_other, boe_base…")] = None,
    db: ui.DbOption = None,
    since: Annotated[str | None, typer.Option(help="Only periods ending on or after.")] = None,
    fmt: ui.FormatOption = ui.Format.TABLE,
    as_json: ui.JsonFlag = False,
) -> None:
    """Every period of the rate tables, yours in place of the shipped ones they override,
    with its source and whether it is confirmed."""
    first = ui.parse_day(since, date.min)
    store = open_store(db)
    listed = [x for x in rates.list_rates(store, table) if x.period.end >= first]
    columns = ["table", "from", "to", "rate", "confirmed", "origin", "source"]
    rows: list[list[Any]] = [
        [x.table, x.period.start, x.period.end, str(x.period.rate),
         x.period.confidence.value != "single-source", "yours" if x.own else "shipped",
         x.period.source]
        for x in listed
    ]  # fmt: skip
    language = reports.ledger_language(store)
    # the table in the ledger's language (12,15 %, 1 janv. 2026); CSV and JSON stay plain
    display = [
        [x.table, ui.date_text(x.period.start, language), ui.date_text(x.period.end, language),
         ui.rate_text(x.period.rate, language), "yes" if row[4] else "NO", row[5], row[6]]
        for x, row in zip(listed, rows, strict=True)
    ]  # fmt: skip
    ui.emit(ui.chosen(fmt, as_json), columns, rows, display=display, title="Rates", right=("rate",))


def _rate(text: str) -> Decimal:
    value = ui.parse_rate(text)
    if not value.is_finite() or value < 0:
        raise typer.BadParameter(f"not a rate: {text!r}")
    return value


def add(
    table: Annotated[str, typer.Argument(help="The table: ecb_mro, fr_legal_other, boe_base…")],
    start: Annotated[str, typer.Option("--from", help="First day of the period.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period.")],
    rate: Annotated[str, typer.Option(help="Annual percent, e.g. 2.40.")],
    source: Annotated[str, typer.Option(help="Where it comes from (Journal officiel…).")],
    unconfirmed: Annotated[
        bool, typer.Option(help="Mark it unconfirmed: letters will not claim it silently.")
    ] = False,
    db: ui.DbOption = None,
) -> None:
    """Add your own period to a table: it overrides the shipped rates over its dates and
    is kept in the database (upgrades keep it)."""
    first, last = ui.parse_day(start, date.today()), ui.parse_day(end, date.today())
    result = rates.add_rate(
        open_store(db), table, first, last, _rate(rate), source,
        confirmed=not unconfirmed, today=date.today(),
    )  # fmt: skip
    state = "unconfirmed" if unconfirmed else "confirmed"
    ui.console.print(f"Added {table} {first} to {last}: {rate} % ({state}); the table now runs "
                     f"to {result.last_day}.")  # fmt: skip


def confirm(
    table: Annotated[str, typer.Argument(help="The table.")],
    day: Annotated[str, typer.Argument(help="A day of the period to confirm.")],
    source: Annotated[str, typer.Option(help="Where you checked it (ECB, Légifrance…).")],
    db: ui.DbOption = None,
) -> None:
    """Confirm the period covering a day, having checked it against an official source."""
    found = rates.confirm_rate(
        open_store(db), table, ui.parse_day(day, date.today()), source, today=date.today()
    )
    ui.console.print(f"Confirmed {table} {found.start} to {found.end}: {found.rate} % ({source}).")


def settings(
    db: ui.DbOption = None,
    day_count: Annotated[
        DayCount | None, typer.Option(help="actual/365 (default) or actual/actual.")
    ] = None,
    unconfirmed: Annotated[
        UnconfirmedRates | None,
        typer.Option(
            help="omit (default: the letter says interest is claimed separately) "
            "or block (the letter waits for the rate)."
        ),
    ] = None,
    as_json: ui.JsonFlag = False,
) -> None:
    """Show or change the creditor's interest settings."""
    chosen_settings = rates.set_law_settings(open_store(db), day_count, unconfirmed)
    shown = {
        "day_count": (chosen_settings.day_count or DayCount.ACTUAL_365).value,
        "unconfirmed_rates": chosen_settings.unconfirmed.value,
    }
    if as_json:
        ui.print_json(shown)
        return
    for key, value in shown.items():
        ui.console.print(f"{key}: {value}")
