"""The payer and the reference read from French bank labels, as each bank's export writes them.

relance used to leave the payer empty when the export had no payer column (most French
banks' exports), so a transfer from a known customer for the exact amount was only ever a
suggestion. The labels below follow each bank's shorthand; every name in them is invented.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from relance.adapters.formats import bank_csv
from relance.adapters.formats.bank_labels import LabelKind, read_label, with_label_payer
from relance.core.bank import BankTransaction, transaction_key
from relance.core.money import Money

LABELS = [
    # (label, payer, reference) — one line per shape of label
    ("VIREMENT DE AGENCE IMMOBILIERE DE LA CROIX-ROUSSE", "AGENCE IMMOBILIERE DE LA CROIX-ROUSSE", ""),
    ("VIR SEPA RECU /DE DUPONT SARL /MOTIF FACT N 77 /REF 20261104-55", "DUPONT SARL", "FACT N 77 20261104-55"),
    ("VIR SEPA RECU /FRM M. ET MME LEFEVRE /EREF NOTPROVIDED /RFF ECHEANCE 1/3", "M. ET MME LEFEVRE", "ECHEANCE 1/3"),
    ("VIR RECU    5012345678 DE: BOULANGERIE BETA MOTIF: FACTURE 10 REF: 99", "BOULANGERIE BETA", "FACTURE 10 99"),
    ("VIR INST RE 451245 DE: CAFE DES ARTS", "CAFE DES ARTS", ""),
    ("VIR SEPA CAFE DES ARTS FACT 77", "CAFE DES ARTS", "FACT 77"),
    ("VIREMENT EN VOTRE FAVEUR\nSCI LES TILLEULS\nREGLEMENT TRAVAUX", "SCI LES TILLEULS", "REGLEMENT TRAVAUX"),
    ("VIR SEPA RECU\nDE: CAFE DES ARTS\nFACTURE 84", "CAFE DES ARTS", "FACTURE 84"),
    ("VIR.PERMANENT SCI LES TILLEULS", "SCI LES TILLEULS", ""),
    ("VIREMENT INSTANTANE DE MME JULIE MOREAU REFERENCE : ECH 2/3", "MME JULIE MOREAU", "ECH 2/3"),
    ("Virement de Atelier Martin - Facture n° 77", "ATELIER MARTIN", "FACTURE NO 77"),
    ("Virement reçu - GARAGE MARTIN ET FILS", "GARAGE MARTIN ET FILS", ""),
    ("PRLV SEPA EDF SA ECHEANCE 1/10", "EDF SA", "ECHEANCE 1/10"),
]  # fmt: skip


@pytest.mark.parametrize(("label", "payer", "reference"), LABELS)
def test_the_payer_and_the_reference_are_read_from_the_label(
    label: str, payer: str, reference: str
) -> None:
    parts = read_label(label)
    assert (parts.payer, parts.reference) == (payer, reference)


def test_an_iban_in_the_label_is_the_payers() -> None:
    parts = read_label(
        "VIR SEPA RECU /DE SYNDIC BELLECOUR /MOTIF FACT 90 /IBAN FR76 3000 6000 0112 3456 7890 189"
    )
    assert (parts.payer, parts.iban) == ("SYNDIC BELLECOUR", "FR7630006000011234567890189")


# Words labels are made of, with the tags that give an IBAN, written plainly or not.
_WORDS = ("VIR", "SEPA", "RECU", "/DE", "DE:", "/MOTIF", "MOTIF:", "FACT", "77", "/IBAN",
          "IBAN", "/CPT", "/IBE", "/iban", "\uff0fIBAN", "/ÏBAN", "FR76 3000 6000 0112 3456 7890 189",
          "DE89370400440532013000", "DUPONT", "é", "°", "/")  # fmt: skip


@given(
    st.builds(
        "{} {}".format,
        st.sampled_from(("VIR SEPA RECU", "VIREMENT DE", "VIR", "CB", "")),
        st.lists(st.sampled_from(_WORDS), max_size=10).map(" ".join),
    )
)
@example("VIR SEPA RECU /DE DUPONT /IBAN FR76 3000 6000 0112 3456 7890 189")
def test_a_named_payer_without_an_iban_gets_the_one_its_label_tags_and_no_other(
    label: str,
) -> None:
    # A label without a slash is not read for the IBAN: the one read in full must agree.
    line = BankTransaction("K", date(2026, 1, 5), Money.of("1", "EUR"), payer_name="DUPONT")
    for labels in ([label], []):
        tx = with_label_payer(replace(line, remittance=label), labels)
        assert (tx.payer_name, tx.payer_iban) == ("DUPONT", read_label(label).iban.upper())


@pytest.mark.parametrize(
    "label", ["REMISE CHEQUE N 4512783", "REM CHQ 0001234 1 CHQ", "CB CARREFOUR 12/11"]
)
def test_cheque_deposits_and_card_payments_name_nobody(label: str) -> None:
    parts = read_label(label)
    assert parts.payer == ""
    assert parts.kind in (LabelKind.CHEQUE, LabelKind.OTHER)


def test_a_statement_without_a_payer_column_gets_the_payer_from_the_label_and_keeps_its_keys(
    tmp_path: Path,
) -> None:
    # A Crédit Agricole-style export: Windows-1252, multi-line labels, debit and credit.
    path = tmp_path / "ca.csv"
    path.write_bytes(
        'Date;Libellé;Débit euros;Crédit euros\r\n02/11/2026;"VIREMENT EN VOTRE FAVEUR\r\n'
        'AGENCE IMMOBILIERE DE LA CROIX-ROUSSE\r\nFACT 102";;298,00\r\n'.encode("cp1252")
    )
    assert bank_csv.identify(path, path.read_bytes())

    (credit,) = bank_csv.extract(path)

    assert credit.payer_name == "AGENCE IMMOBILIERE DE LA CROIX-ROUSSE"
    assert "FACT 102" in credit.remittance  # the whole label stays the remittance text
    # The key is what it was before the payer was read: a statement imported before reads
    # back as the same lines.
    label = "VIREMENT EN VOTRE FAVEUR\r\nAGENCE IMMOBILIERE DE LA CROIX-ROUSSE\r\nFACT 102"
    assert credit.key == transaction_key("", "", "2026-11-02", "298.00 EUR", "", "", label, "", "1")


def test_a_second_label_column_completes_the_first(tmp_path: Path) -> None:
    # Société Générale-style: "VIR RECU nnn" in the label, the rest in the detail column.
    path = tmp_path / "sg.csv"
    path.write_text(
        "Date de l'opération;Libellé;Détail de l'écriture;Montant de l'opération;Devise\n"
        "04/11/2026;VIR RECU    5012345678;DE: REGIE SAINT-PAUL MOTIF: FACT 63 64 REF: R1;"
        "1 050,00;EUR\n",
        encoding="utf-8",
    )
    (credit,) = bank_csv.extract(path)
    assert credit.payer_name == "REGIE SAINT-PAUL"
    assert credit.remittance.endswith("MOTIF: FACT 63 64 REF: R1")
