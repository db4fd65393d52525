"""Payment plans (échéanciers): a schedule of instalments that replaces the dunning
process for the invoices it covers, until an instalment is missed.

The schedule splits the total into equal instalments rounded down to the currency's
minor unit; the last instalment absorbs the remainder, so the instalments always add up
to the total exactly. What is paid on the plan's invoices counts toward the plan in date
order, cumulatively: an instalment is met when everything paid on them since the plan was
agreed covers it and every instalment before it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from relance.core.money import Money, minor_units, total


@dataclass(frozen=True, slots=True)
class Frequency:
    """The time between two instalments: whole months (same day, clamped to the month's
    end) or a number of days."""

    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if (self.months > 0) == (self.days > 0) or self.months < 0 or self.days < 0:
            raise ValueError("a frequency is a positive number of months or of days")

    @classmethod
    def parse(cls, text: str) -> Frequency:
        """'1m', '3m', '14d', '2w' (ValueError otherwise)."""
        cleaned = text.strip().lower()
        if len(cleaned) < 2 or not cleaned[:-1].isdigit():
            raise ValueError(f"not a frequency like 1m, 14d or 2w: {text!r}")
        count, unit = int(cleaned[:-1]), cleaned[-1]
        if unit == "m":
            return cls(months=count)
        if unit == "d":
            return cls(days=count)
        if unit == "w":
            return cls(days=7 * count)
        raise ValueError(f"not a frequency like 1m, 14d or 2w: {text!r}")

    def nth(self, first: date, n: int) -> date:
        """The date of the instalment `n` steps after `first` (n = 0 is `first`)."""
        if self.days:
            return first + timedelta(days=self.days * n)
        month_index = first.month - 1 + self.months * n
        year, month = first.year + month_index // 12, month_index % 12 + 1
        return date(year, month, min(first.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Instalment:
    """One payment due under a plan."""

    due: date
    amount: Money


def schedule(amount: Money, count: int, first: date, every: Frequency) -> tuple[Instalment, ...]:
    """`count` instalments adding up to `amount` exactly, from `first`, every `every`.

    Each instalment is `amount / count` rounded down to the minor unit; the last one takes
    what is left (e.g. 100.00 in 3: 33.33, 33.33, 33.34).
    """
    if count < 1:
        raise ValueError("a plan has at least one instalment")
    if not amount.is_positive:
        raise ValueError("a plan spreads a positive amount")
    step = Decimal(1).scaleb(-minor_units(amount.currency))
    share = Money((amount.amount / count).quantize(step, rounding=ROUND_DOWN), amount.currency)
    amounts = [share] * (count - 1) + [amount - share * (count - 1)]
    return tuple(Instalment(every.nth(first, n), part) for n, part in enumerate(amounts))


class PlanState(StrEnum):
    """Where a plan stands on a date."""

    ACTIVE = "active"
    COMPLETED = "completed"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class PaymentPlan:
    """An agreed schedule for some of a customer's invoices."""

    key: str
    customer_ref: str
    invoice_numbers: tuple[str, ...]
    agreed_on: date
    instalments: tuple[Instalment, ...]

    @property
    def total(self) -> Money:
        """What the plan spreads."""
        currency = self.instalments[0].amount.currency
        return total((i.amount for i in self.instalments), currency)

    def due_by(self, day: date) -> Money:
        """The sum of the instalments due on or before `day`."""
        currency = self.instalments[0].amount.currency
        return total((i.amount for i in self.instalments if i.due <= day), currency)


@dataclass(frozen=True, slots=True)
class PlanStatus:
    """A plan's state on a date; `missed` is the first instalment not met in time."""

    state: PlanState
    paid: Money
    missed: Instalment | None = None


def plan_status(
    plan: PaymentPlan, payments: Iterable[tuple[date, Money]], as_of: date, grace_days: int
) -> PlanStatus:
    """The plan's state on `as_of`, from what the customer paid toward it.

    `payments` are (date, amount) pairs of the payments and credit notes allocated to the
    plan's own invoices (a payment of another invoice does not count); those before the
    plan was agreed or after `as_of` are ignored. An instalment is missed when its due
    date plus `grace_days` has passed and what was paid by then does not cover it and
    every one before it.
    """
    currency = plan.instalments[0].amount.currency
    received = sorted(
        ((day, amount) for day, amount in payments if plan.agreed_on <= day <= as_of),
        key=lambda pair: pair[0],
    )
    paid = total((amount for _, amount in received), currency)
    owed = Money.zero(currency)
    for instalment in plan.instalments:
        owed = owed + instalment.amount
        deadline = instalment.due + timedelta(days=grace_days)
        if deadline >= as_of:
            break
        paid_in_time = total((amount for day, amount in received if day <= deadline), currency)
        if paid_in_time < owed:
            return PlanStatus(PlanState.MISSED, paid, instalment)
    if paid >= plan.total:
        return PlanStatus(PlanState.COMPLETED, paid)
    return PlanStatus(PlanState.ACTIVE, paid)
