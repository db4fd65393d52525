"""The KPIs tab of the Reports page: `relance kpi --by month` for a period as a table (a row
per KPI, a column per month, each currency apart), and its charts as an SVG image."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from relance.adapters.render.kpi_labels import NONE, label, period_name, value_text
from relance.core.kpi import Period, month_end
from relance.core.kpi_report import KpiReport, measures
from relance.core.users import Role, User
from relance.interfaces.web.rendering import language_of, render
from relance.interfaces.web.security import page
from relance.services import kpi as service

MAX_MONTHS = 24  # a page of KPIs, not a history: the CLI gives more


def _first_of(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _period(request: Request, problems: list[str]) -> Period:
    """The period of the address (`from`, `to`), by default the six months to today's."""
    today: date = request.app.state.settings.today()
    last, first = month_end(today), _first_of(today, 5)
    try:
        if text := request.query_params.get("to", "").strip()[:20]:
            last = date.fromisoformat(text)
        if text := request.query_params.get("from", "").strip()[:20]:
            first = date.fromisoformat(text)
        if last < first:
            raise ValueError(f"{last.isoformat()} is before {first.isoformat()}")
        if first < _first_of(last, MAX_MONTHS - 1):
            raise ValueError(f"at most {MAX_MONTHS} months")
    except ValueError as problem:
        problems.append(f"from/to: {problem}")
        last, first = month_end(today), _first_of(today, 5)
    return Period(first, last)


def _report(request: Request, period: Period) -> KpiReport:
    today: date = request.app.state.settings.today()
    store = request.app.state.store
    return service.kpi_report(store, period.first, period.last, as_of=today, by_month=True)


def _tables(report: KpiReport, language: str) -> list[tuple[str, list[list[str]]]]:
    """Per currency, the rows: the KPI's name, then its value in each month."""
    labels = [p.label for p in report.periods]
    found = measures(report)
    tables = []
    for currency in report.currencies:
        rows: dict[tuple[str, str], list[str]] = {}
        for m in found:
            if m.currency != currency or m.kpi == "opening_receivables":
                continue
            row = rows.setdefault((m.kpi, m.stage), [label(m, language), *[NONE] * len(labels)])
            row[1 + labels.index(m.period.label)] = value_text(m, language)
        tables.append((currency, list(rows.values())))
    return tables


@page(Role.VIEWER)
def kpi_page(request: Request, user: User) -> Response:
    """The KPIs month by month for a period, with their charts."""
    problems: list[str] = []
    period = _period(request, problems)
    language = language_of(request, user)
    report = _report(request, period)
    context = {
        "tab": "kpi",
        "problems": problems,
        "period": period,
        "months": [period_name(p, language) for p in report.periods],
        "tables": _tables(report, language),
    }
    return render(request, user, "reports_kpi.html", context)


@page(Role.VIEWER)
def kpi_svg(request: Request, user: User) -> Response:
    """The charts of the page's KPIs, as one SVG image."""
    from reportlab.graphics import renderSVG

    from relance.adapters.render.kpi_charts import kpi_charts, stacked

    problems: list[str] = []
    period = _period(request, problems)
    report = _report(request, period)
    found, language = measures(report), language_of(request, user)
    drawings = [
        drawing
        for currency in report.currencies
        for drawing in kpi_charts(found, report.periods, currency, language)
    ]
    if problems or not drawings:
        return Response("\n".join(problems) or "no KPI", status_code=404, media_type="text/plain")
    return Response(renderSVG.drawToString(stacked(drawings)), media_type="image/svg+xml")


ROUTES = [
    Route("/reports/kpi", kpi_page, methods=["GET"]),
    Route("/reports/kpi.svg", kpi_svg, methods=["GET"]),
]
