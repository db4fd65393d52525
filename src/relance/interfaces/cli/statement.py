"""`relance statement CUSTOMER --as-of D [--from D] --out FILE.pdf|.csv`: the customer's
statement of account (relevé de compte; docs/statement.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from relance.bootstrap import open_store
from relance.interfaces.cli import output as ui
from relance.interfaces.cli.commands import add_commands

_KINDS = {".pdf": "pdf", ".csv": "csv"}
SHOWN_NOTES = 2  # the interest's notes repeat per rate period: the first ones, then a count


def register(app: typer.Typer) -> None:
    """Add `relance statement` to the app."""
    add_commands(app, statement)


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    from relance.adapters.formats.localized import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=f"'{option}'") from exc


def statement(
    customer: Annotated[str, typer.Argument(help="The customer's reference.")],
    out: Annotated[Path, typer.Option("--out", help="The file to write: .pdf or .csv.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The statement's day (default: today).")
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", help="First day of the period (default: the first movement)."),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="fr or en (default: the customer's).")
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option("--currency", help="One currency only (default: each, one after another)."),
    ] = None,
    db: ui.DbOption = None,
) -> None:
    """Write the customer's statement of account: opening balance, every invoice, credit
    note and payment with the running balance, what each payment settled, the unapplied
    credit, what is overdue and by how many days, and the interest claimable."""
    from relance.services.statement import statement_document, write_statement

    kind = _KINDS.get(out.suffix.lower())
    if kind is None:
        raise typer.BadParameter("the file must end in .pdf or .csv", param_hint="'--out'")
    if lang is not None and lang not in ("fr", "en"):
        raise typer.BadParameter(f"{lang!r} is not fr or en", param_hint="'--lang'")
    day = _day(as_of, "--as-of") or date.today()
    first = _day(start, "--from")
    if first is not None and first > day:
        raise typer.BadParameter(
            f"{first.isoformat()} is after --as-of {day.isoformat()}", param_hint="'--from'"
        )
    data, shown = statement_document(
        open_store(db), customer, as_of=day, start=first, language=lang, currency=currency,
        kind=kind,
    )  # fmt: skip
    write_statement(data, out)
    for s in shown:
        overdue = f"{ui.money_text(s.overdue_amount)} overdue on {len(s.overdue)} invoices"
        ui.console.print(
            f"{out}: {s.customer_ref} at {day.isoformat()} in {s.currency}: balance "
            f"{ui.money_text(s.closing_balance)} ({overdue}), unapplied credit "
            f"{ui.money_text(s.unapplied_credit)}, interest claimable "
            f"{ui.money_text(s.interest)}",
            markup=False,
        )
        for problem in s.charge_problems[:SHOWN_NOTES]:
            ui.console.print(f"  note: {problem}", markup=False)
        if len(s.charge_problems) > SHOWN_NOTES:
            more = len(s.charge_problems) - SHOWN_NOTES
            ui.console.print(
                f"  and {more} more notes: relance interest {s.customer_ref} --as-of "
                f"{day.isoformat()} shows them",
                markup=False,
            )
