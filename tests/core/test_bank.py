"""Bank transactions: stable keys, and the payment a credit records."""

from __future__ import annotations

from datetime import date

from relance.core.bank import BankTransaction, transaction_key, unique_keys
from relance.core.money import Money


def test_the_banks_own_id_is_the_key_prefixed_by_our_account() -> None:
    assert transaction_key("FR76300060000112", "ABC-1", "whatever") == "FR76300060000112:ABC-1"
    assert transaction_key("", "ABC-1") == "ABC-1"


def test_without_a_bank_id_the_key_is_a_digest_of_what_the_bank_wrote() -> None:
    first = transaction_key("ACC", "", "2026-03-02", "100.00 EUR", "ACME", "1")
    again = transaction_key("ACC", "", "2026-03-02", "100.00 EUR", "ACME", "1")
    twin = transaction_key("ACC", "", "2026-03-02", "100.00 EUR", "ACME", "2")
    assert first == again
    assert first != twin
    assert first.startswith("sha256:") and len(first) == len("sha256:") + 32


def test_a_reference_given_twice_gets_a_suffix_in_file_order() -> None:
    line = BankTransaction("ACC:R1", date(2026, 3, 2), Money.of("5", "EUR"))
    keys = [t.key for t in unique_keys([line, line, line])]
    assert keys == ["ACC:R1", "ACC:R1#2", "ACC:R1#3"]


def test_a_credit_records_a_payment_on_its_value_date() -> None:
    credit = BankTransaction(
        key="K1",
        booking_date=date(2026, 3, 2),
        value_date=date(2026, 3, 3),
        amount=Money.of("120.00", "EUR"),
        payer_name="ACME",
        payer_iban="FR7630006000011234567890189",
        structured_reference="RF69F20260042",
    )
    payment = credit.to_payment("C-ACME")
    assert credit.is_credit
    assert (payment.key, payment.date, payment.amount) == ("K1", date(2026, 3, 3), credit.amount)
    assert (payment.customer_ref, payment.reference) == ("C-ACME", "RF69F20260042")
