"""Payment terms against the French caps, and early-payment discounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance.core.ledger import Ledger, open_balance
from relance.core.model import Allocation, AllocationKind, Invoice
from relance.core.money import Money
from relance.core.terms import (
    BadTerms,
    DiscountTerms,
    TermVerdict,
    check_payment_term,
    discount_allocation,
    discounted_amount,
    end_of_month_limits,
    parse_discount_terms,
)


def invoice(issued: date, due: date, amount: str = "1000.00") -> Invoice:
    return Invoice("F-1", "C1", issued, due, Money.of(amount, "EUR"), Money.zero("EUR"))


def test_sixty_days_from_the_invoice_date_is_within_the_cap() -> None:
    # 10 Jan 2026 + 60 days = 11 March 2026 (21 days left in January + 28 + 11)
    check = check_payment_term(invoice(date(2026, 1, 10), date(2026, 3, 11)))
    assert check.verdict is TermVerdict.WITHIN
    assert check.term_days == 60
    assert not check.is_problem


def test_both_dgccrf_readings_of_45_days_end_of_month() -> None:
    # Invoice of 10 January 2026:
    #   reading 1: 10 Jan + 45 days = 24 Feb, then end of month → 28 Feb 2026
    #   reading 2: end of January (31 Jan) + 45 days → 17 March 2026
    assert end_of_month_limits(date(2026, 1, 10), 45) == (date(2026, 2, 28), date(2026, 3, 17))


def test_a_term_beyond_60_days_but_within_45_days_end_of_month_needs_the_clause() -> None:
    # 10 Jan + 60 days = 11 March < 15 March <= 17 March (second reading)
    check = check_payment_term(invoice(date(2026, 1, 10), date(2026, 3, 15)))
    assert check.verdict is TermVerdict.NEEDS_END_OF_MONTH_CLAUSE
    assert check.is_problem


def test_a_term_beyond_every_reading_exceeds_the_cap() -> None:
    check = check_payment_term(invoice(date(2026, 1, 10), date(2026, 3, 18)))
    assert check.verdict is TermVerdict.EXCEEDS
    assert check.limit_end_of_month == date(2026, 3, 17)


def test_rules_without_a_cap_accept_any_term() -> None:
    check = check_payment_term(invoice(date(2026, 1, 10), date(2026, 9, 1)), cap_days=None)
    assert check.verdict is TermVerdict.WITHIN


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("2/10 net 30", DiscountTerms(Decimal(2), 10, 30)),
        ("2/10 n/30", DiscountTerms(Decimal(2), 10, 30)),
        ("1.5%/10", DiscountTerms(Decimal("1.5"), 10, None)),
        ("2,5/8 net 45", DiscountTerms(Decimal("2.5"), 8, 45)),
        (" 3 / 10, NET 60 ", DiscountTerms(Decimal(3), 10, 60)),
    ],
)
def test_discount_terms_are_read_as_written_on_invoices(text: str, terms: DiscountTerms) -> None:
    assert parse_discount_terms(text) == terms


@pytest.mark.parametrize("text", ["net 30", "2/", "120/10 net 30", "two/ten"])
def test_text_that_is_not_discount_terms_is_refused_by_name(text: str) -> None:
    with pytest.raises(BadTerms, match=r"discount terms|between 0 and 100"):
        parse_discount_terms(text)


def test_a_discounted_payment_within_ten_days_settles_the_invoice() -> None:
    inv = invoice(date(2026, 3, 2), date(2026, 4, 1), amount="1200.00")
    terms = parse_discount_terms("2/10 net 30")
    # 2 % of 1 200.00 = 24.00, so 1 176.00 settles it until 12 March (2 March + 10 days)
    assert discounted_amount(inv, terms) == Money.of("1176.00", "EUR")
    discount = discount_allocation(inv, terms, Money.of("1176.00", "EUR"), date(2026, 3, 12), "P1")
    assert discount is not None
    assert (discount.kind, discount.amount) == (AllocationKind.DISCOUNT, Money.of("24.00", "EUR"))

    payment = Allocation(
        AllocationKind.PAYMENT, "P1", "F-1", Money.of("1176.00", "EUR"), date(2026, 3, 12)
    )
    ledger = Ledger(invoices=(inv,), allocations=(payment, discount))
    assert open_balance(ledger, inv, date(2026, 3, 12)) == Money.zero("EUR")


def test_no_discount_when_paid_late_or_short() -> None:
    inv = invoice(date(2026, 3, 2), date(2026, 4, 1), amount="1200.00")
    terms = parse_discount_terms("2/10 net 30")
    late = discount_allocation(inv, terms, Money.of("1176.00", "EUR"), date(2026, 3, 13), "P1")
    short = discount_allocation(inv, terms, Money.of("1175.99", "EUR"), date(2026, 3, 5), "P1")
    full = discount_allocation(inv, terms, Money.of("1200.00", "EUR"), date(2026, 3, 5), "P1")
    assert (late, short, full) == (None, None, None)


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(min_value=1, max_value=100_000_000),
    tenths=st.integers(min_value=1, max_value=500),
    within=st.integers(min_value=0, max_value=30),
)
def test_a_discounted_payment_and_its_discount_add_up_to_the_invoice_to_the_cent(
    cents: int, tenths: int, within: int
) -> None:
    inv = Invoice(
        "F-1",
        "C1",
        date(2026, 3, 2),
        date(2026, 4, 1),
        Money.from_minor(cents, "EUR"),
        Money.zero("EUR"),
    )
    terms = DiscountTerms(Decimal(tenths) / 10, within, 30)
    paid = discounted_amount(inv, terms)
    discount = discount_allocation(inv, terms, paid, date(2026, 3, 2), "P1")
    if discount is None:  # a discount that rounds to zero cents grants nothing
        assert paid == inv.amount
    else:
        assert paid + discount.amount == inv.amount
        assert not discount.amount.is_negative
