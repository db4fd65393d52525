"""Today: what the day asks of the credit manager, and where the ledger stands."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from relance.core.aging import AgingReport, AgingTable, Buckets
from relance.core.users import Role, User
from relance.interfaces.web.charts import Bar, bars
from relance.interfaces.web.phrases import phrase
from relance.interfaces.web.rendering import flash, flash_error, language_of, money_text, render
from relance.interfaces.web.security import action, page
from relance.services import alerts, daily_run, workbench
from relance.services.daily_run import RunUnderWay


@dataclass(frozen=True, slots=True)
class AgingChart:
    """One currency's aged balance: its table and the bars drawn from its totals."""

    table: AgingTable
    labels: list[str]
    bars: list[Bar]


def bucket_labels(buckets: Buckets, language: str, *, short: bool = False) -> list[str]:
    """The buckets' names in the page's language: not yet due, 1 to 30 days…, over 120
    (`short`: "–", "1–30"…, "> 120", to fit under a bar on a phone)."""
    suffix = ".short" if short else ""
    names = [phrase("aging.current" + suffix, language)]
    low = 1
    for bound in buckets.bounds:
        names.append(phrase("aging.bucket" + suffix, language, low=low, high=bound))
        low = bound + 1
    names.append(phrase("aging.over" + suffix, language, low=buckets.bounds[-1]))
    return names


def aging_charts(report: AgingReport, language: str) -> list[AgingChart]:
    """One chart per currency of the aged balance."""
    labels = bucket_labels(report.buckets, language)
    short = bucket_labels(report.buckets, language, short=True)
    charts = []
    for table in report.tables:
        titles = [
            f"{name}: {money_text(total, language)}"
            for name, total in zip(labels, table.totals, strict=True)
        ]
        values = [total.amount for total in table.totals]
        charts.append(AgingChart(table, labels, bars(values, short, titles)))
    return charts


@page(Role.VIEWER)
def today_page(request: Request, user: User) -> Response:
    """The day's review and the aged balance per currency."""
    store, day = request.app.state.store, request.app.state.settings.today()
    summary = workbench.today(store, day)
    context = {
        "as_of": day,
        "summary": summary,
        "alerts": alerts.alerts(store, day),
        "charts": aging_charts(summary.aging, language_of(request, user)),
    }
    return render(request, user, "today.html", context)


@action(Role.MANAGER)
def run_the_day(request: Request, user: User, form: FormData) -> Response:
    """Run the day (as `relance run` does): propose each customer's next step."""
    day = request.app.state.settings.today()
    try:
        report = daily_run.run_dunning(request.app.state.store, day, actor=user.email)
        flash(request, "today.ran", proposed=len(report.proposed), cancelled=len(report.cancelled))
    except (ValueError, LookupError, RunUnderWay) as problem:  # a later run, a run under way
        flash_error(request, problem)
    return RedirectResponse("/", status_code=303)


ROUTES = [
    Route("/", today_page, methods=["GET"]),
    Route("/run", run_the_day, methods=["POST"]),
]
