"""Today: what the day asks of the credit manager, and where the ledger stands."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from relance.core.aging import AgingReport, AgingTable, Buckets
from relance.core.users import Role, User
from relance.interfaces.web.charts import Bar, bars
from relance.interfaces.web.phrases import phrase
from relance.interfaces.web.rendering import language_of, money_text, render
from relance.interfaces.web.security import page
from relance.services import workbench


@dataclass(frozen=True, slots=True)
class AgingChart:
    """One currency's aged balance: its table and the bars drawn from its totals."""

    table: AgingTable
    labels: list[str]
    bars: list[Bar]


def bucket_labels(buckets: Buckets, language: str) -> list[str]:
    """The buckets' names in the page's language: not yet due, 1 to 30 days…, over 120."""
    names = [phrase("aging.current", language)]
    low = 1
    for bound in buckets.bounds:
        names.append(phrase("aging.bucket", language, low=low, high=bound))
        low = bound + 1
    names.append(phrase("aging.over", language, low=buckets.bounds[-1]))
    return names


def aging_charts(report: AgingReport, language: str) -> list[AgingChart]:
    """One chart per currency of the aged balance."""
    labels = bucket_labels(report.buckets, language)
    return [
        AgingChart(
            table,
            labels,
            bars(
                [total.amount for total in table.totals],
                labels,
                [money_text(total, language) for total in table.totals],
            ),
        )
        for table in report.tables
    ]


@page(Role.VIEWER)
def today_page(request: Request, user: User) -> Response:
    """The day's review and the aged balance per currency."""
    store, day = request.app.state.store, request.app.state.settings.today()
    summary = workbench.today(store, day)
    context = {
        "as_of": day,
        "summary": summary,
        "charts": aging_charts(summary.aging, language_of(request, user)),
    }
    return render(request, user, "today.html", context)


ROUTES = [Route("/", today_page, methods=["GET"])]
