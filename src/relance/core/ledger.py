"""The ledger as of a date: open balances, statuses and unapplied credit, all derived.

A `Ledger` is an immutable snapshot of records; every question about it is a pure
function of the snapshot and an `as_of` date, so any past state can be replayed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from relance.core.model import (
    Allocation,
    AllocationKind,
    CreditNote,
    Customer,
    Invoice,
    InvoiceStatus,
    Payment,
)
from relance.core.money import Money, total


@dataclass(frozen=True, slots=True)
class Ledger:
    """The creditor's receivables: customers, invoices, credit notes, payments, allocations."""

    customers: tuple[Customer, ...] = ()
    invoices: tuple[Invoice, ...] = ()
    credit_notes: tuple[CreditNote, ...] = ()
    payments: tuple[Payment, ...] = ()
    allocations: tuple[Allocation, ...] = ()
    _by_invoice: Mapping[str, tuple[Allocation, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Allocation]] = defaultdict(list)
        for allocation in self.allocations:
            grouped[allocation.invoice_number].append(allocation)
        object.__setattr__(
            self, "_by_invoice", {number: tuple(items) for number, items in grouped.items()}
        )

    def allocations_of(self, invoice_number: str) -> tuple[Allocation, ...]:
        """Every allocation made to one invoice, whatever its date."""
        return self._by_invoice.get(invoice_number, ())

    def customer(self, ref: str) -> Customer:
        """The customer with reference `ref` (KeyError when unknown)."""
        for customer in self.customers:
            if customer.ref == ref:
                return customer
        raise KeyError(ref)


def allocated(invoice: Invoice, allocations: Iterable[Allocation], as_of: date) -> Money:
    """What has been applied to `invoice` on or before `as_of`."""
    return total(
        (a.amount for a in allocations if a.invoice_number == invoice.number and a.date <= as_of),
        invoice.currency,
    )


def open_balance(ledger: Ledger, invoice: Invoice, as_of: date) -> Money:
    """What is still owed on `invoice` as of `as_of` (zero before the invoice existed)."""
    if invoice.issue_date > as_of:
        return Money.zero(invoice.currency)
    return invoice.amount - allocated(invoice, ledger.allocations_of(invoice.number), as_of)


def status(ledger: Ledger, invoice: Invoice, as_of: date) -> InvoiceStatus:
    """Open, partially paid, paid or written off, as of `as_of`."""
    applied = [a for a in ledger.allocations_of(invoice.number) if a.date <= as_of]
    remaining = invoice.amount - total((a.amount for a in applied), invoice.currency)
    if remaining.amount <= 0:
        if any(a.kind is AllocationKind.WRITE_OFF for a in applied):
            return InvoiceStatus.WRITTEN_OFF
        return InvoiceStatus.PAID
    if applied:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.OPEN


def open_invoices(ledger: Ledger, as_of: date, customer_ref: str | None = None) -> list[Invoice]:
    """Invoices issued by `as_of` with something still owed, oldest due date first."""
    found = [
        invoice
        for invoice in ledger.invoices
        if (customer_ref is None or invoice.customer_ref == customer_ref)
        and open_balance(ledger, invoice, as_of).is_positive
    ]
    return sorted(found, key=lambda i: (i.due_date, i.number))


def unapplied_credit(ledger: Ledger, customer_ref: str, currency: str, as_of: date) -> Money:
    """Payments and credit notes received from a customer by `as_of` and not yet allocated.

    This money counts against what the customer is chased for.
    """
    received = total(
        (
            p.amount
            for p in ledger.payments
            if p.customer_ref == customer_ref and p.date <= as_of and p.amount.currency == currency
        ),
        currency,
    ) + total(
        (
            c.amount
            for c in ledger.credit_notes
            if c.customer_ref == customer_ref and c.date <= as_of and c.amount.currency == currency
        ),
        currency,
    )
    sources = {p.key for p in ledger.payments if p.customer_ref == customer_ref} | {
        c.number for c in ledger.credit_notes if c.customer_ref == customer_ref
    }
    used = total(
        (
            a.amount
            for a in ledger.allocations
            if a.kind in (AllocationKind.PAYMENT, AllocationKind.CREDIT_NOTE)
            and a.source in sources
            and a.date <= as_of
            and a.amount.currency == currency
        ),
        currency,
    )
    return received - used
