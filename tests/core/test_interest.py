"""Late-payment interest, worked by hand: each test writes its arithmetic out.

The rates below are the ones shipped in `relance/rules/` (ECB main refinancing rate, French
legal rate, Bank of England base rate), restated here so that the core is tested alone.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.core.late_payment_data import FR_B2B, FR_B2C, RATES, UK_B2B, period

from relance.core.interest import FormalNotice, interest_breakdown, notice_for
from relance.core.jurisdiction import (
    Contract,
    Fixing,
    RuleSet,
)
from relance.core.model import Allocation, AllocationKind, Invoice
from relance.core.money import Money
from relance.core.rates import MissingRate, RateTable


def invoice(amount: str, due: str, currency: str = "EUR", number: str = "F-1") -> Invoice:
    due_date = date.fromisoformat(due)
    return Invoice(
        number=number,
        customer_ref="C1",
        issue_date=due_date - timedelta(days=30),
        due_date=due_date,
        amount=Money.of(amount, currency),
        tax=Money.zero(currency),
    )


def paid(inv: Invoice, amount: str, on: str, key: str = "P1") -> Allocation:
    return Allocation(
        AllocationKind.PAYMENT,
        key,
        inv.number,
        Money.of(amount, inv.currency),
        date.fromisoformat(on),
    )


def test_a_french_b2b_invoice_paid_45_days_late_across_a_half_year_boundary() -> None:
    inv = invoice("10000.00", "2025-06-15")
    payment = paid(inv, "10000.00", "2025-07-30")

    result = interest_breakdown(inv, [payment], FR_B2B, RATES, as_of=date(2025, 9, 1))

    # Late from 16 June to 30 July 2025: 15 days in June + 30 days in July = 45 days.
    # H1 2025: ECB rate in force on 1 January 2025 = 3.15 %, + 10 points = 13.15 %
    #   10 000 × 13.15 % × 15 / 365 = 19 725 / 365 = 54.041… → 54.04
    # H2 2025: ECB rate in force on 1 July 2025 = 2.15 %, + 10 points = 12.15 %
    #   10 000 × 12.15 % × 30 / 365 = 36 450 / 365 = 99.863… → 99.86
    # Total 54.04 + 99.86 = 153.90 (and nothing after the payment).
    assert [(line.start, line.end, line.days) for line in result.lines] == [
        (date(2025, 6, 16), date(2025, 6, 30), 15),
        (date(2025, 7, 1), date(2025, 7, 30), 30),
    ]
    assert [line.rate for line in result.lines] == [Decimal("13.15"), Decimal("12.15")]
    assert [line.amount for line in result.lines] == [
        Money.of("54.04", "EUR"),
        Money.of("99.86", "EUR"),
    ]
    assert result.total == Money.of("153.90", "EUR")
    assert result.days == 45
    assert result.lines[0].basis == "ECB main refinancing rate on 2025-01-01 3.15 % + 10 points"
    assert result.problems == ()


def test_a_consumer_owes_legal_interest_only_from_the_formal_notice() -> None:
    inv = invoice("1200.00", "2025-03-31")
    before_notice = interest_breakdown(inv, [], FR_B2C, RATES, as_of=date(2025, 8, 19))
    assert before_notice.total == Money.zero("EUR")
    assert before_notice.problems == (
        "interest runs only from a formal notice, and none is recorded",
    )

    notice = Contract(formal_notice=date(2025, 5, 20))
    result = interest_breakdown(inv, [], FR_B2C, RATES, as_of=date(2025, 8, 19), contract=notice)

    # Notice received 20 May 2025; interest runs from 21 May, at the legal rate for a
    # company creditor ("autres cas"), with no margin and no fixed indemnity:
    #   21 May - 30 June: 11 + 30 = 41 days at 3.71 % (H1 2025)
    #     1 200 × 3.71 % × 41 / 365 = 1 825.32 / 365 = 5.0008… → 5.00
    #   1 July - 19 August: 31 + 19 = 50 days at 2.76 % (H2 2025)
    #     1 200 × 2.76 % × 50 / 365 = 1 656 / 365 = 4.5369… → 4.54
    # Total 9.54; the 4 months between the due date and the notice earn nothing.
    assert [(line.days, line.rate, line.amount) for line in result.lines] == [
        (41, Decimal("3.71"), Money.of("5.00", "EUR")),
        (50, Decimal("2.76"), Money.of("4.54", "EUR")),
    ]
    assert result.runs_from == date(2025, 5, 21)
    assert result.total == Money.of("9.54", "EUR")


def test_uk_statutory_interest_keeps_one_rate_for_the_whole_life_of_the_debt() -> None:
    # Late Payment of Commercial Debts (Interest) Act 1998 s.4(2) and SI 2002/1675 art. 4
    # (docs/law.md, "United Kingdom"): the reference rate is the base rate in force on the
    # 31 December or 30 June before the day interest starts to run, kept for the whole debt.
    inv = invoice("10000.00", "2022-01-15", currency="GBP")

    result = interest_breakdown(inv, [], UK_B2B, RATES, as_of=date(2023, 12, 31))

    # Interest runs from 16 January 2022; the day before that half-year began is
    # 31 December 2021, when the base rate was 0.25 %: 0.25 + 8 = 8.25 % throughout, though
    # the base rate rose to 5.25 % meanwhile.
    # 16 Jan 2022 - 31 Dec 2023 = 350 + 365 = 715 days:
    #   10 000 × 8.25 % × 715 / 365 = 589 875 / 365 = 1 616.095… → 1 616.10 GBP
    # (re-fixing it every half-year gave 2 067.12 GBP).
    assert [(line.days, line.rate, line.amount) for line in result.lines] == [
        (715, Decimal("8.25"), Money.of("1616.10", "GBP")),
    ]
    assert "on 2021-12-31 0.25 %" in result.lines[0].basis
    assert result.blocking == ()


def test_a_uk_debt_of_5000_gbp_keeps_the_rate_of_31_december_after_30_june() -> None:
    inv = invoice("5000.00", "2025-05-31", currency="GBP")

    result = interest_breakdown(inv, [], UK_B2B, RATES, as_of=date(2025, 9, 30))

    # Interest starts on 1 June 2025: base rate on 31 Dec 2024 = 4.75 %, + 8 = 12.75 %,
    # not re-fixed on 30 June (1998 Act s.4(2)).
    #   1 June - 30 September = 30 + 31 + 31 + 30 = 122 days:
    #   5 000 × 12.75 % × 122 / 365 = 77 775 / 365 = 213.082… → 213.08 GBP
    assert [(line.days, line.rate, line.amount) for line in result.lines] == [
        (122, Decimal("12.75"), Money.of("213.08", "GBP")),
    ]
    assert "on 2024-12-31 4.75 %" in result.lines[0].basis


def test_a_later_missing_half_year_does_not_block_a_uk_claim_whose_rate_is_known() -> None:
    inv = invoice("5000.00", "2026-05-31", currency="GBP")
    # The table stops on 18 March 2026, but the debt's rate was fixed on 31 Dec 2025.
    result = interest_breakdown(inv, [], UK_B2B, RATES, as_of=date(2026, 7, 15))

    # 3.75 + 8 = 11.75 %, 1 June - 15 July = 45 days:
    #   5 000 × 11.75 % × 45 / 365 = 26 437.5 / 365 = 72.431… → 72.43 GBP
    assert result.blocking == ()
    assert result.total == Money.of("72.43", "GBP")


def test_a_partial_payment_in_the_middle_of_the_period_lowers_the_base_from_the_next_day() -> None:
    inv = invoice("10000.00", "2025-09-30")
    part = paid(inv, "4000.00", "2025-10-31")

    result = interest_breakdown(inv, [part], FR_B2B, RATES, as_of=date(2025, 11, 30))

    # H2 2025 rate: 2.15 % + 10 = 12.15 % throughout.
    #   1-31 October (the payment day still counts on the old balance): 31 days on 10 000
    #     10 000 × 12.15 % × 31 / 365 = 37 665 / 365 = 103.191… → 103.19
    #   1-30 November: 30 days on 10 000 - 4 000 = 6 000
    #     6 000 × 12.15 % × 30 / 365 = 21 870 / 365 = 59.917… → 59.92
    # Total 163.11.
    assert [(line.base, line.days, line.amount) for line in result.lines] == [
        (Money.of("10000", "EUR"), 31, Money.of("103.19", "EUR")),
        (Money.of("6000", "EUR"), 30, Money.of("59.92", "EUR")),
    ]
    assert result.total == Money.of("163.11", "EUR")


def test_nothing_is_owed_on_or_before_the_due_date() -> None:
    inv = invoice("500.00", "2025-06-15")
    assert interest_breakdown(inv, [], FR_B2B, RATES, as_of=date(2025, 6, 15)).lines == ()
    one_day = interest_breakdown(inv, [], FR_B2B, RATES, as_of=date(2025, 6, 16))
    # 500 × 13.15 % × 1 / 365 = 0.180… → 0.18
    assert one_day.total == Money.of("0.18", "EUR")


def test_a_missing_rate_stops_the_lines_at_the_gap_with_a_blocking_problem() -> None:
    inv = invoice("5000.00", "2026-06-30", currency="GBP")
    # Interest starts on 1 July 2026: its rate is the base rate on 30 June 2026, which
    # the table lacks. Nothing is known: no line, never a zero line.
    result = interest_breakdown(inv, [], UK_B2B, RATES, as_of=date(2026, 7, 15))

    assert result.lines == ()
    (blocking,) = result.blocking
    assert "'boe_base'" in blocking and "2026-06-30" in blocking
    assert blocking in result.problems
    # A direct lookup in the table is still an error.
    with pytest.raises(MissingRate, match=r"boe_base.*2026-06-30"):
        RATES["boe_base"].period_on(date(2026, 6, 30))


def test_consumer_interest_after_the_legal_rate_table_ends_is_blocked_not_zero() -> None:
    inv = invoice("1000.00", "2026-03-31")
    notice = Contract(formal_notice=date(2026, 4, 15))
    result = interest_breakdown(inv, [], FR_B2C, RATES, as_of=date(2026, 8, 1), contract=notice)
    # 16 April - 30 June 2026 = 15 + 31 + 30 = 76 days at 2.62 %:
    #   1 000 × 2.62 % × 76 / 365 = 199.12 / 365 = 5.455… → 5.46; the table ends 30 June.
    assert result.total == Money.of("5.46", "EUR") and result.days == 76
    assert len(result.blocking) == 1
    assert "'fr_legal_other'" in result.blocking[0] and "2026-07-01" in result.blocking[0]


def test_a_formal_notice_on_or_before_the_due_date_starts_no_interest() -> None:
    inv = invoice("1200.00", "2025-06-15")
    for notice_day in (date(2025, 1, 10), date(2025, 6, 15)):
        result = interest_breakdown(
            inv, [], FR_B2C, RATES, date(2025, 9, 1), Contract(formal_notice=notice_day)
        )
        assert result.lines == ()
        assert "on or before the due date 2025-06-15" in result.problems[0]
    # A notice the day after the due date starts interest the day after it.
    later = interest_breakdown(
        inv, [], FR_B2C, RATES, date(2025, 9, 1), Contract(formal_notice=date(2025, 6, 16))
    )
    assert later.runs_from == date(2025, 6, 17)


def test_a_customer_wide_notice_covers_only_invoices_already_due_on_its_date() -> None:
    old = invoice("100.00", "2023-01-01", number="F-OLD")
    new = invoice("100.00", "2024-06-15", number="F-NEW")
    wide = FormalNotice("C1", date(2023, 1, 10))
    assert notice_for(old, [wide]) == date(2023, 1, 10)
    assert notice_for(new, [wide]) is None  # due later: the notice never demanded it
    # A notice naming the invoice covers it once it is after its due date...
    own = FormalNotice("C1", date(2024, 7, 1), "F-NEW")
    assert notice_for(new, [wide, own]) == date(2024, 7, 1)
    # ...and one naming it before its due date is returned so the breakdown says why.
    early = FormalNotice("C1", date(2024, 6, 1), "F-NEW")
    assert notice_for(new, [early]) == date(2024, 6, 1)
    # another customer's notice never counts
    assert notice_for(old, [FormalNotice("C2", date(2023, 2, 1))]) is None


def test_a_rate_from_a_single_source_is_used_but_flagged() -> None:
    inv = invoice("1000.00", "2026-06-30")
    result = interest_breakdown(inv, [], FR_B2B, RATES, as_of=date(2026, 7, 10))
    # ECB on 1 July 2026 = 2.40 % (one unofficial source), + 10 = 12.40 %:
    #   1 000 × 12.40 % × 10 / 365 = 1 240 / 365 = 3.397… → 3.40
    assert result.total == Money.of("3.40", "EUR")
    assert len(result.problems) == 1
    assert "single unofficial source" in result.problems[0]


def test_a_contractual_rate_below_three_times_the_legal_rate_is_raised_to_the_floor() -> None:
    inv = invoice("10000.00", "2025-01-31")
    low = Contract(rate=Decimal("5"))
    result = interest_breakdown(inv, [], FR_B2B, RATES, as_of=date(2025, 3, 2), contract=low)
    # Floor in H1 2025: 3 × 3.71 % = 11.13 % > 5 %, so 11.13 % applies:
    #   1 Feb - 2 Mar = 28 + 2 = 30 days:
    #   10 000 × 11.13 % × 30 / 365 = 33 390 / 365 = 91.479… → 91.48
    assert result.total == Money.of("91.48", "EUR")
    assert "below the legal floor" in result.problems[0]

    high = Contract(rate=Decimal("15"))
    above = interest_breakdown(inv, [], FR_B2B, RATES, as_of=date(2025, 3, 2), contract=high)
    # 10 000 × 15 % × 30 / 365 = 45 000 / 365 = 123.287… → 123.29
    assert above.total == Money.of("123.29", "EUR")
    assert above.problems == ()


def test_waived_interest_is_zero() -> None:
    inv = invoice("10000.00", "2025-01-31")
    result = interest_breakdown(
        inv, [], FR_B2B, RATES, as_of=date(2025, 6, 1), contract=Contract(waive_interest=True)
    )
    assert result.total == Money.zero("EUR")


# -- properties ----------------------------------------------------------------------------

FLAT = RateTable(
    "flat",
    "flat test rate",
    (period("2014-01-01", "2019-12-31", "4.00"), period("2020-01-01", "2099-12-31", "0.50")),
)
FLAT_RULES = RuleSet(
    code="t", title="test", rate_table="flat", margin=Decimal(8), fixing=Fixing.HALF_YEAR_START
)

amounts = st.integers(min_value=1, max_value=10_000_000).map(
    lambda cents: Money.from_minor(cents, "EUR")
)
days = st.integers(min_value=0, max_value=3000)


@settings(max_examples=60, deadline=None)
@given(
    amount=amounts,
    due_offset=st.integers(min_value=0, max_value=2500),
    payments=st.lists(st.tuples(days, st.integers(min_value=1, max_value=5_000_000)), max_size=4),
    first=days,
    extra=days,
)
def test_interest_never_falls_as_time_passes_and_is_zero_up_to_the_due_date(
    amount: Money, due_offset: int, payments: list[tuple[int, int]], first: int, extra: int
) -> None:
    due = date(2015, 1, 1) + timedelta(days=due_offset)
    inv = Invoice("F-9", "C1", due - timedelta(days=30), due, amount, Money.zero("EUR"))
    allocations = [
        Allocation(
            AllocationKind.PAYMENT,
            f"P{i}",
            "F-9",
            Money.from_minor(cents, "EUR"),
            due + timedelta(days=d),
        )
        for i, (d, cents) in enumerate(payments)
    ]
    earlier = due - timedelta(days=30) + timedelta(days=first)
    later = earlier + timedelta(days=extra)
    at_due = interest_breakdown(inv, allocations, FLAT_RULES, {"flat": FLAT}, as_of=due)
    a = interest_breakdown(inv, allocations, FLAT_RULES, {"flat": FLAT}, as_of=earlier)
    b = interest_breakdown(inv, allocations, FLAT_RULES, {"flat": FLAT}, as_of=later)
    assert at_due.total == Money.zero("EUR")
    if earlier <= due:
        assert a.total == Money.zero("EUR")
    assert a.total <= b.total
    assert a.total.amount >= 0
