"""Rendered letters read back from the PDF: every required item is there, in both languages."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
import zxingcpp

from relance.adapters.render.pdf import render_letter_pdf
from relance.adapters.render.pdf_page import RenderedLetter
from relance.adapters.render.specimen import specimen_letter
from relance.adapters.render.templates import TemplateStore
from relance.core.addressing import creditor_phone
from relance.core.letter import Letter, Tone, format_day, format_money
from relance.core.model import CustomerKind
from relance.core.reference import is_creditor_reference

STORE = TemplateStore()


def render(letter: Letter) -> RenderedLetter:
    return render_letter_pdf(letter, STORE.word(letter))


def pdf_text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    # Babel's no-break spaces come back as spaces or no-break spaces: compare words.
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def plain(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def made(**kwargs: object) -> Letter:
    result = specimen_letter(**kwargs)  # type: ignore[arg-type]
    assert result.letter is not None, result.problems
    return result.letter


def test_the_seed_letter_shows_invoice_12345_of_100_usd_49_days_late() -> None:
    letter = made(level=1, language="en")
    text = pdf_text(render(letter).pdf)
    assert "12345" in text
    assert "$100.00" in text
    assert "Jan 1, 2018" in text  # due date in the table
    assert "49" in text.split("Jan 1, 2018", 1)[1].split()[0:1]  # days late follows
    assert "February 19, 2018" in text


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", [CustomerKind.BUSINESS, CustomerKind.CONSUMER])
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_every_required_item_is_printed(language: str, kind: CustomerKind, level: int) -> None:
    tone = {1: Tone.COURTEOUS, 2: Tone.COURTEOUS, 3: Tone.FIRM, 4: Tone.FORMAL}[level]
    letter = made(
        level=level, tone=tone, kind=kind, language=language, invoice_count=2, currency="EUR"
    )
    text = pdf_text(render(letter).pdf)
    creditor = letter.creditor
    expected = [
        creditor.name,
        "12 rue des Tanneurs",
        creditor_phone(letter),  # national at home, international abroad
        creditor.email,
        "732829320",  # SIREN
        creditor.vat_number,
        letter.debtor.name,
        *letter.debtor.address.lines,
        "69002 LYON" if language == "fr" else "NEW YORK 10001",
        format_day(letter.dated, letter.locale),
        letter.reference,
        letter.rf_reference,
        format_money(letter.total_due, letter.locale),
        format_day(letter.deadline, letter.locale),
        creditor.iban,
        creditor.signatory_name,
    ]
    for row in letter.rows:
        expected += [row.number, format_money(row.open_balance, letter.locale), row.subject[:15]]
    if level >= 2:
        expected += [format_day(p.sent_on, letter.locale) for p in letter.previous]
    missing = [item for item in expected if plain(item) not in text]
    assert missing == []
    if language == "fr" and level == 4:
        assert "mise en demeure" in text.lower()
        assert "Lettre recommandée avec accusé de réception" in text


def test_accents_survive_the_round_trip() -> None:
    letter = made(level=2, language="fr", kind=CustomerKind.CONSUMER)
    text = pdf_text(render(letter).pdf)
    assert "Jeanne Lefèvre" in text
    assert "Deuxième rappel" in text
    assert "Échéance" in text
    assert "Gérante" in text


def test_a_long_invoice_list_continues_on_a_second_page_with_its_header() -> None:
    letter = made(level=1, language="fr", invoice_count=45, currency="EUR")
    rendered = render(letter)
    assert rendered.pages >= 2
    with pdfplumber.open(io.BytesIO(rendered.pdf)) as document:
        first = document.pages[0].extract_text()
        second = document.pages[1].extract_text()
    assert "12345" in first
    assert "(suite)" in second and "Échéance" in second
    assert "12389" in pdf_text(rendered.pdf)  # the last of 45 invoices: 12345 + 44
    assert f"Page 2/{rendered.pages}" in second


def test_the_qr_code_decodes_to_an_epc_payload_with_the_amount_and_reference() -> None:
    letter = made(level=1, language="fr", invoice_count=3, currency="EUR")
    # 100.00 + 101.50 + 102.50 = 304.00 EUR
    assert str(letter.total_due) == "304.00 EUR"
    page = pdfium.PdfDocument(render(letter).pdf)[0]
    image = page.render(scale=3).to_pil()
    codes = [c for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(codes) == 1
    lines = codes[0].text.split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"]
    assert lines[5] == "Atelier Durand SARL"
    assert lines[6] == "FR7630006000011234567890189"
    assert lines[7] == "EUR304"
    assert lines[9] == letter.rf_reference
    assert is_creditor_reference(lines[9])


def test_no_qr_code_for_a_letter_in_dollars() -> None:
    letter = made(level=1, language="en", currency="USD")
    page = pdfium.PdfDocument(render(letter).pdf)[0]
    assert zxingcpp.read_barcodes(page.render(scale=2).to_pil()) == []


def test_the_text_kept_for_checks_matches_what_the_pdf_shows() -> None:
    letter = made(level=3, tone=Tone.FIRM, language="en", with_charges=True)
    rendered = render(letter)
    shown = pdf_text(rendered.pdf)
    for line in rendered.text.splitlines():
        assert plain(line) in shown
    assert len(rendered.sha256) == 64


def test_a_name_outside_the_base_fonts_is_drawn_with_an_embedded_font() -> None:
    from dataclasses import replace

    letter = made(level=1, language="fr", currency="EUR")
    polish = replace(letter, debtor=replace(letter.debtor, name="Łukasz Żółkiewski sp. z o.o."))
    text = pdf_text(render(polish).pdf)
    assert "Łukasz Żółkiewski sp. z o.o." in text
    assert "Boulangerie" not in text


def test_the_logo_is_drawn_in_the_letterhead(tmp_path: Path) -> None:
    from dataclasses import replace

    from PIL import Image
    from pypdf import PdfReader

    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 80), (30, 90, 160)).save(logo)
    letter = made(level=1, language="fr", currency="EUR")
    with_logo = replace(letter, creditor=replace(letter.creditor, logo_path=str(logo)))
    page = PdfReader(io.BytesIO(render(with_logo).pdf)).pages[0]
    assert len(page.images) == 1
    assert len(PdfReader(io.BytesIO(render(letter).pdf)).pages[0].images) == 0
