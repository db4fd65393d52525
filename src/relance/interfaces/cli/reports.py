"""`relance aging`: the aged balance."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from relance.bootstrap import open_store
from relance.core.aging import AgingReport, Buckets
from relance.core.money import Money
from relance.interfaces.cli import output as ui
from relance.interfaces.cli.machine import records
from relance.services import reports


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("aging")(aging)


@ui.listing
def aging(
    db: ui.DbOption = None,
    as_of: Annotated[str | None, typer.Option(help="Date of the report (default: today).")] = None,
    buckets: Annotated[
        str, typer.Option(help="Upper bounds of the day ranges past due.")
    ] = "30,60,90,120",
    shown: ui.Format = ui.Format.TABLE,
) -> None:
    """The aged balance (balance âgée): open amounts per customer by days past due."""
    day = ui.parse_day(as_of, date.today())  # wrong usage is said before the ledger is opened
    store = open_store(db)
    language = reports.ledger_language(store)
    report = reports.aging_report(store, day, Buckets.parse(buckets))
    credits = reports.unapplied_credits(store, day)
    print_aging(report, shown, language, credits)


def customer_rows(report: AgingReport, credits: dict[tuple[str, str], Money]) -> list[list[object]]:
    """One row per customer and currency with its unapplied credit last, customers who owe
    nothing but hold credit included."""
    rows: list[list[object]] = []
    for table in report.tables:
        zero = Money.zero(table.currency)
        for row in table.rows:
            credit = credits.get((row.customer_ref, table.currency), zero)
            rows.append([row.customer_ref, row.customer_name, table.currency, *row.amounts,
                         row.total, credit])  # fmt: skip
    shown = {(str(row[0]), str(row[2])) for row in rows}
    for (ref, currency), credit in credits.items():
        if (ref, currency) not in shown:
            zero = Money.zero(currency)
            rows.append([ref, "", currency, *(zero for _ in report.buckets.labels()), zero, credit])
    return rows


def _print_credits(credits: dict[tuple[str, str], Money], as_of: date, language: str) -> None:
    display = [[ref, currency, ui.money_text(credit, language)]
               for (ref, currency), credit in credits.items()]  # fmt: skip
    title = (
        f"Unapplied credit as of {ui.date_text(as_of, language)} (payments on account, deposits)"
    )
    ui.emit(ui.Format.TABLE, ["customer", "currency", "credit"], [], display=display, title=title,
            right=("credit",))  # fmt: skip


def print_aging(
    report: AgingReport,
    fmt: ui.Format,
    language: str,
    credits: dict[tuple[str, str], Money] | None = None,
) -> None:
    """Print an aged balance: one table per currency, totals last, then the customers'
    unapplied credit (payments on account, deposits; a column of its own in CSV and JSON).

    JSON keeps the totals apart from the customers (`customers`, `totals`); CSV has one
    line per customer and currency, and no totals line a program could take for a customer.
    """
    credits = credits or {}
    labels = list(report.buckets.labels())
    columns = ["customer", "name", "currency", *labels, "total", "unapplied_credit"]
    rows = customer_rows(report, credits)
    if fmt is ui.Format.JSON:
        totals = [
            {
                "currency": t.currency,
                **dict(zip([*labels, "total"], [*t.totals, t.total], strict=True)),
                "unapplied_credit": sum(
                    (c for (_, cur), c in credits.items() if cur == t.currency),
                    Money.zero(t.currency),
                ),
            }
            for t in report.tables
        ]
        ui.print_json({"as_of": report.as_of, "buckets": labels,
                       "customers": records(columns, rows), "totals": totals})  # fmt: skip
        return
    if fmt is ui.Format.CSV:
        ui.emit(fmt, columns, rows)
        return
    if not report.tables:
        ui.console.print(f"Nothing owed as of {ui.date_text(report.as_of, language)}.")
    for table in report.tables:
        display = [
            [r.customer_ref, r.customer_name,
             *(ui.money_text(a, language) if a else "" for a in r.amounts),
             ui.money_text(r.total, language)]
            for r in table.rows
        ]  # fmt: skip
        display.append(["TOTAL", "", *(ui.money_text(a, language) for a in table.totals),
                        ui.money_text(table.total, language)])  # fmt: skip
        title = f"Aged balance as of {ui.date_text(report.as_of, language)} — {table.currency}"
        ui.emit(ui.Format.TABLE, ["customer", "name", *labels, "total"], [], display=display,
                title=title, right=(*labels, "total"))  # fmt: skip
    if credits:
        _print_credits(credits, report.as_of, language)
