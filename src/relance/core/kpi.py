"""The numbers a credit manager is judged on, from the ledger's bands (`core.kpi_facts`).

For a period, in each currency (currencies are never added together):

- days sales outstanding, the standard way: receivables at the end / credit sales × days;
- days sales outstanding by the countback method: the days of sales, counted back month by
  month from the end, that the receivables at the end amount to;
- best possible DSO: receivables not yet due at the end / credit sales × days;
- average days delinquent: standard DSO less best possible DSO;
- collection effectiveness index: (opening receivables + credit sales − closing receivables)
  / (opening receivables + credit sales − closing receivables not yet due) × 100;
- the share of receivables not yet due at the end.

docs/kpi.md gives each formula with a worked example and its sources. Days are rounded
half-up to a tenth, percentages too; a KPI with nothing to divide by is None (shown "—").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from relance.core.kpi_facts import CurrencyFacts, LedgerFacts, Position
from relance.core.money import Money

TENTH = Decimal("0.1")
HUNDRED = Decimal(100)


def rounded(value: Decimal | None) -> Decimal | None:
    """A figure rounded half-up to a tenth (None stays None)."""
    return None if value is None else value.quantize(TENTH, rounding=ROUND_HALF_UP)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """`part` as a percentage of `whole`, to a tenth; None when `whole` is not positive."""
    if whole <= 0:
        return None
    return rounded(Decimal(part) * HUNDRED / Decimal(whole))


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """The days from `first` to `last`, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")

    @property
    def days(self) -> int:
        """How many days the period has."""
        return (self.last - self.first).days + 1

    @property
    def eve(self) -> date:
        """The day before the period: its opening balances are those of that evening."""
        return self.first - timedelta(days=1)

    @property
    def is_month(self) -> bool:
        """True when the period is one whole calendar month."""
        return (
            self.first.day == 1
            and (self.last + timedelta(days=1)).day == 1
            and (self.first.month == self.last.month)
        )

    @property
    def label(self) -> str:
        """`2026-11` for a whole month, else `2026-11-03..2026-11-20`."""
        if self.is_month:
            return self.first.strftime("%Y-%m")
        return f"{self.first.isoformat()}..{self.last.isoformat()}"


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    following = day.replace(day=28) + timedelta(days=4)
    return following - timedelta(days=following.day)


def periods(first: date, last: date, by_month: bool = False) -> tuple[Period, ...]:
    """The period from `first` to `last`, or its calendar months (the first and the last
    cut to the days asked for) when `by_month`."""
    whole = Period(first, last)
    if not by_month:
        return (whole,)
    found, start = [], first
    while start <= last:
        end = min(month_end(start), last)
        found.append(Period(start, end))
        start = end + timedelta(days=1)
    return tuple(found)


@dataclass(frozen=True, slots=True)
class LedgerKpis:
    """The receivables KPIs of one period in one currency, with the amounts they come from."""

    period: Period
    currency: str
    opening: Money  # receivables the evening before the period
    credit_sales: Money  # invoices issued in the period less credit notes dated in it
    receivables: Money  # receivables at the end of the period
    current: Money  # of which not yet due
    dso: Decimal | None
    dso_countback: Decimal | None
    best_dso: Decimal | None
    average_days_delinquent: Decimal | None
    cei: Decimal | None
    current_share: Decimal | None


def standard_dso(receivables: int, sales: int, days: int) -> Decimal | None:
    """Receivables / credit sales × days, unrounded; None without sales."""
    if sales <= 0:
        return None
    return Decimal(receivables) / Decimal(sales) * days


def countback_dso(receivables: int, last: date, facts: CurrencyFacts) -> Decimal | None:
    """The receivables at the end of `last`, matched against the sales of the most recent
    days: the days of `last`'s month up to `last`, then each earlier calendar month whole,
    until what is owed is used up; the last month counts for the share of its sales
    still owed. None when what is owed exceeds every sale recorded (no countback exists).
    """
    remaining, days = Decimal(receivables), Decimal(0)
    if remaining <= 0:
        return Decimal(0)
    earliest = facts.first_sale
    month_last = last
    while earliest is not None and month_last >= earliest:
        month_first = month_last.replace(day=1)
        span = (month_last - month_first).days + 1
        sold = facts.sales(month_first, month_last)
        if sold > 0 and remaining <= sold:
            return days + remaining / Decimal(sold) * span
        remaining -= max(sold, 0)
        days += span
        month_last = month_first - timedelta(days=1)
    return None


def collection_effectiveness(opening: int, sales: int, closing: Position) -> Decimal | None:
    """CEI: what was collected out of what could have been collected, in percent."""
    collectable = opening + sales - closing.current
    return percent(opening + sales - closing.total, collectable)


def period_kpis(
    facts: CurrencyFacts, period: Period, opening: Position, closing: Position
) -> LedgerKpis:
    """The KPIs of one period from its opening and closing positions."""
    currency, days = facts.currency, period.days
    sales = facts.sales(period.first, period.last)
    dso = standard_dso(closing.total, sales, days)
    best = standard_dso(closing.current, sales, days)
    return LedgerKpis(
        period=period,
        currency=currency,
        opening=Money.from_minor(opening.total, currency),
        credit_sales=Money.from_minor(sales, currency),
        receivables=Money.from_minor(closing.total, currency),
        current=Money.from_minor(closing.current, currency),
        dso=rounded(dso),
        dso_countback=rounded(countback_dso(closing.total, period.last, facts)),
        best_dso=rounded(best),
        average_days_delinquent=rounded(None if dso is None or best is None else dso - best),
        cei=collection_effectiveness(opening.total, sales, closing),
        current_share=percent(closing.current, closing.total),
    )


def ledger_kpis(facts: LedgerFacts, asked: Sequence[Period]) -> tuple[LedgerKpis, ...]:
    """The receivables KPIs of each period, in each currency invoiced; by period, then
    currency."""
    found = []
    for currency in facts.currencies:
        of_currency = facts.of(currency)
        positions = of_currency.positions([p.eve for p in asked] + [p.last for p in asked])
        found += [period_kpis(of_currency, p, positions[p.eve], positions[p.last]) for p in asked]
    return tuple(sorted(found, key=lambda k: (k.period, k.currency)))
