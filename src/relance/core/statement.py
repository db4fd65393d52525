"""The statement of account (relevé de compte) of one customer in one currency: the
opening balance, every movement with its running balance, what the payments settled,
the unapplied credit, what is overdue and by how many days, and the interest claimable
(docs/statement.md).

The balance is what the customer owes net: invoices add to it; payments, credit notes,
discounts, write-offs and deposit deductions take from it. So the closing balance is the
open invoices less the unapplied credit, the same sum the ledger derives
(`relance.core.ledger`). A payment applied to an invoice is one credit on the day it was
received; the invoices it settled are listed on its line, not as lines of their own
(that would count it twice). A discount, a write-off or a deposit deduction has no
document of its own: it is a line on its allocation's day.

A customer billed in several currencies has one statement per currency: amounts in
different currencies are never added (`statement_currencies` says which, and in what
order). Everything here is a pure function of records and dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from relance.core.charges import ChargeKind, Charges
from relance.core.ledger import Ledger, open_balance
from relance.core.model import Address, Allocation, AllocationKind, Customer, Invoice
from relance.core.money import Money, total


class LineKind(StrEnum):
    """What a statement line is, in the order lines of one day are listed."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    DISCOUNT = "discount"  # an early-payment discount granted
    WRITE_OFF = "write_off"
    DEPOSIT = "deposit"  # a deposit invoice deducted on its final invoice
    ALLOCATION = "allocation"  # money received on another account applied here


_ORDER = {kind: index for index, kind in enumerate(LineKind)}
_ALLOCATION_LINES = {
    AllocationKind.DISCOUNT: LineKind.DISCOUNT,
    AllocationKind.WRITE_OFF: LineKind.WRITE_OFF,
    AllocationKind.DEPOSIT: LineKind.DEPOSIT,
}


@dataclass(frozen=True, slots=True)
class Settlement:
    """Part of a payment or credit note applied to one invoice on `day`."""

    invoice_number: str
    amount: Money
    day: date


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One movement. `debit` adds to what the customer owes, `credit` takes from it;
    `balance` is the running balance after it. An invoice carries its due date, what is
    still open on it at the statement's date and, when overdue then, the days late; a
    payment or credit note carries the invoices it settled (`settles`)."""

    day: date
    kind: LineKind
    reference: str
    description: str
    debit: Money
    credit: Money
    balance: Money
    due_date: date | None = None
    open_amount: Money | None = None
    days_late: int | None = None
    settles: tuple[Settlement, ...] = ()


@dataclass(frozen=True, slots=True)
class OverdueLine:
    """An invoice open and past its due date at the statement's date."""

    invoice_number: str
    issue_date: date
    due_date: date
    amount: Money
    open_amount: Money
    days_late: int
    interest: Money  # late interest claimable on it at the statement's date


@dataclass(frozen=True, slots=True)
class Statement:
    """A customer's statement of account in one currency, from `start` (None: from the
    first movement) to `as_of`, both days included.

    `closing_balance` = `opening_balance` + debits - credits = open invoices -
    `unapplied_credit`. `interest` and `other_charges` (fixed indemnities, contractual
    fees) are claimable on top of the balance and never included in it; `charge_problems`
    says what stopped any of them (a missing rate, a consumer's debt).
    """

    customer_ref: str
    customer_name: str
    customer_address: Address
    currency: str
    start: date | None
    as_of: date
    opening_balance: Money
    lines: tuple[StatementLine, ...]
    closing_balance: Money
    open_invoices: Money
    unapplied_credit: Money
    overdue_amount: Money
    overdue: tuple[OverdueLine, ...]
    interest: Money
    other_charges: Money
    charge_problems: tuple[str, ...] = ()
    # the day the interest is counted to when it is before `as_of`: the opening judgment
    # of insolvency proceedings, which stops interest (C. com. L622-28)
    interest_to: date | None = None

    @property
    def total_debit(self) -> Money:
        """The debits of the period."""
        return total((line.debit for line in self.lines), self.currency)

    @property
    def total_credit(self) -> Money:
        """The credits of the period."""
        return total((line.credit for line in self.lines), self.currency)

    @property
    def not_yet_due(self) -> Money:
        """What is open on invoices whose due date has not passed."""
        return self.open_invoices - self.overdue_amount

    @property
    def opening_day(self) -> date | None:
        """The day the opening balance is taken on (the eve of `start`)."""
        return None if self.start is None else self.start - timedelta(days=1)


def statement_currencies(ledger: Ledger, customer_ref: str, preferred: str) -> tuple[str, ...]:
    """The currencies a customer has movements in, `preferred` (the creditor's) first and
    the others alphabetically; just `preferred` when it has none."""
    found = {i.currency for i in ledger.invoices if i.customer_ref == customer_ref}
    found |= {c.amount.currency for c in ledger.credit_notes if c.customer_ref == customer_ref}
    found |= {p.amount.currency for p in ledger.payments if p.customer_ref == customer_ref}
    rest = sorted(found - {preferred})
    return (preferred, *rest) if preferred in found or not rest else tuple(rest)


def build_statement(
    ledger: Ledger,
    customer: Customer,
    currency: str,
    as_of: date,
    start: date | None = None,
    charges: Sequence[Charges] = (),
    interest_to: date | None = None,
) -> Statement:
    """The statement of `customer` in `currency` from `start` to `as_of`.

    `ledger` holds the customer's invoices, its credit notes and payments, and every
    allocation to its invoices or from its payments and credit notes; `charges` are
    its claims as of `as_of` (`relance.core.charges.customer_charges`), or as of
    `interest_to` when the interest stops earlier (an opening judgment). Movements after
    `as_of` are left out; those before `start` make the opening balance.
    """
    if start is not None and start > as_of:
        raise ValueError(f"the period starts ({start}) after it ends ({as_of})")
    zero = Money.zero(currency)
    raw = [m for m in _movements(ledger, customer.ref, currency, as_of) if m[0] <= as_of]
    raw.sort(key=lambda m: (m[0], _ORDER[m[1]], m[2]))
    before = [m for m in raw if start is not None and m[0] < start]
    opening = total((m[4] for m in before), currency) - total((m[5] for m in before), currency)
    balance, lines = opening, []
    for day, kind, reference, description, debit, credit, extra in raw[len(before) :]:
        balance = balance + debit - credit
        lines.append(_line(ledger, day, kind, reference, description, debit, credit, balance,
                           extra, as_of))  # fmt: skip
    overdue = _overdue(ledger, customer.ref, currency, as_of, charges)
    open_total = total(
        (open_balance(ledger, i, as_of) for i in ledger.invoices
         if i.customer_ref == customer.ref and i.currency == currency),
        currency,
    )  # fmt: skip
    interest, other, problems = _claimable(charges, currency)
    return Statement(
        customer.ref, customer.name, customer.address, currency, start, as_of, opening,
        tuple(lines), balance, open_total, open_total - balance,
        total((o.open_amount for o in overdue), currency) if overdue else zero,
        overdue, interest, other, problems, interest_to,
    )  # fmt: skip


# A movement before it has its running balance: day, kind, reference, description,
# debit, credit, and its settlements (payments, credit notes) or due date (invoices).
_Movement = tuple[date, LineKind, str, str, Money, Money, object]


def _movements(ledger: Ledger, ref: str, currency: str, as_of: date) -> list[_Movement]:
    zero = Money.zero(currency)
    found: list[_Movement] = []
    for invoice in ledger.invoices:
        if invoice.customer_ref == ref and invoice.currency == currency:
            found.append((invoice.issue_date, LineKind.INVOICE, invoice.number,
                          invoice.subject, invoice.amount, zero, invoice))  # fmt: skip
    own_invoices = {i.number for i in ledger.invoices if i.customer_ref == ref}
    sources: dict[str, list[Allocation]] = {}
    for allocation in ledger.allocations:
        if allocation.date <= as_of and allocation.amount.currency == currency:
            sources.setdefault(allocation.source, []).append(allocation)
    known: set[str] = set()
    for note in ledger.credit_notes:
        if note.customer_ref == ref and note.amount.currency == currency:
            known.add(note.number)
            applied = _settled(sources.get(note.number, ()), AllocationKind.CREDIT_NOTE)
            found.append((note.date, LineKind.CREDIT_NOTE, note.number, note.invoice_number
                          or "", zero, note.amount, applied))  # fmt: skip
    for payment in ledger.payments:
        if payment.customer_ref == ref and payment.amount.currency == currency:
            known.add(payment.key)
            applied = _settled(sources.get(payment.key, ()), AllocationKind.PAYMENT)
            label = payment.reference or payment.method
            found.append((payment.date, LineKind.PAYMENT, payment.key, label, zero,
                          payment.amount, applied))  # fmt: skip
    found += _allocation_movements(ledger.allocations, own_invoices, known, currency, as_of)
    return found


def _settled(allocations: Iterable[Allocation], kind: AllocationKind) -> tuple[Settlement, ...]:
    chosen = [a for a in allocations if a.kind is kind]
    return tuple(
        Settlement(a.invoice_number, a.amount, a.date)
        for a in sorted(chosen, key=lambda a: (a.date, a.invoice_number))
    )


def _allocation_movements(
    allocations: Iterable[Allocation],
    own_invoices: set[str],
    known_sources: set[str],
    currency: str,
    as_of: date,
) -> list[_Movement]:
    """Discounts, write-offs and deposit deductions on the customer's invoices, and money
    received on another account applied to them (credits); the customer's own money
    applied to another account's invoice is a debit, so the balance stays what it owes."""
    zero = Money.zero(currency)
    found: list[_Movement] = []
    for a in allocations:
        if a.date > as_of or a.amount.currency != currency:
            continue
        mine = a.invoice_number in own_invoices
        if a.kind in _ALLOCATION_LINES and mine:
            found.append((a.date, _ALLOCATION_LINES[a.kind], a.invoice_number, a.source,
                          zero, a.amount, None))  # fmt: skip
        elif a.kind in (AllocationKind.PAYMENT, AllocationKind.CREDIT_NOTE):
            if mine and a.source not in known_sources:
                found.append((a.date, LineKind.ALLOCATION, a.invoice_number, a.source,
                              zero, a.amount, None))  # fmt: skip
            elif not mine and a.source in known_sources:
                found.append((a.date, LineKind.ALLOCATION, a.invoice_number, a.source,
                              a.amount, zero, None))  # fmt: skip
    return found


def _line(
    ledger: Ledger,
    day: date,
    kind: LineKind,
    reference: str,
    description: str,
    debit: Money,
    credit: Money,
    balance: Money,
    extra: object,
    as_of: date,
) -> StatementLine:
    if isinstance(extra, Invoice):
        still = open_balance(ledger, extra, as_of)
        late = (as_of - extra.due_date).days if still.is_positive else 0
        return StatementLine(day, kind, reference, description, debit, credit, balance,
                             extra.due_date, still, late if late > 0 else None)  # fmt: skip
    settles = extra if isinstance(extra, tuple) else ()
    return StatementLine(day, kind, reference, description, debit, credit, balance,
                         settles=settles)  # fmt: skip


def _overdue(
    ledger: Ledger, ref: str, currency: str, as_of: date, charges: Sequence[Charges]
) -> tuple[OverdueLine, ...]:
    interest = {
        c.invoice_number: total(
            (i.amount for i in c.items
             if i.kind is ChargeKind.INTEREST and i.amount.currency == currency),
            currency,
        )
        for c in charges
    }  # fmt: skip
    found = []
    for invoice in sorted(ledger.invoices, key=lambda i: (i.due_date, i.number)):
        if invoice.customer_ref != ref or invoice.currency != currency:
            continue
        still = open_balance(ledger, invoice, as_of)
        if still.is_positive and invoice.due_date < as_of:
            found.append(OverdueLine(
                invoice.number, invoice.issue_date, invoice.due_date, invoice.amount, still,
                (as_of - invoice.due_date).days,
                interest.get(invoice.number, Money.zero(currency)),
            ))  # fmt: skip
    return tuple(found)


def _claimable(charges: Sequence[Charges], currency: str) -> tuple[Money, Money, tuple[str, ...]]:
    """Interest and the other charges in `currency` on every late invoice (paid late or
    still open), and the problems that held any back."""
    items = [i for c in charges if c.currency == currency for i in c.items]
    items = [i for i in items if i.amount.currency == currency]
    interest = total((i.amount for i in items if i.kind is ChargeKind.INTEREST), currency)
    other = total((i.amount for i in items if i.kind is not ChargeKind.INTEREST), currency)
    problems = tuple(dict.fromkeys(p for c in charges if c.currency == currency
                                   for p in c.problems))  # fmt: skip
    return interest, other, problems
