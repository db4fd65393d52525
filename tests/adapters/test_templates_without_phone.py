"""A creditor without a phone (a sole trader who only answers e-mail), or without either:
every shipped letter and e-mail still reads as a sentence, never "contactez-nous au  ou à"
with a blank where the number goes."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from relance.adapters.render.specimen import specimen_letter
from relance.adapters.render.templates import TemplateStore
from relance.core.letter import Letter
from relance.core.model import CustomerKind

LEVELS = (0, 1, 2, 3, 4)  # 0: the informal e-mail
# a blank left by a missing value: two spaces, or a preposition followed by nothing
BLANK = re.compile(r" {2}|\b(au|à|on|at|ou|or)\s*[.,:;]|\b(au|on) (ou|or)\b")


def letter(language: str, kind: CustomerKind, level: int, phone: str, email: str) -> Letter:
    composed = specimen_letter(
        level=level, kind=kind, language=language, currency="EUR", with_charges=True
    ).letter
    assert composed is not None
    return replace(composed, creditor=replace(composed.creditor, phone=phone, email=email))


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", list(CustomerKind))
@pytest.mark.parametrize("level", LEVELS)
def test_every_template_reads_well_without_a_phone(
    language: str, kind: CustomerKind, level: int
) -> None:
    store = TemplateStore()
    for channel in ("letter", "email"):
        without_phone = store.word(
            letter(language, kind, level, "", "compta@durand.fr"), channel=channel
        ).text()
        assert not BLANK.search(without_phone), without_phone
        assert "compta@durand.fr" in without_phone

        with_neither = store.word(letter(language, kind, level, "", ""), channel=channel).text()
        assert not BLANK.search(with_neither), with_neither
        assert ("par courrier" if language == "fr" else "by post") in with_neither

        with_phone = store.word(
            letter(language, kind, level, "+33 4 78 00 00 00", ""), channel=channel
        ).text()
        assert not BLANK.search(with_phone), with_phone
        assert "78" in with_phone and "@" not in with_phone


def test_the_french_first_letter_without_a_phone_offers_the_email() -> None:
    text = (
        TemplateStore().word(letter("fr", CustomerKind.BUSINESS, 1, "", "compta@durand.fr")).text()
    )
    assert "contactez-nous à compta@durand.fr :" in text
