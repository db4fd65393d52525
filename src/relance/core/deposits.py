"""Deposit invoices (factures d'acompte) and the final invoice they are deducted from
(docs/prevention.md, "Deposits").

A deposit invoice is an ordinary debt until its final invoice exists: it is chased like
any invoice, and its reminders say it is a deposit. When the final invoice (which states
the whole price) is in the ledger, the deposit is deducted from it: what the customer
paid on the deposit is allocated to the final invoice, and what it did not pay moves onto
the final invoice (the deposit invoice is closed), so the customer owes the whole price
once, never the deposit twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from relance.core.model import Allocation, AllocationKind, Invoice
from relance.core.money import Money

_WORDS = {
    "fr": "Acompte à valoir sur la facture {final}",
    "en": "Deposit towards invoice {final}",
}


def deposit_subject(subject: str, final_number: str, language: str) -> str:
    """The subject a letter prints for a deposit invoice: that it is one, for which final
    invoice, then its own subject."""
    words = _WORDS["fr" if language.startswith("fr") else "en"].format(final=final_number)
    return f"{words} – {subject}" if subject else words


@dataclass(frozen=True, slots=True)
class DepositLink:
    """`deposit_number` is a deposit on the final invoice `final_number`; `settled_on` is
    the day it was deducted (None until the final invoice is in the ledger)."""

    deposit_number: str
    final_number: str
    settled_on: date | None = None


class DepositProblem(ValueError):
    """A deposit that cannot be deducted from the invoice it names."""


def deduction(
    deposit: Invoice, deposit_open: Money, final: Invoice, final_open: Money, on: date
) -> tuple[Allocation, ...]:
    """The allocations that deduct `deposit` from `final` on `on`: what was paid on the
    deposit, allocated to the final invoice, and the deposit's unpaid part closed on the
    deposit invoice (it is owed on the final invoice now). DepositProblem when the two are
    not the same customer's in the same currency, or the final invoice owes less than the
    deposit's paid part."""
    if deposit.customer_ref != final.customer_ref or deposit.currency != final.currency:
        raise DepositProblem(
            f"deposit {deposit.number} ({deposit.customer_ref}, {deposit.currency}) and final "
            f"invoice {final.number} ({final.customer_ref}, {final.currency}) differ"
        )
    paid = deposit.amount - deposit_open
    if paid.amount > final_open.amount:
        raise DepositProblem(
            f"final invoice {final.number} owes {final_open.amount}, less than the "
            f"{paid.amount} paid on deposit {deposit.number}"
        )
    made = []
    if paid.is_positive:
        made.append(Allocation(
            AllocationKind.DEPOSIT, f"deposit {deposit.number}", final.number, paid, on
        ))  # fmt: skip
    if deposit_open.is_positive:
        made.append(Allocation(
            AllocationKind.DEPOSIT, f"moved to {final.number}", deposit.number, deposit_open, on
        ))  # fmt: skip
    return tuple(made)
