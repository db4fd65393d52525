"""The monthly management report: the month's KPIs against the months before, the aged
balance at the month's end with the customers owing the most past due, the charts, and
what the process did in the month; rendered as a PDF in French or English."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from relance.adapters.render.monthly_report import render_monthly_report
from relance.adapters.storage import repository_kpi as kpi_repo
from relance.adapters.storage.database import Store
from relance.core.aging import AgingReport
from relance.core.kpi import Period, month_end
from relance.core.kpi_activity import MonthActivity, Overdue, largest_overdue
from relance.core.kpi_report import KpiReport
from relance.services import reports
from relance.services.kpi import kpi_report


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    """Everything the monthly report shows about `month`."""

    month: Period
    creditor: str
    kpis: KpiReport  # the month and up to `months - 1` months before it
    aging: AgingReport  # at the end of the month
    largest: dict[str, tuple[Overdue, ...]]  # customers owing the most past due, by currency
    activity: MonthActivity


def parse_month(text: str) -> Period:
    """`2026-11` as the period of that calendar month; ValueError otherwise."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        first = date(year, month, 1)
    except ValueError as exc:
        raise ValueError(f"not a month: {text!r} (write 2026-11)") from exc
    return Period(first, month_end(first))


def months_back(month: Period, count: int) -> date:
    """The first day of the month `count - 1` months before `month`."""
    year, index = month.first.year, month.first.month - (count - 1)
    while index < 1:
        year, index = year - 1, index + 12
    return date(year, index, 1)


def monthly_report(store: Store, month: Period, *, as_of: date, months: int = 6) -> MonthlyReport:
    """The report of `month` with the `months - 1` months before it for comparison;
    payments counted up to `as_of` for the stages, promises and agencies."""
    kpis = kpi_report(store, months_back(month, months), month.last, as_of=as_of, by_month=True)
    aging = reports.aging_report(store, month.last)
    with store.begin() as conn:
        activity = kpi_repo.month_activity(conn, month)
    found = reports.creditor(store)
    return MonthlyReport(
        month,
        found.name if found else "",
        kpis,
        aging,
        largest_overdue(aging),
        activity,
    )


def write_monthly_report(
    store: Store,
    month: Period,
    out: Path,
    *,
    as_of: date,
    language: str,
    months: int = 6,
) -> MonthlyReport:
    """Render the month's report to `out` (a PDF), written whole or not at all."""
    report = monthly_report(store, month, as_of=as_of, months=months)
    pdf = render_monthly_report(report.month, report.creditor, report.kpis, report.aging,
                                report.largest, report.activity, language)  # fmt: skip
    partial = out.with_name(f".{out.name}.partial")
    partial.write_bytes(pdf)
    partial.replace(out)
    return report
