"""What the API reads and writes, as pydantic models (the OpenAPI contract is made from them).

Money is a decimal string with its currency (`{"amount": "1200.00", "currency": "EUR"}`),
never a float; dates are ISO 8601 (`2026-11-30`), instants ISO 8601 with their offset.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from relance.core.money import Money

DECIMAL = r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$"
Amount = Annotated[str, StringConstraints(pattern=DECIMAL), Field(examples=["1200.00"])]
PositiveAmount = Annotated[
    str, StringConstraints(pattern=r"^[0-9]{1,15}(\.[0-9]{1,6})?$"), Field(examples=["1200.00"])
]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(examples=["EUR"])]
Text = Annotated[str, StringConstraints(max_length=500)]
Key = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"),
]


def _utc(value: datetime) -> datetime:
    # SQLite hands instants back without their offset: the ledger stores them in UTC
    return value if value.tzinfo else value.replace(tzinfo=UTC)


Instant = Annotated[datetime, AfterValidator(_utc)]  # ISO 8601 with its offset, always
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]  # a record's number, as the ledger keeps it
T = TypeVar("T")


class Strict(BaseModel):
    """A request body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class MoneyOut(BaseModel):
    """An amount as a decimal string, with its currency."""

    amount: str
    currency: str


def money(value: Money) -> MoneyOut:
    """`value` as the API writes it."""
    return MoneyOut(amount=f"{value.amount:f}", currency=value.currency)


def decimal_text(text: str) -> str:
    """An API amount as an import's cell: plain, trailing zeros dropped, never read as
    thousands (`1.234` would be ambiguous to a CSV reader, `1.2340` is not: it is refused
    for a currency of two decimals)."""
    whole, _, fraction = f"{Decimal(text):f}".partition(".")
    fraction = fraction.rstrip("0")
    if len(fraction) == 3:
        fraction += "0"
    return f"{whole}.{fraction}" if fraction else whole


class Page(BaseModel, Generic[T]):
    """One page of a listing; `next_cursor` fetches the next (null on the last)."""

    items: list[T]
    next_cursor: str | None = None


class AddressOut(BaseModel):
    """A postal address."""

    lines: list[str]
    postal_code: str
    city: str
    country: str


class CustomerOut(BaseModel):
    """A customer."""

    ref: str
    name: str
    kind: str
    country: str
    language: str
    email: str
    phone: str
    address: AddressOut
    credit_limit: MoneyOut | None
    registration_id: str
    vat_number: str
    contact_name: str
    policy: str | None


class CustomerIn(Strict):
    """A customer to add (or to update, by reference), as one line of a customers file."""

    ref: Key
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    kind: Annotated[str, StringConstraints(pattern=r"^(business|consumer)$")] = "business"
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    language: Annotated[str, StringConstraints(pattern=r"^(fr|en)$")] | None = None
    email: Text = ""
    phone: Text = ""
    address: Text = ""
    postal_code: Annotated[str, StringConstraints(max_length=20)] = ""
    city: Text = ""
    registration_id: Annotated[str, StringConstraints(max_length=40)] = ""
    vat_number: Annotated[str, StringConstraints(max_length=40)] = ""
    iban: Annotated[str, StringConstraints(max_length=40)] = ""
    contact_name: Text = ""


class InvoiceOut(BaseModel):
    """An invoice with what is still owed on it as of a date."""

    number: str
    customer: str
    issue_date: date
    due_date: date
    amount: MoneyOut
    tax: MoneyOut
    subject: str
    delivery_date: date | None
    open_balance: MoneyOut
    status: str
    days_overdue: int


class InvoiceIn(Strict):
    """An invoice to add (or to update, by number), as one line of an invoices file."""

    number: Key
    customer: Key
    issue_date: date
    due_date: date
    amount: PositiveAmount
    currency: Currency | None = None
    tax: PositiveAmount | None = None
    subject: Text = ""
    delivery_date: date | None = None


class CreditNoteIn(Strict):
    """A credit note, applied to `invoice` when it names one."""

    number: Key
    customer: Key
    date: date
    amount: PositiveAmount
    currency: Currency | None = None
    invoice: Key | None = None


class PaymentIn(Strict):
    """A payment received, applied to `invoice` when it names one (else kept on account)."""

    date: date
    customer: Key
    amount: PositiveAmount
    currency: Currency | None = None
    method: Text = ""
    reference: Text = ""
    invoice: Key | None = None
    payer: Text = ""
    iban: Annotated[str, StringConstraints(max_length=40)] = ""


class Batch(Strict, Generic[T]):
    """Several records written in one transaction: all of them, or none."""

    items: Annotated[list[T], Field(min_length=1, max_length=10000)]


class ImportOut(BaseModel):
    """What writing records (or a file) did: one import, which `imports/{id}/undo` undoes."""

    import_id: int | None
    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    allocations: int
    warnings: list[str]


def plain(value: Any) -> Any:
    """A service's value as JSON data: money as decimal strings, dates as ISO 8601."""
    if isinstance(value, Money):
        return money(value).model_dump()
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value
