"""The aged receivables report (balance âgée): what each customer owes, by how late it is.

Buckets are ranges of days past the due date. Whatever computes the open balances (the
pure `ledger` functions, or the database summing millions of rows) hands this module
`AgingRow`s; the report itself is assembled here, in one place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from relance.core.ledger import Ledger, open_balance
from relance.core.money import Money

DEFAULT_BOUNDS = (30, 60, 90, 120)


@dataclass(frozen=True, slots=True)
class Buckets:
    """Day ranges past due: `bounds=(30, 60)` gives not yet due, 1-30, 31-60, over 60."""

    bounds: tuple[int, ...] = DEFAULT_BOUNDS

    def __post_init__(self) -> None:
        if not self.bounds or any(b <= 0 for b in self.bounds):
            raise ValueError("aging bounds must be positive day counts")
        if list(self.bounds) != sorted(set(self.bounds)):
            raise ValueError("aging bounds must be strictly increasing")

    @classmethod
    def parse(cls, text: str) -> Buckets:
        """Buckets from a comma-separated list of upper bounds, e.g. ``"30,60,90,120"``."""
        try:
            return cls(tuple(int(part) for part in text.split(",") if part.strip()))
        except ValueError as exc:
            raise ValueError(f"aging buckets {text!r}: {exc}") from exc

    def __len__(self) -> int:
        return len(self.bounds) + 2

    def labels(self) -> tuple[str, ...]:
        """Column labels: ``current``, ``1-30`` … ``over 120``."""
        ranges, low = [], 1
        for bound in self.bounds:
            ranges.append(f"{low}-{bound}")
            low = bound + 1
        return ("current", *ranges, f"over {self.bounds[-1]}")

    def index(self, days_overdue: int) -> int:
        """The bucket of an invoice `days_overdue` days past due (0 = not yet due)."""
        if days_overdue <= 0:
            return 0
        for position, bound in enumerate(self.bounds, start=1):
            if days_overdue <= bound:
                return position
        return len(self.bounds) + 1

    def due_date_floors(self, as_of: date) -> tuple[date, ...]:
        """For a database: bucket i holds due dates on or after floor i (and before floor i-1).

        floors[0] is `as_of` itself (due today or later: not yet due); the last bucket
        holds every earlier due date.
        """
        return (as_of, *(as_of - timedelta(days=bound) for bound in self.bounds))


def days_overdue(due_date: date, as_of: date) -> int:
    """Days past the due date as of `as_of` (zero or negative when not yet due)."""
    return (as_of - due_date).days


@dataclass(frozen=True, slots=True)
class AgingRow:
    """What one customer owes in one currency, bucket by bucket.

    The cells are integer minor units (cents), as the ledger stores money, rather than Money:
    a report over a hundred thousand customers is summed and sorted in a blink that way, and
    `amounts` gives them as Money to whoever shows them.
    """

    customer_ref: str
    customer_name: str
    currency: str
    cells: tuple[int, ...]  # one per bucket, in minor units

    @property
    def amounts(self) -> tuple[Money, ...]:
        """The cells as Money."""
        return tuple(Money.from_minor(cell, self.currency) for cell in self.cells)

    @property
    def total(self) -> Money:
        """The customer's whole open balance in this currency."""
        return Money.from_minor(sum(self.cells), self.currency)


@dataclass(frozen=True, slots=True)
class AgingTable:
    """The report for one currency: customers' rows and the totals per bucket."""

    currency: str
    rows: tuple[AgingRow, ...]
    totals: tuple[Money, ...]

    @property
    def total(self) -> Money:
        """Everything owed in this currency."""
        result = self.totals[0]
        for amount in self.totals[1:]:
            result = result + amount
        return result


@dataclass(frozen=True, slots=True)
class AgingReport:
    """The aged balance as of a date, one table per currency."""

    as_of: date
    buckets: Buckets
    tables: tuple[AgingTable, ...]


def assemble(rows: Iterable[AgingRow], as_of: date, buckets: Buckets) -> AgingReport:
    """Build the report from customers' rows (any order; rows owing nothing are dropped)."""
    width = len(buckets)
    by_currency: dict[str, list[AgingRow]] = defaultdict(list)
    for row in rows:
        if len(row.cells) != width:
            raise ValueError(f"{row.customer_ref}: {len(row.cells)} amounts for {width} buckets")
        if any(row.cells):
            by_currency[row.currency].append(row)
    tables = []
    for currency in sorted(by_currency):
        found = sorted(by_currency[currency], key=lambda r: (r.customer_ref, r.customer_name))
        columns = zip(*(row.cells for row in found), strict=True)
        totals = tuple(Money.from_minor(sum(column), currency) for column in columns)
        tables.append(AgingTable(currency, tuple(found), totals))
    return AgingReport(as_of, buckets, tuple(tables))


def aging(ledger: Ledger, as_of: date, buckets: Buckets = Buckets()) -> AgingReport:
    """The aged balance of an in-memory ledger as of `as_of`."""
    names = {customer.ref: customer.name for customer in ledger.customers}
    grid: dict[tuple[str, str], list[int]] = {}
    for invoice in ledger.invoices:
        owed = open_balance(ledger, invoice, as_of)
        if not owed:
            continue
        key = (invoice.customer_ref, invoice.currency)
        row = grid.setdefault(key, [0] * len(buckets))
        row[buckets.index(days_overdue(invoice.due_date, as_of))] += owed.to_minor()
    rows = (
        AgingRow(ref, names.get(ref, ref), currency, tuple(amounts))
        for (ref, currency), amounts in grid.items()
    )
    return assemble(rows, as_of, buckets)
