"""Factur-X/ZUGFeRD (PDF and CII XML) and UBL 2.1 readers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from relance.adapters.formats import facturx, ubl
from relance.adapters.formats.errors import FormatError
from relance.core.money import Money

Sample = Callable[[str], Path]
UBL = Path(__file__).resolve().parents[2] / "data" / "formats" / "ubl"


def test_factur_x_pdf_gives_the_invoice_and_keeps_the_pdf(sample: Sample) -> None:
    path = sample("facturx/akretion_invoice_EN16931.pdf")
    read = facturx.extract(path)
    invoice = read.invoice
    assert invoice is not None and read.credit_note is None
    assert invoice.number == "F20260023"
    # 100,00 HT + 4,90 TVA = 104,90 TTC, due 30 days after 31 January 2026.
    assert invoice.amount == Money.of("104.90", "EUR")
    assert invoice.tax == Money.of("4.90", "EUR")
    assert (invoice.issue_date, invoice.due_date) == (date(2026, 1, 31), date(2026, 3, 2))
    assert invoice.pdf_path == str(path)
    assert read.customer.ref == "987654321"  # the buyer's SIREN
    assert read.customer.name == "LE CLIENT"
    assert read.payment_reference == "F20260023BUYER"


@pytest.mark.parametrize("level", ["minimum", "basic", "en16931", "extended"])
def test_every_factur_x_profile_gives_the_same_invoice(sample: Sample, level: str) -> None:
    read = facturx.extract(sample(f"facturx/akretion_factur-x-{level}.xml"))
    assert read.invoice is not None
    assert (read.invoice.number, read.invoice.amount) == ("F20260023", Money.of("104.90", "EUR"))
    assert read.invoice.pdf_path == ""  # a bare XML has no PDF to attach
    assert level in read.profile or level == "en16931"


@pytest.mark.parametrize(
    ("name", "total"),
    [
        ("drafthorse_zugferd_2p3_BASIC_Einfach.xml", "235.62"),
        ("drafthorse_zugferd_2p3_EN16931_Einfach.xml", "529.87"),
        ("drafthorse_zugferd_2p3_EN16931_Einfach_DueDate.xml", "529.87"),
        ("drafthorse_zugferd_2p3_EN16931_SEPA_Prenotification.xml", "529.87"),
        ("drafthorse_zugferd_2p3_MINIMUM_Rechnung.xml", "235.62"),
    ],
)
def test_zugferd_2_3_samples(sample: Sample, name: str, total: str) -> None:
    read = facturx.extract(sample(f"facturx/{name}"))
    assert read.invoice is not None
    assert read.invoice.amount == Money.of(total, "EUR")
    assert read.invoice.due_date == date(2024, 12, 15)


def test_ubl_invoice_with_due_date_buyer_and_rf_reference() -> None:
    read = ubl.extract(UBL / "invoice-2026-0042.xml")
    invoice = read.invoice
    assert invoice is not None
    # 800,00 + 225,00 = 1 025,00 HT; 20 % VAT 205,00; 1 230,00 TTC.
    assert invoice.amount == Money.of("1230.00", "EUR")
    assert invoice.tax == Money.of("205.00", "EUR")
    assert invoice.due_date == date(2026, 4, 1)
    assert invoice.subject == "Maintenance contract, March 2026"
    assert read.customer.ref == "732829320"
    assert read.customer.vat_number == "FR44732829320"
    assert read.customer.email == "compta@boulangerie-martin.example"
    assert read.customer.address.city == "Grenoble"
    assert read.payment_reference == "RF69F20260042"
    assert read.payee_iban == "FR7630006000011234567890189"


def test_ubl_credit_note_names_the_invoice_it_credits() -> None:
    read = ubl.extract(UBL / "creditnote-2026-0050.xml")
    note = read.credit_note
    assert note is not None and read.invoice is None
    assert (note.number, note.invoice_number) == ("AV-2026-0050", "F-2026-0042")
    assert note.amount == Money.of("90.00", "EUR")
    assert note.customer_ref == "732829320"


def test_ubl_missing_total_is_refused_by_the_schema(tmp_path: Path) -> None:
    text = (UBL / "invoice-2026-0042.xml").read_text()
    start = text.index("<cac:LegalMonetaryTotal>")
    end = text.index("</cac:LegalMonetaryTotal>") + len("</cac:LegalMonetaryTotal>")
    path = tmp_path / "broken.xml"
    path.write_text(text[:start] + text[end:])
    with pytest.raises(FormatError) as caught:
        ubl.extract(path)
    assert "broken.xml" in str(caught.value)
    assert "not a valid e-invoice" in caught.value.reason


def test_a_pdf_without_invoice_inside_is_refused(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "plain.pdf"
    page = canvas.Canvas(str(path))
    page.drawString(100, 750, "Just a letter")
    page.save()
    with pytest.raises(FormatError) as caught:
        facturx.extract(path)
    assert caught.value.location == "PDF"


def test_xml_entities_are_not_expanded(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&x;</Invoice>'
    )
    with pytest.raises(FormatError) as caught:
        ubl.extract(path)
    assert "root:" not in str(caught.value)
