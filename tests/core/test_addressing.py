"""How a letter addresses its reader, decided in the core: salutation, sign-off, title."""

from __future__ import annotations

from dataclasses import replace

import pytest

from relance.adapters.render.specimen import specimen_letter
from relance.core.addressing import english_sign_off, salutation, signatory_title
from relance.core.letter import Letter
from relance.core.model import Civility, CustomerKind


def letter(language: str, kind: CustomerKind = CustomerKind.BUSINESS, **debtor: object) -> Letter:
    made = specimen_letter(language=language, kind=kind, currency="EUR").letter
    assert made is not None
    return replace(made, debtor=replace(made.debtor, **debtor))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("language", "kind", "debtor", "expected", "closing"),
    [
        ("fr", CustomerKind.BUSINESS, {}, "Madame, Monsieur", ""),
        ("fr", CustomerKind.BUSINESS, {"civility": Civility.MS}, "Madame", ""),
        ("fr", CustomerKind.CONSUMER, {"civility": Civility.MR}, "Monsieur", ""),
        ("en", CustomerKind.BUSINESS, {}, "Dear Sir or Madam", "Yours faithfully"),
        ("en", CustomerKind.BUSINESS, {"contact_name": "Jane Smith"}, "Dear Jane Smith",
         "Yours sincerely"),
        ("en", CustomerKind.BUSINESS, {"contact_name": "Jane Smith", "civility": Civility.MS},
         "Dear Ms Smith", "Yours sincerely"),
        ("en", CustomerKind.CONSUMER, {"civility": Civility.MRS}, "Dear Mrs Smith",
         "Yours sincerely"),
    ],
)  # fmt: skip
def test_the_salutation_follows_what_the_ledger_knows_of_the_reader(
    language: str, kind: CustomerKind, debtor: dict[str, object], expected: str, closing: str
) -> None:
    chosen = letter(language, kind, **debtor)
    assert salutation(chosen) == expected
    if language == "en":
        assert english_sign_off(chosen) == closing


def test_the_signatory_title_is_never_printed_in_the_wrong_language() -> None:
    english = letter("en")
    assert english.creditor.signatory_title == "Gérante"
    assert signatory_title(english) == "Manager"
    odd = replace(english, signatory_title="Responsable du pôle clients")
    assert signatory_title(odd) == ""  # unknown: left out rather than printed in French
    given = replace(
        odd, creditor=replace(odd.creditor, signatory_title_translated="Head of Customers")
    )
    assert signatory_title(given) == "Head of Customers"
    assert signatory_title(letter("fr")) == "Gérante"
