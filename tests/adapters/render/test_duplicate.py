"""The invoice duplicates that go with a first letter: readable, marked, and light to print."""

from __future__ import annotations

import io
from dataclasses import replace

import pdfplumber

from relance.adapters.render.duplicate import render_duplicate
from relance.adapters.render.specimen import specimen_letter
from relance.core.model import Address


def test_a_french_duplicate_shows_the_invoice_marked_duplicata_and_embeds_no_font() -> None:
    letter = specimen_letter(level=1, language="fr", currency="EUR").letter
    assert letter is not None
    pdf = render_duplicate(letter, letter.rows[0])
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = doc.pages[0].extract_text()
    assert "DUPLICATA" in text
    assert f"Facture n° {letter.rows[0].number}" in text
    assert "Échéance" in text
    # The PDF base fonts print this page: nothing embedded, a page of a few KB, not ~27 KB.
    assert b"/FontFile2" not in pdf
    assert len(pdf) < 8_000


def test_a_duplicate_with_text_the_base_fonts_lack_is_drawn_with_an_embedded_font() -> None:
    letter = specimen_letter(level=1, language="fr", currency="EUR").letter
    assert letter is not None
    debtor = replace(letter.debtor, address=Address(("ул. Тверская 1",), "125009", "Москва", "RU"))
    pdf = render_duplicate(replace(letter, debtor=debtor), letter.rows[0])
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = doc.pages[0].extract_text()
    assert "Тверская" in text
    assert b"/FontFile2" in pdf
