"""The customers: searched, filtered, sorted and paged by the database; one customer's file
(details, open invoices with their stage, pauses, timeline) with the forms of its actions
(`pages_customer_actions.py`)."""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from relance.core.contacts import CallOutcome
from relance.core.users import Role, User
from relance.interfaces.web.rendering import render
from relance.interfaces.web.security import page
from relance.services import agreements, contracts, customer_history, customer_list, workbench
from relance.services.customer_list import CustomerFilter, CustomerSort

PER_PAGE = 50
INVOICES_SHOWN = 100  # open invoices listed on a customer's page until "all" is asked


E = TypeVar("E", CustomerFilter, CustomerSort)


def _choice(kind: type[E], text: str | None, default: E) -> E:
    try:
        return kind(text) if text else default
    except ValueError:  # an unknown value in the address: the default
        return default


@page(Role.VIEWER)
def customers_page(request: Request, user: User) -> Response:
    """One page of customers, as the search, filter and order in the address ask."""
    params = request.query_params
    search = params.get("q", "")[:200]
    which = _choice(CustomerFilter, params.get("which"), CustomerFilter.OPEN)
    sort = _choice(CustomerSort, params.get("sort"), CustomerSort.BALANCE)
    stage = params.get("stage", "")[:200]
    number = int(params["page"]) if params.get("page", "").isdigit() else 1
    found = customer_list.customer_page(
        request.app.state.store,
        request.app.state.settings.today(),
        search=search,
        which=which,
        sort=sort,
        stage=stage,
        page=number,
        per_page=PER_PAGE,
    )
    pages = max(1, -(-found.total // PER_PAGE))

    def link(**changes: object) -> str:
        query = {
            "q": search, "which": which.value, "stage": stage, "sort": sort.value,
            "page": number, **changes,
        }  # fmt: skip
        return "/customers?" + urlencode({k: v for k, v in query.items() if v not in ("", None)})

    context = {
        "found": found,
        "search": search,
        "which": which.value,
        "stage": stage,
        "sort": sort.value,
        "filters": list(CustomerFilter),
        "sorts": list(CustomerSort),
        "page": number,
        "pages": pages,
        "link": link,
    }
    return render(request, user, "customers.html", context)


@page(Role.VIEWER)
def customer_page(request: Request, user: User) -> Response:
    """One customer's file."""
    store, day = request.app.state.store, request.app.state.settings.today()
    ref = request.path_params["ref"]
    try:
        every = request.query_params.get("invoices") == "all"
        file = workbench.customer_file(store, ref, day, shown=None if every else INVOICES_SHOWN)
        events = customer_history.history(store, ref)
        plans = agreements.plans_of(store, ref, day)
        terms = contracts.contract_of(store, ref)
    except LookupError:
        return render(request, user, "error.html", {"code": 404}, status_code=404)
    context = {
        "file": file,
        "events": list(reversed(events)),
        "outcomes": list(CallOutcome),
        "as_of": day,
        "plans": plans,
        "terms": terms,
        "rule_sets": agreements.rule_set_codes(),
    }
    return render(request, user, "customer.html", context)


@page(Role.VIEWER)
def statement_pdf(request: Request, user: User) -> Response:
    """The customer's statement of account as of `as_of` (default today), as a PDF the
    browser shows inline, in the page's language (docs/statement.md)."""
    from relance.adapters.formats.localized import parse_date
    from relance.interfaces.web.rendering import language_of
    from relance.services.statement import statement_document

    text = request.query_params.get("as_of", "")
    try:
        as_of = parse_date(text) if text else request.app.state.settings.today()
    except ValueError:
        return render(request, user, "error.html", {"code": 400}, status_code=400)
    ref = request.path_params["ref"]
    try:
        data, _ = statement_document(
            request.app.state.store, ref, as_of=as_of, language=language_of(request, user)
        )
    except LookupError:
        return render(request, user, "error.html", {"code": 404}, status_code=404)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in ref)
    headers = {
        "Content-Disposition": f'inline; filename="statement-{safe}-{as_of.isoformat()}.pdf"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(data, media_type="application/pdf", headers=headers)


ROUTES = [
    Route("/customers", customers_page, methods=["GET"]),
    Route("/customers/{ref:path}/statement", statement_pdf, methods=["GET"]),
    Route("/customers/{ref:path}", customer_page, methods=["GET"]),
]
