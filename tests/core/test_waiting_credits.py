"""Which credits of the lettrage queue could pay what a proposed step claims."""

from __future__ import annotations

from datetime import date

from relance.core.bank import BankTransaction
from relance.core.model import Customer
from relance.core.money import Money
from relance.core.waiting_credits import Claim, WaitingCredit, credits_that_could_pay

IBAN = "FR7630006000011234567890189"
AGENCE = Customer(ref="C01", name="Agence Immobilière de la Croix-Rousse", ibans=(IBAN,))
CAFE = Customer(ref="C17", name="Café des Arts")
HOTEL = Customer(ref="C08", name="Hôtel du Parc")
CUSTOMERS = (AGENCE, CAFE, HOTEL)
AS_OF = date(2026, 11, 5)
CLAIMS = (
    Claim("a1", "C01", (Money.of("455.50", "EUR"),)),
    Claim("a17", "C17", (Money.of("96.00", "EUR"),)),
    Claim("a8", "C08", (Money.of("860.00", "EUR"),)),
)


def waiting(
    key: str, amount: str, payer: str = "", iban: str = "", on: date = date(2026, 11, 3)
) -> WaitingCredit:
    tx = BankTransaction(key, on, Money.of(amount, "EUR"), payer_name=payer, payer_iban=iban)
    return WaitingCredit(tx)


def test_a_credit_from_the_customers_iban_or_name_could_pay_whatever_its_amount() -> None:
    credits = [
        waiting("T1", "200.00", iban=IBAN),
        waiting("T2", "50.00", payer="AGENCE IMMO CROIX ROUSSE"),
    ]
    found = credits_that_could_pay(CLAIMS, credits, CUSTOMERS, AS_OF)
    assert [(w.transaction_key, w.why, w.covers) for w in found["a1"]] == [
        ("T1", "sent from the customer's IBAN", False),
        ("T2", "the payer's name is the customer's", False),
    ]
    assert set(found) == {"a1"}


def test_a_strangers_credit_counts_only_for_exactly_the_amount_claimed() -> None:
    credits = [
        waiting("T3", "96.00", payer="M PAUL GIRAUD"),
        waiting("T4", "97.00", payer="M PAUL GIRAUD"),
    ]
    found = credits_that_could_pay(CLAIMS, credits, CUSTOMERS, AS_OF)
    (warning,) = found["a17"]
    assert (warning.transaction_key, warning.why, warning.covers) == (
        "T3",
        "exactly the amount claimed",
        True,
    )
    assert "unmatched credit T3 of 96.00 EUR on 2026-11-03 from M PAUL GIRAUD" in warning.text
    assert set(found) == {"a17"}


def test_a_suggestion_of_matching_ties_the_credit_and_a_later_credit_does_not_count() -> None:
    suggested = WaitingCredit(waiting("T5", "10.00").transaction, suggested=("C08",))
    later = waiting("T6", "860.00", on=date(2026, 11, 20))
    found = credits_that_could_pay(CLAIMS, [suggested, later], CUSTOMERS, AS_OF)
    assert [w.why for w in found["a8"]] == ["matching suggested this customer"]
