"""The print batch assembled from the letters' own PDF objects, and the e-mail written
from its fixed MIME structure: both read back by the standard readers as what they hold."""

from __future__ import annotations

import email
import io
from datetime import UTC, datetime
from email import policy

import pytest
from pypdf import PdfReader, PdfWriter

from relance.adapters.deliver.mime import Attachment, address_headers, message_bytes
from relance.adapters.deliver.pdf_concat import concatenate
from relance.adapters.deliver.print_batch import assemble_batch
from relance.adapters.render.communication import render_communication
from relance.adapters.render.specimen import specimen_letter
from relance.adapters.render.templates import TemplateStore
from relance.core.letter import Tone


def letter_pdf(reference: str, invoices: int) -> bytes:
    letter = specimen_letter(
        level=2, tone=Tone.COURTEOUS, language="fr", currency="EUR",
        reference=reference, invoice_count=invoices,
    ).letter  # fmt: skip
    assert letter is not None
    drawn = render_communication(letter, "letter", TemplateStore()).pdf
    assert drawn is not None
    return drawn.pdf


def test_letters_are_put_one_after_the_other_each_on_a_recto() -> None:
    short, long = letter_pdf("A1", 1), letter_pdf("A2", 45)
    counts = [len(PdfReader(io.BytesIO(pdf)).pages) for pdf in (short, long, short)]
    batch = concatenate([short, long, short])
    assert batch is not None
    pages = PdfReader(io.BytesIO(batch)).pages
    padded = [count + count % 2 for count in counts]
    assert len(pages) == sum(padded)
    texts = [page.extract_text() for page in pages]
    starts = [0, padded[0], padded[0] + padded[1]]
    assert [("A1" in texts[s], "A2" in texts[s]) for s in starts] == [
        (True, False), (False, True), (True, False)
    ]  # fmt: skip
    for count, start in zip(counts, starts, strict=True):
        if count % 2:  # the blank page that keeps the next letter on a recto
            assert texts[start + count].strip() == ""
    # The same letters give the same bytes: a batch rebuilt from the evidence is identical.
    assert concatenate([short, long, short]) == batch
    assert assemble_batch([short, long, short]) == batch


def test_a_pdf_of_another_shape_is_left_to_pypdf() -> None:
    # A letter changed by an incremental update: a second cross-reference section.
    writer = PdfWriter(io.BytesIO(letter_pdf("B1", 1)), incremental=True)
    writer.add_metadata({"/Title": "B1 annotated"})
    other = io.BytesIO()
    writer.write(other)
    assert concatenate([letter_pdf("B2", 1), other.getvalue()]) is None
    assembled = PdfReader(io.BytesIO(assemble_batch([letter_pdf("B2", 1), other.getvalue()])))
    assert "B1" in assembled.pages[-2].extract_text() + assembled.pages[-1].extract_text()


def test_an_email_reads_back_with_its_accents_parts_and_attachment() -> None:
    headers = address_headers(
        sender="compta@durand.fr", sender_name="Atelier Durand & Fils, Lyon",
        recipients=["a@client.fr", "b@client.fr"], sent_at=datetime(2026, 9, 21, tzinfo=UTC),
        message_id="<1@durand.fr>", reply_to="relances@durand.fr",
    )  # fmt: skip
    subject = "Rappel – factures F0000000, F0000300, F0000600 non réglées " * 2
    text = "Madame, Monsieur,\nvotre solde impayé est de 1\u202f200,00\xa0€.\n" + "x" * 200
    pdf = bytes(range(256)) * 40
    data = message_bytes(
        subject.strip(), text, "<p>impayé</p>", headers=headers,
        attachments=[Attachment("2026-000301.pdf", pdf)],
    )  # fmt: skip
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    assert data.isascii()
    message = email.message_from_bytes(data, policy=policy.default)
    assert message["Subject"] == subject.strip()
    assert message["From"].addresses[0].display_name == "Atelier Durand & Fils, Lyon"
    assert [a.addr_spec for a in message["To"].addresses] == ["a@client.fr", "b@client.fr"]
    assert message["Message-ID"] == "<1@durand.fr>"
    assert message["Reply-To"] == "relances@durand.fr"
    parts = [p for p in message.walk() if not p.is_multipart()]
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html", "application/pdf"]
    # CRLF on the wire, as every mail client reads it.
    assert parts[0].get_content().replace("\r\n", "\n") == text + "\n"
    assert parts[1].get_content().replace("\r\n", "\n") == "<p>impayé</p>\n"
    assert parts[2].get_filename() == "2026-000301.pdf"
    assert parts[2].get_content() == pdf


def test_a_header_with_a_line_break_is_refused() -> None:
    with pytest.raises(ValueError, match="line break"):
        message_bytes("Rappel\r\nBcc: x@y.fr", "t", "h", headers=[("From", "a@b.fr")])
