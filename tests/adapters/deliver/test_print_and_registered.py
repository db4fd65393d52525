"""The print batch of a run, and the evidence kept for registered letters."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from relance.adapters.deliver.print_batch import write_print_batch
from relance.adapters.deliver.registered import ManualRegisteredMail
from relance.adapters.render.communication import RenderedCommunication, render_communication
from relance.adapters.render.specimen import specimen_letter
from relance.adapters.render.templates import TemplateStore
from relance.core.letter import Tone
from relance.core.registered_mail import RegisteredMailProblem, record_posting, record_receipt


def rendered(level: int, reference: str, invoices: int = 1) -> RenderedCommunication:
    tone = Tone.FORMAL if level == 4 else Tone.COURTEOUS
    letter = specimen_letter(
        level=level,
        tone=tone,
        language="fr",
        currency="EUR",
        reference=reference,
        invoice_count=invoices,
    ).letter
    assert letter is not None
    channel = "registered_letter" if level == 4 else "letter"
    return render_communication(letter, channel, TemplateStore())


def invoice_pdf(path: Path, pages: int) -> Path:
    canvas = Canvas(str(path))
    for n in range(pages):
        canvas.drawString(100, 700, f"FACTURE 12345 page {n + 1}")
        canvas.showPage()
    canvas.save()
    return path


def test_a_batch_writes_one_file_per_letter_and_one_print_file(tmp_path: Path) -> None:
    items = [rendered(1, "L1"), rendered(4, "L2"), rendered(2, "L3", invoices=45)]
    seen: list[tuple[int, int]] = []
    copy = invoice_pdf(tmp_path / "12345.pdf", pages=2)
    summary = write_print_batch(
        items,
        tmp_path / "out",
        invoice_pdfs={"12345": copy.read_bytes()},
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert [f.name for f in summary.letter_files] == ["L1.pdf", "L2.pdf", "L3.pdf"]
    # Each letter: its own pages + the 2-page invoice copy of 12345 (in every letter here).
    expected = [item.pdf.pages + 2 for item in items if item.pdf]
    assert [len(PdfReader(f).pages) for f in summary.letter_files] == expected
    assert summary.pages == sum(expected)
    assert summary.registered == 1
    assert summary.letters == 3
    # In the print file every letter starts on a recto: odd counts get a blank page.
    assert summary.print_file is not None
    padded = sum(n + n % 2 for n in expected)
    assert len(PdfReader(summary.print_file).pages) == padded
    assert "FACTURE 12345 page 2" in PdfReader(summary.letter_files[0]).pages[-1].extract_text()
    assert summary.describe().startswith(f"3 letters, {sum(expected)} pages, 1 registered")


def test_a_blocked_letter_is_never_printed(tmp_path: Path) -> None:
    from dataclasses import replace

    from relance.core.compliance import ComplianceProblem, ProblemKind

    item = rendered(1, "L9")
    blocked = replace(item, problems=(ComplianceProblem(ProblemKind.LINK, "link"),))
    with pytest.raises(ValueError, match="L9 is blocked"):
        write_print_batch([blocked], tmp_path)


def test_a_registered_letter_is_printed_posted_then_received_with_its_hash() -> None:
    item = rendered(4, "R1")
    assert item.pdf is not None
    record = ManualRegisteredMail().submit("R1", item.pdf.pdf)
    assert record.state == "printed"
    assert record.pdf_sha256 == hashlib.sha256(item.pdf.pdf).hexdigest()
    posted = record_posting(record, " 1a 234 567 8901 2 ", date(2018, 2, 19))
    assert (posted.state, posted.tracking_number) == ("posted", "1A 234 567 8901 2")
    received = record_receipt(posted, date(2018, 2, 21))
    assert received.state == "received"
    assert received.pdf_sha256 == hashlib.sha256(item.pdf.pdf).hexdigest()
    assert received.pdf_sha256 != hashlib.sha256(item.pdf.pdf + b" ").hexdigest()


def test_registered_mail_events_must_come_in_order() -> None:
    record = ManualRegisteredMail().submit("R2", b"%PDF-1.4")
    with pytest.raises(RegisteredMailProblem, match="record the posting first"):
        record_receipt(record, date(2018, 2, 21))
    posted = record_posting(record, "1A2", date(2018, 2, 19))
    with pytest.raises(RegisteredMailProblem, match="before it was posted"):
        record_receipt(posted, date(2018, 2, 18))
    with pytest.raises(RegisteredMailProblem, match="tracking number is required"):
        record_posting(record, "  ", date(2018, 2, 19))
