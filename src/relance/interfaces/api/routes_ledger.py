"""The ledger: customers, invoices, credit notes, payments, the aged balance.

Writes go through the import of records (`services/record_import.py`): one transaction, the
same checks as a file, listed in `imports` and undone there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.ledger_columns import CsvKind
from relance.core.aging import Buckets
from relance.core.model import Customer
from relance.interfaces.api import schemas as s
from relance.interfaces.api.auth import Manager, Viewer, store_of
from relance.interfaces.api.pagination import Cursor, Limit, decode, encode
from relance.interfaces.api.problems import RESPONSES, ApiProblem
from relance.services import ledger_pages, record_import, reports

router = APIRouter(responses=RESPONSES)
AsOf = Annotated[date | None, Query(description="The day balances are computed for (today).")]


def day(request: Request, as_of: date | None) -> date:
    """`as_of`, or the server's business day."""
    return as_of or request.app.state.today()


def customer_out(customer: Customer) -> s.CustomerOut:
    """A customer as the API writes it."""
    address = customer.address
    return s.CustomerOut(
        ref=customer.ref, name=customer.name, kind=customer.kind.value,
        country=customer.country, language=customer.language, email=customer.email,
        phone=customer.phone,
        address=s.AddressOut(
            lines=list(address.lines), postal_code=address.postal_code, city=address.city,
            country=address.country,
        ),
        credit_limit=s.money(customer.credit_limit) if customer.credit_limit else None,
        registration_id=customer.registration_id, vat_number=customer.vat_number,
        contact_name=customer.contact_name, policy=customer.policy,
    )  # fmt: skip


def invoice_out(line: reports.InvoiceLine) -> s.InvoiceOut:
    """An invoice line as the API writes it."""
    invoice = line.invoice
    return s.InvoiceOut(
        number=invoice.number, customer=invoice.customer_ref, issue_date=invoice.issue_date,
        due_date=invoice.due_date, amount=s.money(invoice.amount), tax=s.money(invoice.tax),
        subject=invoice.subject, delivery_date=invoice.delivery_date,
        open_balance=s.money(line.open_balance), status=line.status.value,
        days_overdue=line.days_overdue,
    )  # fmt: skip


def _after(cursor: str | None) -> str | None:
    """The key a listing's cursor holds (a reference, a number)."""
    if cursor is None:
        return None
    key = decode(cursor)
    if len(key) != 1 or not isinstance(key[0], str):
        raise ApiProblem(422, "not a cursor this API gave", "cursor")
    return key[0]


@router.get("/customers", tags=["ledger"])
def list_customers(
    request: Request, user: Viewer, limit: Limit = 50, cursor: Cursor = None
) -> s.Page[s.CustomerOut]:
    """The customers, by reference."""
    found, more = ledger_pages.customer_page(store_of(request), _after(cursor), limit)
    following = encode([found[-1].ref]) if more and found else None
    return s.Page(items=[customer_out(c) for c in found], next_cursor=following)


@router.get("/customers/{ref}", tags=["ledger"])
def get_customer(request: Request, user: Viewer, ref: str) -> s.CustomerOut:
    """One customer."""
    found = ledger_pages.customer(store_of(request), ref)
    if found is None:
        raise ApiProblem(404, f"unknown customer {ref!r}", "ref")
    return customer_out(found)


@router.get("/invoices", tags=["ledger"])
def list_invoices(
    request: Request,
    user: Viewer,
    customer: Annotated[str | None, Query(description="Only this customer's invoices.")] = None,
    open: Annotated[bool, Query(description="Only invoices still owed.")] = False,
    as_of: AsOf = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> s.Page[s.InvoiceOut]:
    """Invoices issued by a day with their open balance, status and days overdue, by number."""
    lines, more = ledger_pages.invoice_page(
        store_of(request), day(request, as_of), _after(cursor), limit, customer_ref=customer,
        only_open=open,
    )  # fmt: skip
    following = encode([lines[-1].invoice.number]) if more and lines else None
    return s.Page(items=[invoice_out(line) for line in lines], next_cursor=following)


@router.get("/invoices/{number}", tags=["ledger"])
def get_invoice(request: Request, user: Viewer, number: str, as_of: AsOf = None) -> s.InvoiceOut:
    """One invoice with its open balance as of a day."""
    found = ledger_pages.invoice_line(store_of(request), number, day(request, as_of))
    if found is None:
        raise ApiProblem(404, f"unknown invoice {number!r}", "number")
    return invoice_out(found)


def _cells(record: BaseModel) -> dict[str, str]:
    """A record's fields as a file's cells (amounts plain, dates ISO, absent ones empty)."""
    cells: dict[str, str] = {}
    for name, value in record.model_dump().items():
        if value is None or value == "":
            continue
        text = value.isoformat() if isinstance(value, date) else str(value)
        cells[name] = s.decimal_text(text) if name in ("amount", "tax") else text
    return cells


def write_records(
    request: Request, user: Any, kind: CsvKind, records: Sequence[BaseModel], one: bool
) -> s.ImportOut:
    """Import `records` as one import; a record refused names its field (`items[2].amount`,
    or `amount` for a single record)."""
    rows: list[Mapping[str, str]] = [_cells(r) for r in records]
    source = f"api-{kind.value}"
    try:
        report = record_import.import_records(
            store_of(request), kind, rows, source=source, actor=user.email
        )
    except FormatError as exc:
        index = int(exc.location) - 2 if exc.location.isdigit() else None
        where = "" if index is None or one else f"items[{index}]."
        exc.api_field = f"{where}{exc.field}" if exc.field else None  # type: ignore[attr-defined]
        exc.api_where = "" if one or index is None else f"item {index}"  # type: ignore[attr-defined]
        raise
    return s.ImportOut(
        import_id=report.import_id, kind=report.kind, rows=report.rows, created=report.created,
        updated=report.updated, unchanged=report.unchanged, allocations=report.allocations,
        warnings=report.warnings,
    )  # fmt: skip


@router.post("/customers", status_code=201, tags=["ledger"])
def create_customer(request: Request, user: Manager, body: s.CustomerIn) -> s.ImportOut:
    """Add a customer (or update it, by reference)."""
    return write_records(request, user, CsvKind.CUSTOMERS, [body], True)


@router.post("/customers/batch", status_code=201, tags=["ledger"])
def create_customers(request: Request, user: Manager, body: s.Batch[s.CustomerIn]) -> s.ImportOut:
    """Add or update several customers: all of them, or none."""
    return write_records(request, user, CsvKind.CUSTOMERS, body.items, False)


@router.post("/invoices", status_code=201, tags=["ledger"])
def create_invoice(request: Request, user: Manager, body: s.InvoiceIn) -> s.ImportOut:
    """Add an invoice (or update it, by number, as a file imported again would)."""
    return write_records(request, user, CsvKind.INVOICES, [body], True)


@router.post("/invoices/batch", status_code=201, tags=["ledger"])
def create_invoices(request: Request, user: Manager, body: s.Batch[s.InvoiceIn]) -> s.ImportOut:
    """Add or update several invoices: all of them, or none."""
    return write_records(request, user, CsvKind.INVOICES, body.items, False)


@router.post("/credit-notes", status_code=201, tags=["ledger"])
def create_credit_note(request: Request, user: Manager, body: s.CreditNoteIn) -> s.ImportOut:
    """Add a credit note, applied to the invoice it names."""
    return write_records(request, user, CsvKind.CREDIT_NOTES, [body], True)


@router.post("/payments", status_code=201, tags=["ledger"])
def create_payment(request: Request, user: Manager, body: s.PaymentIn) -> s.ImportOut:
    """Record a payment, applied to the invoice it names (else kept on account)."""
    return write_records(request, user, CsvKind.PAYMENTS, [body], True)


@router.post("/payments/batch", status_code=201, tags=["ledger"])
def create_payments(request: Request, user: Manager, body: s.Batch[s.PaymentIn]) -> s.ImportOut:
    """Record several payments: all of them, or none."""
    return write_records(request, user, CsvKind.PAYMENTS, body.items, False)


class AgingOut(BaseModel):
    """The aged balance: one table per currency, a row per customer, totals last."""

    as_of: date
    buckets: list[str]
    currencies: list[dict[str, Any]]


@router.get("/aging", tags=["reports"])
def aging(
    request: Request,
    user: Viewer,
    as_of: AsOf = None,
    buckets: Annotated[
        str, Query(pattern=r"^[0-9]{1,4}(,[0-9]{1,4}){0,11}$", description="Upper bounds.")
    ] = "30,60,90,120",
) -> AgingOut:
    """The aged balance (balance âgée) as of a day, by days past due."""
    try:
        chosen = Buckets.parse(buckets)
    except ValueError as exc:
        raise ApiProblem(422, str(exc), "buckets") from exc
    report = reports.aging_report(store_of(request), day(request, as_of), chosen)
    labels = list(report.buckets.labels())
    tables = [
        {
            "currency": table.currency,
            "customers": [
                {"customer": row.customer_ref, "name": row.customer_name,
                 "amounts": dict(zip(labels, map(s.plain, row.amounts), strict=True)),
                 "total": s.plain(row.total)}
                for row in table.rows
            ],
            "totals": dict(zip(labels, map(s.plain, table.totals), strict=True)),
            "total": s.plain(table.total),
        }
        for table in report.tables
    ]  # fmt: skip
    return AgingOut(as_of=report.as_of, buckets=labels, currencies=tables)
