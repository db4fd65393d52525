"""Payment terms: the legal caps on agreed terms, and early-payment discounts.

Caps (France, C. com. L441-10 I): an agreed term may not exceed 60 days from the invoice
date or, if the contract says so, 45 days "end of month". The DGCCRF accepts two readings
of the latter: invoice date + 45 days then the end of that month, or the end of the invoice
month then + 45 days. A due date beyond 60 days but within one of those is only lawful with
an end-of-month clause; beyond all of them it exceeds the cap.

Discounts ("2/10 net 30": 2 % off when paid within 10 days, otherwise due in 30): a payment
of at least the discounted amount received within the window settles the invoice, and the
difference is recorded as a discount allocation, never as a silent write-down.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from relance.core.model import Allocation, AllocationKind, Invoice
from relance.core.money import Money

HUNDRED = Decimal(100)


def end_of_month(day: date) -> date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


class TermVerdict(StrEnum):
    """How an invoice's term compares with the legal caps."""

    WITHIN = "within"  # at most the cap in days from the invoice date
    NEEDS_END_OF_MONTH_CLAUSE = "needs-end-of-month-clause"  # lawful only as "N days end of month"
    EXCEEDS = "exceeds"  # beyond every reading of the caps


@dataclass(frozen=True, slots=True)
class TermCheck:
    """The verdict on one invoice's term, with the limits it was compared with."""

    invoice_number: str
    verdict: TermVerdict
    term_days: int
    limit_days: date  # invoice date + cap days
    limit_end_of_month: date | None  # the later of the two DGCCRF end-of-month readings

    @property
    def is_problem(self) -> bool:
        """True when the term needs attention (not plainly within the cap)."""
        return self.verdict is not TermVerdict.WITHIN


def end_of_month_limits(issue_date: date, days: int) -> tuple[date, date]:
    """Both DGCCRF readings of "`days` days end of month" from `issue_date`.

    First: issue date + days, then the end of that month. Second: end of the issue month,
    then + days.
    """
    first = end_of_month(issue_date + timedelta(days=days))
    second = end_of_month(issue_date) + timedelta(days=days)
    return first, second


def check_payment_term(
    invoice: Invoice,
    cap_days: int | None = 60,
    cap_end_of_month_days: int | None = 45,
) -> TermCheck:
    """Compare an invoice's due date with the legal caps (defaults: French B2B, L441-10 I).

    With `cap_days` None the rules set no cap and every term is within.
    """
    term_days = (invoice.due_date - invoice.issue_date).days
    if cap_days is None:
        return TermCheck(invoice.number, TermVerdict.WITHIN, term_days, date.max, None)
    limit = invoice.issue_date + timedelta(days=cap_days)
    eom_limit = None
    if cap_end_of_month_days is not None:
        eom_limit = max(end_of_month_limits(invoice.issue_date, cap_end_of_month_days))
    if invoice.due_date <= limit:
        verdict = TermVerdict.WITHIN
    elif eom_limit is not None and invoice.due_date <= eom_limit:
        verdict = TermVerdict.NEEDS_END_OF_MONTH_CLAUSE
    else:
        verdict = TermVerdict.EXCEEDS
    return TermCheck(invoice.number, verdict, term_days, limit, eom_limit)


@dataclass(frozen=True, slots=True)
class DiscountTerms:
    """Early-payment terms: `percent` off when paid within `within_days` of the invoice date."""

    percent: Decimal
    within_days: int
    net_days: int | None = None

    def __post_init__(self) -> None:
        if not (0 < self.percent < HUNDRED):
            raise ValueError(f"discount percent must be between 0 and 100, not {self.percent}")
        if self.within_days < 0:
            raise ValueError("discount window cannot be negative")

    def __str__(self) -> str:
        net = f" net {self.net_days}" if self.net_days is not None else ""
        return f"{self.percent.normalize()}/{self.within_days}{net}"


_TERMS = re.compile(
    r"^\s*(?P<percent>\d+(?:[.,]\d+)?)\s*%?\s*/\s*(?P<within>\d+)"
    r"(?:\s*,?\s*(?:net|n)\s*/?\s*(?P<net>\d+))?\s*$",
    re.IGNORECASE,
)


class BadTerms(ValueError):
    """Text that does not read as discount terms."""


def parse_discount_terms(text: str) -> DiscountTerms:
    """Read terms written "2/10 net 30", "2/10 n/30", "1.5%/10" or "2,5/8 net 45".

    Raises `BadTerms` naming the text when it does not match.
    """
    match = _TERMS.match(text)
    if match is None:
        raise BadTerms(f"not discount terms (expected like '2/10 net 30'): {text!r}")
    net = match.group("net")
    try:
        return DiscountTerms(
            percent=Decimal(match.group("percent").replace(",", ".")),
            within_days=int(match.group("within")),
            net_days=int(net) if net is not None else None,
        )
    except ValueError as exc:
        raise BadTerms(f"{exc}: {text!r}") from None


def discount_deadline(invoice: Invoice, terms: DiscountTerms) -> date:
    """The last day a payment earns the discount."""
    return invoice.issue_date + timedelta(days=terms.within_days)


def discount_amount(invoice: Invoice, terms: DiscountTerms) -> Money:
    """The discount on the whole invoice amount (tax included), rounded half-up."""
    return invoice.amount * (terms.percent / HUNDRED)


def discounted_amount(invoice: Invoice, terms: DiscountTerms) -> Money:
    """What settles the invoice when paid within the window."""
    return invoice.amount - discount_amount(invoice, terms)


def discount_allocation(
    invoice: Invoice,
    terms: DiscountTerms,
    paid: Money,
    paid_on: date,
    source: str,
) -> Allocation | None:
    """The discount allocation earned by a payment, or None when it earns none.

    The payment must arrive by the deadline and cover at least the discounted amount; the
    allocation then records the discount (dated like the payment), so that payment plus
    discount settle the invoice. `source` names the decision, e.g. the payment's key.
    """
    if paid_on > discount_deadline(invoice, terms) or paid_on < invoice.issue_date:
        return None
    if paid < discounted_amount(invoice, terms):
        return None
    # paid >= discounted amount, so the gap is never more than the discount itself
    discount = invoice.amount - paid
    if not discount.is_positive:
        return None  # paid in full or more: nothing to grant
    return Allocation(AllocationKind.DISCOUNT, source, invoice.number, discount, paid_on)
