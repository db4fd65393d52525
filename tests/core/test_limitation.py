"""Limitation periods: five years between businesses, two against a consumer, restarted by
an acknowledgement, a partial payment or legal action, never by a formal notice."""

from __future__ import annotations

from datetime import date, timedelta

from relance.core.limitation import (
    Interruption,
    InterruptionKind,
    add_years,
    expiring,
    interruptions_from_payments,
    is_time_barred,
    limitation_status,
    time_barred,
)
from relance.core.model import Allocation, AllocationKind, Invoice
from relance.core.money import Money


def invoice(number: str, issued: date, delivered: date | None = None) -> Invoice:
    """An invoice issued on `issued`, due 30 days later: its claim starts on the delivery
    date when given, else on the issue date (docs/law.md, "Limitation")."""
    return Invoice(
        number, "C1", issued, issued + timedelta(days=30), Money.of(100, "EUR"),
        Money.zero("EUR"), delivery_date=delivered,
    )  # fmt: skip


def test_limitation_starts_at_delivery_not_at_the_due_date() -> None:
    # Cass. com. 26 Feb 2020 n° 18-25.036 (C. com. L110-4, between businesses) and
    # Cass. 1re civ. 19 May 2021 n° 20-12.520 (C. conso. L218-2, consumers): the period runs
    # from the delivery or completion of the work, not from the invoice's due date.
    delivered = invoice("F-D", date(2021, 3, 31), delivered=date(2021, 3, 10))
    status = limitation_status(delivered, 5, [], as_of=date(2026, 1, 1))
    # delivered 10 March 2021 + 5 years: last day 10 March 2026, not 30 April 2026
    # (the due date, 31 March + 30 days) as before
    assert status.runs_from == date(2021, 3, 10)
    assert status.last_day == date(2026, 3, 10)
    # Without a delivery date, the issue date: 31 March 2021 + 2 years for a consumer
    assert limitation_status(
        invoice("F-I", date(2021, 3, 31)), 2, [], date(2022, 1, 1)
    ).last_day == (date(2023, 3, 31))
    # An expiry alert 90 days ahead now comes 51 days earlier than from the due date.
    found = expiring([delivered], 5, [], date(2025, 12, 10), within=timedelta(days=90))
    assert [s.last_day for s in found] == [date(2026, 3, 10)]


def test_a_b2b_claim_lives_five_years_from_its_start() -> None:
    inv = invoice("F-1", date(2021, 3, 31))
    status = limitation_status(inv, 5, [], as_of=date(2026, 1, 1))
    # 31 March 2021 + 5 years = 31 March 2026 is the last day to act
    assert status.last_day == date(2026, 3, 31)
    assert status.days_left(date(2026, 1, 1)) == 89  # 31 + 28 + 31 - 1
    assert not is_time_barred(inv, 5, [], date(2026, 3, 31))
    assert is_time_barred(inv, 5, [], date(2026, 4, 1))


def test_a_consumer_claim_lives_two_years() -> None:
    inv = invoice("F-2", date(2024, 2, 29))
    # 29 Feb 2024 + 2 years: 2026 has no 29 February, so 28 Feb 2026
    assert limitation_status(inv, 2, [], date(2025, 1, 1)).last_day == date(2026, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_an_acknowledgement_restarts_a_full_period_and_a_later_one_again() -> None:
    inv = invoice("F-1", date(2021, 3, 31))
    events = [
        Interruption("F-1", InterruptionKind.ACKNOWLEDGEMENT, date(2023, 6, 1), "letter"),
        Interruption("F-1", InterruptionKind.LEGAL_ACTION, date(2025, 9, 15)),
        Interruption("F-9", InterruptionKind.ACKNOWLEDGEMENT, date(2025, 12, 1)),  # another invoice
    ]
    status = limitation_status(inv, 5, events, as_of=date(2026, 4, 1))
    # the legal action of 15 Sep 2025 restarts 5 years: last day 15 Sep 2030
    assert status.last_day == date(2030, 9, 15)
    assert status.interruption is not None
    assert status.interruption.kind is InterruptionKind.LEGAL_ACTION
    # as known on 1 Jan 2024, only the acknowledgement counted: 1 June 2028
    assert limitation_status(inv, 5, events, date(2024, 1, 1)).last_day == date(2028, 6, 1)


def test_an_acknowledgement_after_expiry_does_not_revive_the_claim() -> None:
    inv = invoice("F-1", date(2020, 1, 31))
    late = [Interruption("F-1", InterruptionKind.ACKNOWLEDGEMENT, date(2025, 3, 1))]
    # expired after 31 Jan 2025; the March 2025 acknowledgement comes too late
    assert is_time_barred(inv, 5, late, date(2025, 6, 1))


def test_a_partial_payment_can_count_as_an_interruption() -> None:
    inv = invoice("F-1", date(2024, 1, 31))
    part = Allocation(AllocationKind.PAYMENT, "P7", "F-1", Money.of(40, "EUR"), date(2025, 1, 10))
    credit = Allocation(
        AllocationKind.CREDIT_NOTE, "A1", "F-1", Money.of(5, "EUR"), date(2025, 2, 1)
    )
    events = interruptions_from_payments([part, credit])
    assert [(e.kind, e.date) for e in events] == [
        (InterruptionKind.PARTIAL_PAYMENT, date(2025, 1, 10))
    ]
    # consumer claim: 2 years from the payment, last day 10 Jan 2027
    assert limitation_status(inv, 2, events, date(2025, 6, 1)).last_day == date(2027, 1, 10)


def test_debts_about_to_expire_are_listed_soonest_first() -> None:
    as_of = date(2026, 1, 1)
    soon = invoice("F-SOON", date(2021, 2, 15))  # last day 15 Feb 2026: in 45 days
    sooner = invoice("F-SOONER", date(2021, 1, 20))  # last day 20 Jan 2026: in 19 days
    later = invoice("F-LATER", date(2021, 6, 30))  # last day 30 Jun 2026: in 180 days
    gone = invoice("F-GONE", date(2020, 12, 1))  # expired 1 Dec 2025
    found = expiring([soon, sooner, later, gone], 5, [], as_of, within=timedelta(days=90))
    assert [s.invoice_number for s in found] == ["F-SOONER", "F-SOON"]
    assert time_barred([soon, sooner, later, gone], 5, [], as_of) == frozenset({"F-GONE"})


def test_the_period_may_depend_on_the_invoice() -> None:
    consumer = invoice("C-1", date(2024, 3, 1))
    business = invoice("B-1", date(2024, 3, 1))
    years = {"C-1": 2, "B-1": 5}
    found = expiring(
        [consumer, business],
        lambda inv: years[inv.number],
        [],
        as_of=date(2026, 1, 15),
        within=timedelta(days=90),
    )
    assert [s.invoice_number for s in found] == ["C-1"]  # last day 1 March 2026
