"""Lettrage: each rule, several invoices, partial and over-payments, discounts, ambiguity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iso11649

from relance.core.bank import BankTransaction
from relance.core.ledger import Ledger
from relance.core.matching import (
    OpenItem,
    Rule,
    discount_by_terms,
    match_manually,
    match_transactions,
    open_items,
)
from relance.core.model import Allocation, AllocationKind, Customer, Invoice, Payment
from relance.core.money import Money
from relance.core.reference import InvalidReferenceKey, creditor_reference
from relance.core.terms import parse_discount_terms

ACME_IBAN = "FR76 3000 6000 0112 3456 7890 189"
ACME = Customer(ref="C-ACME", name="ACME SARL", ibans=(ACME_IBAN,))
BETA = Customer(ref="C-BETA", name="Boulangerie Beta", ibans=("DE89370400440532013000",))
GAMMA = Customer(ref="C-GAMMA", name="Gamma Industries SAS")
CUSTOMERS = (ACME, BETA, GAMMA)


def eur(value: str) -> Money:
    return Money.of(value, "EUR")


def item(number: str, customer: Customer, owed: str, due: date = date(2026, 3, 1)) -> OpenItem:
    invoice = Invoice(number, customer.ref, date(2026, 2, 1), due, eur(owed), eur("0"))
    return OpenItem(invoice, eur(owed))


def credit(
    amount: str,
    key: str = "T1",
    *,
    remittance: str = "",
    structured_reference: str = "",
    payer_iban: str = "",
    payer_name: str = "",
) -> BankTransaction:
    return BankTransaction(
        key=key,
        booking_date=date(2026, 3, 10),
        amount=eur(amount),
        remittance=remittance,
        structured_reference=structured_reference,
        payer_iban=payer_iban,
        payer_name=payer_name,
    )


BOOK = (
    item("F2026-0001", ACME, "1200.00", date(2026, 3, 1)),
    item("F2026-0002", ACME, "300.00", date(2026, 3, 15)),
    item("F2026-0003", ACME, "450.00", date(2026, 4, 1)),
    item("F2026-0010", BETA, "99.90"),
    item("F2026-0020", GAMMA, "2500.00"),
)


def paid(match_allocations: tuple[Allocation, ...]) -> list[tuple[str, Money]]:
    return [(a.invoice_number, a.amount) for a in match_allocations]


def test_rf_reference_printed_on_a_letter_settles_the_invoices_it_covers() -> None:
    # The letter for F2026-0001 and F2026-0002 printed one reference for both: 1 500,00.
    ref = creditor_reference("LETTER42")
    assert iso11649.is_valid(ref)
    tx = credit("1500.00", structured_reference=ref)
    result = match_transactions(
        [tx], BOOK, CUSTOMERS, references={ref: ("F2026-0001", "F2026-0002")}
    )
    (match,) = result.matches
    assert match.rule is Rule.REFERENCE
    assert match.confidence == 100
    assert paid(match.allocations) == [("F2026-0001", eur("1200")), ("F2026-0002", eur("300"))]
    assert match.unapplied == eur("0")


def test_rf_built_from_the_invoice_number_is_understood_in_free_text() -> None:
    ref = creditor_reference("F2026-0020")
    assert ref == "RF" + ref[2:4] + "F20260020"
    assert iso11649.is_valid(ref)
    spaced = iso11649.format(ref)  # printed in groups of four, as on a letter
    tx = credit("2500.00", remittance=f"VIREMENT {spaced} MERCI")
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    assert (match.rule, match.customer_ref) == (Rule.REFERENCE, "C-GAMMA")
    assert paid(match.allocations) == [("F2026-0020", eur("2500"))]


def test_invoice_number_in_text_with_the_exact_amount() -> None:
    tx = credit("99.90", remittance="PAIEMENT FACT.F2026-0010")
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    assert (match.rule, match.confidence, match.customer_ref) == (
        Rule.INVOICE_NUMBER,
        95,
        "C-BETA",
    )


def test_one_transfer_pays_two_invoices_named_in_the_text() -> None:
    tx = credit("1500.00", remittance="FACT F2026-0001 + F2026-0002")
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    # 1 200,00 + 300,00 = 1 500,00
    assert paid(match.allocations) == [("F2026-0001", eur("1200")), ("F2026-0002", eur("300"))]


def test_partial_payment_is_allocated_and_the_rest_stays_owed() -> None:
    tx = credit("1000.00", remittance="acompte F2026-0001", payer_name="Acme")
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    assert match.confidence == 85
    assert paid(match.allocations) == [("F2026-0001", eur("1000"))]
    assert match.unapplied == eur("0")
    # A second payment for the same invoice finds only 200,00 still owed: 50,00 stays as credit.
    second = credit("250.00", key="T2", remittance="solde F2026-0001", payer_iban=ACME_IBAN)
    _, match2 = match_transactions([tx, second], BOOK, CUSTOMERS).matches
    assert paid(match2.allocations) == [("F2026-0001", eur("200"))]
    assert match2.unapplied == eur("50")
    assert match2.customer_ref == "C-ACME"


def test_another_amount_from_an_unknown_payer_is_only_suggested() -> None:
    # Could be a partial payment, could be a mistyped number naming someone else's invoice.
    tx = credit("1000.00", remittance="F2026-0001", payer_name="Zeta Holding")
    result = match_transactions([tx], BOOK, CUSTOMERS)
    assert not result.matches
    assert result.unmatched[0].suggestions[0].invoice_numbers == ("F2026-0001",)


def test_a_mistyped_number_loses_to_the_invoice_owed_exactly_that_amount() -> None:
    # ACME owes 450,00 on F2026-0003 and writes F2026-0002 (300,00) by mistake: one digit
    # away from a number owed exactly what was paid.
    tx = credit("450.00", remittance="FACTURE F2026-0002", payer_name="ACME")
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    assert (match.rule, match.confidence) == (Rule.INVOICE_NUMBER, 80)
    assert paid(match.allocations) == [("F2026-0003", eur("450"))]


def test_swapped_digits_are_forgiven_when_the_amount_is_exact() -> None:
    # "F2026-0100" typed for F2026-0010 (99,90), without any name or IBAN.
    tx = credit("99.90", remittance="VIR F2026-0100")
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    assert paid(match.allocations) == [("F2026-0010", eur("99.90"))]


def test_a_number_near_two_invoices_owed_that_amount_is_only_suggested() -> None:
    book = (item("F2026-1001", ACME, "80.00"), item("F2026-1003", GAMMA, "80.00"))
    tx = credit("80.00", remittance="FACT F2026-1002")
    result = match_transactions([tx], book, CUSTOMERS)
    assert not result.matches
    suggested = {s.invoice_numbers for s in result.unmatched[0].suggestions}
    assert {("F2026-1001",), ("F2026-1003",)} <= suggested


def test_overpayment_is_kept_as_unapplied_credit_on_the_customer() -> None:
    tx = credit("150.00", structured_reference=creditor_reference("F2026-0010"))
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    # 150,00 received, 99,90 owed: 50,10 unapplied for Beta.
    assert paid(match.allocations) == [("F2026-0010", eur("99.90"))]
    assert (match.customer_ref, match.unapplied) == ("C-BETA", eur("50.10"))


def test_known_iban_and_the_amount_of_one_invoice() -> None:
    tx = credit("450.00", payer_iban="FR7630006000011234567890189")
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    assert (match.rule, match.confidence) == (Rule.IBAN_AMOUNT, 90)
    assert paid(match.allocations) == [("F2026-0003", eur("450"))]


def test_known_iban_and_the_amount_of_a_set_of_invoices() -> None:
    # 1 200,00 + 450,00 = 1 650,00: not the oldest two (1 500,00), the only set that fits.
    tx = credit("1650.00", payer_iban=ACME_IBAN)
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    assert match.rule is Rule.IBAN_AMOUNT
    assert paid(match.allocations) == [("F2026-0001", eur("1200")), ("F2026-0003", eur("450"))]


def test_known_iban_and_the_oldest_invoices() -> None:
    tx = credit("1500.00", payer_iban=ACME_IBAN)
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    assert paid(match.allocations) == [("F2026-0001", eur("1200")), ("F2026-0002", eur("300"))]


def test_amount_and_a_similar_name_match_with_lower_confidence() -> None:
    tx = credit("2500.00", payer_name="GAMMA INDUSTRIES")
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    assert (match.rule, match.customer_ref) == (Rule.AMOUNT_NAME, "C-GAMMA")
    assert match.confidence < 90


def test_amount_with_an_unknown_name_goes_to_the_queue_with_a_suggestion() -> None:
    tx = credit("2500.00", payer_name="JOHN DOE")
    result = match_transactions([tx], BOOK, CUSTOMERS)
    assert not result.matches
    (waiting,) = result.unmatched
    assert waiting.suggestions[0].invoice_numbers == ("F2026-0020",)
    assert waiting.suggestions[0].score < 75


def test_two_customers_owing_the_same_amount_is_ambiguous() -> None:
    book = (item("A-1001", ACME, "80.00"), item("G-2002", GAMMA, "80.00"))
    tx = credit("80.00", payer_name="Someone")
    result = match_transactions([tx], book, CUSTOMERS)
    assert not result.matches
    suggested = {s.invoice_numbers for s in result.unmatched[0].suggestions}
    assert suggested == {("A-1001",), ("G-2002",)}


def test_numbers_of_two_customers_in_one_text_are_only_suggested() -> None:
    tx = credit("1299.90", remittance="F2026-0001 F2026-0010")
    result = match_transactions([tx], BOOK, CUSTOMERS)
    assert not result.matches
    owners = {s.customer_ref for s in result.unmatched[0].suggestions}
    assert owners == {"C-ACME", "C-BETA"}


def test_invoice_number_paid_from_another_customers_iban_is_not_trusted() -> None:
    tx = credit("99.90", remittance="F2026-0010", payer_iban=ACME_IBAN)
    result = match_transactions([tx], BOOK, CUSTOMERS)
    assert not result.matches
    assert result.unmatched[0].suggestions[0].invoice_numbers == ("F2026-0010",)


def test_early_payment_discount_is_honoured_when_the_discounted_amount_is_paid() -> None:
    # 2 % for payment within 10 days of issue: 1 200,00 - 24,00 = 1 176,00.
    def two_percent_within_ten_days(invoice: Invoice, day: date) -> Money:
        if (day - invoice.issue_date).days <= 10:
            return invoice.amount * Decimal("0.02")
        return Money.zero(invoice.currency)

    tx = BankTransaction(
        key="T9",
        booking_date=date(2026, 2, 9),
        amount=eur("1176.00"),
        remittance="F2026-0001",
        payer_name="ACME",
    )
    (match,) = match_transactions(
        [tx], BOOK, CUSTOMERS, discount=two_percent_within_ten_days
    ).matches
    kinds = [(a.kind, a.amount) for a in match.allocations]
    assert kinds == [
        (AllocationKind.DISCOUNT, eur("24.00")),
        (AllocationKind.PAYMENT, eur("1176.00")),
    ]
    assert match.unapplied == eur("0")
    # Paid too late, the same amount is only a partial payment.
    late = BankTransaction(
        "T10", date(2026, 3, 9), eur("1176.00"), remittance="F2026-0001", payer_name="ACME"
    )
    (match,) = match_transactions(
        [late], BOOK, CUSTOMERS, discount=two_percent_within_ten_days
    ).matches
    assert [a.kind for a in match.allocations] == [AllocationKind.PAYMENT]


def test_discount_terms_written_2_10_net_30_are_honoured() -> None:
    # "2/10 net 30" on F2026-0020 issued 1 February: 2 500,00 - 2 % (50,00) = 2 450,00 by
    # 11 February.
    terms = parse_discount_terms("2/10 net 30")
    rule = discount_by_terms(lambda invoice: terms if invoice.number == "F2026-0020" else None)
    tx = BankTransaction(
        "T11",
        date(2026, 2, 11),
        eur("2450.00"),
        structured_reference=creditor_reference("F2026-0020"),
    )
    (match,) = match_transactions([tx], BOOK, CUSTOMERS, discount=rule).matches
    assert [(a.kind, a.amount) for a in match.allocations] == [
        (AllocationKind.DISCOUNT, eur("50.00")),
        (AllocationKind.PAYMENT, eur("2450.00")),
    ]
    assert rule(BOOK[0].invoice, date(2026, 2, 11)) == eur("0")  # no terms on F2026-0001


def test_the_reference_built_from_a_number_is_the_one_letters_print() -> None:
    assert creditor_reference("INV20260042") == "RF73INV20260042"  # LAW.md §2 worked example
    with pytest.raises(InvalidReferenceKey):
        creditor_reference("---")
    with pytest.raises(InvalidReferenceKey):
        creditor_reference("X" * 22)


def test_debits_are_left_aside_as_problems() -> None:
    result = match_transactions([credit("-20.00")], BOOK, CUSTOMERS)
    assert not result.matches and not result.unmatched
    assert "not a credit" in result.problems[0]


def test_a_reversed_entry_is_not_a_payment() -> None:
    returned = BankTransaction(
        "R1", date(2026, 3, 10), eur("99.90"), remittance="F2026-0010", reversal=True
    )
    result = match_transactions([returned], BOOK, CUSTOMERS)
    assert not result.matches and not result.unmatched
    assert "reversal" in result.problems[0]


def test_manual_match_allocates_oldest_first_and_keeps_the_rest() -> None:
    tx = credit("1600.00", payer_name="?")
    match = match_manually(tx, "C-ACME", [BOOK[1], BOOK[0]])
    assert match.rule is Rule.MANUAL
    assert paid(match.allocations) == [("F2026-0001", eur("1200")), ("F2026-0002", eur("300"))]
    assert match.unapplied == eur("100")


def test_open_items_come_from_the_ledger_as_of_a_date() -> None:
    invoice = BOOK[0].invoice
    ledger = Ledger(
        customers=CUSTOMERS,
        invoices=(invoice,),
        payments=(Payment("P1", date(2026, 3, 2), eur("200"), "C-ACME"),),
        allocations=(
            Allocation(AllocationKind.PAYMENT, "P1", invoice.number, eur("200"), date(2026, 3, 2)),
        ),
    )
    assert open_items(ledger, date(2026, 3, 1))[0].open_amount == eur("1200")
    assert open_items(ledger, date(2026, 3, 5))[0].open_amount == eur("1000")


@settings(max_examples=60, deadline=None)
@given(
    owed=st.lists(st.integers(min_value=1, max_value=500_000), min_size=1, max_size=6),
    paid_cents=st.integers(min_value=1, max_value=3_000_000),
)
def test_allocations_never_exceed_what_is_owed_nor_what_was_paid(
    owed: list[int], paid_cents: int
) -> None:
    book = tuple(
        OpenItem(
            Invoice(
                f"INV-{n:04d}",
                "C-ACME",
                date(2026, 1, 1),
                date(2026, 2, n + 1),
                Money.from_minor(c, "EUR"),
                eur("0"),
            ),
            Money.from_minor(c, "EUR"),
        )
        for n, c in enumerate(owed)
    )
    numbers = " ".join(i.invoice.number for i in book)
    tx = credit(
        str(Money.from_minor(paid_cents, "EUR").amount), remittance=numbers, payer_iban=ACME_IBAN
    )
    result = match_transactions([tx], book, CUSTOMERS)
    for match in result.matches:
        applied = sum(a.amount.to_minor() for a in match.allocations)
        assert applied + match.unapplied.to_minor() == paid_cents
        for a in match.allocations:
            owed_on = next(i.open_amount for i in book if i.invoice.number == a.invoice_number)
            assert a.amount <= owed_on
    assert len(result.matches) + len(result.unmatched) == 1


@st.composite
def ledgers_and_credits(
    draw: st.DrawFn,
) -> tuple[tuple[OpenItem, ...], tuple[Customer, ...], list[BankTransaction]]:
    """A few customers with open invoices, and credits that quote them, more or less."""
    customers = tuple(
        Customer(ref=f"C{c}", name=name, ibans=(f"FR76{c:023d}",) if c % 2 else ())
        for c, name in enumerate(["Alpha SARL", "Beta SAS", "Gamma", "Delta Food"])
    )
    owed = draw(st.lists(st.integers(min_value=100, max_value=50_000), min_size=1, max_size=12))
    items = tuple(
        OpenItem(
            Invoice(
                f"INV-{n:04d}",
                f"C{n % len(customers)}",
                date(2026, 1, 1),
                date(2026, 2, 1 + n % 27),
                Money.from_minor(cents, "EUR"),
                eur("0"),
            ),
            Money.from_minor(cents, "EUR"),
        )
        for n, cents in enumerate(owed)
    )
    credits = []
    for t in range(draw(st.integers(min_value=1, max_value=10))):
        target = draw(st.sampled_from(items))
        customer = customers[int(target.invoice.customer_ref[1:])]
        cents = draw(
            st.one_of(
                st.just(target.open_amount.to_minor()),
                st.integers(min_value=1, max_value=120_000),
            )
        )
        how = draw(st.sampled_from(["rf", "number", "iban", "name", "nothing"]))
        credits.append(
            BankTransaction(
                key=f"T{t}",
                booking_date=date(2026, 3, 1),
                amount=Money.from_minor(cents, "EUR"),
                structured_reference=creditor_reference(target.invoice.number)
                if how == "rf"
                else "",
                remittance=f"FACT {target.invoice.number}" if how == "number" else "",
                payer_iban=customer.ibans[0] if how == "iban" and customer.ibans else "",
                payer_name=customer.name if how == "name" else "",
            )
        )
    return items, customers, credits


@settings(max_examples=150, deadline=None)
@given(case=ledgers_and_credits())
def test_over_a_run_no_invoice_gets_more_than_it_owed_and_no_money_is_lost(
    case: tuple[tuple[OpenItem, ...], tuple[Customer, ...], list[BankTransaction]],
) -> None:
    items, customers, credits = case
    result = match_transactions(credits, items, customers)
    owed = {i.invoice.number: i.open_amount for i in items}
    owner = {i.invoice.number: i.invoice.customer_ref for i in items}
    given_to: dict[str, Money] = {}
    for match in result.matches:
        paid = next(c.amount for c in credits if c.key == match.transaction_key)
        assert sum((a.amount for a in match.allocations), eur("0")) + match.unapplied == paid
        for allocation in match.allocations:
            assert owner[allocation.invoice_number] == match.customer_ref
            so_far = given_to.get(allocation.invoice_number, eur("0")) + allocation.amount
            given_to[allocation.invoice_number] = so_far
            assert so_far <= owed[allocation.invoice_number]
    # Every credit is either matched or queued, once.
    keys = [m.transaction_key for m in result.matches] + [
        u.transaction.key for u in result.unmatched
    ]
    assert sorted(keys) == sorted(c.key for c in credits)


def test_a_number_is_found_by_its_key_and_the_oldest_invoice_wins_a_shared_key() -> None:
    # Numbers in upper-case letters and digits are their own keys (checked all at once);
    # "ab-1234" and "AB1234" share the key AB1234: the oldest invoice due is the one meant.
    alike = (item("ab-1234", ACME, "100"), item("AB1234", BETA, "200", due=date(2026, 3, 2)))
    paid = match_transactions([credit("100", remittance="FACTURE AB1234")], alike, CUSTOMERS)
    assert [a.invoice_number for a in paid.matches[0].allocations] == ["ab-1234"]
    plain = (item("F2026001", ACME, "100"), item("F2026002", BETA, "200"))
    paid = match_transactions([credit("200", remittance="FACT F2026002")], plain, CUSTOMERS)
    assert [a.invoice_number for a in paid.matches[0].allocations] == ["F2026002"]


def test_only_the_amounts_paid_are_indexed_and_the_name_rule_still_finds_them() -> None:
    # Beta's invoice owes what Gamma pays; the payer's name says it is Gamma's.
    items = (item("X-1", BETA, "75.10"), item("X-2", GAMMA, "75.10"), item("X-3", GAMMA, "9"))
    paid = match_transactions([credit("75.10", payer_name="GAMMA INDUSTRIES")], items, CUSTOMERS)
    assert [a.invoice_number for a in paid.matches[0].allocations] == ["X-2"]


@pytest.mark.parametrize("newest_first", [False, True])
def test_the_oldest_of_two_invoices_owed_the_amount_is_paid_whatever_their_order(
    newest_first: bool,
) -> None:
    # Items read oldest due first are not sorted again; items in any other order are.
    old, new = item("N-0002", ACME, "50"), item("N-0001", ACME, "50", due=date(2026, 3, 20))
    items = (new, old) if newest_first else (old, new)
    paid = match_transactions([credit("50", payer_iban=ACME_IBAN)], items, CUSTOMERS)
    assert [a.invoice_number for a in paid.matches[0].allocations] == ["N-0002"]
    same_day = (item("S-0002", ACME, "50"), item("S-0001", ACME, "50"))  # by number then
    paid = match_transactions([credit("50", payer_iban=ACME_IBAN)], same_day, CUSTOMERS)
    assert [a.invoice_number for a in paid.matches[0].allocations] == ["S-0001"]
