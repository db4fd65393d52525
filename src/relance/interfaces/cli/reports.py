"""`relance aging`: the aged balance."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from relance.bootstrap import open_store
from relance.core.aging import AgingReport, Buckets
from relance.interfaces.cli.output import (
    CsvFlag,
    DbOption,
    Format,
    FormatOption,
    JsonFlag,
    chosen,
    console,
    emit,
    money_text,
    parse_day,
)
from relance.services import reports


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("aging")(aging)


def aging(
    db: DbOption = None,
    as_of: Annotated[str | None, typer.Option(help="Date of the report (default: today).")] = None,
    buckets: Annotated[
        str, typer.Option(help="Upper bounds of the day ranges past due.")
    ] = "30,60,90,120",
    fmt: FormatOption = Format.TABLE,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
) -> None:
    """The aged balance (balance âgée): open amounts per customer by days past due."""
    store = open_store(db)
    day = parse_day(as_of, date.today())
    creditor = reports.creditor(store)
    report = reports.aging_report(store, day, Buckets.parse(buckets))
    print_aging(report, chosen(fmt, as_json, as_csv), creditor.language if creditor else "fr")


def print_aging(report: AgingReport, fmt: Format, language: str) -> None:
    """Print an aged balance: one table per currency, totals last."""
    labels = list(report.buckets.labels())
    columns = ["customer", "name", "currency", *labels, "total"]
    rows = []
    for table in report.tables:
        for row in table.rows:
            rows.append(
                [row.customer_ref, row.customer_name, table.currency, *row.amounts, row.total]
            )
        rows.append(["TOTAL", "", table.currency, *table.totals, table.total])
    if fmt is not Format.TABLE:
        emit(fmt, columns, rows)
        return
    if not report.tables:
        console.print(f"Nothing owed as of {report.as_of.isoformat()}.")
    for table in report.tables:
        display = [
            [r.customer_ref, r.customer_name,
             *(money_text(a, language) if a else "" for a in r.amounts),
             money_text(r.total, language)]
            for r in table.rows
        ]  # fmt: skip
        display.append(["TOTAL", "", *(money_text(a, language) for a in table.totals),
                        money_text(table.total, language)])  # fmt: skip
        emit(Format.TABLE, ["customer", "name", *labels, "total"], [], display=display,
             title=f"Aged balance as of {report.as_of.isoformat()} — {table.currency}",
             right=(*labels, "total"))  # fmt: skip
