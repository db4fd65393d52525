"""The ledger facts the collection KPIs are computed from, summed into bands.

A KPI asks three things of the ledger: what was owed on a day (and how much of it was not
yet due), and what was sold between two days. None of that needs an invoice one by one:
invoices summed by (currency, issue date, due date), what settled them summed by
(currency, the day it started to count, due date), and credit notes summed by (currency,
date) answer every question for any day. A database sums a million invoices into a few
thousand bands; `ledger_facts` sums an in-memory ledger the same way, and the tests hold
the two to the same bands.

An allocation reduces what was owed from the later of its own date and its invoice's issue
date (a deposit paid before its invoice counts from the invoice), exactly as the aged
balance counts it (`core.aging`). Amounts are integer minor units, as the ledger stores
them; `kpi` turns its results into Money.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from relance.core.ledger import Ledger


@dataclass(frozen=True, slots=True)
class InvoiceBand:
    """Invoices of one currency issued on `issued` and due on `due`: their summed amount."""

    currency: str
    issued: date
    due: date
    minor: int


@dataclass(frozen=True, slots=True)
class SettledBand:
    """What was applied (payments, credit notes, discounts, write-offs) to invoices of one
    currency due on `due`, counted from `counted`: the later of the allocation's date and
    its invoice's issue date."""

    currency: str
    counted: date
    due: date
    minor: int


@dataclass(frozen=True, slots=True)
class CreditBand:
    """Credit notes of one currency dated `on`: their summed amount."""

    currency: str
    on: date
    minor: int


@dataclass(frozen=True, slots=True)
class LedgerFacts:
    """The ledger summed into bands, every band on or before the last day asked about."""

    invoices: tuple[InvoiceBand, ...]
    settled: tuple[SettledBand, ...]
    credits: tuple[CreditBand, ...]

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies invoiced, in alphabetical order."""
        return tuple(sorted({band.currency for band in self.invoices}))

    def of(self, currency: str) -> CurrencyFacts:
        """The bands of one currency, ready to be asked about days."""
        return CurrencyFacts(
            currency,
            tuple(b for b in self.invoices if b.currency == currency),
            tuple(b for b in self.settled if b.currency == currency),
            tuple(b for b in self.credits if b.currency == currency),
        )


@dataclass(frozen=True, slots=True)
class Position:
    """What was owed at the end of a day, in minor units: in all, and not yet due
    (due that day or later, as the aged balance's "current" column)."""

    total: int
    current: int

    @property
    def past_due(self) -> int:
        """What was owed and past its due date."""
        return self.total - self.current


class CurrencyFacts:
    """The bands of one currency, indexed so that what was owed on many days and what
    was sold between two days are each answered in one pass (never a pass per day)."""

    def __init__(
        self,
        currency: str,
        invoices: Sequence[InvoiceBand],
        settled: Sequence[SettledBand],
        credits: Sequence[CreditBand],
    ) -> None:
        self.currency = currency
        self._invoices = invoices
        self._settled = settled
        daily: dict[date, int] = defaultdict(int)
        for band in invoices:
            daily[band.issued] += band.minor
        for credit in credits:
            daily[credit.on] -= credit.minor
        self._days = sorted(daily)
        running, self._cumulative = 0, []
        for day in self._days:
            running += daily[day]
            self._cumulative.append(running)

    @property
    def first_sale(self) -> date | None:
        """The first day anything was invoiced or credited in this currency."""
        return self._days[0] if self._days else None

    def sales(self, first: date, last: date) -> int:
        """Net credit sales from `first` to `last` inclusive: invoices issued less credit
        notes dated in those days."""
        return self._sold_by(last) - self._sold_by(first - timedelta(days=1))

    def _sold_by(self, day: date) -> int:
        index = bisect_right(self._days, day)
        return self._cumulative[index - 1] if index else 0

    def positions(self, days: Iterable[date]) -> dict[date, Position]:
        """What was owed at the end of each of `days`. Each band adds to (or takes from)
        a range of those days, marked at its ends and summed once along them."""
        ordered = sorted(set(days))
        width = len(ordered) + 1
        total, current = [0] * width, [0] * width
        bands = [(b.issued, b.due, b.minor) for b in self._invoices]
        bands += [(b.counted, b.due, -b.minor) for b in self._settled]
        for start, due, minor in bands:
            low = bisect_left(ordered, start)  # the first day it counts on
            total[low] += minor
            high = bisect_right(ordered, due)  # days up to its due date: not yet due
            if high > low:
                current[low] += minor
                current[high] -= minor
        found: dict[date, Position] = {}
        owed = not_due = 0
        for index, day in enumerate(ordered):
            owed += total[index]
            not_due += current[index]
            found[day] = Position(owed, not_due)
        return found


def ledger_facts(ledger: Ledger, last: date) -> LedgerFacts:
    """The bands of an in-memory ledger, up to `last`: what a database sums in SQL."""
    invoiced: dict[tuple[str, date, date], int] = defaultdict(int)
    settled: dict[tuple[str, date, date], int] = defaultdict(int)
    credited: dict[tuple[str, date], int] = defaultdict(int)
    for invoice in ledger.invoices:
        if invoice.issue_date > last:
            continue
        invoiced[(invoice.currency, invoice.issue_date, invoice.due_date)] += (
            invoice.amount.to_minor()
        )
        for allocation in ledger.allocations_of(invoice.number):
            if allocation.date <= last:
                counted = max(allocation.date, invoice.issue_date)
                key = (invoice.currency, counted, invoice.due_date)
                settled[key] += allocation.amount.to_minor()
    for note in ledger.credit_notes:
        if note.date <= last:
            credited[(note.amount.currency, note.date)] += note.amount.to_minor()
    return LedgerFacts(
        tuple(InvoiceBand(c, i, d, m) for (c, i, d), m in sorted(invoiced.items()) if m),
        tuple(SettledBand(c, s, d, m) for (c, s, d), m in sorted(settled.items()) if m),
        tuple(CreditBand(c, on, m) for (c, on), m in sorted(credited.items()) if m),
    )
