"""Rules that start from who paid: a customer named in the bank label, then what the label
says among that customer's own invoices and payment plans.

The ledger: Dupont Plomberie owes F2026-0077 (455,50) and F2026-0021 (1 180,00); the Café des
Arts owes F2026-0071, also 455,50; Jean Dupont owes F2026-0014. Labels come from French bank
exports, which give no payer column: the payer is read from the label beforehand.
"""

from __future__ import annotations

from datetime import date

from relance.core.bank import BankTransaction
from relance.core.matching import Match, OpenItem, Rule, match_transactions
from relance.core.model import Customer, Invoice
from relance.core.money import Money
from relance.core.plans import Frequency, PaymentPlan, schedule

PLOMBERIE = Customer(ref="C-PLB", name="Dupont Plomberie Chauffage SARL")
CAFE = Customer(ref="C-CAFE", name="Café des Arts")
JEAN = Customer(ref="C-JEAN", name="Jean Dupont")
LEFEVRE = Customer(ref="C-LEF", name="Martine Lefèvre")
CUSTOMERS = (PLOMBERIE, CAFE, JEAN, LEFEVRE)


def eur(value: str) -> Money:
    return Money.of(value, "EUR")


def item(number: str, customer: Customer, owed: str, due: date = date(2026, 10, 1)) -> OpenItem:
    invoice = Invoice(number, customer.ref, date(2026, 9, 1), due, eur(owed), eur("0"))
    return OpenItem(invoice, eur(owed))


BOOK = (
    item("F2026-0014", JEAN, "380.00"),
    item("F2026-0021", PLOMBERIE, "1180.00", date(2026, 9, 20)),
    item("F2026-0071", CAFE, "455.50"),
    item("F2026-0077", PLOMBERIE, "455.50"),
    item("F2026-0030", LEFEVRE, "1200.00"),
)


def credit(amount: str, payer: str, label: str, key: str = "T1") -> BankTransaction:
    return BankTransaction(
        key=key,
        booking_date=date(2026, 11, 5),
        amount=eur(amount),
        payer_name=payer,
        remittance=label,
    )


def allocated(match: Match) -> list[str]:
    return [a.invoice_number for a in match.allocations]


def test_an_exact_amount_from_a_customer_named_in_the_label_is_matched() -> None:
    # Before labels were read the payer was empty: the same credit was only a suggestion.
    anonymous = credit("1180.00", "", "VIREMENT DE DUPONT PLOMBERIE CHAUFFAGE")
    assert not match_transactions([anonymous], BOOK, CUSTOMERS).matches

    named = credit("1180.00", "DUPONT PLOMBERIE CHAUFFAGE", anonymous.remittance)
    (match,) = match_transactions([named], BOOK, CUSTOMERS).matches

    assert (match.customer_ref, allocated(match)) == ("C-PLB", ["F2026-0021"])
    assert "DUPONT PLOMBERIE CHAUFFAGE" in match.reason and "F2026-0021" in match.reason


def test_fact_n_77_is_the_payers_invoice_ending_in_77() -> None:
    tx = credit("455.50", "DUPONT PLOMBERIE", "VIR SEPA RECU /DE DUPONT PLOMBERIE /MOTIF FACT N 77")
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    assert (match.customer_ref, match.rule, allocated(match)) == (
        "C-PLB",
        Rule.PAYER_NUMBER,
        ["F2026-0077"],
    )
    assert "named by its last digits" in match.reason


def test_fact_77_is_not_read_when_the_payer_has_two_invoices_ending_in_77() -> None:
    book = (*BOOK, item("F2025-0077", PLOMBERIE, "455.50", date(2025, 12, 1)))
    tx = credit("455.50", "DUPONT PLOMBERIE", "VIR SEPA DUPONT PLOMBERIE FACT 77 ET 21")
    result = match_transactions([tx], book, CUSTOMERS)
    assert not any(m.rule is Rule.PAYER_NUMBER for m in result.matches)


def test_a_name_that_fits_two_customers_names_nobody() -> None:
    # "DUPONT" is Jean Dupont and Dupont Plomberie alike: FACT 77 cannot be read safely.
    tx = credit("100.00", "DUPONT", "VIR SEPA RECU /DE DUPONT /MOTIF FACT 77")
    result = match_transactions([tx], BOOK, CUSTOMERS)
    assert not result.matches


def test_a_mistyped_number_goes_to_the_payers_own_invoice_not_to_the_customer_it_names() -> None:
    # F2026-0071 is the Café des Arts' invoice, of the same amount; the payer is Dupont
    # Plomberie, whose F2026-0077 is one digit away.
    tx = credit(
        "455.50", "DUPONT PLOMBERIE", "VIR SEPA RECU /DE DUPONT PLOMBERIE /MOTIF FACT F2026-0071"
    )
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    assert (match.customer_ref, allocated(match)) == ("C-PLB", ["F2026-0077"])
    assert "not F2026-0071, another customer's" in match.reason


def test_a_mistyped_number_from_an_unknown_payer_still_pays_the_invoice_it_names() -> None:
    tx = credit("455.50", "", "VIREMENT FACT F2026-0071")
    (match,) = match_transactions([tx], BOOK, CUSTOMERS).matches
    assert (match.customer_ref, allocated(match)) == ("C-CAFE", ["F2026-0071"])


def plan_of_lefevre() -> PaymentPlan:
    instalments = schedule(eur("1200.00"), 3, date(2026, 10, 5), Frequency(months=1))
    return PaymentPlan("P1", "C-LEF", ("F2026-0030",), date(2026, 9, 25), instalments)


def test_echeance_1_of_3_pays_the_plans_instalment() -> None:
    tx = credit(
        "400.00", "MME LEFEVRE MARTINE", "VIREMENT EN VOTRE FAVEUR MME LEFEVRE MARTINE ECHEANCE 1/3"
    )
    assert not match_transactions([tx], BOOK, CUSTOMERS).matches  # no plan: a partial payment?

    (match,) = match_transactions([tx], BOOK, CUSTOMERS, plans=[plan_of_lefevre()]).matches

    assert (match.rule, match.customer_ref, allocated(match)) == (
        Rule.PLAN_INSTALMENT,
        "C-LEF",
        ["F2026-0030"],
    )
    assert "instalment 1/3 of plan P1" in match.reason


def test_echeance_from_an_unknown_payer_pays_the_only_plan_owed_that_instalment() -> None:
    tx = credit("400.00", "", "REMISE ECHEANCE 2/3")
    (match,) = match_transactions([tx], BOOK, CUSTOMERS, plans=[plan_of_lefevre()]).matches
    assert match.customer_ref == "C-LEF"
    wrong_count = credit("400.00", "", "REMISE ECHEANCE 2/4")
    assert not match_transactions([wrong_count], BOOK, CUSTOMERS, plans=[plan_of_lefevre()]).matches


def test_a_date_after_facture_is_not_read_as_invoice_numbers() -> None:
    # F2026-0014 ends in 14 and is Jean Dupont's; "14/10/2026" is the invoice's date.
    tx = credit("100.00", "JEAN DUPONT", "VIREMENT DE JEAN DUPONT FACTURE 14/10/2026")
    result = match_transactions([tx], BOOK, CUSTOMERS)
    assert not result.matches
