"""The claim a case file states: per invoice and in total, the principal invoiced, what
was paid and credited, what is still owed, and the charges the law allows beside it
(interest, the fixed indemnity, contractual costs), each kept apart as a court form and
an agency's mandate ask (CPCE R124-3: the claim "with its parts").

The balance claimed is the open principal plus the charges, on the invoices past their due
date; an invoice not yet due is no claim yet (a payment order, for one, is for a claim
that is due), and is listed apart. A charge in another
currency than its invoice (the 40 EUR on a GBP invoice) is counted in its own currency:
a claim in two currencies has two summaries, never a sum across them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from relance.core.charges import ChargeKind, Charges
from relance.core.model import Allocation, AllocationKind, Invoice
from relance.core.money import Money, total

_COSTS = (ChargeKind.INVOICE_FEE, ChargeKind.LETTER_FEE)


@dataclass(frozen=True, slots=True)
class InvoiceClaim:
    """One invoice of the claim, its parts apart."""

    number: str
    issue_date: date
    due_date: date
    subject: str
    amount: Money  # invoiced, tax included
    tax: Money
    paid: Money  # payments (and deposits deducted) up to the day
    credited: Money  # credit notes, discounts, write-offs up to the day
    open: Money  # still owed of the principal
    interest: Money
    indemnity: Money
    costs: Money

    @property
    def claimed(self) -> Money:
        """What is claimed on this invoice: its open principal and its charges in its own
        currency."""
        return self.open + self.interest + self.indemnity + self.costs


@dataclass(frozen=True, slots=True)
class ClaimSummary:
    """The claim in one currency: its invoices and totals."""

    currency: str
    invoices: tuple[InvoiceClaim, ...]
    principal: Money
    paid: Money
    credited: Money
    open: Money
    interest: Money
    indemnity: Money
    costs: Money
    # Invoices still open but not yet due on the day: not claimable, shown apart.
    not_due: tuple[InvoiceClaim, ...] = ()

    @property
    def balance(self) -> Money:
        """The total claimed: the open principal plus interest, indemnity and costs."""
        return self.open + self.interest + self.indemnity + self.costs


def _of_kinds(charges: Charges | None, kinds: Sequence[ChargeKind], currency: str) -> Money:
    if charges is None:
        return Money.zero(currency)
    amounts = (c.amount for c in charges.items if c.kind in kinds and c.amount.currency == currency)
    return total(amounts, currency)


def invoice_claim(
    invoice: Invoice, allocations: Iterable[Allocation], charges: Charges | None, as_of: date
) -> InvoiceClaim:
    """The invoice's parts as of `as_of`: allocations after it are not counted."""
    currency = invoice.currency
    own = [a for a in allocations if a.invoice_number == invoice.number and a.date <= as_of]
    paying = (AllocationKind.PAYMENT, AllocationKind.DEPOSIT)
    paid = total((a.amount for a in own if a.kind in paying), currency)
    credited = total((a.amount for a in own if a.kind not in paying), currency)
    return InvoiceClaim(
        invoice.number,
        invoice.issue_date,
        invoice.due_date,
        invoice.subject,
        invoice.amount,
        invoice.tax,
        paid,
        credited,
        invoice.amount - paid - credited,
        _of_kinds(charges, (ChargeKind.INTEREST,), currency),
        _of_kinds(charges, (ChargeKind.INDEMNITY,), currency),
        _of_kinds(charges, _COSTS, currency),
    )


def claim_summaries(
    invoices: Iterable[Invoice],
    allocations: Sequence[Allocation],
    charges: Iterable[Charges],
    as_of: date,
) -> tuple[ClaimSummary, ...]:
    """The claim per currency, invoices by due date: each invoice past its due date on
    `as_of` on which something is claimed, its principal or a charge (an invoice paid
    late still owes its indemnity). An invoice not yet due is owed but not claimable: it
    is listed apart (`not_due`), outside the totals."""
    by_number = {c.invoice_number: c for c in charges}
    claims = [
        invoice_claim(invoice, allocations, by_number.get(invoice.number), as_of)
        for invoice in sorted(invoices, key=lambda i: (i.due_date, i.number))
        if invoice.issue_date <= as_of
    ]
    kept = [c for c in claims if c.claimed.is_positive and c.due_date < as_of]
    waiting = [c for c in claims if c.open.is_positive and c.due_date >= as_of]
    summaries = []
    for currency in sorted({c.amount.currency for c in (*kept, *waiting)}):
        rows = tuple(c for c in kept if c.amount.currency == currency)
        not_due = tuple(c for c in waiting if c.amount.currency == currency)

        def sum_of(field: str, rows: tuple[InvoiceClaim, ...] = rows, cur: str = currency) -> Money:
            return total((getattr(r, field) for r in rows), cur)

        summaries.append(
            ClaimSummary(
                currency,
                rows,
                sum_of("amount"),
                sum_of("paid"),
                sum_of("credited"),
                sum_of("open"),
                sum_of("interest"),
                sum_of("indemnity"),
                sum_of("costs"),
                not_due,
            )
        )
    return tuple(summaries)


def foreign_charges(charges: Iterable[Charges]) -> dict[str, Money]:
    """Charges in another currency than their invoice's (the 40 EUR on a GBP invoice),
    summed per currency: listed apart from the summaries."""
    sums: dict[str, Money] = {}
    for claim in charges:
        for item in claim.items:
            currency = item.amount.currency
            if currency != claim.currency:
                sums[currency] = sums.get(currency, Money.zero(currency)) + item.amount
    return sums
