"""Limitation periods (prescription): when a claim can no longer be brought to court.

A claim's period starts on the delivery or completion of the goods or services, not on
the due date (Cass. com. 26 Feb 2020 n° 18-25.036 for L110-4; Cass. 1re civ. 19 May 2021
n° 20-12.520 for L218-2): the invoice's `delivery_date` when known, else its issue date,
which comes no later than most deliveries and so never gives a late alert (docs/law.md,
"Limitation"). It lasts the rule set's number of years (France: 5 between businesses,
C. com. L110-4; 2 against a consumer, C. conso. L218-2).
An interruption restarts a full new period from its date (C. civ. 2231): the debtor's
acknowledgement of the debt (2240; a signed payment plan and, as usually held, a partial
payment are acknowledgements) or legal action, even summary (2241). A formal notice does
NOT interrupt (Cass. com. 18 May 2022, n° 20-23.204) and is not an interruption kind here.

Legal action keeps the period interrupted until the case ends (2242); this module restarts
it from the filing date, which gives an earlier expiry than the law: a safe side to err on
for an alert, to be revised when the case's end is recorded as a new event.

The last day to act is the anniversary of the start (29 February falls back to
28 February); a claim is time-barred from the next day.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from relance.core.model import Allocation, AllocationKind, Invoice


class InterruptionKind(StrEnum):
    """Events that restart a limitation period."""

    ACKNOWLEDGEMENT = "acknowledgement"  # C. civ. 2240
    PARTIAL_PAYMENT = "partial_payment"  # an acknowledgement by conduct (2240)
    PAYMENT_PLAN = "payment_plan"  # a signed plan acknowledges the debt (2240)
    LEGAL_ACTION = "legal_action"  # C. civ. 2241, even summary or before the wrong court
    CLAIM_DECLARED = "claim_declared"  # C. com. L622-25-1: a declaration in insolvency


@dataclass(frozen=True, slots=True)
class Interruption:
    """An event recorded in the log that restarts the period of one invoice's claim."""

    invoice_number: str
    kind: InterruptionKind
    date: date
    note: str = ""


@dataclass(frozen=True, slots=True)
class LimitationStatus:
    """Where one invoice's claim stands against its limitation period."""

    invoice_number: str
    runs_from: date  # the delivery (else issue) date, or the last interruption
    years: int
    last_day: date  # the last day the claim can be brought
    interruption: Interruption | None = None  # the event the period runs from, if any

    def is_time_barred(self, as_of: date) -> bool:
        """True from the day after the last day."""
        return as_of > self.last_day

    def days_left(self, as_of: date) -> int:
        """Days until the last day, 0 on it, negative once time-barred."""
        return (self.last_day - as_of).days


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February if need be."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def claim_start(invoice: Invoice) -> date:
    """The day the limitation period of `invoice`'s claim starts: its delivery (or
    completion) date when known, else its issue date."""
    return invoice.delivery_date if invoice.delivery_date is not None else invoice.issue_date


def interruptions_from_payments(allocations: Iterable[Allocation]) -> tuple[Interruption, ...]:
    """Each payment allocated to an invoice, as a partial-payment interruption.

    Whether a payment acknowledges the debt is for a judge (docs/law.md, "Limitation"): it is the
    creditor's setting `RuleSet.payments_acknowledge` (on by default); call this only for
    invoices whose rule set has it on.
    """
    return tuple(
        Interruption(
            a.invoice_number, InterruptionKind.PARTIAL_PAYMENT, a.date, f"payment {a.source}"
        )
        for a in allocations
        if a.kind is AllocationKind.PAYMENT
    )


def limitation_status(
    invoice: Invoice,
    years: int,
    interruptions: Iterable[Interruption],
    as_of: date,
) -> LimitationStatus:
    """The period of `invoice`'s claim as known on `as_of` (later events are ignored).

    Only interruptions while the claim was still alive count: an acknowledgement after the
    last day does not revive a time-barred claim.
    """
    runs_from, source = claim_start(invoice), None
    last_day = add_years(runs_from, years)
    relevant = sorted(
        (
            i
            for i in interruptions
            if i.invoice_number == invoice.number and runs_from < i.date <= as_of
        ),
        key=lambda i: i.date,
    )
    for event in relevant:
        if event.date > last_day:
            break  # the claim had already expired
        runs_from, source = event.date, event
        last_day = add_years(runs_from, years)
    return LimitationStatus(invoice.number, runs_from, years, last_day, source)


def is_time_barred(
    invoice: Invoice, years: int, interruptions: Iterable[Interruption], as_of: date
) -> bool:
    """True when the claim on `invoice` can no longer be brought on `as_of`."""
    return limitation_status(invoice, years, interruptions, as_of).is_time_barred(as_of)


def expiring(
    invoices: Iterable[Invoice],
    years: int | Callable[[Invoice], int],
    interruptions: Iterable[Interruption],
    as_of: date,
    within: timedelta,
) -> tuple[LimitationStatus, ...]:
    """Claims still alive whose last day falls within `within` of `as_of`, soonest first.

    Pass the invoices still owed; `years` is one figure or a function of the invoice
    (the customer's rule set or contract).
    """
    events = tuple(interruptions)
    found = []
    for invoice in invoices:
        period = years(invoice) if callable(years) else years
        status = limitation_status(invoice, period, events, as_of)
        if not status.is_time_barred(as_of) and status.last_day <= as_of + within:
            found.append(status)
    return tuple(sorted(found, key=lambda s: (s.last_day, s.invoice_number)))


def time_barred(
    invoices: Iterable[Invoice],
    years: int | Callable[[Invoice], int],
    interruptions: Iterable[Interruption],
    as_of: date,
) -> frozenset[str]:
    """Numbers of the invoices whose claim is time-barred on `as_of` (for the engine)."""
    events = tuple(interruptions)
    return frozenset(
        invoice.number
        for invoice in invoices
        if is_time_barred(invoice, years(invoice) if callable(years) else years, events, as_of)
    )
