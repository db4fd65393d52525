"""The declaration of claim (déclaration de créance) as an A4 PDF, in French, to send by
registered mail to the mandataire judiciaire or liquidateur (docs/prevention.md).

It says who declares and against whom, the proceedings and their dates, the claim due on
the judgment's day and the claim to fall due apart (C. com. L622-25), interest counted
to the judgment (L622-28), the total, and the list of the documents sent with it
(R622-23); it is dated and signed. Drawn with the TTF fonts the letters use, so every
accent and the euro sign print.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from relance.adapters.render.pdf_page import Fonts, unicode_fonts, wrap
from relance.core.claim_declaration import ClaimLine, Declaration
from relance.core.insolvency import Procedure
from relance.core.letter import format_day, format_money, format_short_day
from relance.core.money import Money, total

WIDTH, HEIGHT = A4
LEFT, RIGHT, BOTTOM = 20 * mm, WIDTH - 20 * mm, 22 * mm
LOCALE = "fr"
_PROCEDURES = {
    Procedure.SAUVEGARDE: "procédure de sauvegarde",
    Procedure.REDRESSEMENT: "redressement judiciaire",
    Procedure.LIQUIDATION: "liquidation judiciaire",
    Procedure.SURENDETTEMENT: "procédure de surendettement",
}
_COLUMNS = ("Facture", "Date", "Échéance", "Principal", "Intérêts", "Indemnité", "Total")
_X = (LEFT + 2 * mm, LEFT + 28 * mm, LEFT + 50 * mm, RIGHT - 74 * mm, RIGHT - 50 * mm,
      RIGHT - 26 * mm, RIGHT - 2 * mm)  # fmt: skip


class _Page:
    """A cursor down the pages: writes lines and breaks to a new page when full."""

    def __init__(self, canvas: Canvas, fonts: Fonts, footer: str) -> None:
        self.canvas, self.fonts, self.footer = canvas, fonts, footer
        self.y = HEIGHT - 20 * mm
        self.number = 1

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self._footer()
            self.canvas.showPage()
            self.number += 1
            self.y = HEIGHT - 20 * mm

    def _footer(self) -> None:
        self.canvas.setFont(self.fonts.regular, 7)
        self.canvas.drawCentredString(WIDTH / 2, 10 * mm, f"{self.footer} – page {self.number}")

    def text(self, line: str, size: float = 9.5, bold: bool = False, x: float = LEFT) -> None:
        font = self.fonts.bold if bold else self.fonts.regular
        for part in wrap(line, font, size, RIGHT - x) or [""]:
            self.need(size + 3)
            self.canvas.setFont(font, size)
            self.canvas.drawString(x, self.y, part)
            self.y -= size + 3

    def gap(self, height: float = 3 * mm) -> None:
        self.y -= height

    def finish(self) -> None:
        self._footer()
        self.canvas.showPage()


def render_declaration(declaration: Declaration) -> bytes:
    """The declaration as PDF bytes (one page, more for a long list of invoices)."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
        canvas.setTitle(f"Déclaration de créance – {declaration.customer.name}")
        page = _Page(canvas, unicode_fonts(), _footer(declaration))
        _heading(page, declaration)
        _parties(page, declaration)
        _claims(page, declaration)
        _closing(page, declaration)
        page.finish()
        canvas.save()
        return buffer.getvalue()
    finally:
        rl_config.useA85 = saved


def _footer(d: Declaration) -> str:
    creditor = d.creditor
    parts = [creditor.name, creditor.legal_form]
    if creditor.registration_id:
        city = f"RCS {creditor.registration_city} " if creditor.registration_city else "SIREN "
        parts.append(city + creditor.registration_id)
    return " – ".join(p for p in parts if p)


def _heading(page: _Page, d: Declaration) -> None:
    creditor = d.creditor
    page.text(creditor.name, 13, bold=True)
    address = creditor.address
    for line in (*address.lines, f"{address.postal_code} {address.city}".strip()):
        if line:
            page.text(line, 9)
    for line in (creditor.phone, creditor.email):
        if line:
            page.text(line, 9)
    page.y = HEIGHT - 45 * mm
    recipient = d.case.representative or "Mandataire judiciaire"
    for line in wrap(recipient, page.fonts.regular, 10, 80 * mm):
        page.text(line, 10, x=110 * mm)
    if d.case.court:
        page.text(d.case.court, 10, x=110 * mm)
    page.y = HEIGHT - 70 * mm
    page.text("Lettre recommandée avec demande d'avis de réception", 9, x=LEFT)
    page.text(f"Le {format_day(d.made_on, LOCALE)}", 9)
    page.gap()
    page.text("DÉCLARATION DE CRÉANCE", 14, bold=True)
    page.text("Articles L622-24 à L622-26 et R622-23 du Code de commerce", 9)
    page.gap()


def _parties(page: _Page, d: Declaration) -> None:
    customer, case = d.customer, d.case
    debtor = customer.name
    if customer.registration_id:
        debtor += f", SIREN {customer.registration_id[:9]}"
    lines = (*customer.address.lines, customer.address.postal_code, customer.address.city)
    place = " ".join(part for part in lines if part)
    page.text(f"Débiteur : {debtor}" + (f", {place}" if place else ""), bold=True)
    opened = format_day(case.opened, LOCALE)
    words = f"Procédure : {_PROCEDURES[case.procedure]} ouverte par jugement du {opened}"
    if case.court:
        words += f" ({case.court})"
    if case.published is not None:
        words += f", publié au BODACC le {format_day(case.published, LOCALE)}"
        if case.notice_id:
            words += f" (annonce {case.notice_id})"
    page.text(words + ".")
    if d.deadline is not None:
        page.text(f"Délai de déclaration : jusqu'au {format_day(d.deadline, LOCALE)} inclus.")
    page.gap()
    page.text(
        f"{d.creditor.name} déclare au passif de {customer.name} la créance ci-dessous, "
        "à titre chirographaire, arrêtée au jour du jugement d'ouverture : les intérêts "
        "cessent de courir à cette date (article L622-28 du Code de commerce)."
    )
    page.gap()


def _claims(page: _Page, d: Declaration) -> None:
    _table(page, "Créances échues au jour du jugement", d.due, d.currency)
    if d.to_fall_due:
        _table(page, "Créances à échoir (avec leur date d'échéance)", d.to_fall_due, d.currency)
    page.gap(2 * mm)
    for label, amount in (
        ("Principal échu", d.due_principal),
        ("Principal à échoir", d.to_fall_due_principal),
        ("Intérêts de retard arrêtés au jour du jugement", d.interest),
        ("Indemnités forfaitaires pour frais de recouvrement", d.indemnities),
    ):
        _amount_line(page, label, amount, bold=False)
    _amount_line(page, "Montant total déclaré", d.total, bold=True)
    for note in d.notes:
        page.text(f"Note : {note}", 8)
    page.gap()


def _amount_line(page: _Page, label: str, amount: Money, bold: bool) -> None:
    page.need(14)
    font = page.fonts.bold if bold else page.fonts.regular
    page.canvas.setFont(font, 10 if bold else 9.5)
    page.canvas.drawString(LEFT + 2 * mm, page.y, label)
    page.canvas.drawRightString(RIGHT - 2 * mm, page.y, format_money(amount, LOCALE))
    page.y -= 14


def _table(page: _Page, title: str, lines: Sequence[ClaimLine], currency: str) -> None:
    page.text(title, 10.5, bold=True)
    page.need(24)
    canvas = page.canvas
    canvas.setFillGray(0.9)
    canvas.rect(LEFT, page.y - 2 * mm, RIGHT - LEFT, 6 * mm, 0, 1)
    canvas.setFillGray(0)
    canvas.setFont(page.fonts.bold, 8.5)
    for index, (name, x) in enumerate(zip(_COLUMNS, _X, strict=True)):
        (canvas.drawString if index < 3 else canvas.drawRightString)(x, page.y, name)
    page.y -= 7 * mm
    if not lines:
        page.text("néant", 9, x=LEFT + 2 * mm)
        return
    for line in lines:
        page.need(12)
        canvas.setFont(page.fonts.regular, 9)
        whole = line.principal + line.interest + line.indemnity
        cells = (
            line.invoice_number, format_short_day(line.issue_date, LOCALE),
            format_short_day(line.due_date, LOCALE),
            *(format_money(m, LOCALE) for m in (line.principal, line.interest, line.indemnity,
                                                whole)),
        )  # fmt: skip
        for index, (cell, x) in enumerate(zip(cells, _X, strict=True)):
            (canvas.drawString if index < 3 else canvas.drawRightString)(x, page.y, cell)
        page.y -= 12
    subtotal = total((ln.principal + ln.interest + ln.indemnity for ln in lines), currency)
    canvas.line(LEFT, page.y + 8, RIGHT, page.y + 8)
    page.y -= 3
    _amount_line(page, "Sous-total", subtotal, bold=True)
    page.gap(2 * mm)


def _closing(page: _Page, d: Declaration) -> None:
    page.text("Pièces justificatives jointes (bordereau) :", 10, bold=True)
    for index, document in enumerate(d.documents, start=1):
        page.text(f"{index}. {document}", 9, x=LEFT + 4 * mm)
    page.gap()
    page.text(
        "Je certifie la présente déclaration sincère et véritable. Elle interrompt la "
        "prescription jusqu'à la clôture de la procédure (article L622-25-1 du Code de "
        "commerce).",
        9,
    )
    page.gap()
    page.need(20 * mm)  # the date and the signature stay together
    city = d.creditor.address.city
    page.text(f"Fait à {city}, le {format_day(d.made_on, LOCALE)}" if city else
              f"Fait le {format_day(d.made_on, LOCALE)}")  # fmt: skip
    page.gap(8 * mm)
    signatory = d.creditor.signatory_name or d.creditor.name
    page.text(signatory, bold=True)
    if d.creditor.signatory_title:
        page.text(d.creditor.signatory_title, 9)
