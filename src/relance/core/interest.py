"""Late-payment interest: simple interest per rate period on the open balance, explained.

Days of delay run from the day after the due date (or after the formal notice, where the
rules say so) to the payment date or `as_of`, both included: an invoice due on 31 March and
paid on 15 May is 45 days late. A payment received on a day still counts that day on the old
balance; the new balance runs from the next day.

The late period is cut into lines wherever something changes: the balance (a partial
payment, a credit note), the reference rate's period (half-year, or a row of the table),
the year (for an actual/actual count). Each line is `base × rate × days / year days`,
rounded half-up to the cent, and the total is the sum of the printed lines, so a letter's
breakdown always adds up. A rate missing from its table stops the breakdown there: the lines
up to the gap come back with a *blocking* problem naming the table and the first day it
lacks, so a letter is not sent on a partial figure and interest is never computed on a
silent zero (`MissingRate` stays the error of a direct lookup in a table).

Where interest runs from a formal notice (a consumer in France, C. civ. 1344-1), the notice
must come after the invoice is due: a notice dated on or before the due date demands nothing
that was late and does not start interest on that invoice. A notice recorded for the whole
customer covers only the invoices already due on its date (`notice_for`).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from relance.core.jurisdiction import Contract, DayCount, Fixing, InterestStart, RuleSet
from relance.core.model import Allocation, AllocationKind, Invoice
from relance.core.money import Money, total
from relance.core.rates import Confidence, MissingRate, RateBook, table_of

HUNDRED = Decimal(100)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class InterestLine:
    """One stretch of delay with a constant base and rate."""

    start: date  # first day counted
    end: date  # last day counted
    days: int
    year_days: int
    base: Money
    rate: Decimal  # annual percent applied
    amount: Money
    basis: str  # how the rate was found, in English: "ECB MRO on 2026-01-01 2.15 % + 10"
    confidence: Confidence = Confidence.CONFIRMED
    rate_basis: RateBasis | None = None  # the same as data, for letters in any language


class BasisKind(StrEnum):
    """Where a line's rate comes from."""

    REFERENCE = "reference"  # a rate table's rate on a fixing day, plus a margin
    CONTRACT = "contract"  # the rate the contract states
    FLOOR = "floor"  # the legal floor under a contractual rate that was too low


@dataclass(frozen=True, slots=True)
class RateBasis:
    """How a line's rate was found, as data: letters word it in the debtor's language."""

    kind: BasisKind
    rate: Decimal  # the reference rate, the contract's rate, or the floor table's rate
    table: str = ""  # the rate table's name, for REFERENCE and FLOOR
    fixing_day: date | None = None  # REFERENCE: the day the table's rate was read
    margin: Decimal = Decimal(0)  # REFERENCE: points added
    multiple: Decimal = Decimal(1)  # FLOOR: multiple of the table's rate


@dataclass(frozen=True, slots=True)
class InterestBreakdown:
    """Interest claimable on one invoice as of a date, line by line."""

    invoice_number: str
    rule_set: str
    currency: str
    as_of: date
    lines: tuple[InterestLine, ...] = ()
    problems: tuple[str, ...] = ()  # everything to show, the blocking ones included
    blocking: tuple[str, ...] = ()  # problems that forbid claiming the total as it stands

    @property
    def total(self) -> Money:
        """The sum of the lines (zero when there are none)."""
        return total((line.amount for line in self.lines), self.currency)

    @property
    def days(self) -> int:
        """Days of delay on which interest was charged."""
        return sum(line.days for line in self.lines)

    @property
    def runs_from(self) -> date | None:
        """The first day charged, None when nothing is charged."""
        return self.lines[0].start if self.lines else None


@dataclass(frozen=True, slots=True)
class FormalNotice:
    """A formal notice (mise en demeure) received by a customer on `date`.

    `invoice_number` None: the notice was recorded for the customer as a whole; it then
    covers the invoices already due on its date, never those due later.
    """

    customer_ref: str
    date: date
    invoice_number: str | None = None


def notice_for(invoice: Invoice, notices: Iterable[FormalNotice]) -> date | None:
    """The formal notice date that starts interest on `invoice`, None when none does.

    The earliest notice dated after the due date, naming the invoice or recorded for the
    whole customer. When only notices naming the invoice but dated on or before its due
    date exist, the latest of them is returned, so that `interest_breakdown` can say why
    it does not count; a customer-wide notice before the due date simply does not cover it.
    """
    own = [n for n in notices if n.customer_ref == invoice.customer_ref]
    covering = [
        n.date
        for n in own
        if n.date > invoice.due_date and n.invoice_number in (None, invoice.number)
    ]
    if covering:
        return min(covering)
    premature = [n.date for n in own if n.invoice_number == invoice.number]
    return max(premature) if premature else None


def first_day_of_delay(
    invoice: Invoice, rules: RuleSet, contract: Contract | None = None
) -> date | None:
    """The first day interest runs, None when it cannot run yet.

    Under rules where interest runs from a formal notice, that is the day after the notice,
    and only for a notice dated after the due date: a notice on or before it starts nothing.
    """
    after_due = invoice.due_date + ONE_DAY
    if rules.interest_start is InterestStart.DUE_DATE:
        return after_due
    notice = contract.formal_notice if contract is not None else None
    if notice is None or notice <= invoice.due_date:
        return None
    return notice + ONE_DAY


def _half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _year_days(day: date, day_count: DayCount) -> int:
    if day_count is DayCount.ACTUAL_ACTUAL and calendar.isleap(day.year):
        return 366
    return 365


def _cuts(
    first: date, last: date, rules: RuleSet, rates: RateBook, contract: Contract
) -> set[date]:
    """Days on which a new line may start because the rate or the year changes."""
    cuts: set[date] = set()
    half_yearly = rules.fixing in (Fixing.HALF_YEAR_START, Fixing.HALF_YEAR_EVE)
    for year in range(first.year, last.year + 1):
        if rules.day_count is DayCount.ACTUAL_ACTUAL:
            cuts.add(date(year, 1, 1))  # the year's length changes the divisor
        if half_yearly:
            cuts.update((date(year, 1, 1), date(year, 7, 1)))
    tables = []
    if contract.rate is None and rules.rate_table is not None and rules.fixing is Fixing.DAILY:
        tables.append(rules.rate_table)
    if contract.rate is not None and rules.contract_floor_table is not None:
        tables.append(rules.contract_floor_table)
    for name in tables:
        for period in table_of(rates, name).periods:
            cuts.add(period.start)
            # also the day after a period ends: where no period follows, the table's gap
            # must start a line of its own, not run on at the last known rate
            cuts.add(period.end + ONE_DAY)
    return {day for day in cuts if first < day <= last}


def _fixing_day(start: date, first: date, fixing: Fixing) -> date:
    """The day whose reference rate applies to a line from `start` of a delay from `first`."""
    if fixing is Fixing.HALF_YEAR_START:
        return _half_year_start(start)
    if fixing is Fixing.HALF_YEAR_EVE:
        return _half_year_start(start) - ONE_DAY
    if fixing is Fixing.START_EVE:
        # one rate for the whole debt: 31 Dec / 30 Jun before interest starts to run
        return _half_year_start(first) - ONE_DAY
    return start


def _rate_for(
    start: date, first: date, rules: RuleSet, rates: RateBook, contract: Contract
) -> tuple[Decimal, str, RateBasis, Confidence, str | None]:
    """Rate, basis (text and data), confidence and a problem (or None) for a line from
    `start` of a delay that began on `first`."""
    if contract.rate is not None:
        rate, basis = contract.rate, f"contractual rate {contract.rate} %"
        data = RateBasis(BasisKind.CONTRACT, rate)
        if rules.contract_floor_table is None or rules.contract_floor_multiple is None:
            return rate, basis, data, Confidence.OFFICIAL, None
        floor_period = table_of(rates, rules.contract_floor_table).period_on(start)
        floor = rules.contract_floor_multiple * floor_period.rate
        if rate >= floor:
            return rate, basis, data, floor_period.confidence, None
        problem = (
            f"contractual rate {rate} % is below the legal floor "
            f"{rules.contract_floor_multiple} × {floor_period.rate} % = {floor} % "
            f"from {start}: the floor is applied"
        )
        basis = f"legal floor {rules.contract_floor_multiple} × {floor_period.rate} %"
        data = RateBasis(
            BasisKind.FLOOR,
            floor_period.rate,
            table=rules.contract_floor_table,
            multiple=rules.contract_floor_multiple,
        )
        return floor, basis, data, floor_period.confidence, problem
    assert rules.rate_table is not None  # checked by the caller
    table = table_of(rates, rules.rate_table)
    fixing_day = _fixing_day(start, first, rules.fixing)
    period = table.period_on(fixing_day)
    rate = period.rate + rules.margin
    basis = f"{table.title} on {fixing_day.isoformat()} {period.rate} %"
    if rules.margin:
        basis += f" + {rules.margin} points"
    data = RateBasis(
        BasisKind.REFERENCE,
        period.rate,
        table=table.name,
        fixing_day=fixing_day,
        margin=rules.margin,
    )
    return rate, basis, data, period.confidence, None


def interest_breakdown(
    invoice: Invoice,
    allocations: Iterable[Allocation],
    rules: RuleSet,
    rates: RateBook,
    as_of: date,
    contract: Contract | None = None,
) -> InterestBreakdown:
    """Late interest on `invoice` as of `as_of`, line by line, under `rules`.

    `allocations` may hold other invoices' allocations; only this invoice's, dated on or
    before `as_of`, lower the base from the day after their date (a credit note as well as
    a payment). Expected gaps (no formal notice yet, a notice before the due date, no rate
    in the rules or the contract) come back as problems with no lines. A rate missing from
    its table gives the lines before the gap and a blocking problem naming the table and
    the first day missing.
    """
    terms = contract if contract is not None else Contract()
    empty = InterestBreakdown(invoice.number, rules.code, invoice.currency, as_of)
    if terms.waive_interest:
        return empty
    if terms.rate is None and rules.rate_table is None:
        return _with_problem(
            empty, f"rules {rules.code!r} give no interest rate and none is agreed"
        )
    first = first_day_of_delay(invoice, rules, terms)
    if first is None:
        return _with_problem(empty, _why_no_start(invoice, terms))
    if first > as_of:
        return empty
    owed, settling = _owed_and_settling(invoice, allocations, as_of)
    cuts = _cuts(first, as_of, rules, rates, terms)
    cuts.update(a.date + ONE_DAY for a in settling if first < a.date + ONE_DAY <= as_of)
    lines, problems, blocking = _interest_lines(
        invoice, [first, *sorted(cuts)], as_of, owed, settling, rules, rates, terms
    )
    problems.extend(_single_source_warnings(lines))
    return InterestBreakdown(
        invoice.number,
        rules.code,
        invoice.currency,
        as_of,
        tuple(lines),
        (*problems, *blocking),
        tuple(blocking),
    )


def _owed_and_settling(
    invoice: Invoice, allocations: Iterable[Allocation], as_of: date
) -> tuple[Money, list[Allocation]]:
    """What the invoice's interest runs on before payments, and the payments that lower it
    as of `as_of` (oldest first), out of allocations that may be other invoices'."""
    own = [a for a in allocations if a.invoice_number == invoice.number and a.date <= as_of]
    # The credited part of an invoice was never owed: it leaves the base from the first
    # day, whatever the credit note's date (docs/law.md, "Credit notes").
    owed = invoice.amount - total(
        (a.amount for a in own if a.kind is AllocationKind.CREDIT_NOTE), invoice.currency
    )
    settling = sorted(
        (a for a in own if a.kind is not AllocationKind.CREDIT_NOTE), key=lambda a: a.date
    )
    return owed, settling


def _interest_lines(
    invoice: Invoice,
    starts: list[date],
    as_of: date,
    owed: Money,
    settling: list[Allocation],
    rules: RuleSet,
    rates: RateBook,
    terms: Contract,
) -> tuple[list[InterestLine], list[str], list[str]]:
    """One line per period between `starts` (the first day of delay, then each change of
    rate or base), with the problems met and those that block the claim."""
    first = starts[0]
    lines: list[InterestLine] = []
    problems: list[str] = []
    blocking: list[str] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - ONE_DAY if index + 1 < len(starts) else as_of
        base = owed - total((a.amount for a in settling if a.date < start), invoice.currency)
        if not base.is_positive:
            continue
        try:
            rate, basis, rate_basis, confidence, problem = _rate_for(
                start, first, rules, rates, terms
            )
        except MissingRate as gap:
            # Stop at the gap: the lines before it are right, nothing after it is known.
            blocking.append(
                f"rate table {gap.table!r} has no rate for {gap.day.isoformat()}: interest "
                f"on invoice {invoice.number} is computed only up to "
                f"{(start - ONE_DAY).isoformat()}; add the rate before claiming it"
            )
            break
        if problem is not None:
            problems.append(problem)
        days = (end - start).days + 1
        year_days = _year_days(start, rules.day_count)
        amount = Money(base.amount * rate * days / (HUNDRED * year_days), invoice.currency)
        lines.append(
            InterestLine(
                start, end, days, year_days, base, rate, amount, basis, confidence, rate_basis
            )
        )
    return lines, problems, blocking


def _single_source_warnings(lines: Iterable[InterestLine]) -> list[str]:
    """A warning for each line whose rate comes from a single unofficial source."""
    return [
        f"the rate used from {line.start} ({line.basis}) comes from a single "
        f"unofficial source: check it before claiming"
        for line in lines
        if line.confidence is Confidence.SINGLE_SOURCE
    ]


def _why_no_start(invoice: Invoice, terms: Contract) -> str:
    """Why interest does not run yet where it runs from a formal notice."""
    notice = terms.formal_notice
    if notice is not None and notice <= invoice.due_date:
        return (
            f"the formal notice of {notice.isoformat()} is dated on or before the due "
            f"date {invoice.due_date.isoformat()} of invoice {invoice.number}: it does "
            f"not start interest on it; a notice received after the due date does"
        )
    return "interest runs only from a formal notice, and none is recorded"


def _with_problem(breakdown: InterestBreakdown, problem: str) -> InterestBreakdown:
    return InterestBreakdown(
        breakdown.invoice_number,
        breakdown.rule_set,
        breakdown.currency,
        breakdown.as_of,
        breakdown.lines,
        (*breakdown.problems, problem),
    )
