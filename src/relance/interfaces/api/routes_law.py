"""What the law allows: late interest and indemnities claimable, debts near limitation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel

from relance.interfaces.api import schemas as s
from relance.interfaces.api.auth import Viewer, store_of
from relance.interfaces.api.pagination import Cursor, Limit, page
from relance.interfaces.api.problems import RESPONSES
from relance.interfaces.api.routes_ledger import AsOf, day
from relance.services import interest_reports, limitation

router = APIRouter(responses=RESPONSES, tags=["law"])


class InterestOut(BaseModel):
    """Late interest, indemnities and fees claimable, invoice by invoice, and their totals."""

    target: str
    customer: str
    as_of: date
    invoices: list[dict[str, Any]]
    totals: list[s.MoneyOut]
    problems: list[str]


@router.get("/interest/{target}")
def interest(
    request: Request,
    user: Viewer,
    target: Annotated[str, Path(max_length=64, description="An invoice or a customer.")],
    as_of: AsOf = None,
) -> InterestOut:
    """What a customer (or one invoice) owes beyond the principal on a day."""
    report = interest_reports.interest_report(store_of(request), target, day(request, as_of))
    invoices = [
        {
            "invoice": claim.invoice_number,
            "currency": claim.currency,
            "charges": [
                {"kind": item.kind.value, "amount": s.plain(item.amount), "basis": item.basis}
                for item in claim.items
            ],
            "problems": list(claim.problems),
        }
        for claim in report.claims
    ]
    totals = [s.money(total) for _, total in sorted(report.totals().items())]
    return InterestOut(
        target=report.target, customer=report.customer.ref, as_of=report.as_of,
        invoices=invoices, totals=totals, problems=list(report.problems),
    )  # fmt: skip


class LimitationOut(BaseModel):
    """An open invoice's claim against its limitation period."""

    invoice: str
    customer: str
    open_balance: s.MoneyOut
    runs_from: date
    years: int
    last_day: date
    days_left: int
    time_barred: bool


@router.get("/limitation")
def limitation_list(
    request: Request,
    user: Viewer,
    within: Annotated[int, Query(ge=0, le=36500, description="Days ahead.")] = 90,
    as_of: AsOf = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> s.Page[LimitationOut]:
    """Open debts time-barred within `within` days, and those already time-barred, by last
    day then invoice."""
    found = limitation.limitation_report(
        store_of(request), day(request, as_of), timedelta(days=within)
    )
    ordered = sorted(found, key=lambda line: (line.status.last_day, line.invoice.number))
    lines, following = page(
        ordered, lambda line: [line.status.last_day.isoformat(), line.invoice.number], cursor, limit
    )
    items = [
        LimitationOut(
            invoice=line.invoice.number, customer=line.invoice.customer_ref,
            open_balance=s.money(line.open_balance), runs_from=line.status.runs_from,
            years=line.status.years, last_day=line.status.last_day, days_left=line.days_left,
            time_barred=line.time_barred,
        )
        for line in lines
    ]  # fmt: skip
    return s.Page(items=items, next_cursor=following)
