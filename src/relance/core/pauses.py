"""What pauses dunning: disputes on invoices, promises to pay, holds on customers.

Each is a record with dates, and each question about it is asked as of a date, so any
past run can be replayed. Payment plans, which replace the process for the invoices they
cover, are in `relance.core.plans`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from relance.core.money import Money


@dataclass(frozen=True, slots=True)
class Dispute:
    """The customer contests an invoice: it leaves dunning from `opened` until `resolved`."""

    invoice_number: str
    opened: date
    reason: str
    resolved: date | None = None
    resolution: str = ""

    def active(self, as_of: date) -> bool:
        """True when the invoice is out of dunning on `as_of`."""
        return self.opened <= as_of and (self.resolved is None or self.resolved > as_of)


def disputed_invoices(disputes: Iterable[Dispute], as_of: date) -> frozenset[str]:
    """Numbers of the invoices under an open dispute on `as_of`."""
    return frozenset(d.invoice_number for d in disputes if d.active(as_of))


class PromiseState(StrEnum):
    """Where a promise to pay stands on a date."""

    PENDING = "pending"  # made, and its date plus grace not yet passed
    KEPT = "kept"
    BROKEN = "broken"


@dataclass(frozen=True, slots=True)
class Promise:
    """The customer promised to pay `amount` by `due`; made on `made_on`."""

    key: str
    customer_ref: str
    made_on: date
    due: date
    amount: Money

    def deadline(self, grace_days: int) -> date:
        """The last day a payment still keeps the promise."""
        return self.due + timedelta(days=grace_days)

    def state(self, paid_since_made: Money, as_of: date, grace_days: int) -> PromiseState:
        """Kept once `paid_since_made` (what the customer paid from `made_on` to `as_of`)
        reaches the amount; broken when the deadline has passed without that."""
        if paid_since_made >= self.amount:
            return PromiseState.KEPT
        if as_of > self.deadline(grace_days):
            return PromiseState.BROKEN
        return PromiseState.PENDING


@dataclass(frozen=True, slots=True)
class Hold:
    """Every collection step stops for a customer from `since` until `until` (if given)."""

    customer_ref: str
    since: date
    reason: str
    until: date | None = None

    def active(self, as_of: date) -> bool:
        """True when the hold stops collection on `as_of`."""
        return self.since <= as_of and (self.until is None or self.until > as_of)
