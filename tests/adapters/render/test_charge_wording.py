"""A French letter's charge lines speak French to the last word, and an English letter's
lines use the letter's one locale."""

from __future__ import annotations

from datetime import date

from relance.adapters.render.charge_wording import Wording, item_row
from relance.core.charges import Charge, ChargeKind, Charges
from relance.core.money import Money


def fee_claim(currency: str = "EUR") -> Charges:
    # A contract names a fee of 40 per late invoice; the core states its basis in the
    # English of the reports ("contractual fee per invoice").
    fee = Charge(
        ChargeKind.INVOICE_FEE,
        "F2026-0042",
        Money.of("40", currency),
        "contractual fee per invoice",
    )
    return Charges("F2026-0042", currency, date(2026, 11, 23), (fee,))


def test_a_french_letter_never_prints_the_english_basis_of_a_fee() -> None:
    claim = fee_claim()
    row = item_row(claim.items[0], claim.invoice_number, "EUR", Wording("fr"))
    assert row.label == "Frais contractuels, facture F2026-0042"
    assert row.explanation == "frais prévus au contrat, par facture en retard"
    assert "contractual" not in row.explanation
    english = item_row(fee_claim("GBP").items[0], "F2026-0042", "GBP", Wording("en", "GB"))
    assert english.explanation == "contractual fee per late invoice"
