"""`relance report monthly`: the monthly management report as a PDF."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from relance.bootstrap import open_store
from relance.interfaces.cli import output as ui

app = typer.Typer(help="Management reports: the month's collection figures as a PDF.")


class Language(StrEnum):
    """The report's language."""

    FR = "fr"
    EN = "en"


def register(root: typer.Typer) -> None:
    """Add `relance report monthly` to the app."""
    app.command("monthly")(monthly)
    root.add_typer(app, name="report")


def monthly(
    month: Annotated[str, typer.Argument(help="The month, as 2026-11.")],
    out: Annotated[Path, typer.Option("--out", help="The PDF to write.")],
    lang: Annotated[
        Language | None, typer.Option("--lang", help="fr or en (default: the ledger's).")
    ] = None,
    months: Annotated[
        int, typer.Option("--months", min=1, max=24, help="Months shown, the month included.")
    ] = 6,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Payments counted up to this day (default: today)."),
    ] = None,
    db: ui.DbOption = None,
) -> None:
    """The month's KPIs against the months before, their charts, the aged balance at the
    month's end with the customers most overdue, and what the process did in the month:
    steps by stage and channel, promises, disputes, handoffs, write-offs."""
    from relance.interfaces.cli.kpi import option_day
    from relance.services import monthly_report as service
    from relance.services import reports

    try:
        period = service.parse_month(month)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="MONTH") from exc
    counted_to = option_day(as_of, "--as-of", date.today())
    store = open_store(db)
    language = lang.value if lang else reports.ledger_language(store)
    service.write_monthly_report(
        store, period, out, as_of=counted_to, language=language, months=months
    )
    ui.console.print(f"Monthly report for {period.label} written to {out}", markup=False)
