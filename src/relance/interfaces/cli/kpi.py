"""`relance kpi`: the numbers a credit manager is judged on, for a period or month by month
(formulas and worked examples: docs/kpi.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from relance.bootstrap import Store, open_store
from relance.core.kpi import Period
from relance.core.kpi_report import DAYS, Measure, measures
from relance.interfaces.cli import output as ui
from relance.interfaces.cli.commands import add_commands
from relance.services import kpi as service
from relance.services import reports

COLUMNS = ["from", "to", "currency", "kpi", "stage", "value", "unit", "numerator", "denominator"]


class Grouping(StrEnum):
    """How the period is cut: `month` gives a column per calendar month."""

    MONTH = "month"


def register(app: typer.Typer) -> None:
    """Add `relance kpi` to the app."""
    add_commands(app, kpi)


def option_day(text: str | None, option: str, default: date) -> date:
    """A date given to `option`, or `default`; a usage error naming the option otherwise."""
    if not text:
        return default
    from relance.adapters.formats.localized import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from exc


def asked_range(first_text: str, last_text: str | None, today: date) -> tuple[date, date]:
    """--from and --to read, the end defaulting to `today`; --to before --from is a usage
    error naming --to."""
    first = option_day(first_text, "--from", today)
    last = option_day(last_text, "--to", today)
    if last < first:
        raise typer.BadParameter(
            f"{last.isoformat()} is before --from {first.isoformat()}", param_hint="--to"
        )
    return first, last


@ui.listing
def kpi(
    first_text: Annotated[str, typer.Option("--from", help="First day of the period.")],
    last_text: Annotated[
        str | None, typer.Option("--to", help="Last day of the period (default: today).")
    ] = None,
    by: Annotated[
        Grouping | None, typer.Option("--by", help="month: the period month by month.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Payments counted up to this day (default: today)."),
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="Also draw the KPIs over the periods: FILE.svg or FILE.pdf."),
    ] = None,
    db: ui.DbOption = None,
    *,
    shown: ui.Format,
) -> None:
    """DSO (countback and standard), best possible DSO, average days delinquent, the
    collection effectiveness index, the share of receivables not yet due, each stage's
    effectiveness (paid within 14 days of the step), promises kept and agency recovery:
    for the period, or each of its months with --by month; each currency on its own."""
    today = date.today()
    first, last = asked_range(first_text, last_text, today)
    counted_to = option_day(as_of, "--as-of", today)
    if chart is not None and chart.suffix.lower() not in (".svg", ".pdf"):
        raise typer.BadParameter(f"{chart}: write FILE.svg or FILE.pdf", param_hint="--chart")
    store = open_store(db)
    report = service.kpi_report(store, first, last, as_of=counted_to, by_month=by is Grouping.MONTH)
    found = measures(report)
    if chart is not None:
        _write_chart(chart, found, report.periods, store)
    if shown is not ui.Format.TABLE:
        ui.emit(shown, COLUMNS, [_values(m) for m in found])
        return
    if not found:
        ui.console.print(f"Nothing invoiced by {last.isoformat()}: no KPI to give.")
        return
    _print_tables(found, [p.label for p in report.periods], reports.ledger_language(store))


def _write_chart(
    path: Path, found: Sequence[Measure], periods: Sequence[Period], store: Store
) -> None:
    """The charts of each currency, one below the other, written whole or not at all."""
    from relance.adapters.render.kpi_charts import kpi_charts, write_charts

    language = reports.ledger_language(store)
    drawings = [
        drawing
        for currency in sorted({m.currency for m in found})
        for drawing in kpi_charts(found, periods, currency, language)
    ]
    if not drawings:
        raise ui.fail("nothing invoiced in the period: no chart to draw")
    partial = path.with_name(f".{path.name}.partial")
    write_charts(drawings, partial, svg=path.suffix.lower() == ".svg")
    partial.replace(path)
    ui.errors.print(f"charts written to {path}", markup=False)


def _values(m: Measure) -> list[Any]:
    return [m.period.first, m.period.last, m.currency, m.kpi, m.stage, m.value, m.unit,
            m.numerator, m.denominator]  # fmt: skip


def _print_tables(found: Sequence[Measure], labels: list[str], language: str) -> None:
    """One table per currency: a row per KPI, a column per period."""
    from relance.adapters.render.kpi_labels import NONE, label, value_text

    for currency in sorted({m.currency for m in found}):
        rows: dict[tuple[str, str], dict[str, str]] = {}
        names: dict[tuple[str, str], str] = {}
        for m in found:
            if m.currency != currency:
                continue
            key = (m.kpi, m.stage)
            name = label(m, "en")
            names[key] = f"{name}, days" if m.unit == DAYS and "days" not in name else name
            rows.setdefault(key, {})[m.period.label] = value_text(m, language, days_unit=False)
        display = [
            [names[key], *(cells.get(period, NONE) for period in labels)]
            for key, cells in rows.items()
        ]
        ui.emit(
            ui.Format.TABLE,
            ["KPI", *labels],
            display,
            title=f"Collection KPIs in {currency}",
            display=display,
            right=labels,
        )
