"""A customer's statement of account (docs/statement.md): JSON, or the PDF the customer
would receive when the request asks for `Accept: application/pdf`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel

from relance.core.statement import Statement, StatementLine
from relance.interfaces.api import schemas as s
from relance.interfaces.api.auth import Viewer, store_of
from relance.interfaces.api.problems import RESPONSES, ApiProblem
from relance.interfaces.api.routes_customer import Ref
from relance.interfaces.api.routes_ledger import AsOf, day

router = APIRouter(responses=RESPONSES, tags=["customers"])


class SettlementOut(BaseModel):
    """Part of a payment or credit note applied to one invoice."""

    invoice: str
    amount: s.MoneyOut
    day: date


class StatementLineOut(BaseModel):
    """One movement with the running balance after it."""

    day: date
    kind: str
    reference: str
    description: str
    debit: s.MoneyOut
    credit: s.MoneyOut
    balance: s.MoneyOut
    due_date: date | None
    open_amount: s.MoneyOut | None
    days_late: int | None
    settles: list[SettlementOut]


class OverdueOut(BaseModel):
    """An invoice open and past its due date at the statement's date."""

    invoice: str
    issue_date: date
    due_date: date
    amount: s.MoneyOut
    open_amount: s.MoneyOut
    days_late: int
    interest: s.MoneyOut


class StatementOut(BaseModel):
    """The statement in one currency: the balance brought forward (on the eve of `start`),
    the movements, the closing balance (open invoices less unapplied credit), what is
    overdue, and the interest and other charges claimable beside the balance."""

    currency: str
    start: date | None
    as_of: date
    opening_balance: s.MoneyOut
    lines: list[StatementLineOut]
    total_debit: s.MoneyOut
    total_credit: s.MoneyOut
    closing_balance: s.MoneyOut
    open_invoices: s.MoneyOut
    unapplied_credit: s.MoneyOut
    overdue_amount: s.MoneyOut
    overdue: list[OverdueOut]
    interest: s.MoneyOut
    interest_to: date | None  # the opening judgment that stopped the interest, if any
    other_charges: s.MoneyOut
    problems: list[str]


class StatementsOut(BaseModel):
    """A customer's statements of account, one per currency (the creditor's first)."""

    customer: str
    name: str
    as_of: date
    statements: list[StatementOut]


PDF: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/pdf": {}},
        "description": "The statements as JSON, or as the PDF with Accept: application/pdf.",
    }
}


@router.get("/customers/{ref}/statement", response_model=StatementsOut, responses=PDF)
def statement(
    request: Request,
    user: Viewer,
    ref: Ref,
    as_of: AsOf = None,
    start: Annotated[
        date | None, Query(alias="from", description="First day (default: the first movement).")
    ] = None,
    lang: Annotated[
        str | None, Query(pattern="^(fr|en)$", description="The PDF's language.")
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Any:
    """The customer's statement of account as of a day: every movement with its running
    balance, what each payment settled, the unapplied credit, what is overdue by how many
    days, the interest claimable."""
    from relance.services.statement import (
        UnknownCustomer,
        account_statements,
        statement_document,
    )

    when = day(request, as_of)
    if start is not None and start > when:
        raise ApiProblem(422, f"the period starts ({start}) after it ends ({when})", "from")
    store = store_of(request)
    try:
        if "application/pdf" in (accept or ""):
            data, _ = statement_document(store, ref, as_of=when, start=start, language=lang)
            disposition = f'inline; filename="statement-{when.isoformat()}.pdf"'
            return Response(data, media_type="application/pdf",
                            headers={"content-disposition": disposition})  # fmt: skip
        found = account_statements(store, ref, as_of=when, start=start)
    except UnknownCustomer as exc:
        raise ApiProblem(404, str(exc), "ref") from exc
    return StatementsOut(customer=ref, name=found[0].customer_name, as_of=when,
                         statements=[_statement(x) for x in found])  # fmt: skip


def _statement(x: Statement) -> StatementOut:
    m = s.money
    return StatementOut(
        currency=x.currency, start=x.start, as_of=x.as_of, opening_balance=m(x.opening_balance),
        lines=[_line(line) for line in x.lines], total_debit=m(x.total_debit),
        total_credit=m(x.total_credit), closing_balance=m(x.closing_balance),
        open_invoices=m(x.open_invoices), unapplied_credit=m(x.unapplied_credit),
        overdue_amount=m(x.overdue_amount),
        overdue=[
            OverdueOut(invoice=o.invoice_number, issue_date=o.issue_date, due_date=o.due_date,
                       amount=m(o.amount), open_amount=m(o.open_amount),
                       days_late=o.days_late, interest=m(o.interest))
            for o in x.overdue
        ],
        interest=m(x.interest), interest_to=x.interest_to, other_charges=m(x.other_charges),
        problems=list(x.charge_problems),
    )  # fmt: skip


def _line(line: StatementLine) -> StatementLineOut:
    m = s.money
    return StatementLineOut(
        day=line.day, kind=line.kind.value, reference=line.reference,
        description=line.description, debit=m(line.debit), credit=m(line.credit),
        balance=m(line.balance), due_date=line.due_date,
        open_amount=None if line.open_amount is None else m(line.open_amount),
        days_late=line.days_late,
        settles=[SettlementOut(invoice=x.invoice_number, amount=m(x.amount), day=x.day)
                 for x in line.settles],
    )  # fmt: skip
