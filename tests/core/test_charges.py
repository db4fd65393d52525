"""Claimable charges: interest, fixed indemnity and fees, apart from the principal."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.core.late_payment_data import FR_B2B, FR_B2C, RATES, UK_B2B

from relance.core.charges import (
    Charge,
    ChargeKind,
    claimable_charges,
    customer_charges,
    letter_fee,
    split_payment,
    was_paid_late,
)
from relance.core.interest import FormalNotice
from relance.core.jurisdiction import (
    Contract,
    IndemnityBand,
    Jurisdictions,
    RuleSet,
    RuleSetNotForConsumers,
    Selector,
)
from relance.core.ledger import Ledger
from relance.core.model import Allocation, AllocationKind, Creditor, Customer, CustomerKind, Invoice
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
    # interest 5 000 × 12.75 % × 122 / 365 = 213.08 GBP (one rate for the whole debt,
    # test_interest.py); 1 000 <= 5 000 < 10 000 → 70 GBP (1998 Act s.5A)
    assert [(c.kind, c.amount) for c in charges.items] == [
        (ChargeKind.INTEREST, Money.of("213.08", "GBP")),
        (ChargeKind.INDEMNITY, Money.of("70.00", "GBP")),
    ]
    assert charges.total == Money.of("283.08", "GBP")


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


def credit(inv: Invoice, amount: str, on: str) -> Allocation:
    return Allocation(
        AllocationKind.CREDIT_NOTE,
        "AV-1",
        inv.number,
        Money.of(amount, inv.currency),
        date.fromisoformat(on),
    )


def test_an_invoice_wholly_credited_after_its_due_date_owes_no_indemnity_and_no_interest() -> None:
    inv = invoice("10000.00", "2025-06-15")
    cancelled = credit(inv, "10000.00", "2025-07-30")
    assert not was_paid_late(inv, [cancelled], date(2025, 9, 1))
    charges = claimable_charges(inv, [cancelled], FR_B2B, RATES, as_of=date(2025, 9, 1))
    assert charges.items == () and charges.total == Money.of("0", "EUR")


def test_an_invoice_cancelled_by_a_credit_note_on_or_before_its_due_date_owes_nothing() -> None:
    inv = invoice("10000.00", "2025-06-15")
    for on in ("2025-06-01", "2025-06-15"):
        charges = claimable_charges(
            inv, [credit(inv, "10000.00", on)], FR_B2B, RATES, date(2025, 9, 1)
        )
        assert charges.items == ()


def test_the_credited_part_of_an_invoice_was_never_owed_and_bears_no_interest() -> None:
    # docs/law.md, "Credit notes": a credit note corrects the invoice; what it credits was
    # never owed, so it bears no interest even before the credit note's date.
    inv = invoice("10000.00", "2025-06-15")
    allocations = [credit(inv, "4000.00", "2025-06-30"), payment(inv, "6000.00", "2025-07-30")]

    charges = claimable_charges(inv, allocations, FR_B2B, RATES, as_of=date(2025, 9, 1))

    # Base 10 000 - 4 000 credited = 6 000 from the first day of delay:
    #   16-30 June, 15 days at 3.15 + 10 = 13.15 %: 6 000 × 13.15 % × 15 / 365 = 32.424… → 32.42
    #   1-30 July, 30 days at 2.15 + 10 = 12.15 %:  6 000 × 12.15 % × 30 / 365 = 59.917… → 59.92
    #   total 92.34 (charging the credited 4 000 until 30 June gave 113.96);
    # and the 40 EUR (C. com. D441-5), since the rest was paid after the due date.
    assert [(c.kind, c.amount) for c in charges.items] == [
        (ChargeKind.INTEREST, Money.of("92.34", "EUR")),
        (ChargeKind.INDEMNITY, Money.of("40.00", "EUR")),
    ]
    assert charges.interest is not None
    assert [line.base for line in charges.interest.lines] == [Money.of("6000", "EUR")] * 2


def test_an_invoice_paid_on_time_apart_from_a_later_credited_part_was_not_late() -> None:
    # The 6 000 still owed was paid on the due date; the 4 000 credited later was never
    # owed: nothing was late, so no interest and no 40 EUR.
    inv = invoice("10000.00", "2025-06-15")
    allocations = [payment(inv, "6000.00", "2025-06-15"), credit(inv, "4000.00", "2025-07-30")]
    assert not was_paid_late(inv, allocations, date(2025, 9, 1))
    assert claimable_charges(inv, allocations, FR_B2B, RATES, date(2025, 9, 1)).items == ()


def test_the_indemnity_is_never_claimed_from_a_consumer_whatever_the_rule_set() -> None:
    inv = invoice("1000.00", "2025-06-15")
    charges = claimable_charges(
        inv, [], FR_B2B, RATES, date(2025, 9, 1), debtor=CustomerKind.CONSUMER
    )
    assert charges.of_kind(ChargeKind.INDEMNITY) == ()
    assert any("professional" in problem for problem in charges.problems)


JURISDICTIONS = Jurisdictions(
    (FR_B2B, FR_B2C),
    (
        Selector("fr_b2b", creditor="FR", kind=CustomerKind.BUSINESS),
        Selector("fr_b2c", creditor="FR", kind=CustomerKind.CONSUMER),
    ),
)


def test_a_contract_cannot_put_a_consumer_under_a_business_rule_set() -> None:
    assert JURISDICTIONS.business_only("fr_b2b") and not JURISDICTIONS.business_only("fr_b2c")
    with pytest.raises(RuleSetNotForConsumers, match=r"'fr_b2b'.*'MARTIN' is a consumer"):
        JURISDICTIONS.select(
            "FR", "FR", CustomerKind.CONSUMER, Contract(rule_set="fr_b2b"), customer_ref="MARTIN"
        )
    # a business may be put under it, and a consumer under its own rules
    business = JURISDICTIONS.select("FR", "FR", CustomerKind.BUSINESS, Contract(rule_set="fr_b2b"))
    assert business.code == "fr_b2b"


def test_a_customer_wide_notice_does_not_start_interest_on_an_invoice_due_later() -> None:
    # The reviewer's case: notice on 10 January 2025, another invoice due 15 June 2025.
    customer = Customer("C1", "Julie Martin", CustomerKind.CONSUMER, "FR")
    old = dataclasses.replace(invoice("1200.00", "2024-12-31"), number="F-OLD")
    new = dataclasses.replace(invoice("1200.00", "2025-06-15"), number="F-NEW")
    ledger = Ledger(customers=(customer,), invoices=(old, new))
    claims = customer_charges(
        ledger,
        Creditor("Atelier", "FR", "EUR"),
        "C1",
        JURISDICTIONS,
        RATES,
        date(2025, 2, 9),
        notices=[FormalNotice("C1", date(2025, 1, 10))],
    )
    # F-OLD: 11 January - 9 February 2025, 30 days at 3.71 %:
    #   1 200 × 3.71 % × 30 / 365 = 1 335.6 / 365 = 3.659… → 3.66; no indemnity (consumer)
    assert [(c.invoice_number, c.total) for c in claims] == [("F-OLD", Money.of("3.66", "EUR"))]
    later = customer_charges(
        ledger,
        Creditor("Atelier", "FR", "EUR"),
        "C1",
        JURISDICTIONS,
        RATES,
        date(2025, 8, 1),
        notices=[FormalNotice("C1", date(2025, 1, 10))],
    )
    assert [c.invoice_number for c in later] == ["F-OLD", "F-NEW"]
    assert later[1].items == ()  # F-NEW: no notice covers it, so no interest
    assert "none is recorded" in later[1].problems[0]
