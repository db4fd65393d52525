"""How to pay, as a letter prints it: one line per accepted method the creditor can take
and, for a transfer in euros, the EPC QR code a banking app scans."""

from __future__ import annotations

import segno
from reportlab.lib.units import mm

from relance.adapters.render.epc import EpcProblem, epc_payload, epc_qr
from relance.adapters.render.labels import label
from relance.adapters.render.pdf_page import Page, wrap
from relance.core.addressing import country_name, creditor_phone, is_abroad
from relance.core.letter import Letter, PaymentMethod


def payment_lines(letter: Letter) -> list[str]:
    """How to pay, one line per accepted method the creditor can take (letters and e-mails)."""
    creditor = letter.creditor
    lang = letter.language
    lines: list[str] = []
    for method in letter.payment_methods:
        if method is PaymentMethod.TRANSFER and creditor.iban:
            bic = label(lang, "bic", bic=creditor.bic) if creditor.bic else ""
            lines.append(
                label(lang, "transfer", iban=creditor.iban, bic=bic, ref=letter.rf_reference)
            )
        elif method is PaymentMethod.CHEQUE:
            address = ", ".join(
                [
                    *creditor.address.lines,
                    f"{creditor.address.postal_code} {creditor.address.city}".strip(),
                    *([country_name(creditor.country, lang)] if is_abroad(letter) else []),
                ]
            )
            lines.append(label(lang, "cheque", name=creditor.name, address=address))
        elif method is PaymentMethod.CARD and creditor.phone:
            lines.append(label(lang, "card", phone=creditor_phone(letter)))
    return lines


def epc_payload_qr(letter: Letter) -> segno.QRCode | None:
    """The EPC069-12 QR code (SEPA credit transfer) for the total due, or None.

    Only a creditor with an IBAN, writing in euros, gets one: the EPC format carries
    euros only. The RF reference goes in the structured remittance field.
    """
    creditor = letter.creditor
    if not creditor.iban or letter.currency != "EUR" or not letter.total_due.is_positive:
        return None
    try:
        payload = epc_payload(
            name=creditor.name,
            iban=creditor.iban,
            amount=letter.total_due,
            reference=letter.rf_reference,
            bic=creditor.bic,
        )
    except EpcProblem:
        return None  # the letter still says how to pay by transfer, in words
    return epc_qr(payload)


# The last code drawn and where, with its operators: a letter laid out twice (to fit on
# fewer pages) writes them once. A segno code cannot be a key of a cache (unhashable).
_last_qr: list[tuple[segno.QRCode, tuple[float, float, float], str]] = []


def _draw_qr(page: Page, qr: segno.QRCode, x: float, top: float, size: float) -> None:
    where = (x, top, size)
    # Read once: another thread (the workbench's previews) may replace the entry meanwhile.
    last = _last_qr[0] if _last_qr else None
    if last is None or last[0] is not qr or last[1] != where:
        last = (qr, where, _qr_operators(qr, x, top, size))
        _last_qr[:] = [last]
    page.canvas.addLiteral(last[2])


def _qr_operators(qr: segno.QRCode, x: float, top: float, size: float) -> str:
    # Drawn as PDF operators in module units under one transform, one rectangle per run of
    # dark modules: a few hundred short operators, no image to encode, sharp at any zoom.
    matrix = qr.matrix
    count = len(matrix)
    module = size / count
    ops = [f"q 0 g {module:.4f} 0 0 {module:.4f} {x:.3f} {top - size:.3f} cm"]
    for r, row in enumerate(matrix):
        y = count - 1 - r
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                ops.append(f"{start} {y} {c - start} 1 re")
            else:
                c += 1
    ops.append("f Q")
    return "\n".join(ops)


def draw_payment(page: Page, pdf_qr: segno.QRCode | None) -> None:
    """How to pay, one bullet per method, with the EPC QR code on the right when there is one."""
    letter = page.letter
    lang = letter.language
    qr_size = 26 * mm if pdf_qr else 0.0
    lines = payment_lines(letter)
    name, size = page.font(size=8.5)
    width = page.right - page.left - (qr_size + 8 * mm if qr_size else 0) - 3 * mm
    # (first line of an item?, text): a bullet is drawn as a dot, not a glyph, because
    # text extraction reads the base fonts' bullet as an unknown character.
    wrapped = [
        (index == 0, part)
        for line in lines
        for index, part in enumerate(wrap(line, name, size, width))
    ]
    height = max(len(wrapped) * 11 + 14, qr_size + 10 if qr_size else 0)
    page.ensure(height + 12)
    page.y -= 12
    top = page.y
    page.font(bold=True)
    page.put(page.left, page.y, label(lang, "how_to_pay"))
    page.y -= 12
    page.font(size=8.5)
    for first, line in wrapped:
        if first:
            page.canvas.circle(page.left + 1 * mm, page.y + 2.6, 1.1, stroke=0, fill=1)
        page.put(page.left + 3 * mm, page.y, line)
        page.y -= 11
    if pdf_qr is not None:
        qr_left = page.right - qr_size - 4 * mm
        _draw_qr(page, pdf_qr, qr_left, top + 3 * mm, qr_size)
        page.font(size=6)
        page.canvas.drawCentredString(
            qr_left + qr_size / 2, top - qr_size + 0.5 * mm, label(lang, "qr_caption")
        )
        page.text.append(label(lang, "qr_caption"))
    page.y = min(page.y, top - height + 6) - 3 * mm
