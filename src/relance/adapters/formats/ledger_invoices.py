"""Invoices read from a ledger CSV as plain values: a million rows at the cost of tuples.

A file of invoices is most of what people import: each row becomes an `InvoiceValues`
(figures in minor units, the customer by reference), not an `Invoice` holding two `Money`
objects; the record is built only when the ledger already holds that number and the two
must be compared. The common cells (`F0001`, `1234,56`, `19/02/2026`) are read by a short
path; any row it does not take as it is goes through the full reader of `ledger_csv`,
which raises the same `FormatError` (file, line, field, reason) as always, so both paths
accept and refuse exactly the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from operator import itemgetter
from typing import NamedTuple

from relance.adapters.formats.localized import parse_date
from relance.core.iso_codes import check_currency
from relance.core.model import Invoice
from relance.core.money import Money, minor_units


class InvoiceValues(NamedTuple):
    """An invoice as a file gives it, amounts in minor units of its currency."""

    number: str
    customer_ref: str
    issue_date: date
    due_date: date
    currency: str
    amount_minor: int
    tax_minor: int
    subject: str
    pdf_path: str
    delivery_date: date | None

    @property
    def amount(self) -> Money:
        """The amount including tax."""
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def tax(self) -> Money:
        """The tax part of the amount."""
        return Money.from_minor(self.tax_minor, self.currency)

    def invoice(self) -> Invoice:
        """The invoice as the core knows it."""
        return Invoice(
            number=self.number,
            customer_ref=self.customer_ref,
            issue_date=self.issue_date,
            due_date=self.due_date,
            amount=self.amount,
            tax=self.tax,
            subject=self.subject,
            pdf_path=self.pdf_path,
            delivery_date=self.delivery_date,
        )

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceValues:
        """The values of an invoice the full reader made."""
        return cls(
            invoice.number, invoice.customer_ref, invoice.issue_date, invoice.due_date,
            invoice.currency, invoice.amount.to_minor(), invoice.tax.to_minor(),
            invoice.subject, invoice.pdf_path, invoice.delivery_date,
        )  # fmt: skip


class InvoiceRow(NamedTuple):
    """An invoice read from a file, with its line and, for a deposit invoice (acompte), the
    number of the final invoice it is a deposit on (`deposit_for`, else "")."""

    line: int
    invoice: InvoiceValues
    deposit_for: str = ""


# Digits with at most one decimal mark: what an export writes (`1234,56`, `12.5`). Grouped
# thousands, signs and spaces are left to the full reader, and so are three decimals, which
# it may refuse as ambiguous (`1,234`).
_SIMPLE = re.compile(r"(\d{1,12})(?:[.,](\d{1,2}))?")
_CENTS = re.compile(r"(\d{1,12})[.,](\d\d)")  # the same, with two decimals

# A named tuple made from its values at once, without the call of its generated `__new__`
# (a million rows are read).
_new = tuple.__new__

# The columns an invoice row reads, in the order of `InvoiceValues` where they appear there.
_FIELDS = ("number", "customer", "issue_date", "due_date", "currency", "amount", "tax",
           "subject", "pdf", "delivery_date")  # fmt: skip


class InvoiceReader:
    """Reads invoice rows of one file; `full` is the reader that names every mistake."""

    def __init__(
        self,
        columns: dict[str, int],
        default_currency: str,
        full: Callable[[int, list[str]], Invoice],
    ) -> None:
        places = [columns.get(name) for name in _FIELDS]
        present = [place for place in places if place is not None]
        self.width = max(present) + 1
        # every field's cell at once; a column the file lacks reads the empty cell that
        # `_short` appends to the row (index -1)
        self.cells_of = itemgetter(*(-1 if place is None else place for place in places))
        self.default_currency = default_currency
        self.full = full
        self.deposit_place = columns.get("deposit_for")
        self.days: dict[str, date] = {}  # a year of due dates covers a million rows
        self.currencies: dict[str, tuple[str, int]] = {}  # as written: code, minor units

    def __call__(self, line: int, cells: list[str]) -> InvoiceRow:
        """The invoice of one row (FormatError, from the full reader, when it is wrong)."""
        values = self._short(cells)
        if values is None:
            values = InvoiceValues.of(self.full(line, cells))
        place = self.deposit_place
        deposit = cells[place].strip() if place is not None and place < len(cells) else ""
        return _new(InvoiceRow, (line, values, deposit))

    def _short(self, cells: list[str]) -> InvoiceValues | None:
        """The row's values when every cell is plainly right; None to leave it to `full`."""
        if len(cells) < self.width:
            return None
        number, customer, issued, due, currency, amount, tax, subject, pdf, delivered = map(
            str.strip, self.cells_of([*cells, ""])
        )
        known = self.currencies.get(currency or self.default_currency) or self._currency(
            currency or self.default_currency
        )
        if not (number and customer and known):
            return None
        code, units = known
        amount_minor = _minor(amount, units)
        tax_minor = _minor(tax, units) if tax else 0
        days = self.days
        issue_date = days.get(issued) or self._day(issued)
        due_date = days.get(due) or self._day(due)
        delivery_date = (days.get(delivered) or self._day(delivered)) if delivered else None
        if (
            amount_minor is None or amount_minor <= 0
            or tax_minor is None or not 0 <= tax_minor <= amount_minor
            or issue_date is None or due_date is None or due_date < issue_date
            or (delivered and delivery_date is None)
        ):  # fmt: skip
            return None
        return _new(InvoiceValues, (
            number, customer, issue_date, due_date, code, amount_minor, tax_minor, subject, pdf,
            delivery_date,
        ))  # fmt: skip

    def _currency(self, written: str) -> tuple[str, int] | None:
        try:
            code = check_currency(written)
        except ValueError:
            return None
        self.currencies[written] = known = (code, minor_units(code))
        return known

    def _day(self, text: str) -> date | None:
        try:
            day = parse_date(text)
        except ValueError:
            return None
        self.days[text] = day
        return day


def _minor(text: str, units: int) -> int | None:
    """`text` in minor units when written plainly with no more decimals than `units`."""
    if units == 2 and (cents := _CENTS.fullmatch(text)) is not None:
        return int(cents[1] + cents[2])  # the common `1234,56`
    match = _SIMPLE.fullmatch(text)
    if match is None:
        return None
    whole, fraction = match.groups()
    scale: int = 10**units
    if fraction is None:
        return int(whole) * scale
    if len(fraction) > units:
        return None
    padded: int = int(fraction) * 10 ** (units - len(fraction))
    return int(whole) * scale + padded
