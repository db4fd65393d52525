"""Write-off: the decision that an invoice is a bad debt, and its accounting entry.

A debt is written off (passage en perte) once the loss is definite: the debtor's judicial
liquidation closed for lack of assets, enforcement failed, the claim is time-barred, or
recovery would cost more than it brings. The entry, in the French chart of accounts (PCG):

    debit  654    loss on irrecoverable receivables   the open balance excluding VAT
    debit  44571  VAT collected                        the VAT recovered on it (CGI art. 272)
    credit 411    customer                             the open balance including VAT

The VAT part is recovered only where it was declared on the invoice (VAT on debits, or
goods); for services taxed on receipts, nothing was declared on the unpaid part, so the
whole balance goes to 654 (`vat_recoverable=False`). The VAT share of a partly paid
invoice is the invoice's own share (tax / amount), rounded half-up.

A write-off also gives an `Allocation` of kind WRITE_OFF, so the ledger shows the invoice
as written off, and the decision stays in the log with its reason and date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from relance.core.model import Allocation, AllocationKind, Customer, Invoice
from relance.core.money import Money


class WriteOffReason(StrEnum):
    """Why a debt is held lost."""

    INSOLVENCY = "insolvency"  # judicial liquidation closed for lack of assets
    ENFORCEMENT_FAILED = "enforcement_failed"  # certificate of irrecoverability
    TIME_BARRED = "time_barred"
    UNECONOMIC = "uneconomic"  # recovery would cost more than it brings
    OTHER = "other"


class HandoffStatus(StrEnum):
    """Where a claim stands with a collection agency: sent (`with_agency`), in progress,
    partly recovered, recovered, or returned (the agency gave up: chased in house again,
    or a write-off candidate)."""

    IN_HOUSE = "in_house"
    WITH_AGENCY = "with_agency"
    IN_PROGRESS = "in_progress"
    PARTLY_RECOVERED = "partly_recovered"
    RETURNED_BY_AGENCY = "returned_by_agency"
    RECOVERED_BY_AGENCY = "recovered_by_agency"

    @property
    def at_agency(self) -> bool:
        """True while the agency holds the claim (the daily run leaves it alone)."""
        return self in AT_AGENCY


AT_AGENCY = frozenset(
    {HandoffStatus.WITH_AGENCY, HandoffStatus.IN_PROGRESS, HandoffStatus.PARTLY_RECOVERED}
)


@dataclass(frozen=True, slots=True)
class AgencyHandoff:
    """A claim handed to (or back from) a collection agency on a date."""

    invoice_number: str
    agency: str
    date: date
    status: HandoffStatus
    note: str = ""


def handoff_status(
    invoice_number: str, handoffs: tuple[AgencyHandoff, ...], as_of: date
) -> HandoffStatus:
    """The latest agency status of an invoice's claim on `as_of` (in house when none)."""
    known = [h for h in handoffs if h.invoice_number == invoice_number and h.date <= as_of]
    if not known:
        return HandoffStatus.IN_HOUSE
    return max(known, key=lambda h: h.date).status


@dataclass(frozen=True, slots=True)
class WriteOffDecision:
    """The creditor's decision to hold an invoice's open balance as lost."""

    invoice_number: str
    customer_ref: str
    date: date
    reason: WriteOffReason
    amount: Money  # the open balance written off, VAT included
    vat: Money  # the VAT part recovered (zero when not recoverable)
    note: str = ""

    @property
    def loss(self) -> Money:
        """What goes to account 654: the amount less the VAT recovered."""
        return self.amount - self.vat

    @property
    def source(self) -> str:
        """The name the write-off allocation carries in the ledger."""
        return f"write-off {self.invoice_number} {self.date.isoformat()}"


class NothingToWriteOff(ValueError):
    """The invoice has no positive open balance."""


def decide_write_off(
    invoice: Invoice,
    open_balance: Money,
    on: date,
    reason: WriteOffReason,
    note: str = "",
    vat_recoverable: bool = True,
) -> WriteOffDecision:
    """Write off `open_balance` of `invoice` on `on`.

    `vat_recoverable` is on by default: that assumes the VAT of the invoice was declared
    when it was issued (goods, or services under the VAT-on-debits option), so it can be
    recovered on the loss (CGI art. 272). For services taxed on receipts nothing was
    declared on the unpaid part: pass False (`relance writeoff --no-vat`), and the whole
    balance is the loss. Raises `NothingToWriteOff` when nothing is owed.
    """
    if not open_balance.is_positive:
        raise NothingToWriteOff(f"invoice {invoice.number} has nothing left to write off")
    balance = min(open_balance, invoice.amount, key=lambda m: m.amount)
    vat = Money.zero(invoice.currency)
    if vat_recoverable and invoice.amount.is_positive:
        vat = Money(balance.amount * invoice.tax.amount / invoice.amount.amount, invoice.currency)
    return WriteOffDecision(invoice.number, invoice.customer_ref, on, reason, balance, vat, note)


def write_off_allocation(decision: WriteOffDecision) -> Allocation:
    """The allocation that closes the invoice in the ledger."""
    return Allocation(
        AllocationKind.WRITE_OFF,
        decision.source,
        decision.invoice_number,
        decision.amount,
        decision.date,
    )


@dataclass(frozen=True, slots=True)
class Accounts:
    """The accounts a write-off entry uses; defaults from the French chart (PCG)."""

    loss: str = "654"
    loss_label: str = "Pertes sur créances irrécouvrables"
    vat: str = "44571"
    vat_label: str = "TVA collectée"
    customers: str = "411"
    customers_label: str = "Clients"
    journal_code: str = "OD"
    journal_label: str = "Opérations diverses"


@dataclass(frozen=True, slots=True)
class EntryLine:
    """One line of a journal entry; exactly one of debit and credit is non-zero."""

    account: str
    account_label: str
    debit: Money
    credit: Money
    aux_account: str = ""  # the customer's sub-ledger account on 411 lines
    aux_label: str = ""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A balanced accounting entry."""

    journal_code: str
    journal_label: str
    number: str
    entry_date: date
    piece_ref: str
    piece_date: date
    label: str
    lines: tuple[EntryLine, ...]

    @property
    def is_balanced(self) -> bool:
        """True when debits equal credits."""
        debit = sum((line.debit.amount for line in self.lines), start=0)
        credit = sum((line.credit.amount for line in self.lines), start=0)
        return debit == credit


def write_off_entry(
    decision: WriteOffDecision,
    invoice: Invoice,
    customer: Customer,
    number: str,
    accounts: Accounts | None = None,
) -> JournalEntry:
    """The journal entry of a write-off: debit 654 and 44571, credit 411 (the customer)."""
    chart = accounts if accounts is not None else Accounts()
    zero = Money.zero(decision.amount.currency)
    lines = [EntryLine(chart.loss, chart.loss_label, decision.loss, zero)]
    if decision.vat.is_positive:
        lines.append(EntryLine(chart.vat, chart.vat_label, decision.vat, zero))
    lines.append(
        EntryLine(
            chart.customers,
            chart.customers_label,
            zero,
            decision.amount,
            aux_account=customer.ref,
            aux_label=customer.name,
        )
    )
    return JournalEntry(
        journal_code=chart.journal_code,
        journal_label=chart.journal_label,
        number=number,
        entry_date=decision.date,
        piece_ref=invoice.number,
        piece_date=invoice.issue_date,
        label=f"Créance irrécouvrable {invoice.number} {customer.name}",
        lines=tuple(lines),
    )
