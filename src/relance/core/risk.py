"""A customer's payment behaviour as of a date, and the grade (A to E) it earns, with the
reasons that gave it (docs/prevention.md, "Credit risk").

Read from the ledger alone: each invoice's due date and the day its allocations settled it
(or, still open and overdue, the days it has been late so far), the dunning steps carried
out before it was paid, the promises and disputes. Nothing is a bare number: every grade
comes with the sentences that explain it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from relance.core.actions import Action, ActionStatus
from relance.core.model import Allocation, AllocationKind, Invoice
from relance.core.money import Money
from relance.core.pauses import Dispute, Promise, PromiseState

GRADES = "ABCDE"
# weighted days beyond terms up to which each grade is given (above the last: E)
GRADE_LIMITS = ((3, "A"), (10, "B"), (30, "C"), (60, "D"))
LATE_STAGE = 3  # the third letter of the default policies: paying only after it is a warning
RECENT_MONTHS_DAYS = 183  # "the last six months"
TREND_DAYS = 10  # a trend worse than this many days costs a grade
VERY_LATE_DAYS = 90  # an invoice open this long past its due date gives E
PROMISE_GRACE_DAYS = 3
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class InvoicePayment:
    """How one invoice was paid (or is still unpaid) as of the day of the assessment."""

    number: str
    due_date: date
    amount: Decimal
    settled_on: date | None  # None: still open
    days_late: int  # beyond the due date: at settlement, or so far when open
    stage: int  # the highest dunning level carried out before it was paid (-1: none)
    stage_name: str
    with_agency: bool


@dataclass(frozen=True, slots=True)
class Behaviour:
    """A customer's payment behaviour as of `as_of`, graded with its reasons."""

    customer_ref: str
    as_of: date
    invoices: tuple[InvoicePayment, ...]
    average_days_late: Decimal | None  # weighted by amount; None without any invoice due
    share_late: Decimal | None  # of the invoices due, the share paid (or still open) late
    usual_stage: str  # the stage at which the customer usually pays
    promises_broken: int
    disputes: int
    recent_days_late: Decimal | None  # the last six months
    earlier_days_late: Decimal | None  # before them
    grade: str
    reasons: tuple[str, ...]

    @property
    def trend_days(self) -> Decimal | None:
        """How many more days late the customer pays lately than before (None if unknown)."""
        if self.recent_days_late is None or self.earlier_days_late is None:
            return None
        return self.recent_days_late - self.earlier_days_late


def _settlement(invoice: Invoice, allocations: Sequence[Allocation], as_of: date) -> date | None:
    """The day the allocations made by `as_of` brought the invoice's balance to zero."""
    paid = ZERO
    for allocation in sorted(allocations, key=lambda a: a.date):
        if allocation.date > as_of:
            break
        paid += allocation.amount.amount
        if paid >= invoice.amount.amount:
            return allocation.date
    return None


def _stages(actions: Iterable[Action]) -> dict[str, list[tuple[date, int, str]]]:
    """Each invoice's steps carried out: day, level and its name."""
    found: dict[str, list[tuple[date, int, str]]] = {}
    for action in actions:
        if action.status is ActionStatus.DONE and action.done_on is not None:
            for number, level in action.stages():
                found.setdefault(number, []).append((action.done_on, level, action.level_name))
    return found


def invoice_payments(
    invoices: Iterable[Invoice],
    allocations: Iterable[Allocation],
    as_of: date,
    actions: Iterable[Action] = (),
    handed_over: Mapping[str, date] | None = None,
) -> tuple[InvoicePayment, ...]:
    """Each invoice due by `as_of`: when it was settled and how late, or how late so far."""
    by_invoice: dict[str, list[Allocation]] = {}
    for allocation in allocations:
        by_invoice.setdefault(allocation.invoice_number, []).append(allocation)
    steps = _stages(actions)
    handed = handed_over or {}
    found = []
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.number)):
        if invoice.issue_date > as_of or invoice.due_date >= as_of or not invoice.amount.amount:
            continue
        mine = by_invoice.get(invoice.number, [])
        settled = _settlement(invoice, mine, as_of)
        end = settled if settled is not None else as_of
        before = [s for s in steps.get(invoice.number, ()) if s[0] <= end]
        stage, name = max(((lvl, nm) for _, lvl, nm in before), default=(-1, ""))
        agency = invoice.number in handed and handed[invoice.number] <= end
        open_part = invoice.amount.amount - sum(
            (a.amount.amount for a in mine if a.date <= as_of), ZERO
        )
        weight = invoice.amount.amount if settled is not None else open_part
        found.append(
            InvoicePayment(
                invoice.number, invoice.due_date, weight, settled,
                max(0, (end - invoice.due_date).days), stage, name, agency,
            )
        )  # fmt: skip
    return tuple(found)


def _weighted(items: Iterable[InvoicePayment]) -> Decimal | None:
    chosen = [i for i in items if i.amount > 0]
    weight = sum((i.amount for i in chosen), ZERO)
    if not weight:
        return None
    late = sum((i.amount * i.days_late for i in chosen), ZERO)
    return (late / weight).quantize(Decimal("0.1"))


def _usual_stage(items: Sequence[InvoicePayment]) -> tuple[int, str]:
    """The stage at which the settled invoices were usually paid (the lower median)."""
    settled = sorted((i.stage, i.stage_name) for i in items if i.settled_on is not None)
    if not settled:
        return -1, ""
    return settled[(len(settled) - 1) // 2]


def _broken(promises: Iterable[Promise], allocations: Sequence[Allocation], as_of: date) -> int:
    """The promises broken by `as_of`: nothing paid from the promise to its deadline."""
    count = 0
    for promise in promises:
        if promise.made_on > as_of:
            continue
        end = min(as_of, promise.deadline(PROMISE_GRACE_DAYS))
        paid = sum(
            (a.amount.amount for a in allocations
             if a.kind is AllocationKind.PAYMENT and promise.made_on <= a.date <= end),
            ZERO,
        )  # fmt: skip
        state = promise.state(Money(paid, promise.amount.currency), as_of, PROMISE_GRACE_DAYS)
        count += state is PromiseState.BROKEN
    return count


def assess(
    customer_ref: str,
    invoices: Iterable[Invoice],
    allocations: Iterable[Allocation],
    as_of: date,
    *,
    actions: Iterable[Action] = (),
    promises: Iterable[Promise] = (),
    disputes: Iterable[Dispute] = (),
    handed_over: Mapping[str, date] | None = None,
) -> Behaviour:
    """The customer's payment behaviour and grade as of `as_of`."""
    allocations = tuple(allocations)
    items = invoice_payments(invoices, allocations, as_of, actions, handed_over)
    recent_from = as_of - timedelta(days=RECENT_MONTHS_DAYS)
    recent = [i for i in items if (i.settled_on or as_of) > recent_from]
    earlier = [i for i in items if (i.settled_on or as_of) <= recent_from]
    stage, stage_name = _usual_stage(items)
    usual = stage_name if stage >= 0 else ("before any reminder" if items else "")
    share = (
        (Decimal(sum(i.days_late > 0 for i in items)) / len(items)).quantize(Decimal("0.01"))
        if items
        else None
    )
    facts = Behaviour(
        customer_ref, as_of, items, _weighted(items), share, usual,
        _broken(promises, allocations, as_of),
        sum(1 for d in disputes if d.opened <= as_of), _weighted(recent), _weighted(earlier),
        "", (),
    )  # fmt: skip
    grade, reasons = grade_of(facts, stage)
    return Behaviour(
        facts.customer_ref, facts.as_of, facts.invoices, facts.average_days_late,
        facts.share_late, facts.usual_stage, facts.promises_broken, facts.disputes,
        facts.recent_days_late, facts.earlier_days_late, grade, reasons,
    )  # fmt: skip


def _lower(grade: str, steps: int = 1) -> str:
    return GRADES[min(len(GRADES) - 1, GRADES.index(grade) + steps)]


def grade_of(b: Behaviour, usual_stage: int) -> tuple[str, tuple[str, ...]]:
    """The grade and the reasons for it: the weighted days beyond terms set the grade,
    then each warning sign costs one letter (docs/prevention.md lists the rules)."""
    if b.average_days_late is None:
        return "C", ("no invoice due yet: no payment history to judge",)
    average = b.average_days_late
    grade = next((g for limit, g in GRADE_LIMITS if average <= limit), "E")
    reasons = [f"pays on average {average} days beyond terms (weighted by amount): {grade}"]
    if b.share_late is not None and b.share_late > Decimal("0.5") and grade == "A":
        # the average hides a habit: most invoices late, if only by a few days
        grade = "B"
        reasons.append(f"{int(b.share_late * 100)} % of its invoices paid late")
    agency = any(i.with_agency for i in b.invoices)
    if usual_stage >= LATE_STAGE or agency:
        if GRADES.index(grade) < GRADES.index("D"):
            grade = "D"
        reasons.append(
            "paid only after a collection agency" if agency
            else f"usually pays only at the {b.usual_stage} step"
        )  # fmt: skip
    if b.promises_broken:
        grade = _lower(grade)
        reasons.append(f"{b.promises_broken} promise(s) to pay broken")
    trend = b.trend_days
    if trend is not None and trend >= TREND_DAYS:
        grade = _lower(grade)
        reasons.append(
            f"paying later: {b.recent_days_late} days beyond terms over the last six months "
            f"against {b.earlier_days_late} before"
        )
    if b.disputes >= 3:
        grade = _lower(grade)
        reasons.append(f"{b.disputes} invoices disputed")
    elif b.disputes:
        reasons.append(f"{b.disputes} invoice(s) disputed (not held against it)")
    oldest = max((i.days_late for i in b.invoices if i.settled_on is None), default=0)
    if oldest > VERY_LATE_DAYS:
        grade = "E"
        reasons.append(f"an invoice is still unpaid {oldest} days after its due date")
    return grade, tuple(reasons)


@dataclass(frozen=True, slots=True)
class Exposure:
    """What a customer owes as of a day against its credit limit: the open balance of its
    overdue invoices and of those not yet due (one currency)."""

    customer_ref: str
    overdue: Money
    not_due: Money
    limit: Money | None

    @property
    def total(self) -> Money:
        """Everything open: the credit extended to the customer."""
        return self.overdue + self.not_due

    @property
    def over_limit(self) -> bool:
        """True when a limit is set, in the same currency, and the exposure exceeds it."""
        limit = self.limit
        return (
            limit is not None
            and limit.currency == self.total.currency
            and self.total.amount > limit.amount
        )

    def describe(self) -> str:
        """The exposure against the limit, in words."""
        text = f"{self.customer_ref}: exposure {self.total.amount} {self.total.currency}"
        if self.limit is not None:
            text += f" against a limit of {self.limit.amount} {self.limit.currency}"
            if self.over_limit:
                text += f", over by {(self.total - self.limit).amount}"
        return text
