"""The reports, as the CLI's: the aged balance as of any date with its buckets (and its CSV,
as `relance aging --csv` writes it), interest claimable (`relance interest`), limitation
(`relance limitation`) and payment terms beyond the legal caps (`relance terms check`).

Every report reads its date and options from the address, so a report is a link; a value
that does not read is said on the page and the default used instead.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from relance.adapters.render.charge_wording import Wording
from relance.core.aging import Buckets
from relance.core.users import Role, User
from relance.interfaces.cli.machine import write_csv
from relance.interfaces.cli.reports import customer_rows
from relance.interfaces.web.pages_today import aging_charts, bucket_labels
from relance.interfaces.web.rendering import language_of, render
from relance.interfaces.web.security import page
from relance.services import interest_reports, law, limitation, reports

DEFAULT_BUCKETS = "30,60,90,120"
SHOWN_ROWS = 100  # per currency on the page, those owing most; the CSV has every customer
T = TypeVar("T")


def _read(
    request: Request, name: str, parse: Callable[[str], T], default: T, problems: list[str]
) -> T:
    """The address's value `name` read by `parse`, or `default` (the problem said)."""
    text = request.query_params.get(name, "").strip()[:100]
    if not text:
        return default
    try:
        return parse(text)
    except ValueError as problem:
        problems.append(f"{name}: {problem}")
        return default


def _as_of(request: Request, problems: list[str]) -> date:
    today: date = request.app.state.settings.today()
    return _read(request, "as_of", date.fromisoformat, today, problems)


def _days(text: str) -> timedelta:
    if not text.isdigit() or not 0 < int(text) <= 3660:
        raise ValueError(f"not a number of days from 1 to 3660: {text!r}")
    return timedelta(days=int(text))


@page(Role.VIEWER)
def aging_page(request: Request, user: User) -> Response:
    """The aged balance as of a date, per currency and customer, with its buckets."""
    problems: list[str] = []
    as_of = _as_of(request, problems)
    buckets = _read(request, "buckets", Buckets.parse, Buckets.parse(DEFAULT_BUCKETS), problems)
    store, language = request.app.state.store, language_of(request, user)
    report = reports.aging_report(store, as_of, buckets)
    context = {
        "tab": "aging",
        "problems": problems,
        "as_of": as_of,
        "buckets": ",".join(str(b) for b in buckets.bounds),
        "report": report,
        "labels": bucket_labels(buckets, language),
        "charts": aging_charts(report, language),
        "shown": {
            table.currency: sorted(table.rows, key=lambda row: -sum(row.cells))[:SHOWN_ROWS]
            for table in report.tables
        },
        "credits": sorted(reports.unapplied_credits(store, as_of).items()),
    }
    return render(request, user, "reports_aging.html", context)


@page(Role.VIEWER)
def aging_csv(request: Request, user: User) -> Response:
    """The aged balance as CSV: the columns and cells of `relance aging --csv`."""
    problems: list[str] = []
    as_of = _as_of(request, problems)
    buckets = _read(request, "buckets", Buckets.parse, Buckets.parse(DEFAULT_BUCKETS), problems)
    if problems:
        return Response("\n".join(problems) + "\n", status_code=400, media_type="text/plain")
    store = request.app.state.store
    report = reports.aging_report(store, as_of, buckets)
    out = io.StringIO()
    columns = ["customer", "name", "currency", *buckets.labels(), "total", "unapplied_credit"]
    write_csv(columns, customer_rows(report, reports.unapplied_credits(store, as_of)), out)
    name = f"aging-{as_of.isoformat()}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@page(Role.VIEWER)
def interest_page(request: Request, user: User) -> Response:
    """Interest, indemnity and fees claimable on an invoice or a customer's late invoices."""
    problems: list[str] = []
    as_of = _as_of(request, problems)
    target = request.query_params.get("target", "").strip()[:100]
    report = None
    if target:
        try:
            report = interest_reports.interest_report(request.app.state.store, target, as_of)
        except (LookupError, ValueError) as problem:
            problems.append(str(problem.args[0] if problem.args else problem))
    context = {
        "tab": "interest",
        "problems": problems,
        "as_of": as_of,
        "target": target,
        "report": report,
        "wording": Wording(language_of(request, user)),
    }
    return render(request, user, "reports_interest.html", context)


@page(Role.VIEWER)
def limitation_page(request: Request, user: User) -> Response:
    """Open debts whose limitation ends within the horizon, and those already time-barred."""
    problems: list[str] = []
    as_of = _as_of(request, problems)
    within = _read(request, "within", _days, timedelta(days=90), problems)
    lines = limitation.limitation_report(request.app.state.store, as_of, within)
    context = {
        "tab": "limitation",
        "problems": problems,
        "as_of": as_of,
        "within": within.days,
        "lines": lines,
    }
    return render(request, user, "reports_limitation.html", context)


@page(Role.VIEWER)
def terms_page(request: Request, user: User) -> Response:
    """Invoices whose payment term exceeds the legal cap (France B2B: 60 days)."""
    try:
        warnings = law.payment_term_warnings(request.app.state.store)
        problems: list[str] = []
    except (LookupError, ValueError) as problem:  # no creditor yet: no rule set to check by
        warnings, problems = (), [str(problem)]
    context = {"tab": "terms", "problems": problems, "warnings": warnings}
    return render(request, user, "reports_terms.html", context)


ROUTES = [
    Route("/reports", aging_page, methods=["GET"]),
    Route("/reports/aging.csv", aging_csv, methods=["GET"]),
    Route("/reports/interest", interest_page, methods=["GET"]),
    Route("/reports/limitation", limitation_page, methods=["GET"]),
    Route("/reports/terms", terms_page, methods=["GET"]),
]
