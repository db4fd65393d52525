"""The open invoices lettrage matches against, kept as columns of plain values.

A bank statement is matched against every open invoice: a million of them. Made as a
million `OpenItem`s, each holding an `Invoice` and its `Money`s, they cost more time to
build and more memory than the whole matching run. `OpenItems` keeps them as columns
(numbers, customers, dates, amounts in minor units) that the rules' indexes are built
from, and makes the `OpenItem` of one invoice only when a rule looks at it (a few hundred
thousand of a million in a large run), the same record every time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import overload

from relance.core.model import Invoice
from relance.core.money import Money, minor_units


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An invoice with what is still owed on it, as matching sees it."""

    invoice: Invoice
    open_amount: Money


class OpenItems(Sequence[OpenItem]):
    """Open invoices as columns, in the order they are added (oldest due date first)."""

    def __init__(self) -> None:
        self.numbers: list[str] = []
        self.customer_refs: list[str] = []
        self.issue_dates: list[date] = []
        self.due_dates: list[date] = []
        self.currencies: list[str] = []
        self.amounts: list[int] = []  # minor units, tax included
        self.taxes: list[int] = []
        self.texts: list[tuple[str, str]] = []  # subject and PDF path, most often empty
        self.owed: list[int] = []  # minor units still owed
        self._made: dict[int, OpenItem] = {}
        # False once invoices were added by `add_owed`, without what only their records hold
        self.whole = True

    def add(
        self,
        number: str,
        customer_ref: str,
        issue_date: date,
        due_date: date,
        currency: str,
        amount_minor: int,
        tax_minor: int,
        subject: str = "",
        pdf_path: str = "",
        owed_minor: int | None = None,
    ) -> None:
        """One more open invoice (owing its whole amount unless `owed_minor` is given)."""
        self.numbers.append(number)
        self.customer_refs.append(customer_ref)
        self.issue_dates.append(issue_date)
        self.due_dates.append(due_date)
        self.currencies.append(currency)
        self.amounts.append(amount_minor)
        self.taxes.append(tax_minor)
        self.texts.append((subject, pdf_path) if subject or pdf_path else _NO_TEXTS)
        self.owed.append(amount_minor if owed_minor is None else owed_minor)

    def add_owed(
        self,
        numbers: Iterable[str],
        customer_refs: Iterable[str],
        due_dates: Iterable[date],
        currencies: Iterable[str],
        owed: Iterable[int],
    ) -> None:
        """A batch of open invoices, one column at a time, with only what lettrage's rules
        read: their numbers, customers, due dates, currencies and what they still owe.

        A million invoices are read this way in a fraction of the time `add` takes, but
        no `OpenItem` can be made of them afterwards (their issue dates, amounts and texts
        were not read): `whole` tells. Matching needs the records only to grant an
        early-payment discount, so a ledger with discount terms is read with `add`."""
        self.whole = False
        self.numbers.extend(numbers)
        self.customer_refs.extend(customer_refs)
        self.due_dates.extend(due_dates)
        self.currencies.extend(currencies)
        self.owed.extend(owed)

    @classmethod
    def of(cls, items: Iterable[OpenItem]) -> OpenItems:
        """Columns of records already made (kept: the same records are given back)."""
        columns = cls()
        for k, item in enumerate(items):
            invoice = item.invoice
            columns.add(
                invoice.number, invoice.customer_ref, invoice.issue_date, invoice.due_date,
                invoice.currency, invoice.amount.to_minor(), invoice.tax.to_minor(),
                invoice.subject, invoice.pdf_path, item.open_amount.to_minor(),
            )  # fmt: skip
            columns._made[k] = item
        return columns

    def __len__(self) -> int:
        return len(self.numbers)

    @overload
    def __getitem__(self, k: int) -> OpenItem: ...

    @overload
    def __getitem__(self, k: slice) -> Sequence[OpenItem]: ...

    def __getitem__(self, k: int | slice) -> OpenItem | Sequence[OpenItem]:
        if isinstance(k, slice):
            return [self[n] for n in range(len(self))[k]]
        made = self._made.get(k)
        if made is None:
            if k < 0:
                return self[len(self) + k]
            made = self._made[k] = self._make(k)
        return made

    def _make(self, k: int) -> OpenItem:
        if not self.whole:
            raise LookupError(f"open item {k}: read without its invoice (OpenItems.add_owed)")
        currency = self.currencies[k]
        exponent = -minor_units(currency)
        total = Money.exact(Decimal(self.amounts[k]).scaleb(exponent), currency)
        subject, pdf = self.texts[k]
        invoice = Invoice(
            self.numbers[k], self.customer_refs[k], self.issue_dates[k], self.due_dates[k],
            total, Money.exact(Decimal(self.taxes[k]).scaleb(exponent), currency), subject, pdf,
        )  # fmt: skip
        owed = self.owed[k]
        if owed == self.amounts[k]:
            return OpenItem(invoice, total)
        return OpenItem(invoice, Money.exact(Decimal(owed).scaleb(exponent), currency))


_NO_TEXTS = ("", "")


def as_columns(items: Sequence[OpenItem]) -> OpenItems:
    """`items` as columns: themselves when they are, else made from the records."""
    return items if isinstance(items, OpenItems) else OpenItems.of(items)
