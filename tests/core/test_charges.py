"""Claimable charges: interest, fixed indemnity and fees, apart from the principal."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.core.late_payment_data import FR_B2B, FR_B2C, RATES, UK_B2B

from relance.core.charges import (
    Charge,
    ChargeKind,
    claimable_charges,
    letter_fee,
    split_payment,
    was_paid_late,
)
from relance.core.jurisdiction import Contract, IndemnityBand, RuleSet
from relance.core.model import Allocation, AllocationKind, Invoice
from relance.core.money import Money

UK_WITH_SUMS = dataclasses.replace(
    UK_B2B,
    indemnity=(
        IndemnityBand(Money.of(40, "GBP"), below=Money.of(1000, "GBP")),
        IndemnityBand(Money.of(70, "GBP"), below=Money.of(10000, "GBP")),
        IndemnityBand(Money.of(100, "GBP")),
    ),
)
CONSUMER = dataclasses.replace(FR_B2C, fees_allowed=False)
CONTRACTUAL = RuleSet(code="contractual", title="Contractual terms only")


def invoice(amount: str, due: str, currency: str = "EUR") -> Invoice:
    due_date = date.fromisoformat(due)
    return Invoice(
        "F-1",
        "C1",
        due_date - timedelta(days=30),
        due_date,
        Money.of(amount, currency),
        Money.zero(currency),
    )


def payment(inv: Invoice, amount: str, on: str) -> Allocation:
    return Allocation(
        AllocationKind.PAYMENT,
        "P1",
        inv.number,
        Money.of(amount, inv.currency),
        date.fromisoformat(on),
    )


def test_a_french_b2b_invoice_paid_late_carries_interest_and_the_40_eur_indemnity() -> None:
    inv = invoice("10000.00", "2025-06-15")
    paid = payment(inv, "10000.00", "2025-07-30")

    charges = claimable_charges(inv, [paid], FR_B2B, RATES, as_of=date(2025, 9, 1))

    # interest 54.04 + 99.86 = 153.90 (tests/core/test_interest.py), plus 40.00 indemnity
    assert [(c.kind, c.amount) for c in charges.items] == [
        (ChargeKind.INTEREST, Money.of("153.90", "EUR")),
        (ChargeKind.INDEMNITY, Money.of("40.00", "EUR")),
    ]
    assert charges.total == Money.of("193.90", "EUR")
    assert charges.interest is not None and charges.interest.days == 45
    # the principal is untouched: the charges are separate items
    assert inv.amount == Money.of("10000.00", "EUR")


def test_an_invoice_paid_on_its_due_date_owes_nothing() -> None:
    inv = invoice("10000.00", "2025-06-15")
    paid = payment(inv, "10000.00", "2025-06-15")
    charges = claimable_charges(inv, [paid], FR_B2B, RATES, as_of=date(2025, 9, 1))
    assert charges.items == ()
    assert not was_paid_late(inv, [paid], date(2025, 9, 1))


def test_the_indemnity_is_owed_from_the_day_after_the_due_date_even_before_interest_rounds_up() -> (
    None
):
    inv = invoice("1.00", "2025-06-15")
    charges = claimable_charges(inv, [], FR_B2B, RATES, as_of=date(2025, 6, 16))
    # 1.00 × 13.15 % / 365 = 0.0004 → 0.00: no interest line, but the 40 EUR is owed
    assert [(c.kind, c.amount) for c in charges.items] == [
        (ChargeKind.INDEMNITY, Money.of(40, "EUR"))
    ]


def test_a_uk_debt_of_5000_gbp_carries_the_70_gbp_fixed_sum() -> None:
    inv = invoice("5000.00", "2025-05-31", currency="GBP")
    charges = claimable_charges(inv, [], UK_WITH_SUMS, RATES, as_of=date(2025, 9, 30))
    # interest 52.40 + 154.38 = 206.78 GBP; 1 000 <= 5 000 < 10 000 → 70 GBP
    assert [(c.kind, c.amount) for c in charges.items] == [
        (ChargeKind.INTEREST, Money.of("206.78", "GBP")),
        (ChargeKind.INDEMNITY, Money.of("70.00", "GBP")),
    ]
    assert charges.total == Money.of("276.78", "GBP")


def test_a_consumer_owes_no_indemnity_and_no_contractual_fee() -> None:
    inv = invoice("1200.00", "2025-03-31")
    contract = Contract(formal_notice=date(2025, 5, 20), fee_per_invoice=Money.of(15, "EUR"))
    charges = claimable_charges(
        inv, [], CONSUMER, RATES, as_of=date(2025, 8, 19), contract=contract
    )
    # legal interest from the notice, 5.00 + 4.54 = 9.54 (tests/core/test_interest.py)
    assert [(c.kind, c.amount) for c in charges.items] == [
        (ChargeKind.INTEREST, Money.of("9.54", "EUR"))
    ]
    assert any("stay with the creditor" in p for p in charges.problems)


def test_a_contractual_fee_above_the_statutory_indemnity_replaces_it() -> None:
    inv = invoice("800.00", "2025-06-15")
    contract = Contract(fee_per_invoice=Money.of(60, "EUR"), waive_interest=True)
    charges = claimable_charges(inv, [], FR_B2B, RATES, as_of=date(2025, 7, 1), contract=contract)
    assert [(c.kind, c.amount) for c in charges.items] == [
        (ChargeKind.INVOICE_FEE, Money.of(60, "EUR"))
    ]


def test_contractual_terms_give_interest_only_at_the_agreed_rate() -> None:
    inv = invoice("2000.00", "2025-06-30", currency="USD")
    none_agreed = claimable_charges(inv, [], CONTRACTUAL, RATES, as_of=date(2025, 7, 30))
    assert none_agreed.items == ()
    assert none_agreed.problems == ("rules 'contractual' give no interest rate and none is agreed",)
    agreed = Contract(rate=Decimal("18"), fee_per_invoice=Money.of(25, "USD"))
    charges = claimable_charges(
        inv, [], CONTRACTUAL, RATES, as_of=date(2025, 7, 30), contract=agreed
    )
    # 2 000 × 18 % × 30 / 365 = 10 800 / 365 = 29.589… → 29.59 USD, plus the 25 USD fee
    assert [(c.kind, c.amount) for c in charges.items] == [
        (ChargeKind.INTEREST, Money.of("29.59", "USD")),
        (ChargeKind.INVOICE_FEE, Money.of(25, "USD")),
    ]


def test_a_fee_per_letter_is_counted_per_letter_sent() -> None:
    contract = Contract(fee_per_letter=Money.of("7.50", "USD"))
    fee = letter_fee(3, CONTRACTUAL, contract, "USD")
    assert fee is not None and fee.amount == Money.of("22.50", "USD")
    assert fee.invoice_number is None
    assert letter_fee(0, CONTRACTUAL, contract, "USD") is None
    assert letter_fee(3, CONSUMER, Contract(fee_per_letter=Money.of(5, "EUR")), "EUR") is None


def test_a_partial_payment_goes_to_the_charges_before_the_principal() -> None:
    interest = Charge(ChargeKind.INTEREST, "F-1", Money.of("153.90", "EUR"), "interest")
    indemnity = Charge(ChargeKind.INDEMNITY, "F-1", Money.of("40.00", "EUR"), "D441-5")
    split = split_payment(Money.of("1000", "EUR"), Money.of("10000", "EUR"), [interest, indemnity])
    # 1 000 - 153.90 - 40.00 = 806.10 to the principal
    assert [m for _, m in split.to_charges] == [Money.of("153.90", "EUR"), Money.of("40", "EUR")]
    assert split.to_principal == Money.of("806.10", "EUR")
    assert split.excess == Money.zero("EUR")


cents = st.integers(min_value=0, max_value=10_000_000).map(lambda n: Money.from_minor(n, "EUR"))


@settings(max_examples=200, deadline=None)
@given(
    paid=cents,
    principal=cents,
    owed=st.lists(cents, max_size=4),
    charges_first=st.booleans(),
)
def test_splitting_a_payment_never_creates_or_loses_a_cent(
    paid: Money, principal: Money, owed: list[Money], charges_first: bool
) -> None:
    charges = [Charge(ChargeKind.INTEREST, "F-1", m, "x") for m in owed]
    split = split_payment(paid, principal, charges, charges_first)
    assert split.total == paid
    assert split.to_principal <= principal
    assert all(part <= c.amount and not part.is_negative for c, part in split.to_charges)
    assert not split.excess.is_negative
