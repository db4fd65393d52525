"""A deposit invoice deducted from its final invoice: paid, partly paid, or not at all."""

from datetime import date

import pytest

from relance.core.deposits import DepositProblem, deduction, deposit_subject
from relance.core.model import AllocationKind, Invoice
from relance.core.money import Money

DAY = date(2026, 10, 30)


def _invoice(number: str, amount: str, customer: str = "DUP") -> Invoice:
    return Invoice(number, customer, date(2026, 9, 1), date(2026, 9, 15),
                   Money.of(amount, "EUR"), Money.of("0", "EUR"))  # fmt: skip


def _made(deposit_open: str) -> list[tuple[str, str, str]]:
    made = deduction(_invoice("A-1", "300"), Money.of(deposit_open, "EUR"),
                     _invoice("F-1", "1000"), Money.of("1000", "EUR"), DAY)  # fmt: skip
    assert all(a.kind is AllocationKind.DEPOSIT and a.date == DAY for a in made)
    return [(a.invoice_number, a.source, str(a.amount.amount)) for a in made]


def test_the_paid_part_goes_to_the_final_invoice_and_the_rest_moves_onto_it():
    assert _made("0") == [("F-1", "deposit A-1", "300.00")]
    assert _made("300") == [("A-1", "moved to F-1", "300.00")]
    assert _made("100") == [("F-1", "deposit A-1", "200.00"), ("A-1", "moved to F-1", "100.00")]


def test_a_deposit_of_another_customer_is_refused():
    with pytest.raises(DepositProblem, match="differ"):
        deduction(_invoice("A-1", "300"), Money.of("0", "EUR"), _invoice("F-1", "1000", "MAR"),
                  Money.of("1000", "EUR"), DAY)  # fmt: skip


def test_the_letter_says_it_is_a_deposit_in_the_letters_language():
    assert deposit_subject("Chaudière", "F-1", "fr") == (
        "Acompte à valoir sur la facture F-1 – Chaudière"
    )
    assert deposit_subject("", "F-1", "en_GB") == "Deposit towards invoice F-1"
