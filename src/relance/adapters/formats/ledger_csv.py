"""CSV files of customers, invoices, credit notes and payments, as people export them.

Headers are matched by name in English or French, in any order; the delimiter (comma,
semicolon or tab) and the encoding (UTF-8, with or without BOM, or Windows-1252) are
detected; numbers may be written `1 234,56` or `1,234.56`, dates `19/02/2018` or
`2018-02-19`. Rows are read one at a time, so a file of a million lines never sits in
memory. Every problem raises `FormatError` naming the file, line, column and reason.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from operator import itemgetter
from pathlib import Path
from typing import TextIO, TypeVar

from relance.adapters.formats import identifiers
from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.ledger_columns import MAX_HEADER_BYTES, fold, map_header
from relance.adapters.formats.ledger_columns import CsvKind as CsvKind  # re-exported
from relance.adapters.formats.ledger_customers import (
    CIVILITIES,
    KINDS,
    LANGUAGES,
    CustomerReader,
    address_lines,
    civility_key,
    tags_of,
)
from relance.adapters.formats.ledger_customers import CustomerRow as CustomerRow  # re-exported
from relance.adapters.formats.ledger_customers import (
    CustomerValues as CustomerValues,  # re-exported
)
from relance.adapters.formats.ledger_invoices import InvoiceReader
from relance.adapters.formats.ledger_invoices import InvoiceRow as InvoiceRow  # re-exported
from relance.adapters.formats.ledger_invoices import InvoiceValues as InvoiceValues  # re-exported
from relance.adapters.formats.localized import (
    detect_encoding,
    parse_date,
    parse_decimal,
    refuse_mixed_encodings,
    sniff_delimiter,
)
from relance.core.iso_codes import check_country, check_currency
from relance.core.model import (
    Address,
    Civility,
    CreditNote,
    Customer,
    Invoice,
    Payment,
)
from relance.core.money import Money, minor_units


@dataclass(frozen=True, slots=True)
class CsvLayout:
    """What was found in a file's header: which column holds which field."""

    path: Path
    kind: CsvKind
    encoding: str
    delimiter: str
    columns: dict[str, int]
    unknown: tuple[str, ...]


def parse_money(text: str, currency: str) -> Money:
    """An amount in `currency`, refusing more decimals than the currency has (never rounded)."""
    number = parse_decimal(text)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > minor_units(currency):
        raise ValueError(f"{text!r} has more decimals than {currency} allows")
    return Money(number, currency)


_currency = lru_cache(maxsize=256)(check_currency)


def open_layout(path: Path, kind: CsvKind, *, ignore_unknown: bool = False) -> CsvLayout:
    """Read the header of `path` and map its columns (raises FormatError, see
    `ledger_columns.map_header`). Only the first `MAX_HEADER_BYTES` are read for it."""
    encoding = detect_encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as handle:
            header = handle.readline(MAX_HEADER_BYTES + 1)
    except UnicodeDecodeError as exc:
        raise FormatError(path, "1", "", f"encoding: {exc.reason}") from exc
    if not header.strip():
        raise FormatError(path, "1", "", "empty file: a header line is expected")
    if len(header) > MAX_HEADER_BYTES and not header.endswith("\n"):
        raise FormatError(
            path, "1", "", f"the header line is longer than {MAX_HEADER_BYTES // 1024} KiB"
        )
    delimiter = sniff_delimiter(header)
    names = next(csv.reader([header], delimiter=delimiter))
    fit = map_header(path, kind, names, ignore_unknown=ignore_unknown)
    return CsvLayout(path, kind, encoding, delimiter, fit.columns, fit.unknown)


@dataclass(frozen=True, slots=True)
class CreditNoteRow:
    """A credit note read from a file, with its line."""

    line: int
    credit_note: CreditNote


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """A payment read from a file, with the invoice it is for, if the file names one."""

    line: int
    payment: Payment
    invoice_number: str | None


Row = CustomerRow | InvoiceRow | CreditNoteRow | PaymentRow


T = TypeVar("T")


class _Fields:
    """The cells of one row, read by field name, each error naming line and column."""

    def __init__(
        self, layout: CsvLayout, line: int, cells: list[str], texts: dict[str, str] | None = None
    ) -> None:
        self.layout, self.line, self.cells = layout, line, cells
        self.texts = texts  # every field's cell, stripped, when read at once (`_Texts`)

    def error(self, field: str, reason: str) -> FormatError:
        return FormatError(self.layout.path, str(self.line), field, reason)

    def text(self, field: str) -> str:
        if self.texts is not None:
            return self.texts.get(field, "")
        index = self.layout.columns.get(field)
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index].strip()

    def required(self, field: str) -> str:
        value = self.text(field)
        if not value:
            raise self.error(field, "is empty")
        return value

    def checked(self, field: str, check: Callable[[str], T]) -> T:
        """The cell read by `check`, its ValueError becoming this cell's FormatError.
        The raw cell is given: a line break inside it may be the mistake."""
        index = self.layout.columns.get(field)
        raw = self.cells[index] if index is not None and index < len(self.cells) else ""
        try:
            return check(raw.strip(" \t"))
        except ValueError as exc:
            raise self.error(field, str(exc)) from exc

    def date(self, field: str) -> date:
        try:
            return parse_date(self.required(field))
        except ValueError as exc:
            raise self.error(field, str(exc)) from exc

    def currency(self, default: str) -> str:
        try:
            return _currency(self.text("currency") or default)
        except ValueError as exc:
            raise self.error("currency", str(exc)) from exc

    def money(self, field: str, currency: str, required: bool = True) -> Money | None:
        value = self.required(field) if required else self.text(field)
        if not value:
            return None
        try:
            return parse_money(value, currency)
        except ValueError as exc:
            raise self.error(field, str(exc)) from exc


def _customer(f: _Fields, default_currency: str) -> Customer:
    text = f.text
    kind_text = fold(text("kind")) or "business"
    if kind_text not in KINDS:
        raise f.error("kind", f"{text('kind')!r} is neither business nor consumer")
    language_text = fold(text("language")) or "fr"
    if language_text not in LANGUAGES:
        raise f.error("language", f"{text('language')!r} is not a supported language (fr, en)")
    country = f.checked("country", lambda text: check_country(text or "FR"))
    email = ", ".join(f.checked("email", identifiers.email_addresses))
    registration = f.checked(
        "registration_id", lambda text: identifiers.registration_id(text, country)
    )
    vat = f.checked("vat_number", partial(identifiers.vat_number, country=country))
    limit = f.money("credit_limit", f.currency(default_currency), required=False)
    if limit is not None and limit.is_negative:
        raise f.error("credit_limit", "is negative")
    address, tags, iban = text("address"), text("tags"), text("iban")
    return Customer(
        ref=f.required("ref"),
        name=f.required("name"),
        kind=KINDS[kind_text],
        country=country,
        language=LANGUAGES[language_text],
        address=Address(address_lines(address), text("postal_code"), text("city"), country),
        email=email,
        phone=text("phone"),
        credit_limit=limit,
        tags=tags_of(tags),
        registration_id=registration,
        vat_number=vat,
        ibans=(iban.replace(" ", "").upper(),) if iban else (),
        contact_name=text("contact_name"),
        civility=_civility(f),
    )


def _civility(f: _Fields) -> Civility | None:
    written = f.text("civility")
    key = civility_key(written)
    if not key:
        return None
    if key not in CIVILITIES:
        raise f.error("civility", f"{written!r} is not a civility (Mme, M., Ms, Mrs, Miss, Mr)")
    return CIVILITIES[key]


def _invoice(f: _Fields, default_currency: str) -> Invoice:
    currency = f.currency(default_currency)
    amount = f.money("amount", currency)
    assert amount is not None
    tax = f.money("tax", currency, required=False) or Money.zero(currency)
    issue, due = f.date("issue_date"), f.date("due_date")
    if due < issue:
        raise f.error("due_date", f"{due.isoformat()} is before the issue date {issue.isoformat()}")
    if not amount.is_positive:
        raise f.error("amount", "an invoice's amount must be positive (import a credit note)")
    if tax.is_negative or tax > amount:
        raise f.error("tax", "must be between zero and the amount including tax")
    return Invoice(
        number=f.required("number"),
        customer_ref=f.required("customer"),
        issue_date=issue,
        due_date=due,
        amount=amount,
        tax=tax,
        subject=f.text("subject"),
        pdf_path=f.text("pdf"),
        delivery_date=f.date("delivery_date") if f.text("delivery_date") else None,
    )


def _credit_note(f: _Fields, default_currency: str) -> CreditNote:
    currency = f.currency(default_currency)
    amount = f.money("amount", currency)
    assert amount is not None
    if not amount.is_positive:
        raise f.error("amount", "a credit note's amount is written positive")
    return CreditNote(
        number=f.required("number"),
        customer_ref=f.required("customer"),
        date=f.date("date"),
        amount=amount,
        invoice_number=f.text("invoice") or None,
    )


def _payment(f: _Fields, default_currency: str, seen: dict[str, int]) -> PaymentRow:
    currency = f.currency(default_currency)
    amount = f.money("amount", currency)
    assert amount is not None
    if not amount.is_positive:
        raise f.error("amount", "a payment received is positive")
    when = f.date("date")
    customer = f.required("customer")
    invoice = f.text("invoice") or None
    reference = f.text("reference")
    # Payments in a CSV have no id: the key is a digest of what identifies the money received
    # (day, customer, amount), with a counter so that two identical payments on the same day
    # stay two payments. The label and the invoice column are left out: a later export that
    # fills them in describes the same payment, which must not be credited twice.
    identity = "|".join([when.isoformat(), customer, str(amount)])
    digest = hashlib.sha256(identity.encode()).hexdigest()[:20]
    seen[digest] = seen.get(digest, 0) + 1
    payment = Payment(
        key=f"csv:{digest}:{seen[digest]}",
        date=when,
        amount=amount,
        customer_ref=customer,
        method=f.text("method"),
        reference=reference,
        payer=f.text("payer"),
        payer_iban=f.text("iban").replace(" ", "").upper(),
    )
    return PaymentRow(f.line, payment, invoice)


def read_rows(layout: CsvLayout, default_currency: str) -> Iterator[Row]:
    """Every data row of the file as a record with its line number (raises FormatError)."""
    seen: dict[str, int] = {}
    with layout.path.open(encoding=layout.encoding, newline="") as handle:
        yield from _rows(layout, handle, default_currency, seen)


class _Texts:
    """Every mapped field's cell of a row, stripped, read at once: a customer row asks for
    each field, and looking each one up costs more than reading them all."""

    def __init__(self, columns: dict[str, int]) -> None:
        self.names = tuple(columns)
        self.cells_of = itemgetter(*columns.values())
        self.width = max(columns.values()) + 1

    def __call__(self, cells: list[str]) -> dict[str, str] | None:
        """The texts by field; None for a row too short (read field by field then)."""
        if len(cells) < self.width:
            return None
        found = self.cells_of(cells)
        if len(self.names) == 1:
            found = (found,)
        return dict(zip(self.names, map(str.strip, found), strict=True))


def _row_reader(
    layout: CsvLayout, default_currency: str, seen: dict[str, int]
) -> Callable[[int, list[str]], Row]:
    """What reads one row of the file's kind (its line, its cells)."""

    texts = _Texts(layout.columns)

    def read(line: int, cells: list[str]) -> Row:
        fields = _Fields(layout, line, cells, texts(cells))
        if layout.kind is CsvKind.CREDIT_NOTES:
            return CreditNoteRow(line, _credit_note(fields, default_currency))
        return _payment(fields, default_currency, seen)

    def full_customer(line: int, cells: list[str]) -> Customer:
        return _customer(_Fields(layout, line, cells, texts(cells)), default_currency)

    if layout.kind is CsvKind.CUSTOMERS:  # read the short way, as invoices are
        return CustomerReader(layout.columns, default_currency, full_customer)
    if layout.kind is CsvKind.INVOICES:  # most rows people import: read the short way
        return InvoiceReader(
            layout.columns,
            default_currency,
            lambda line, cells: _invoice(_Fields(layout, line, cells), default_currency),
        )
    return read


def _rows(
    layout: CsvLayout, handle: TextIO, default_currency: str, seen: dict[str, int]
) -> Iterator[Row]:
    reader = csv.reader(handle, delimiter=layout.delimiter, strict=True)
    read_row = _row_reader(layout, default_currency, seen)
    line = 1
    try:
        next(reader)  # the header
        read = reader.line_num
        for cells in reader:
            # a row is named by the line it starts on: a cell may hold line breaks, and
            # then the row took more than one line
            line = reader.line_num
            spanned, read = line - read, line
            if spanned > 1:
                line -= sum(cell.count("\n") for cell in cells)
            if not (cells and cells[0].strip()) and not "".join(cells).strip():
                continue  # a blank row (the first cell is most often enough to tell)
            yield read_row(line, cells)
    except UnicodeDecodeError as exc:
        refuse_mixed_encodings(layout.path)  # names the line where the encoding changes
        raise FormatError(
            layout.path, str(line + 1), "", f"not valid {layout.encoding} text ({exc.reason})"
        ) from exc
    except csv.Error as exc:
        raise FormatError(layout.path, str(reader.line_num), "", f"malformed CSV: {exc}") from exc


def row_problems(layout: CsvLayout, default_currency: str, limit: int = 100) -> list[FormatError]:
    """Every row the reader refuses (the first `limit`), each naming its line and column:
    what a dry run lists, so that a file is corrected in one go rather than error by error.
    A file that stops being readable as CSV (its encoding, a broken quote) ends the list
    there: the import's own error names that place."""
    read_row = _row_reader(layout, default_currency, {})
    found: list[FormatError] = []
    with layout.path.open(encoding=layout.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=layout.delimiter, strict=True)
        try:
            next(reader)  # the header
            for cells in reader:
                if not "".join(cells).strip():
                    continue
                line = reader.line_num - sum(cell.count("\n") for cell in cells)
                try:
                    read_row(line, cells)
                except FormatError as refused:
                    found.append(refused)
                    if len(found) >= limit:
                        break
        except (UnicodeDecodeError, csv.Error, StopIteration):
            pass
    return found
